"""A dispatch abroad (issue 19, build item 1; ATT art. 7 and 11): the export voucher carries its
record (importing state, export licence, end-user certificate), is approved above the site,
and leaves each weapon exported, out of custody, for good."""

import pytest
from django.urls import reverse

from pssm.domain.errors import PermissionDeniedError, ValidationError
from pssm.journal.models import JournalEntry
from pssm.movements import services
from pssm.movements.models import Voucher
from pssm.registry.models import Weapon

RECORD = {
    "importing_state": "sn",
    "export_licence": "EXP-2026-004",
    "end_user_certificate": "EUC-1",
}


def _export(kti, serials, **record):
    voucher = services.voucher_create(
        actor=kti.keeper, site=kti.site, kind="export", **{**RECORD, **record}
    )
    for serial in serials:
        services.voucher_line_add(actor=kti.keeper, voucher=voucher, serial=serial)
    services.voucher_submit(actor=kti.keeper, voucher=voucher)
    return voucher


def test_an_export_approved_above_the_site_leaves_the_weapons_exported(kti, make):
    kti.receive("EX-1", "EX-2", "STAY-1")
    voucher = _export(kti, ["EX-1", "EX-2"])
    national = make.user("national_authority", kti.site.organisation.country)

    assert voucher.above_site and voucher.importing_state == "SN"
    with pytest.raises(PermissionDeniedError):  # the site's own commander is not enough
        services.voucher_approve(actor=kti.commander, voucher=voucher)
    services.voucher_approve(actor=national, voucher=voucher)

    weapons = dict(Weapon.objects.values_list("serial", "status"))
    assert weapons == {"EX-1": "exported", "EX-2": "exported", "STAY-1": "in_store"}
    assert not Weapon.objects.filter(serial="EX-1", location__isnull=False).exists()
    posted = JournalEntry.objects.filter(kind="voucher.posted").order_by("-seq").first()
    assert posted.payload_data["importing_state"] == "SN"
    assert posted.payload_data["export_licence"] == "EXP-2026-004"


def test_an_exported_weapon_cannot_be_issued_or_reported_lost(kti, make):
    kti.receive("EX-3")
    voucher = _export(kti, ["EX-3"])
    services.voucher_approve(
        actor=make.user("national_authority", kti.site.organisation.country), voucher=voucher
    )
    issue = services.voucher_create(actor=kti.keeper, site=kti.site, kind="loss", reason="stolen")

    with pytest.raises(ValidationError, match="already out of custody"):
        services.voucher_line_add(actor=kti.keeper, voucher=issue, serial="EX-3")


@pytest.mark.parametrize(
    ("record", "field"),
    [
        ({"importing_state": ""}, "importing_state"),
        ({"importing_state": "Sénégal"}, "importing_state"),
        ({"importing_state": "ML"}, "importing_state"),  # the site's own country
        ({"export_licence": ""}, "export_licence"),
        ({"end_user_certificate": " "}, "end_user_certificate"),
        ({"police_report": "PV-1"}, "police_report"),  # not a field of an export
    ],
)
def test_an_incomplete_export_record_is_refused_naming_the_field(kti, record, field):
    before = Voucher.objects.count()

    with pytest.raises(ValidationError) as refused:
        services.voucher_create(
            actor=kti.keeper, site=kti.site, kind="export", **{**RECORD, **record}
        )

    assert field in refused.value.details
    assert Voucher.objects.count() == before


def test_an_issued_weapon_is_refused_on_an_export(kti):
    kti.receive("EX-4")
    kti.post("issue", ["EX-4"], custodian_unit="1re compagnie")
    voucher = services.voucher_create(actor=kti.keeper, site=kti.site, kind="export", **RECORD)

    with pytest.raises(ValidationError, match="Only a weapon in store can be exported"):
        services.voucher_line_add(actor=kti.keeper, voucher=voucher, serial="EX-4")
    assert not voucher.lines.exists()


def test_the_export_form_asks_for_the_record_and_the_pdf_prints_it(client, kti):
    kti.keeper.preferred_language = "en"
    kti.keeper.save(update_fields=["preferred_language"])
    client.force_login(kti.keeper)
    url = reverse("movements:voucher_create") + f"?site={kti.site.code}&kind=export"

    page = client.get(url).content.decode()
    refused = client.post(url, {"importing_state": "SN", "export_licence": "L-1"})
    assert "Importing state (ISO code)" in page and "Importer (consignee abroad)" in page
    assert refused.status_code == 200 and not Voucher.objects.filter(kind="export").exists()
    assert "This field is required." in refused.content.decode()

    done = client.post(url, {**RECORD, "importer": "Forces armées (démonstration)"})
    voucher = Voucher.objects.get(kind="export")
    assert done.status_code == 302 and voucher.importer.startswith("Forces armées")
    pdf = client.get(reverse("movements:voucher_pdf", args=[voucher.pk]))
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
