"""What a photo is, from its first bytes (never from its name or the browser's word)."""

from __future__ import annotations

SIGNATURES = (
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
)


def sniff(head: bytes) -> str | None:
    """The image type of a file starting with ``head`` (at least 12 bytes), or None when it
    is not a JPEG, PNG or WebP photo."""
    for magic, kind in SIGNATURES:
        if head.startswith(magic):
            return kind
    if len(head) >= 12 and head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp"
    return None
