"""Importing ammunition stock lists: lots by quantity, through the safety checks."""

import pytest

from pssm.ammunition.models import LotBalance
from pssm.imports import services
from pssm.movements.models import Voucher


def run(depot, path, **kwargs):
    return services.ammunition_import(actor=depot.commander, site=depot.site, path=path, **kwargs)


def test_a_stock_list_imports_lots_with_a_report(depot, tmp_path):
    s1 = depot.s1.code.rsplit("-", 2)[-2] + "-S01"  # "ESH01-S01"
    path = tmp_path / "stock.csv"
    path.write_text(
        "N° de lot;Nature;Quantité;Emplacement;Fabricant;Année;État\n"
        f"MMP19C012-004;CTG-762X39-BALL;26 400;{s1};Norinco;2019;A\n"
        f"EX16B020-002;Mortar bomb 82 mm O-832D HE (unfuzed);60;{s1};Explosia;2016;C\n"
        f"ZZ-1;CTG-762X39-BAL;10;{s1};;;A\n"
        f"ZZ-2;CTG-9X19-BALL;dix;{s1};;;A\n"
        f"MMP19C012-004;CTG-762X39-BALL;5;{s1};;;A\n"
        "ZZ-3;CTG-9X19-BALL;5;NOWHERE;;;A\n",
        encoding="utf-8",
    )

    outcome = run(depot, path)

    assert (outcome.imported, outcome.rejected) == (2, 4), outcome.rejects
    reasons = {row: reason for row, _c, reason in outcome.rejects}
    assert "CTG-762X39-BALL" in reasons[4]  # a suggestion for the typo
    assert reasons[5].startswith("Quantité")
    assert "row 2" in reasons[6]
    assert "NOWHERE" in reasons[7]
    assert depot.balance("MMP19C012-004", depot.s1) == 26400
    assert Voucher.objects.get(site=depot.site).state == "posted"

    again = run(depot, path)
    assert again.imported == 0 and again.skipped == 6
    assert depot.balance("MMP19C012-004", depot.s1) == 26400


def test_an_incompatible_chunk_is_rejected_whole(depot, tmp_path):
    depot.receive("TNT-1", 500, "CHG-DEMO-TNT-400", location=depot.s2)
    path = tmp_path / "det.csv"
    path.write_text(
        f"lot number,nature,quantity,location\nDET-9,DET-NONEL,100,{depot.s2.code}\n",
        encoding="utf-8",
    )

    outcome = run(depot, path)

    assert outcome.imported == 0 and outcome.rejected == 1
    assert "CG.COND.1" in outcome.rejects[0][2]
    assert not LotBalance.objects.filter(lot__lot_number="DET-9").exists()


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_stock_export_then_import_into_an_empty_database_gives_the_same_stock(
    depot, client, tmp_path, fmt
):
    from django.db import transaction

    from pssm.ammunition.models import Lot

    def snapshot():
        return sorted(
            LotBalance.objects.filter(quantity__gt=0, location__isnull=False).values_list(
                "lot__lot_number",
                "lot__nature__code",
                "lot__manufacturer",
                "lot__year_of_manufacture",
                "lot__condition_code",
                "site__code",
                "location__code",
                "quantity",
            )
        )

    class Rollback(Exception):
        pass

    client.force_login(depot.commander)
    url = f"/ammunition/lots/?site={depot.site.code}&format={fmt}&by=location"
    with pytest.raises(Rollback), transaction.atomic():
        depot.receive(
            "MMP19C012-004",
            26400,
            "CTG-762X39-BALL",
            manufacturer="Norinco",
            year_of_manufacture=2019,
        )
        depot.receive("MMP19C012-005", 1200, "CTG-762X39-BALL", location=depot.s1b)
        depot.receive("EX16B020-002", 60, "MORT-82-HE", location=depot.s2, condition_code="C")
        before = snapshot()
        response = client.get(url)
        content = b"".join(response.streaming_content) if fmt == "csv" else response.content
        raise Rollback
    assert not Lot.objects.exists() and len(before) == 3
    path = tmp_path / f"stock.{fmt}"
    path.write_bytes(content)

    outcome = run(depot, path)

    assert (outcome.imported, outcome.rejected) == (3, 0), outcome.rejects
    assert snapshot() == before


def test_a_nul_character_rejects_that_row_only(depot, tmp_path):
    s1 = depot.s1.code.rsplit("-", 2)[-2] + "-S01"
    path = tmp_path / "stock.csv"
    padding = "".join(f"ZZ-{i};CTG-762X39-BALL;0;{s1};\n" for i in range(200))  # past 4 kB
    path.write_text(
        "N° de lot;Nature;Quantité;Emplacement;Fabricant\n"
        + padding
        + f"MMP19C012-004;CTG-762X39-BALL;100;{s1};Nor\x00inco\n"
        f"MMP19C012-005;CTG-762X39-BALL;100;{s1};Norinco\n",
        encoding="utf-8",
    )

    outcome = run(depot, path)

    assert (outcome.imported, outcome.rejected) == (1, 201)
    row, _cells, reason = outcome.rejects[-1]
    assert row == 202 and reason.startswith("Fabricant") and "NUL" in reason
    assert depot.balance("MMP19C012-005", depot.s1) == 100


def test_a_row_above_the_lot_limits_is_rejected_naming_the_quantity(depot, tmp_path):
    nature = depot.natures["CTG-762X39-BALL"]
    nature.max_lot_quantity = 500_000
    nature.save()
    path = tmp_path / "stock.csv"
    path.write_text(
        "lot number,nature,quantity,location\n"
        f"OK-1,CTG-762X39-BALL,400000,{depot.s1.code}\n"
        f"BIG-2,CTG-762X39-BALL,4000000,{depot.s1.code}\n"
        f"HUGE-3,CHG-DEMO-TNT-400,900000000,{depot.s1.code}\n",
        encoding="utf-8",
    )

    outcome = run(depot, path)

    assert (outcome.imported, outcome.rejected) == (1, 2), outcome.rejects
    reasons = {row: reason for row, _c, reason in outcome.rejects}
    assert reasons[3].startswith("quantity") and "500000" in reasons[3]
    assert reasons[4].startswith("quantity") and "NEQ.MAX_LOT_KG" in reasons[4]
    assert not LotBalance.objects.filter(lot__lot_number__in=["BIG-2", "HUGE-3"]).exists()
