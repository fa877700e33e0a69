"""Photos of a weapon and of its markings (ISACS 05.30): checked by their bytes, kept once,
shown to whoever sees the weapon, journaled."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from pssm.domain.errors import PermissionDeniedError, ValidationError
from pssm.journal.models import JournalEntry
from pssm.registry.models import Weapon, WeaponPhoto
from pssm.registry.services import weapon_photo_add
from tests.images import PNG


def _png(name="mark.png", body=PNG):
    return SimpleUploadedFile(name, body, content_type="image/png")


@pytest.fixture
def weapon(kti, settings, tmp_path):
    settings.PSSM_PHOTO_DIR = tmp_path / "photos"
    kti.receive("PH-1")
    return Weapon.objects.get(serial="PH-1")


def test_a_photo_of_a_marking_is_kept_and_journaled(kti, weapon, client):
    photo = weapon_photo_add(
        actor=kti.keeper, weapon=weapon, upload=_png(), kind="marking", caption="Receiver, left"
    )

    assert photo.kind == "marking" and photo.content_type == "image/png"
    entry = JournalEntry.objects.filter(kind="weapon.photo_added").get()
    assert str(weapon.uuid) in entry.payload
    client.force_login(kti.keeper)
    page = client.get(f"/registry/weapons/{weapon.pk}/").content.decode()
    assert 'id="weapon-photos"' in page and "Receiver, left" in page
    image = client.get(f"/registry/weapons/{weapon.pk}/photos/{photo.pk}/")
    assert image.status_code == 200 and image["Content-Type"] == "image/png"
    assert image["Cache-Control"] == "private, no-store"


def test_a_file_that_is_not_a_photo_or_a_bad_kind_is_refused(kti, weapon):
    with pytest.raises(ValidationError) as err:
        weapon_photo_add(
            actor=kti.keeper,
            weapon=weapon,
            upload=_png("x.png", b"<html>hi</html>" * 3),
            kind="weapon",
        )
    assert "photo" in err.value.details
    with pytest.raises(ValidationError) as err:
        weapon_photo_add(actor=kti.keeper, weapon=weapon, upload=_png(), kind="selfie")
    assert "kind" in err.value.details
    assert not WeaponPhoto.objects.exists()


def test_only_those_who_prepare_vouchers_at_the_site_add_photos(kti, weapon, make):
    inspector = make.user("inspector", kti.site.organisation.country, username="insp-ph")
    with pytest.raises(PermissionDeniedError):
        weapon_photo_add(actor=inspector, weapon=weapon, upload=_png(), kind="weapon")
