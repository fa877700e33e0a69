"""API authentication (kept apart from pssm.core.api: DRF imports it while loading its views)."""

from django.utils import translation
from django.utils.translation import gettext as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.plumbing import build_bearer_security_scheme_object
from knox.auth import TokenAuthentication as KnoxTokenAuthentication
from rest_framework import exceptions


class TokenAuthentication(KnoxTokenAuthentication):
    """django-rest-knox token authentication (hashed tokens with an expiry, ADR 0010) that
    also applies the user's interface language to the answer, unless the client asked for one
    with Accept-Language, and holds a user who must first choose a new password."""

    def authenticate(self, request):
        result = super().authenticate(request)
        if result:
            user = result[0]
            if not request.META.get("HTTP_ACCEPT_LANGUAGE"):
                from pssm.accounts.selectors import language_for

                translation.activate(language_for(user))
            if user.password_change_required:
                raise exceptions.PermissionDenied(
                    _("You must choose a new password before you continue."),
                    code="password_change_required",
                )
        return result


class TokenScheme(OpenApiAuthenticationExtension):
    """How the OpenAPI schema describes :class:`TokenAuthentication`: the header
    ``Authorization: Token <token>``."""

    target_class = "pssm.core.authentication.TokenAuthentication"
    name = "tokenAuth"

    def get_security_definition(self, auto_schema):
        return build_bearer_security_scheme_object(
            header_name="Authorization", token_prefix=self.target.authenticate_header(None)
        )
