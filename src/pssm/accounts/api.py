from axes.exceptions import AxesBackendPermissionDenied
from django.contrib.auth import authenticate
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.generics import GenericAPIView
from rest_framework.permissions import AllowAny
from rest_framework.response import Response

from pssm.domain.errors import (
    NotAuthenticatedError,
    PermissionDeniedError,
    PssmError,
    gettext_noop,
)

from . import authz, selectors, services
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
    otp = serializers.CharField(
        required=False,
        allow_blank=True,
        help_text="The code of the authenticator application, for an account with a second factor.",
    )


class TokenOut(serializers.Serializer):
    token = serializers.CharField()
    expiry = serializers.DateTimeField()


class LockedError(PssmError):
    code = "locked"
    default_message = gettext_noop(
        "Too many failed attempts: sign-in is blocked for a while. Try again later."
    )


class TokenApi(GenericAPIView):
    """Exchange a user name and password (and the second-factor code, field ``otp``, when the
    account has or needs one) for a new API token that expires (failed attempts are throttled).
    """

    permission_classes = [AllowAny]
    authentication_classes = []
    serializer_class = TokenIn

    @extend_schema(request=TokenIn, responses=TokenOut)
    def post(self, request):
        serializer = TokenIn(data=request.data)
        serializer.is_valid(raise_exception=True)
        otp = serializer.validated_data.pop("otp", "")
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
        if user.password_change_required:
            raise PermissionDeniedError(
                gettext_noop("You must choose a new password before you continue."),
                code="password_change_required",
            )
        state = selectors.second_factor_state(user)
        if state["enrolled"]:
            if not otp:
                raise NotAuthenticatedError(
                    gettext_noop("Give the code of your authenticator application."),
                    code="otp_required",
                    details={"otp": gettext_noop("This field is required.")},
                )
            try:
                services.second_factor_verify(user=user, code=otp)
            except PssmError:
                raise NotAuthenticatedError(
                    gettext_noop("The code is wrong or has expired."),
                    code="otp_invalid",
                    details={"otp": gettext_noop("The code is wrong or has expired.")},
                ) from None
        elif state["required"]:
            raise PermissionDeniedError(
                gettext_noop(
                    "Your country requires a second factor: set it up before you continue."
                ),
                code="second_factor_enrolment_required",
            )
        token, clear = services.token_issue(actor=user, user=user)
        return Response({"token": clear, "expiry": token.expiry})


class TokenItemOut(serializers.Serializer):
    id = serializers.CharField(source="digest", help_text="The token's identifier (its hash).")
    starts_with = serializers.SerializerMethodField()
    created = serializers.DateTimeField()
    expiry = serializers.DateTimeField()

    def get_starts_with(self, token) -> str:
        return token.token_key[:8]


class TokenListApi(GenericAPIView):
    """The caller's API tokens that have not expired."""

    serializer_class = TokenItemOut
    pagination_class = None

    @extend_schema(responses=TokenItemOut(many=True))
    def get(self, request):
        tokens = selectors.token_list(user=request.user, owner=request.user)
        return Response(TokenItemOut(tokens, many=True).data)


class TokenDetailApi(GenericAPIView):
    """Revoke one of the caller's API tokens."""

    serializer_class = TokenItemOut

    @extend_schema(responses={204: None})
    def delete(self, request, token_id):
        token = selectors.token_get(user=request.user, owner=request.user, token_id=token_id)
        services.token_revoke(actor=request.user, token=token)
        return Response(status=204)


class UserTokenListApi(GenericAPIView):
    """The API tokens of an account, for an administrator who manages it."""

    serializer_class = TokenItemOut
    pagination_class = None

    @extend_schema(responses=TokenItemOut(many=True))
    def get(self, request, username):
        owner = selectors.user_get(user=request.user, username=username)
        tokens = selectors.token_list(user=request.user, owner=owner)
        return Response(TokenItemOut(tokens, many=True).data)


class UserTokenDetailApi(GenericAPIView):
    """Revoke an API token of an account, for an administrator who manages it."""

    serializer_class = TokenItemOut

    @extend_schema(responses={204: None})
    def delete(self, request, username, token_id):
        owner = selectors.user_get(user=request.user, username=username)
        token = selectors.token_get(user=request.user, owner=owner, token_id=token_id)
        services.token_revoke(actor=request.user, token=token)
        return Response(status=204)
