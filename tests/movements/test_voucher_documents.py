"""Import records on receipts from abroad and police report references on loss reports
(ISACS 05.30, ITI): checked, shown, printed and journaled."""

import json
from datetime import date, timedelta

import pytest

from pssm.domain.errors import ValidationError
from pssm.journal.models import JournalEntry
from pssm.movements import services


def test_a_receipt_from_abroad_carries_its_import_record(kti, client):
    v = services.voucher_create(
        actor=kti.keeper,
        site=kti.site,
        kind="receipt",
        reason="acquisition",
        location=kti.rack,
        importer="Direction du matériel",
        import_date=date(2026, 3, 2),
        exporting_state="cz",
        import_licence="ML-IMP-2026-014",
        end_user_certificate="EUC-2026-0031",
    )
    services.voucher_line_add(actor=kti.keeper, voucher=v, serial="CZ-1", weapon_type=kti.ak)
    services.voucher_submit(actor=kti.keeper, voucher=v)
    services.voucher_approve(actor=kti.commander, voucher=v)

    v.refresh_from_db()
    assert v.exporting_state == "CZ"
    posted = json.loads(JournalEntry.objects.filter(kind="voucher.posted").latest("seq").payload)
    assert (
        posted["end_user_certificate"] == "EUC-2026-0031" and posted["import_date"] == "2026-03-02"
    )
    client.force_login(kti.keeper)
    page = client.get(f"/movements/vouchers/{v.pk}/").content.decode()
    assert "EUC-2026-0031" in page and "ML-IMP-2026-014" in page
    pdf = client.get(f"/movements/vouchers/{v.pk}/pdf/")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"


@pytest.mark.parametrize(
    ("fields", "bad"),
    [
        ({"exporting_state": "CZE", "import_date": date(2026, 1, 1)}, "exporting_state"),
        ({"exporting_state": "CZ"}, "import_date"),
        ({"exporting_state": "CZ", "import_date": date.today() + timedelta(days=3)}, "import_date"),
        ({"importer": "X"}, "exporting_state"),
    ],
)
def test_a_bad_import_record_is_refused_naming_the_field(kti, fields, bad):
    with pytest.raises(ValidationError) as err:
        services.voucher_create(
            actor=kti.keeper,
            site=kti.site,
            kind="receipt",
            reason="acquisition",
            location=kti.rack,
            **fields,
        )
    assert bad in err.value.details


def test_a_loss_report_names_its_police_report_and_other_kinds_take_none(kti, api_client):
    kti.receive("AK-9")
    api_client.force_authenticate(kti.keeper)

    made = api_client.post(
        "/api/v1/vouchers/",
        {"site": kti.site.code, "kind": "loss", "reason": "stolen", "police_report": "PV 114/2026"},
        format="json",
    )
    refused = api_client.post(
        "/api/v1/vouchers/",
        {"site": kti.site.code, "kind": "issue", "custodian_unit": "S", "police_report": "PV"},
        format="json",
    )

    assert made.status_code == 201 and made.json()["police_report"] == "PV 114/2026"
    assert refused.status_code == 400 and "police_report" in refused.json()["details"]
