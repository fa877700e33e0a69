"""The TOTP second factor: who may enrol, enrolment, sign-in with the code on the web and for
an API token, a country that makes it compulsory, and an administrator's reset."""

from binascii import unhexlify

import pytest
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from pssm.accounts import services
from pssm.accounts.views import PENDING_KEY_SESSION
from pssm.domain import second_factor
from pssm.domain.access import Role
from pssm.domain.errors import ConflictError, PermissionDeniedError, ValidationError
from pssm.journal.models import JournalEntry
from tests.conftest import PASSWORD


def code_for(key_hex: str) -> str:
    return f"{totp(unhexlify(key_hex)):06d}"


def wrong_code(key_hex: str) -> str:
    return f"{(int(code_for(key_hex)) + 500000) % 1000000:06d}"


@pytest.fixture
def site(make):
    return make.site(code="KTI")


@pytest.fixture
def commander(make, site):
    return make.user("site_commander", site, username="commander")


@pytest.fixture
def enrolled(commander):
    key = "3132333435363738393031323334353637383930"
    return services.second_factor_enrol(
        actor=commander, user=commander, key=key, code=code_for(key)
    )


def login(client, username="commander", password=PASSWORD):
    return client.post(reverse("accounts:login"), {"username": username, "password": password})


@pytest.mark.parametrize(
    ("roles", "expected"),
    [
        ({Role.SITE_COMMANDER}, True),
        ({Role.NATIONAL_AUTHORITY}, True),
        ({Role.ADMINISTRATOR}, True),
        ({Role.STOREKEEPER, Role.INSPECTOR}, False),
        (set(), False),
    ],
)
def test_approvers_national_authorities_and_administrators_may_enrol(roles, expected):
    assert second_factor.may_enrol(roles) is expected


def test_a_country_requires_it_only_of_the_roles_that_may_enrol_there():
    held = [(Role.STOREKEEPER, "ML"), (Role.SITE_COMMANDER, "NG")]

    assert second_factor.is_required(held, {"NG"})
    assert not second_factor.is_required(held, {"ML"})
    assert not second_factor.is_required([(Role.ADMINISTRATOR, "")], {"ML"})


def test_enrolment_shows_a_qr_code_and_confirms_with_a_code(client, commander):
    client.force_login(commander)

    page = client.get(reverse("accounts:second_factor_enrol"))
    key = client.session[PENDING_KEY_SESSION]
    wrong = client.post(reverse("accounts:second_factor_enrol"), {"otp": wrong_code(key)})
    right = client.post(reverse("accounts:second_factor_enrol"), {"otp": code_for(key)})

    body = page.content.decode()
    assert page.status_code == 200 and 'src="data:image/svg+xml' in body
    assert "<script>" not in body
    assert wrong.status_code == 200 and "otp" in wrong.context["form"].errors
    assert right.status_code == 302
    device = TOTPDevice.objects.get(user=commander)
    assert device.confirmed and device.key == key
    assert JournalEntry.objects.filter(kind="user.second_factor_enrolled").count() == 1
    assert client.get(reverse("core:dashboard")).status_code == 200


def test_a_storekeeper_cannot_enrol(make, site):
    keeper = make.user("storekeeper", site)
    key = "3132333435363738393031323334353637383930"

    with pytest.raises(PermissionDeniedError):
        services.second_factor_enrol(actor=keeper, user=keeper, key=key, code=code_for(key))

    assert not TOTPDevice.objects.exists()


def test_enrolling_twice_is_a_conflict(commander, enrolled):
    with pytest.raises(ConflictError):
        services.second_factor_enrol(
            actor=commander, user=commander, key=enrolled.key, code=code_for(enrolled.key)
        )

    assert TOTPDevice.objects.count() == 1


def test_sign_in_asks_for_the_code_after_the_password(client, commander, enrolled, settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 0  # a wrong code here does not delay the right one

    login(client)
    held = client.get(reverse("sites:site_list"))
    api = client.get("/api/v1/me/")
    wrong = client.post(reverse("accounts:second_factor_verify"), {"otp": wrong_code(enrolled.key)})
    still_held = client.get(reverse("core:dashboard"))
    right = client.post(
        reverse("accounts:second_factor_verify"),
        {"otp": code_for(enrolled.key), "next": reverse("sites:site_list")},
    )

    assert held.status_code == 302 and held.url.startswith(reverse("accounts:second_factor_verify"))
    assert api.status_code == 403 and api.json()["code"] == "second_factor_required"
    assert wrong.status_code == 200 and "otp" in wrong.context["form"].errors
    assert still_held.status_code == 302
    assert right.status_code == 302 and right.url == reverse("sites:site_list")
    assert client.get(reverse("sites:site_list")).status_code == 200


def test_a_code_is_accepted_once(commander, enrolled, settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    code = code_for(enrolled.key)
    services.second_factor_verify(user=commander, code=code)

    with pytest.raises(ValidationError) as exc:
        services.second_factor_verify(user=commander, code=code)

    assert exc.value.code == "otp_invalid"


def test_a_wrong_code_holds_back_the_next_try_for_a_while(commander, enrolled):
    with pytest.raises(ValidationError):
        services.second_factor_verify(user=commander, code=wrong_code(enrolled.key))

    with pytest.raises(ValidationError):
        services.second_factor_verify(user=commander, code=code_for(enrolled.key))

    enrolled.refresh_from_db()
    assert enrolled.throttling_failure_count == 1  # the right code was not even tried


def test_api_token_needs_the_code_of_an_enrolled_user(api_client, commander, enrolled, settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    url = "/api/v1/auth/token/"
    creds = {"username": "commander", "password": PASSWORD}

    missing = api_client.post(url, creds, format="json")
    wrong = api_client.post(url, {**creds, "otp": wrong_code(enrolled.key)}, format="json")
    right = api_client.post(url, {**creds, "otp": code_for(enrolled.key)}, format="json")

    assert missing.status_code == 401 and missing.json()["code"] == "otp_required"
    assert "otp" in missing.json()["details"]
    assert wrong.status_code == 401 and wrong.json()["code"] == "otp_invalid"
    assert right.status_code == 200 and right.json()["token"]


def test_a_country_makes_it_compulsory(make, client, api_client, site, commander):
    keeper = make.user("storekeeper", site, username="keeper")
    admin = make.user("administrator", make.country(), username="admin")
    client.force_login(admin)

    client.post(reverse("accounts:country_second_factor", args=["ML"]), {"required": "yes"})
    client.logout()
    login(client)
    held = client.get(reverse("core:dashboard"))
    enrol_page = client.get(reverse("accounts:second_factor_enrol"))
    token = api_client.post(
        "/api/v1/auth/token/", {"username": "commander", "password": PASSWORD}, format="json"
    )
    client.post(
        reverse("accounts:second_factor_enrol"),
        {"otp": code_for(client.session[PENDING_KEY_SESSION])},
    )
    free = client.get(reverse("core:dashboard"))
    client.logout()
    login(client, "keeper")

    assert held.status_code == 302 and held.url.startswith(reverse("accounts:second_factor_enrol"))
    assert enrol_page.status_code == 200
    assert token.status_code == 403
    assert token.json()["code"] == "second_factor_enrolment_required"
    assert free.status_code == 200
    assert client.get(reverse("core:dashboard")).status_code == 200
    assert TOTPDevice.objects.filter(user=keeper).count() == 0
    entry = JournalEntry.objects.get(kind="country.second_factor_set")
    assert entry.payload_data == {"country": "ML", "required": True}
    assert entry.scope_country == "ML"


def test_only_a_country_administrator_sets_its_policy(make, site):
    site_admin = make.user("administrator", site)
    country = make.country()

    with pytest.raises(PermissionDeniedError):
        services.country_second_factor_set(actor=site_admin, country=country, required=True)

    country.refresh_from_db()
    assert not country.second_factor_required


def test_an_administrator_resets_a_lost_second_factor(make, client, commander, enrolled):
    admin = make.user("administrator", username="admin")
    client.force_login(admin)
    page = client.get(reverse("accounts:user_detail", args=["commander"])).content.decode()

    resp = client.post(reverse("accounts:user_second_factor_reset", args=["commander"]))
    client.logout()
    login(client)

    assert 'id="second-factor-reset"' in page
    assert resp.status_code == 302
    assert not TOTPDevice.objects.filter(user=commander).exists()
    assert client.get(reverse("core:dashboard")).status_code == 200
    entry = JournalEntry.objects.get(kind="user.second_factor_reset")
    assert entry.actor == "admin" and entry.payload_data == {"username": "commander"}
    with pytest.raises(ConflictError):
        services.second_factor_reset(actor=admin, user=commander)


def test_a_user_cannot_reset_their_own_second_factor_without_managing_accounts(
    client, commander, enrolled
):
    with pytest.raises(PermissionDeniedError):
        services.second_factor_reset(actor=commander, user=commander)

    assert TOTPDevice.objects.filter(user=commander).exists()
