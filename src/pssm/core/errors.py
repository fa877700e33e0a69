"""How the interface layer shows a :class:`PssmError`: translated text and an HTTP status."""

from __future__ import annotations

from django.utils.translation import gettext

from pssm.domain import errors as e

HTTP_STATUS = {
    e.ValidationError: 400,
    e.NotAuthenticatedError: 401,
    e.PermissionDeniedError: 403,
    e.NotFoundError: 404,
    e.ConflictError: 409,
    e.JournalIntegrityError: 500,
}

CLI_EXIT = {
    e.ValidationError: 2,
    e.NotAuthenticatedError: 3,
    e.PermissionDeniedError: 3,
    e.NotFoundError: 4,
    e.ConflictError: 5,
    e.JournalIntegrityError: 6,
}


def _lookup(table: dict, exc: e.PssmError, default: int) -> int:
    for cls in type(exc).__mro__:
        if cls in table:
            return table[cls]
    return default


def http_status(exc: e.PssmError) -> int:
    if exc.code == "locked":
        return 429
    return _lookup(HTTP_STATUS, exc, 400)


def exit_code(exc: e.PssmError) -> int:
    return _lookup(CLI_EXIT, exc, 1)


def message(exc: e.PssmError) -> str:
    """The error's message in the active language."""
    return exc.render(gettext)


def details(exc: e.PssmError) -> dict:
    """Details with translated texts (values that are message templates get translated)."""
    return {
        key: (gettext(value) if isinstance(value, str) else value)
        for key, value in exc.details.items()
    }
