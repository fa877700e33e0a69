"""Transfer documents of receipts from abroad, trace requests and their answers, and the
lost and stolen weapons exported for iARMS."""

import csv
import io
import json
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from pssm.domain.errors import ConflictError, PermissionDeniedError, ValidationError
from pssm.journal.models import JournalEntry
from pssm.movements import services as mv
from pssm.registry.models import Weapon, WeaponType
from pssm.tracing import selectors, services
from pssm.tracing.models import TraceRequest, TransferDocument


def _receipt(kti, serials=("IM-1",), weapon_type=None, **documents):
    documents = {
        "importer": "DMA",
        "import_date": timezone.localdate() - timedelta(days=3),
        "exporting_state": "RS",
        "import_licence": "LIC-9",
        "end_user_certificate": "EUC-9",
        **documents,
    }
    v = mv.voucher_create(
        actor=kti.keeper,
        site=kti.site,
        kind="receipt",
        reason="acquisition",
        location=kti.rack,
        **documents,
    )
    for s in serials:
        mv.voucher_line_add(
            actor=kti.keeper, voucher=v, serial=s, weapon_type=weapon_type or kti.ak
        )
    return v


def test_the_documents_of_a_receipt_from_abroad_are_recorded_and_journaled(kti):
    v = _receipt(kti)
    today = timezone.localdate()

    doc = services.transfer_document_save(
        actor=kti.keeper,
        voucher=v,
        exporter="Exporter",
        carrier="Air cargo",
        shipped_on=today - timedelta(days=5),
        arrived_on=today - timedelta(days=3),
    )

    assert doc.direction == "import" and doc.counterpart_state == "RS"
    assert doc.licence_number == "LIC-9" and doc.end_user_certificate == "EUC-9"  # from voucher
    entry = JournalEntry.objects.filter(kind="transfer_document.created").latest("seq")
    assert json.loads(entry.payload)["carrier"] == "Air cargo"


@pytest.mark.parametrize(
    "values, field",
    [
        ({"counterpart_state": "Serbia"}, "counterpart_state"),
        ({"counterpart_state": "ML"}, "counterpart_state"),
        ({"regional_exemption": "ECOWAS-EX-1"}, "regional_exemption"),  # Mali left ECOWAS
        ({"att_category": "VIII.SA.1"}, "att_category"),  # pistols, not assault rifles
        ({"att_category": "IX"}, "att_category"),
        ({"shipped_on": "future"}, "shipped_on"),
        ({"arrived_on": "before"}, "arrived_on"),
        ({"colour": "red"}, "colour"),
    ],
)
def test_bad_transfer_documents_are_refused_naming_the_field_and_change_nothing(kti, values, field):
    v = _receipt(kti)
    today = timezone.localdate()
    if values.get("shipped_on") == "future":
        values = {"shipped_on": today + timedelta(days=1)}
    if values.get("arrived_on") == "before":
        values = {"shipped_on": today - timedelta(days=1), "arrived_on": today - timedelta(days=2)}
    before = JournalEntry.objects.count()

    with pytest.raises(ValidationError) as exc:
        services.transfer_document_save(actor=kti.keeper, voucher=v, **values)

    assert field in exc.value.details
    assert not TransferDocument.objects.exists() and JournalEntry.objects.count() == before


def test_a_regional_exemption_number_is_taken_where_the_instrument_grants_one(make):
    from tests.movements.conftest import Armoury

    make.country("NG", "Nigeria", "en")
    nigeria = make.site(make.organisation(make.country("NG"), code="NGA"), code="NGKAD")
    lagos = Armoury.__new__(Armoury)
    lagos.site = nigeria
    building = make.building(nigeria, code="ARM01", kind="armoury_room")
    lagos.rack = make.location(building, code="R01")
    lagos.keeper = make.user("storekeeper", nigeria, username="keeper-ng")
    lagos.ak = WeaponType.objects.get(make="Kalashnikov", model="AKM")
    v = _receipt(lagos, ("NG-1",))

    doc = services.transfer_document_save(
        actor=lagos.keeper, voucher=v, regional_exemption="ECOWAS-EX-2026-3"
    )

    assert doc.regional_exemption == "ECOWAS-EX-2026-3"


def test_a_mortar_of_82_mm_may_be_reported_as_artillery_but_not_as_a_light_weapon(kti):
    mortar = WeaponType.objects.create(
        category="mortar", make="Test", model="M-82", calibre="82 mm"
    )
    v = _receipt(kti, ("MO-1",), weapon_type=mortar)

    with pytest.raises(ValidationError):
        services.transfer_document_save(actor=kti.keeper, voucher=v, att_category="VIII.LW.6")
    doc = services.transfer_document_save(actor=kti.keeper, voucher=v, att_category="III")

    assert doc.att_category == "III"


def test_transfer_documents_go_only_on_receipts_by_acquisition(kti):
    kti.receive("HX-1")
    issue = mv.voucher_create(actor=kti.keeper, site=kti.site, kind="issue", custodian_unit="U")

    with pytest.raises(ValidationError) as exc:
        services.transfer_document_save(actor=kti.keeper, voucher=issue, counterpart_state="FR")
    assert "voucher" in exc.value.details


def test_someone_of_another_site_cannot_record_the_documents(kti, seg):
    v = _receipt(kti)

    with pytest.raises(PermissionDeniedError):
        services.transfer_document_save(actor=seg.keeper, voucher=v)


def _pdf():
    return SimpleUploadedFile("lic.pdf", b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\n%%EOF\n")


def test_a_scanned_licence_is_attached_and_downloaded_by_who_sees_the_site(kti, seg, client):
    v = _receipt(kti)
    doc = services.transfer_document_save(actor=kti.keeper, voucher=v)

    attachment = services.transfer_attachment_add(
        actor=kti.keeper, document=doc, upload=_pdf(), caption="Licence"
    )

    client.force_login(kti.commander)
    got = client.get(f"/tracing/transfers/attachments/{attachment.pk}/")
    assert got.status_code == 200 and b"".join(got.streaming_content).startswith(b"%PDF")
    client.force_login(seg.keeper)
    assert client.get(f"/tracing/transfers/attachments/{attachment.pk}/").status_code == 404


@pytest.mark.parametrize("content", [b"MZ\x90\x00 not a document", b"%PDF-1.4 cut short", b""])
def test_an_attachment_that_is_neither_a_pdf_nor_a_photo_is_refused(kti, content):
    doc = services.transfer_document_save(actor=kti.keeper, voucher=_receipt(kti))

    with pytest.raises(ValidationError) as exc:
        services.transfer_attachment_add(
            actor=kti.keeper, document=doc, upload=SimpleUploadedFile("x.exe", content)
        )
    assert "file" in exc.value.details


def test_transfer_documents_are_searchable(kti, client):
    doc = services.transfer_document_save(
        actor=kti.keeper, voucher=_receipt(kti), carrier="Sahel Air Cargo"
    )
    client.force_login(kti.commander)

    found = client.get("/tracing/transfers/?q=sahel air").content.decode()
    missed = client.get("/tracing/transfers/?q=nothing-like-it").content.decode()

    assert doc.voucher.number in found and doc.voucher.number not in missed
    assert [
        d.pk for d in selectors.transfer_document_list(user=kti.commander, filters={"q": "EUC-9"})
    ] == [doc.pk]


# --- trace requests ----------------------------------------------------------------------


@pytest.fixture
def authority(make, kti):
    return make.user("national_authority", make.country(), username="authority-tr")


def _request(authority, **values):
    today = timezone.localdate()
    data = {
        "country": authority.grants.get().country,
        "direction": "received",
        "requester_kind": "state",
        "counterpart": "Niger",
        "make": "Kalashnikov",
        "model": "AKM",
        "serial": "AK-1OO5",
        "received_on": today - timedelta(days=2),
        "deadline": today + timedelta(days=28),
        **values,
    }
    return services.trace_request_create(actor=authority, **data)


def test_a_trace_request_finds_exact_and_near_matches_ranked(kti, authority):
    kti.receive("AK-1005", "AK-1006", "BK-1005")

    trace = _request(authority)

    found = selectors.trace_candidates(user=authority, request=trace)
    serials = [c.weapon.serial for c in found]
    assert serials[0] == "AK-1005" and found[0].match == "normalised"  # O read for 0
    assert {"AK-1006", "BK-1005"} <= set(serials)  # one character off
    assert found[0].same_make and found[0].same_model
    assert trace.number.startswith(f"TR-ML-{timezone.localdate().year}-")


@pytest.mark.parametrize(
    "values, field",
    [
        ({"serial": "", "marks": ""}, "serial"),
        ({"serial": " - / "}, "serial"),
        ({"make": "", "model": "", "calibre": ""}, "make"),
        ({"counterpart": " "}, "counterpart"),
        ({"direction": "lost"}, "direction"),
        ({"deadline": "before"}, "deadline"),
        ({"received_on": "future"}, "received_on"),
    ],
)
def test_a_trace_request_that_cannot_be_searched_is_refused_and_nothing_is_written(
    authority, values, field
):
    today = timezone.localdate()
    if values.get("deadline") == "before":
        values = {"deadline": today - timedelta(days=5)}
    if values.get("received_on") == "future":
        values = {"received_on": today + timedelta(days=1)}
    before = JournalEntry.objects.count()

    with pytest.raises(ValidationError) as exc:
        _request(authority, **values)

    assert field in exc.value.details
    assert not TraceRequest.objects.exists() and JournalEntry.objects.count() == before


def test_a_storekeeper_cannot_record_a_trace_request(kti, authority):
    with pytest.raises(PermissionDeniedError):
        services.trace_request_create(
            actor=kti.keeper,
            country=authority.grants.get().country,
            direction="received",
            requester_kind="state",
            counterpart="Niger",
            serial="X1",
            make="A",
            received_on=timezone.localdate(),
            deadline=timezone.localdate(),
        )


def test_the_answer_is_a_pdf_built_from_the_weapons_history(kti, authority, client):
    kti.receive("AK-1005")
    kti.post("issue", ["AK-1005"], custodian_unit="Section")
    trace = _request(authority)
    weapon = Weapon.objects.get(serial="AK-1005")

    services.trace_request_answer(
        actor=authority, request=trace, outcome="identified", weapon=weapon, answer="Held."
    )

    client.force_login(authority)
    # (the French wording comes with the catalogue; the history rows are there in both)
    for lang, word in (("fr", "AK-1005"), ("en", "History in the registry")):
        pdf = client.get(f"/tracing/requests/{trace.pk}/answer.pdf?lang={lang}")
        assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
        from tests.reports.test_signoff_and_outputs import _pdf_text

        text = _pdf_text(pdf.content)
        assert word in text and "KTI/" in text  # the receipt and the issue vouchers
    entry = JournalEntry.objects.filter(kind="trace_request.answered").latest("seq")
    assert json.loads(entry.payload)["on_time"] is True


def test_an_answer_is_recorded_once_and_names_a_weapon_only_when_identified(kti, authority):
    kti.receive("AK-1005")
    trace = _request(authority)
    weapon = Weapon.objects.get(serial="AK-1005")

    with pytest.raises(ValidationError):
        services.trace_request_answer(
            actor=authority, request=trace, outcome="identified", answer="x"
        )
    with pytest.raises(ValidationError):
        services.trace_request_answer(
            actor=authority, request=trace, outcome="not_found", weapon=weapon, answer="x"
        )
    services.trace_request_answer(actor=authority, request=trace, outcome="not_found", answer="No.")
    with pytest.raises(ConflictError):
        services.trace_request_answer(
            actor=authority, request=trace, outcome="not_found", answer="Again."
        )


def test_overdue_requests_are_listed_and_counted(kti, authority, client):
    today = timezone.localdate()
    late = _request(
        authority, received_on=today - timedelta(days=40), deadline=today - timedelta(days=1)
    )
    _request(authority)

    client.force_login(authority)
    page = client.get("/tracing/requests/?overdue=1").content.decode()

    assert late.number in page
    assert selectors.trace_overdue_count(user=authority) == {"open": 2, "overdue": 1}


def test_a_trace_request_is_recorded_and_answered_from_the_pages(kti, authority, client):
    kti.receive("AK-1005")
    client.force_login(authority)
    today = timezone.localdate()

    created = client.post(
        "/tracing/requests/new/",
        {
            "country": "ML",
            "direction": "received",
            "requester_kind": "interpol",
            "counterpart": "INTERPOL",
            "make": "Kalashnikov",
            "serial": "AK1005",
            "received_on": today.isoformat(),
            "deadline": (today + timedelta(days=30)).isoformat(),
        },
    )
    trace = TraceRequest.objects.get()
    assert created.status_code == 302
    detail = client.get(f"/tracing/requests/{trace.pk}/").content.decode()
    weapon = Weapon.objects.get(serial="AK-1005")
    assert f'value="{weapon.pk}"' in detail
    client.post(
        f"/tracing/requests/{trace.pk}/",
        {"outcome": "identified", "weapon": weapon.pk, "answer": "Held at KTI."},
    )
    trace.refresh_from_db()
    assert trace.state == "answered" and trace.weapon == weapon


def test_a_request_without_identification_keeps_what_was_typed(authority, client):
    client.force_login(authority)

    page = client.post(
        "/tracing/requests/new/",
        {
            "country": "ML",
            "direction": "received",
            "requester_kind": "state",
            "counterpart": "Tchad",
            "received_on": timezone.localdate().isoformat(),
            "deadline": timezone.localdate().isoformat(),
        },
    ).content.decode()

    assert 'value="Tchad"' in page and "errorlist" in page
    assert not TraceRequest.objects.exists()


# --- lost and stolen -------------------------------------------------------------------------


def test_lost_and_stolen_weapons_export_for_iarms(kti, client):
    kti.receive("LS-1", "LS-2", "LS-3")
    kti.post("loss", ["LS-1"], reason="stolen", police_report="PV-2026-1")
    kti.post("loss", ["LS-2"], reason="lost")
    client.force_login(kti.commander)

    response = client.get("/tracing/lost-stolen/?format=csv")

    rows = list(
        csv.reader(
            io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig")), delimiter=";"
        )
    )  # French: ";" and a BOM
    assert rows[0][:4] == ["Make", "Model", "Calibre", "Serial number"]
    by_serial = {r[3]: r for r in rows[1:]}
    assert set(by_serial) == {"LS-1", "LS-2"}
    assert by_serial["LS-1"][7] == "Stolen" and by_serial["LS-1"][10] == "PV-2026-1"
    assert by_serial["LS-2"][7] == "Lost" and by_serial["LS-2"][6] == "ML"


def test_a_recovered_weapon_leaves_the_iarms_export_unless_asked(kti, client):
    kti.receive("LS-9")
    kti.post("loss", ["LS-9"], reason="stolen")
    v = mv.voucher_create(
        actor=kti.keeper, site=kti.site, kind="receipt", reason="recovery", location=kti.rack
    )
    mv.voucher_line_add(actor=kti.keeper, voucher=v, serial="LS-9")
    mv.voucher_submit(actor=kti.keeper, voucher=v)
    mv.voucher_approve(actor=kti.commander, voucher=v)

    still = selectors.lost_stolen_records(user=kti.commander)
    every = selectors.lost_stolen_records(user=kti.commander, still_missing=False)

    assert list(still) == [] and [line.weapon.serial for line in every] == ["LS-9"]
