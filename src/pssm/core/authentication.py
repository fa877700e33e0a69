"""API authentication (kept apart from pssm.core.api: DRF imports it while loading its views)."""

from django.utils import translation
from rest_framework import authentication as drf_authentication


class TokenAuthentication(drf_authentication.TokenAuthentication):
    """Token authentication that also applies the user's interface language to the answer,
    unless the client asked for one with Accept-Language."""

    def authenticate(self, request):
        result = super().authenticate(request)
        if result and not request.META.get("HTTP_ACCEPT_LANGUAGE"):
            from pssm.accounts.selectors import language_for

            translation.activate(language_for(result[0]))
        return result
