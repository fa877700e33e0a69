"""Scanner-friendly entry of serials on a draft (issue 18, build item 4): a pasted list,
each serial confirmed or explained, near serials offered, duplicates flagged, undo, and the
answer in place for htmx."""

from django.urls import reverse

from pssm.journal.models import JournalEntry
from pssm.movements import entry, services


def _loss(kti):
    return services.voucher_create(actor=kti.keeper, site=kti.site, kind="loss", reason="lost")


def test_split_serials_keeps_the_marks_and_the_order():
    text = " AK-1 \r\nAK 2;AK-3,\tAK-4\n\n"

    assert entry.split_serials(text) == ["AK-1", "AK 2", "AK-3", "AK-4"]


def test_a_pasted_list_adds_the_good_serials_and_explains_the_others(kti, seg):
    kti.receive("01317140", "PA-1", "PA-2")
    seg.receive("SEG-9")
    voucher = _loss(kti)
    before = JournalEntry.objects.count()

    results = entry.voucher_lines_enter(
        actor=kti.keeper,
        voucher=voucher,
        text="PA-1\n01317141\npa1\nPA-2\nSEG-9\n",
    )

    assert [r.ok for r in results] == [True, False, False, True, False]
    assert results[1].suggestions == ["01317140"]  # did you mean
    assert results[2].error.code == "conflict"  # the same weapon twice
    assert "SEG-9" not in {line.serial for line in voucher.lines.all()}
    assert sorted(voucher.lines.values_list("serial", flat=True)) == ["PA-1", "PA-2"]
    assert JournalEntry.objects.count() == before + 1


def test_twenty_pasted_serials_through_the_page_in_one_request(client, kti):
    serials = [f"P20-{n:02d}" for n in range(20)]
    kti.receive(*serials)
    voucher = _loss(kti)
    client.force_login(kti.keeper)

    answer = client.post(
        reverse("movements:voucher_line_add", args=[voucher.pk]),
        {"serial": "\n".join(serials)},
        HTTP_HX_REQUEST="true",
    )

    body = answer.content.decode()
    assert answer.status_code == 200
    assert voucher.lines.count() == 20
    assert 'id="voucher-lines" hx-swap-oob="true"' in body
    assert "20" in body and "P20-19" in body and "autofocus" in body
    assert "<html" not in body  # only the entry part comes back


def test_an_unknown_serial_is_answered_in_place_with_a_near_match(client, kti):
    kti.receive("01317140")
    voucher = _loss(kti)
    kti.keeper.preferred_language = "en"  # the user's own language wins over the browser's
    kti.keeper.save(update_fields=["preferred_language"])
    client.force_login(kti.keeper)

    answer = client.post(
        reverse("movements:voucher_line_add", args=[voucher.pk]),
        {"serial": "01317141"},
        HTTP_HX_REQUEST="true",
        HTTP_ACCEPT_LANGUAGE="en",
    )

    body = answer.content.decode()
    assert "Did you mean 01317140?" in body
    assert not voucher.lines.exists()


def test_undo_takes_the_scan_off_in_place(client, kti):
    kti.receive("UN-1")
    voucher = _loss(kti)
    [result] = entry.voucher_lines_enter(actor=kti.keeper, voucher=voucher, text="UN-1")
    client.force_login(kti.keeper)

    answer = client.post(
        reverse("movements:voucher_line_remove", args=[voucher.pk, result.line.pk]),
        HTTP_HX_REQUEST="true",
    )

    assert answer.status_code == 200 and "UN-1" in answer.content.decode()
    assert not voucher.lines.exists()


def test_without_htmx_the_page_reloads_with_the_same_answers(client, kti):
    kti.receive("NJ-1")
    voucher = _loss(kti)
    client.force_login(kti.keeper)

    answer = client.post(
        reverse("movements:voucher_line_add", args=[voucher.pk]),
        {"serial": "NJ-1\nNJ-404"},
        follow=True,
    )

    said = [(m.level_tag, str(m)) for m in answer.context["messages"]]
    assert [level for level, _text in said] == ["success", "error"]
    assert "NJ-1" in said[0][1] and said[1][1].startswith("NJ-404: ")
    assert voucher.lines.count() == 1


def test_an_empty_entry_is_refused_with_the_field_named(client, kti):
    voucher = _loss(kti)
    client.force_login(kti.keeper)

    answer = client.post(
        reverse("movements:voucher_line_add", args=[voucher.pk]),
        {"serial": "  \n "},
        HTTP_HX_REQUEST="true",
    )

    assert answer.status_code == 200 and "errorlist" in answer.content.decode()
    assert not voucher.lines.exists()


def test_a_receipt_scan_not_on_the_transfer_offers_the_dispatch_serial(kti, seg):
    kti.receive("TX-100")
    dispatch = kti.post("transfer", ["TX-100"], destination=seg.site)
    receipt = services.voucher_create(
        actor=seg.keeper,
        site=seg.site,
        kind="transfer_receipt",
        dispatch=dispatch,
        location=seg.rack,
    )

    [result] = entry.voucher_lines_enter(actor=seg.keeper, voucher=receipt, text="TX-101")

    assert result.unexpected and result.suggestions == ["TX-100"]
