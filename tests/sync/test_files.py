"""Photo files travel with their rows by hash (pssm.sync.files): once per bundle, checked
against the hash, and a photo row whose file is nowhere refuses the bundle."""

import base64
import hashlib

import pytest

from pssm.domain.errors import ConflictError
from pssm.sync import files, tables


@pytest.fixture
def photo_dir(settings, tmp_path):
    settings.PSSM_PHOTO_DIR = tmp_path / "photos"
    settings.PSSM_PHOTO_DIR.mkdir()
    return settings.PSSM_PHOTO_DIR


def _row(sha, gid="kti/1"):
    return [tables.table("registry.WeaponPhoto"), gid, {"sha256": sha, "size": 3}]


def test_a_file_named_by_two_rows_travels_once_and_is_stored_under_its_hash(photo_dir, tmp_path):
    content = b"\xff\xd8\xffjpeg"
    sha = hashlib.sha256(content).hexdigest()
    (photo_dir / sha).write_bytes(content)
    carried = files.collect([_row(sha), _row(sha, "kti/2")])
    assert list(carried) == [sha]
    elsewhere = tmp_path / "national"
    elsewhere.mkdir()
    from django.conf import settings

    settings.PSSM_PHOTO_DIR = elsewhere
    assert files.store(carried, [_row(sha)]) == 1
    assert (elsewhere / sha).read_bytes() == content
    assert files.store(carried, [_row(sha)]) == 0  # already held


def test_a_file_that_does_not_match_its_hash_or_is_missing_refuses_the_bundle(photo_dir):
    sha = hashlib.sha256(b"real").hexdigest()
    forged = {sha: base64.b64encode(b"forged").decode()}
    with pytest.raises(ConflictError) as bad:
        files.store(forged, [_row(sha)])
    assert bad.value.code == "bundle_files"
    assert not (photo_dir / sha).exists()
    with pytest.raises(ConflictError):
        files.store({}, [_row(sha)])
    with pytest.raises(ConflictError):
        files.store({"../../etc/passwd": "AA=="}, [])
    with pytest.raises(ConflictError):
        files.store({sha: "not base64!"}, [])
