"""Interface language: the user's choice, else their country's default, else the node's."""

from django.conf import settings
from django.utils import translation

SESSION_KEY = "pssm_language"


class LanguageMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        language = self._language(request)
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        response.headers.setdefault("Vary", "Cookie")
        return response

    @staticmethod
    def _language(request) -> str:
        available = dict(settings.LANGUAGES)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            cached = request.session.get(SESSION_KEY)
            if cached in available:
                return cached
            from pssm.accounts.selectors import language_for

            language = language_for(user)
            request.session[SESSION_KEY] = language
            return language
        cookie = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        if cookie in available:
            return cookie
        if request.path.startswith("/api/"):
            # API clients (token authentication happens later, in the view) say what they read.
            return translation.get_language_from_request(request)
        return settings.LANGUAGE_CODE


def error_response(request, exc):
    """A raised :class:`PssmError` as the answer to ``request``: ``{code, message, details}``
    under /api/, else the translated error page, with the error's HTTP status."""
    from django.shortcuts import render

    from . import errors

    status = errors.http_status(exc)
    if request.path.startswith("/api/"):
        from django.http import JsonResponse

        from .api import error_body

        return JsonResponse(error_body(exc), status=status)
    return render(
        request,
        "core/error.html",
        {
            "error_message": errors.message(exc),
            "error_code": exc.code,
            "status": status,
        },
        status=status,
    )


class ErrorMiddleware:
    """Shows a raised :class:`PssmError` as a translated page with the right status."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        from django.contrib.auth.views import redirect_to_login

        from pssm.domain.errors import NotAuthenticatedError, PssmError

        if not isinstance(exception, PssmError):
            return None
        if isinstance(exception, NotAuthenticatedError):
            return redirect_to_login(request.get_full_path())
        return error_response(request, exception)


class InputGuardMiddleware:
    """Refuses, before any view runs, input that no database column can hold: a NUL character
    or a lone surrogate in a query parameter, a form field, a JSON body or a URL part (PostgreSQL
    rejects NUL in text; SQLite stores it), and an id in the URL beyond any database integer
    (SQLite cannot even compare it: an OverflowError). The answer is a 400 naming the
    parameter (a 404 for the id), in the API's error format or as the error page (see
    :mod:`pssm.core.edges`)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        from .edges import find_bad_input, input_error, out_of_range, too_large_id

        bad = find_bad_input(request, view_kwargs)
        if bad is not None:
            return error_response(request, input_error(bad))
        if out_of_range(view_kwargs):
            return error_response(request, too_large_id())
        return None


class PrivateResponseMiddleware:
    """Headers for every response of the application (static files are served before it):
    ``Cache-Control: no-store`` unless the view chose its own (pages, exports, PDFs and API
    answers hold serial numbers and personal data, which no shared or browser cache should
    keep), and the ``Permissions-Policy`` of the settings."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if "Cache-Control" not in response.headers:
            response.headers["Cache-Control"] = "no-store"
        response.headers.setdefault("Permissions-Policy", settings.PSSM_PERMISSIONS_POLICY)
        return response
