"""What a signed-in user must do before anything else: give their second-factor code, choose
their own password after a temporary one, enrol a second factor their country requires.

Until then every page but that step, the language switch and signing out sends them there,
and the API (with a session) answers 403 with the step's code. Calls with an API token are
held by :mod:`pssm.core.authentication` and the token request itself (ADR 0010)."""

from __future__ import annotations

from urllib.parse import urlencode

from django.http import JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

# The session remembers that a user had nothing to do (no second factor enrolled, none
# required), so that the check costs no query on the following pages.
GATE_SESSION_KEY = "pssm_account_gate"

VERIFY, PASSWORD, ENROL = "second_factor_required", "password_change_required", "enrol"

GATE_URLS = {
    VERIFY: "accounts:second_factor_verify",
    PASSWORD: "accounts:password_change",
    ENROL: "accounts:second_factor_enrol",
}
ALWAYS_OPEN = ("accounts:logout", "accounts:language")


def gate_message(gate: str) -> str:
    return {
        VERIFY: _("Give the code of your authenticator application to continue."),
        PASSWORD: _("You must choose a new password before you continue."),
        ENROL: _("Your country requires a second factor: set it up before you continue."),
    }[gate]


def gate_code(gate: str) -> str:
    return "second_factor_enrolment_required" if gate == ENROL else gate


def pending_gate(request) -> str | None:
    """The step the signed-in user must take first, or None."""
    from . import selectors

    user = request.user
    verified = user.is_verified() if hasattr(user, "is_verified") else False
    if not verified and request.session.get(GATE_SESSION_KEY) != user.pk:
        state = selectors.second_factor_state(user)
        if state["enrolled"]:
            return VERIFY
        if not state["required"]:
            request.session[GATE_SESSION_KEY] = user.pk
    if user.password_change_required:
        return PASSWORD
    if not verified and request.session.get(GATE_SESSION_KEY) != user.pk:
        return ENROL
    return None


class AccountGateMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            gate = pending_gate(request)
            if gate is not None:
                open_paths = {reverse(name) for name in (GATE_URLS[gate], *ALWAYS_OPEN)}
                if request.path_info not in open_paths:
                    return self._refuse(request, gate)
        return self.get_response(request)

    @staticmethod
    def _refuse(request, gate):
        api = request.path_info.startswith("/api/")
        if api and not request.path_info.startswith(("/api/docs/", "/api/schema/")):
            body = {"code": gate_code(gate), "message": gate_message(gate), "details": {}}
            return JsonResponse(body, status=403)
        target = reverse(GATE_URLS[gate])
        if request.method == "GET":
            target += "?" + urlencode({"next": request.get_full_path()})
        return redirect(target)
