from axes.exceptions import AxesBackendPermissionDenied
from django.contrib.auth import authenticate
from django.db import transaction
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.authtoken.models import Token
from rest_framework.generics import GenericAPIView
from rest_framework.permissions import AllowAny
from rest_framework.response import Response

from pssm.domain.errors import NotAuthenticatedError, PssmError, gettext_noop
from pssm.journal.services import journal_append

from . import authz, services
from .models import User


class GrantOut(serializers.Serializer):
    role = serializers.CharField()
    level = serializers.CharField()
    scope = serializers.CharField(source="scope_key")


class MeOut(serializers.ModelSerializer):
    roles = serializers.SerializerMethodField()
    actions = serializers.SerializerMethodField()

    class Meta:
        model = User
        fields = [
            "username",
            "first_name",
            "last_name",
            "rank",
            "preferred_language",
            "roles",
            "actions",
        ]

    def get_roles(self, user) -> list[dict]:
        grants = user.grants.filter(revoked_at__isnull=True).select_related(
            "site", "organisation", "country"
        )
        return GrantOut(grants, many=True).data

    def get_actions(self, user) -> list[str]:
        from pssm.domain.access import Action

        return sorted(a.value for a in Action if authz.can_anywhere(user, a))


class LanguageIn(serializers.Serializer):
    language = serializers.ChoiceField(choices=["fr", "en"])


class MeApi(GenericAPIView):
    serializer_class = MeOut

    def get(self, request):
        return Response(MeOut(request.user).data)

    @extend_schema(request=LanguageIn, responses=MeOut)
    def patch(self, request):
        serializer = LanguageIn(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.user_set_language(
            actor=request.user, user=request.user, language=serializer.validated_data["language"]
        )
        return Response(MeOut(request.user).data)


class TokenIn(serializers.Serializer):
    username = serializers.CharField()
    password = serializers.CharField(style={"input_type": "password"})


class LockedError(PssmError):
    code = "locked"
    default_message = gettext_noop(
        "Too many failed attempts: sign-in is blocked for a while. Try again later."
    )


class TokenApi(GenericAPIView):
    """Exchange a user name and password for an API token (failed attempts are throttled)."""

    permission_classes = [AllowAny]
    authentication_classes = []
    serializer_class = TokenIn

    @extend_schema(
        request=TokenIn, responses=inline_serializer("Token", {"token": serializers.CharField()})
    )
    def post(self, request):
        serializer = TokenIn(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            user = authenticate(request, **serializer.validated_data)
        except AxesBackendPermissionDenied:
            user = None
            locked = True
        else:
            locked = getattr(request, "axes_locked_out", False)
        if locked:
            raise LockedError()
        if user is None or not user.is_active:
            raise NotAuthenticatedError(gettext_noop("Wrong user name or password."))
        with transaction.atomic():
            token, created = Token.objects.get_or_create(user=user)
            if created:
                journal_append(
                    actor=user, kind="user.token_issued", payload={"username": user.username}
                )
        return Response({"token": token.key})
