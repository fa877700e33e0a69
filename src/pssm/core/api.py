"""Shared pieces of the REST API: error format, pagination and the authorisation gate."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404, JsonResponse
from django.utils.translation import gettext as _
from django.views import defaults
from rest_framework import exceptions as drf_exceptions
from rest_framework import status
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response
from rest_framework.views import set_rollback

from pssm.domain import errors as e

from . import errors


class Pagination(PageNumberPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500


def _flatten(detail):
    if isinstance(detail, dict):
        return {key: _flatten(value) for key, value in detail.items()}
    if isinstance(detail, list):
        return [_flatten(item) for item in detail]
    return str(detail)


def error_body(exc: e.PssmError) -> dict:
    """The ``{code, message, details}`` answer to a :class:`PssmError`, in the active language."""
    return {"code": exc.code, "message": errors.message(exc), "details": errors.details(exc)}


def exception_handler(exc, context):
    """Every API error is ``{code, message, details}`` with a fitting HTTP status."""
    if isinstance(exc, e.PssmError):
        set_rollback()
        return Response(error_body(exc), status=errors.http_status(exc))
    if isinstance(exc, Http404):
        exc = drf_exceptions.NotFound()
    elif isinstance(exc, PermissionDenied):
        exc = drf_exceptions.PermissionDenied()
    if isinstance(exc, drf_exceptions.APIException):
        set_rollback()
        headers = {}
        if getattr(exc, "wait", None):
            headers["Retry-After"] = str(int(exc.wait))
        if isinstance(exc, drf_exceptions.ValidationError):
            body = {
                "code": "invalid",
                "message": _("The data is not valid."),
                "details": _flatten(exc.detail),
            }
        else:
            code = exc.get_codes() if isinstance(exc.get_codes(), str) else exc.default_code
            body = {"code": code, "message": str(exc.detail), "details": {}}
        return Response(body, status=exc.status_code, headers=headers)
    return None


def parse_error_response(message: str) -> Response:
    return Response(
        {"code": "parse_error", "message": message, "details": {}},
        status=status.HTTP_400_BAD_REQUEST,
    )


def page_not_found(request, exception=None, *args, **kwargs):
    """Django's ``handler404``: a URL under /api/ that names nothing is answered in the API's
    error format; a page keeps the not-found page."""
    if request.path.startswith("/api/"):
        return JsonResponse(
            {"code": "not_found", "message": _("Not found."), "details": {}},
            status=status.HTTP_404_NOT_FOUND,
        )
    return defaults.page_not_found(request, exception, *args, **kwargs)


def server_error(request, *args, **kwargs):
    """Django's ``handler500``: an unexpected error under /api/ is answered in the API's error
    format (no traceback: the log has it); a page keeps the server-error page."""
    if request.path.startswith("/api/"):
        return JsonResponse(
            {
                "code": "server_error",
                "message": _("An unexpected error occurred on the server."),
                "details": {},
            },
            status=status.HTTP_500_INTERNAL_SERVER_ERROR,
        )
    return defaults.server_error(request, *args, **kwargs)
