"""Notifications with unread counts, and e-mail where SMTP is configured (issue 18, build
item 2): the approver is told of a voucher waiting, the receiving site of a transfer on its
way, both sites of a shortfall, the preparer of a voucher sent back."""

from django.core import mail
from django.test import override_settings
from django.urls import reverse
from django.utils import translation

from pssm.movements import services
from pssm.notices.models import Notice
from pssm.notices.selectors import unread_count


def _texts(user):
    with translation.override("en"):
        return [n.text for n in Notice.objects.filter(user=user)]


def test_the_commander_is_told_a_voucher_waits_and_the_keeper_that_it_came_back(kti):
    kti.receive("NT-1")
    before = unread_count(kti.commander)
    loss = services.voucher_create(actor=kti.keeper, site=kti.site, kind="loss", reason="lost")
    services.voucher_line_add(actor=kti.keeper, voucher=loss, serial="NT-1")
    services.voucher_submit(actor=kti.keeper, voucher=loss)
    services.voucher_send_back(actor=kti.commander, voucher=loss, reason="Wrong weapon")

    assert unread_count(kti.commander) == before + 1
    assert f"Voucher {loss.number} of {kti.site.name} waits for your approval." in _texts(
        kti.commander
    )
    assert f"Voucher {loss.number} was sent back to you: Wrong weapon" in _texts(kti.keeper)
    assert not [t for t in _texts(kti.keeper) if "waits for your approval" in t]


def test_the_receiver_is_told_of_the_transfer_and_both_sites_of_the_shortfall(route):
    kti, sev, case = route["kti"], route["sev"], route["case"]

    receiver, sender = _texts(sev.keeper), _texts(kti.keeper)

    assert any(route["dispatch"].number in t and "on its way" in t for t in receiver)
    short = f"arrived short at {sev.site.name}: {case.serial} is missing (case {case.number})."
    assert any(short in t for t in sender) and any(short in t for t in _texts(kti.commander))
    assert any(short in t for t in receiver)
    assert not any(short in t for t in _texts(sev.commander))  # who posted it knows


def test_opening_a_notice_marks_it_read_and_goes_to_its_page(client, route):
    sev = route["sev"]
    notice = Notice.objects.filter(user=sev.keeper, kind="transfer.dispatched").get()
    client.force_login(sev.keeper)
    unread = unread_count(sev.keeper)

    listing = client.get(reverse("notices:notice_list"))
    opened = client.post(reverse("notices:notice_open", args=[notice.pk]))
    other = client.post(
        reverse("notices:notice_open", args=[Notice.objects.exclude(user=sev.keeper).first().pk])
    )

    assert listing.status_code == 200 and 'id="unread-count"' in listing.content.decode()
    assert opened.status_code == 302 and opened.url == notice.url
    assert unread_count(sev.keeper) == unread - 1
    assert other.status_code == 404  # someone else's notice


@override_settings(
    PSSM_EMAIL_NOTICES=True, EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"
)
def test_an_email_is_sent_where_smtp_is_configured(kti, django_capture_on_commit_callbacks):
    from pssm.accounts.models import User

    User.objects.filter(pk=kti.commander.pk).update(email="cdt@example.org")
    kti.receive("NT-2")
    loss = services.voucher_create(actor=kti.keeper, site=kti.site, kind="loss", reason="lost")
    services.voucher_line_add(actor=kti.keeper, voucher=loss, serial="NT-2")

    with django_capture_on_commit_callbacks(execute=True):
        services.voucher_submit(actor=kti.keeper, voucher=loss)

    assert [m.to for m in mail.outbox] == [["cdt@example.org"]]
    assert loss.number in mail.outbox[0].body
