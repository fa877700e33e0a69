"""Static files with content-hashed names, compressed once at ``collectstatic`` (gzip, and
Brotli when it is installed) and cached for a year by browsers (WhiteNoise; ADR 0018).

A file that ``collectstatic`` has not seen yet (a development checkout, a test run) keeps
its plain name and is served from the applications' folders, so nothing breaks before the
first ``collectstatic``; an installation runs it on every upgrade (``make demo`` does)."""

from __future__ import annotations

from whitenoise.storage import CompressedManifestStaticFilesStorage


class StaticStorage(CompressedManifestStaticFilesStorage):
    manifest_strict = False

    def stored_name(self, name):
        try:
            return super().stored_name(name)
        except ValueError:  # not collected yet: the plain name, found by the finders
            return name
