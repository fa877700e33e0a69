"""The journal as people read it: each kind of entry by its name in the user's language
(``voucher.submitted`` is "Voucher submitted for approval"), and an entry as a sentence that
names what it is about (the voucher, the case, the serial, the site, the user) from its
content. The content itself stays as it was recorded, shown on demand."""

from __future__ import annotations

import json

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .events import EVENT_LABELS

# What an entry is about, from its content: (key, how it is named), first found first.
SUBJECTS = (
    ("number", gettext_lazy("voucher %(value)s")),
    ("case", gettext_lazy("case %(value)s")),
    ("serial", gettext_lazy("serial %(value)s")),
    ("lot", gettext_lazy("lot %(value)s")),
    ("username", gettext_lazy("user %(value)s")),
    ("code", gettext_lazy("%(value)s")),
)


def label(kind: str) -> str:
    """The name of a kind of entry in the active language (the kind itself if unknown)."""
    return str(EVENT_LABELS.get(kind, kind))


def sentence(entry) -> str:
    """The entry in one sentence: what happened, to what, where, by whom."""
    try:
        payload = json.loads(entry.payload) if isinstance(entry.payload, str) else entry.payload
    except ValueError:
        payload = {}
    payload = payload if isinstance(payload, dict) else {}
    about = ""
    for key, text in SUBJECTS:
        value = payload.get(key)
        if isinstance(value, str | int) and str(value):
            about = str(text) % {"value": value}
            break
    count = payload.get("serials") if isinstance(payload.get("serials"), list) else None
    parts = {
        "what": label(entry.kind),
        "about": about,
        "site": entry.scope_site or entry.scope_organisation or entry.scope_country or "",
        "actor": entry.actor,
    }
    text = _("%(what)s") % parts
    if about:
        text = _("%(what)s: %(about)s") % parts
    if count:
        text += " " + _("(%(n)s serials)") % {"n": len(count)}
    if parts["site"]:
        text += ", " + _("at %(site)s") % parts
    return text + ", " + _("by %(actor)s.") % parts
