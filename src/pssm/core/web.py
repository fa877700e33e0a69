"""Helpers for the HTML views: the page size of lists and showing service errors on forms."""

from __future__ import annotations

from pssm.domain.errors import PssmError

from . import errors

PAGE_SIZE = 50


def call_service(form, service, /, **kwargs):
    """Run ``service(**kwargs)``; on a :class:`PssmError`, put its message on the form.

    Field details go on the fields they name; everything else becomes a form-level error.
    Returns the service's result, or ``None`` when it failed (nothing was written).
    """
    try:
        return service(**kwargs)
    except PssmError as exc:
        shown = False
        for field, text in errors.details(exc).items():
            if field in form.fields:
                form.add_error(field, str(text))
                shown = True
        if not shown or exc.code in {"conflict", "permission_denied"}:
            form.add_error(None, errors.message(exc))
        return None


def run_service(request, service, success, /, **kwargs):
    """Run ``service(actor=request.user, **kwargs)`` for a button that posts: a success
    message, or the error's translated message; returns the result or None."""
    from django.contrib import messages

    try:
        result = service(actor=request.user, **kwargs)
    except PssmError as exc:
        messages.error(request, errors.message(exc))
        return None
    messages.success(request, success)
    return result


def clean_filters(request, names: list[str]) -> dict:
    return {name: request.GET.get(name, "").strip() for name in names}
