"""Photos as evidence: an image by its first bytes, within the size limit, kept by hash."""

import hashlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from hypothesis import given
from hypothesis import strategies as st

from pssm.core.photos import reencode
from pssm.domain import photos
from pssm.domain.errors import ValidationError
from pssm.inspections import services
from pssm.inspections.models import InspectionPhoto
from pssm.journal.models import JournalEntry
from tests.images import JPEG, PNG, image_bytes
from tests.inspections.test_inspections import answers


@pytest.fixture
def ctx(make, settings, tmp_path):
    settings.PSSM_PHOTO_DIR = tmp_path / "photos"
    settings.PSSM_PHOTO_MAX_MB = 1
    site = make.site(code="KTI", kind="ammunition_depot")
    inspector = make.user("inspector", site.organisation.country, username="insp")
    template = services.checklist_seed()
    inspection = services.inspection_start(actor=inspector, site=site, template=template)
    evidence_q = template.questions.filter(evidence_required=True).first()
    return {
        "site": site,
        "inspector": inspector,
        "template": template,
        "inspection": inspection,
        "q": evidence_q,
        "dir": tmp_path / "photos",
    }


def test_a_photo_is_evidence_and_is_kept_by_its_hash(ctx):
    given_answers = answers(ctx["template"])
    given_answers[ctx["q"].code]["evidence"] = ""
    services.answers_record(
        actor=ctx["inspector"], inspection=ctx["inspection"], answers=given_answers
    )
    with pytest.raises(ValidationError) as err:
        services.inspection_close(actor=ctx["inspector"], inspection=ctx["inspection"])
    assert ctx["q"].code in err.value.render()

    photo = services.photo_add(
        actor=ctx["inspector"],
        inspection=ctx["inspection"],
        question_code=ctx["q"].code,
        upload=SimpleUploadedFile("door.png", PNG, content_type="text/plain"),
    )
    assert photo.content_type == "image/png"  # from the bytes, not the browser's word
    kept = reencode(PNG, "image/png")
    assert photo.sha256 == hashlib.sha256(kept).hexdigest()
    assert (ctx["dir"] / photo.sha256).read_bytes() == kept
    assert photo.sha256 in JournalEntry.objects.get(kind="inspection.photo_added").payload
    closed = services.inspection_close(actor=ctx["inspector"], inspection=ctx["inspection"])
    assert closed.state == "closed"


@pytest.mark.parametrize(
    ("content", "name", "message"),
    [
        (b"%PDF-1.4 not a photo at all", "scan.jpg", "not a photo"),
        (b"MZ\x90\x00" + b"\x00" * 40, "virus.png", "not a photo"),
        (b"\xff\xd8\xff" + b"\x00" * (1024 * 1024 + 10), "huge.jpg", "too large"),
        (b"", "empty.jpg", "Choose the photo"),
        # a JPEG header followed by a web page: it starts like a photo, it is not one
        (b"\xff\xd8\xff\xe0" + b"<html><script>alert(1)</script></html>" * 20, "x.jpg", "not a"),
        (JPEG[: len(JPEG) // 2], "cut.jpg", "not a photo"),  # truncated
        (PNG[:-30] + b"<svg onload=alert(1)>", "p.png", "not a photo"),
        # 20,000 × 20,000 pixels in a few kilobytes: refused before it is decoded
        (image_bytes("PNG", size=(20_000, 20_000), color=0, mode="1"), "bomb.png", "pixels"),
    ],
)
def test_a_file_that_is_not_a_photo_or_too_large_is_refused(ctx, content, name, message):
    with pytest.raises(ValidationError) as err:
        services.photo_add(
            actor=ctx["inspector"],
            inspection=ctx["inspection"],
            question_code=ctx["q"].code,
            upload=SimpleUploadedFile(name, content, content_type="image/jpeg"),
        )
    assert message in err.value.render() and "photo" in err.value.details
    assert not list(ctx["dir"].glob("*")) if ctx["dir"].exists() else True  # nothing kept
    assert not InspectionPhoto.objects.exists()
    assert not JournalEntry.objects.filter(kind="inspection.photo_added").exists()


def test_the_page_and_the_api_take_photos(ctx, client, api_client):
    client.force_login(ctx["inspector"])
    url = f"/inspections/{ctx['inspection'].pk}/"
    code = ctx["q"].code
    client.post(url, {f"a_{code}": "yes", f"p_{code}": SimpleUploadedFile("a.jpg", JPEG)})
    photo = InspectionPhoto.objects.get()
    shown = client.get(f"{url}photos/{photo.pk}/")
    assert shown["Content-Type"] == "image/jpeg"
    assert b"".join(shown.streaming_content) == reencode(JPEG, "image/jpeg")
    refused = client.post(
        url,
        {f"a_{code}": "yes", f"p_{code}": SimpleUploadedFile("a.jpg", b"GIF89a....")},
        follow=True,
    )
    assert "photo" in refused.content.decode().lower() and InspectionPhoto.objects.count() == 1

    api_client.force_authenticate(ctx["inspector"])
    r = api_client.post(
        f"/api/v1/inspections/{ctx['inspection'].pk}/photos/",
        {"question": code, "photo": SimpleUploadedFile("b.png", PNG)},
        format="multipart",
    )
    assert r.status_code == 201 and r.json()["content_type"] == "image/png"
    bad = api_client.post(
        f"/api/v1/inspections/{ctx['inspection'].pk}/photos/",
        {"question": code, "photo": SimpleUploadedFile("b.png", b"plain text here!")},
        format="multipart",
    )
    assert bad.status_code == 400 and "photo" in bad.json()["details"]


@given(st.binary(min_size=0, max_size=64))
def test_sniff_only_accepts_the_image_signatures(head):
    kind = photos.sniff(head)
    if kind == "image/jpeg":
        assert head.startswith(b"\xff\xd8\xff")
    elif kind == "image/png":
        assert head.startswith(b"\x89PNG\r\n\x1a\n")
    elif kind == "image/webp":
        assert head[:4] == b"RIFF" and head[8:12] == b"WEBP"
    else:
        assert kind is None
