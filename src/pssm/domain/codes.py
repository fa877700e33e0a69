"""Stable, readable codes of countries, organisations, sites, buildings and locations.

A child's code is its parent's code, a hyphen and a short part of 2 to 8 capital letters or
digits: country ``ML``, organisation ``ML-GN``, site ``ML-KTI``, building ``ML-KTI-ESH03``,
storage location ``ML-KTI-ESH03-B01``. Codes never change once given.
"""

from __future__ import annotations

import re

from .errors import ValidationError, gettext_noop

COUNTRY_RE = re.compile(r"^[A-Z]{2}$")
PART_RE = re.compile(r"^[A-Z0-9]{2,8}$")


def normalise_part(raw: str) -> str:
    return (raw or "").strip().upper()


def check_country_code(raw: str) -> str:
    code = normalise_part(raw)
    if not COUNTRY_RE.match(code):
        raise ValidationError(
            gettext_noop("A country code is two capital letters (ISO 3166), e.g. ML."),
            details={"code": "format"},
        )
    return code


def check_part(raw: str, field: str = "code") -> str:
    part = normalise_part(raw)
    if not PART_RE.match(part):
        raise ValidationError(
            gettext_noop("A code is 2 to 8 capital letters or digits, e.g. KTI or ESH03."),
            details={field: "format"},
        )
    return part


def compose(parent_code: str, part: str) -> str:
    return f"{parent_code}-{part}"


def iso_state(value: str, field: str) -> str:
    """A state as its two-letter ISO code, upper case; ValidationError naming ``field``."""
    from .errors import ValidationError, gettext_noop

    state = (value or "").strip().upper()
    if len(state) != 2 or not state.isalpha() or not state.isascii():
        message = gettext_noop("Give the state as its two-letter ISO code, e.g. FR.")
        raise ValidationError(message, details={field: message})
    return state
