"""Input at the edges: what no parameter may carry, and typed query parameters.

One mechanism for every page and endpoint (ADR 0011): :class:`~.middleware.InputGuardMiddleware`
asks :func:`find_bad_input` before the view runs, and the selectors read typed filters (ids)
through :func:`whole_number`. Both raise or build a :class:`ValidationError` that names the
parameter, which the API shows as ``{code, message, details}`` and the pages as a 400 page.
"""

from __future__ import annotations

import json

from pssm.domain.errors import NotFoundError, ValidationError, gettext_noop

JSON_MEDIA_TYPES = ("application/json",)
FORM_MEDIA_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


def _bad_text(text: str) -> bool:
    """A NUL (PostgreSQL refuses it in text) or a lone surrogate (not encodable in UTF-8)."""
    if "\x00" in text:
        return True
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def shown(name: str) -> str:
    """A parameter name that can be printed: unprintable characters as escapes."""
    return "".join(
        c if c.isprintable() and not 0xD800 <= ord(c) <= 0xDFFF else f"\\x{ord(c):02x}"
        for c in name
    )


def _bad_in_json(value, path: str) -> str | None:
    if isinstance(value, str):
        return path if _bad_text(value) else None
    if isinstance(value, dict):
        for key, item in value.items():
            where = f"{path}.{key}" if path else str(key)
            if _bad_text(str(key)):
                return where
            found = _bad_in_json(item, where)
            if found is not None:
                return found
    if isinstance(value, list):
        for index, item in enumerate(value):
            found = _bad_in_json(item, f"{path}[{index}]")
            if found is not None:
                return found
    return None


def _bad_in_querydict(data) -> str | None:
    for key, values in data.lists():
        if _bad_text(key):
            return key
        for value in values:
            if isinstance(value, str) and _bad_text(value):
                return key
    return None


def find_bad_input(request, view_kwargs: dict) -> str | None:
    """The name of the first URL part, query parameter, form field or JSON member of
    ``request`` that carries a NUL or a lone surrogate, or None."""
    for name, value in view_kwargs.items():
        if isinstance(value, str) and _bad_text(value):
            return name
    found = _bad_in_querydict(request.GET)
    if found is not None:
        return found
    media_type = request.content_type or ""
    if request.method in {"POST", "PUT", "PATCH", "DELETE"}:
        if media_type in FORM_MEDIA_TYPES:
            return _bad_in_querydict(request.POST)
        if media_type in JSON_MEDIA_TYPES or media_type.endswith("+json"):
            body = request.body
            # Only an escape can put a NUL or a surrogate in valid JSON; raw bytes make the
            # body invalid, which the API's parser already refuses.
            if b"\\u" not in body:
                return None
            try:
                data = json.loads(body)
            except ValueError:
                return None
            return _bad_in_json(data, "")
    return None


def input_error(name: str) -> ValidationError:
    """The 400 for a parameter that carries a character no field may hold."""
    label = shown(name)
    return ValidationError(
        gettext_noop("The value of %(parameter)s contains a character that is not allowed."),
        params={"parameter": label},
        details={label: gettext_noop("Contains a character that is not allowed.")},
    )


MAX_ID = 2**63 - 1  # the largest value of a 64-bit integer column


def out_of_range(view_kwargs: dict) -> bool:
    """Whether an id taken from the URL is beyond any database integer (nothing has it)."""
    return any(
        isinstance(value, int) and not 0 <= value <= MAX_ID for value in view_kwargs.values()
    )


def too_large_id() -> NotFoundError:
    return NotFoundError(gettext_noop("Not found."))


def whole_number(value, name: str) -> int | None:
    """A typed filter or parameter read as an id: None when empty, else a positive whole
    number; anything else is a ValidationError naming ``name``."""
    if value is None or value == "":
        return None
    if isinstance(value, int) and not isinstance(value, bool):
        number = value
    else:
        text = str(value).strip()
        if not (text.isascii() and text.isdigit()) or len(text) > 18:
            raise _not_a_number(name)
        number = int(text)
    if number < 1:
        raise _not_a_number(name)
    return number


def _not_a_number(name: str) -> ValidationError:
    return ValidationError(
        gettext_noop("The value of %(parameter)s is not valid: give a whole number."),
        params={"parameter": name},
        details={name: gettext_noop("Not a whole number.")},
    )
