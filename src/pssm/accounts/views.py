from django.conf import settings
from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from pssm.core.middleware import SESSION_KEY
from pssm.core.web import call_service, run_service
from pssm.domain.access import Action, Level
from pssm.domain.errors import NotFoundError, ValidationError, gettext_noop
from pssm.sites import selectors as site_selectors

from . import authz, selectors, services
from .forms import (
    GrantForm,
    PasswordChangeForm,
    SecondFactorCodeForm,
    TemporaryPasswordForm,
    UserCreateForm,
)
from .middleware import GATE_SESSION_KEY
from .models import RoleGrant


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    redirect_authenticated_user = True

    def form_valid(self, form):
        response = super().form_valid(form)
        self.request.session.pop(SESSION_KEY, None)
        self.request.session.pop(GATE_SESSION_KEY, None)
        return response


class LogoutView(auth_views.LogoutView):
    http_method_names = ["post", "options"]


def lockout_response(request, credentials, *args, **kwargs):
    """Shown instead of the login page after too many failed attempts (django-axes): for how
    long, and who can unlock the account. The administrators are not named: the page is shown
    to whoever typed a user name, and would tell a stranger whom to deceive."""
    minutes = round(float(settings.AXES_COOLOFF_TIME) * 60)
    context = {"minutes": minutes, "contact": settings.PSSM_SUPPORT_CONTACT}
    return render(request, "accounts/locked.html", context, status=429)


def _safe_next(request, default: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return default


@login_required
def profile(request):
    grants = request.user.grants.filter(revoked_at__isnull=True).select_related(
        "site", "organisation", "country"
    )
    tokens = selectors.token_list(user=request.user, owner=request.user)
    return render(
        request,
        "accounts/profile.html",
        {
            "grants": grants,
            "tokens": tokens,
            "second_factor": selectors.second_factor_state(request.user),
        },
    )


@login_required
def password_change(request):
    form = PasswordChangeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        done = call_service(
            form,
            services.user_change_password,
            actor=request.user,
            user=request.user,
            old_password=form.cleaned_data["old_password"],
            new_password=form.cleaned_data["new_password"],
        )
        if done:
            update_session_auth_hash(request, request.user)
            messages.success(request, _("Your password was changed."))
            return redirect(_safe_next(request, reverse("accounts:profile")))
    forced = request.user.password_change_required
    return render(
        request,
        "accounts/password_change.html",
        {
            "form": form,
            "title": _("Change my password"),
            "subtitle": _("You were given a temporary password: choose your own to continue.")
            if forced
            else "",
            "cancel_url": "" if forced else reverse("accounts:profile"),
        },
    )


@require_POST
def language(request):
    """Switch the interface language: saved on the account, and in a cookie for the login page."""
    lang = request.POST.get("language", "")
    if lang not in dict(settings.LANGUAGES):
        messages.error(request, _("Unknown language."))
        lang = None
    elif request.user.is_authenticated:
        services.user_set_language(actor=request.user, user=request.user, language=lang)
        request.session[SESSION_KEY] = lang
    target = request.POST.get("next") or "/"
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = "/"
    response = redirect(target)
    if lang:
        response.set_cookie(
            settings.LANGUAGE_COOKIE_NAME, lang, max_age=365 * 24 * 3600, samesite="Lax"
        )
    return response


@login_required
def user_list(request):
    from pssm.core.tables import configure

    from .tables import UserFilter, UserTable

    filterset = UserFilter(request.GET or None)
    rows = filterset.selected(lambda f: selectors.user_list(user=request.user, filters=f))
    can_create = authz.can(request.user, Action.ROLES_MANAGE)
    return render(
        request,
        "accounts/user_list.html",
        {
            "table": configure(request, UserTable(rows), filterset),
            "can_create": can_create,
            "countries": selectors.country_policy_list(user=request.user),
        },
    )


@login_required
def user_create(request):
    authz.check(request.user, Action.ROLES_MANAGE)
    form = UserCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = call_service(form, services.user_create, actor=request.user, **form.cleaned_data)
        if user:
            messages.success(request, _("The account was created. Now grant it a role."))
            return redirect("accounts:user_detail", user.username)
    return render(
        request,
        "accounts/user_form.html",
        {"form": form, "title": _("New account"), "cancel_url": reverse("accounts:user_list")},
    )


SCOPE_FINDERS = {
    Level.COUNTRY: site_selectors.country_get,
    Level.ORGANISATION: site_selectors.organisation_get,
    Level.SITE: site_selectors.site_get,
}


@login_required
def user_detail(request, username):
    target = selectors.user_get(user=request.user, username=username)
    grants = target.grants.select_related("site", "organisation", "country").order_by(
        "revoked_at", "granted_at"
    )
    form = GrantForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        level = form.cleaned_data["level"]
        code = form.cleaned_data["scope_code"].strip().upper()
        scope_kwargs = {}
        try:
            if level != Level.GLOBAL:
                if not code:
                    raise ValidationError(
                        gettext_noop("Give the code of the site, organisation or country."),
                        details={"scope_code": gettext_noop("This field is required.")},
                    )
                finder = SCOPE_FINDERS[Level(level)]
                scope_kwargs[level] = finder(user=request.user, code=code)
        except (NotFoundError, ValidationError) as exc:
            from pssm.core import errors

            form.add_error("scope_code", errors.message(exc))
        else:
            grant = call_service(
                form,
                services.role_grant,
                actor=request.user,
                user=target,
                role=form.cleaned_data["role"],
                level=level,
                **scope_kwargs,
            )
            if grant:
                messages.success(request, _("The role was granted."))
                return redirect("accounts:user_detail", target.username)
    can_manage = authz.can_user_manage(request.user, target)
    context = {"target": target, "grants": grants, "form": form, "can_manage": can_manage}
    if can_manage:
        context.update(
            tokens=selectors.token_list(user=request.user, owner=target),
            second_factor=selectors.second_factor_state(target),
            failed_sign_ins=selectors.failed_sign_ins(target),
            password_form=TemporaryPasswordForm(),
        )
    return render(request, "accounts/user_detail.html", context)


@login_required
@require_POST
def grant_revoke(request, username, pk):
    target = selectors.user_get(user=request.user, username=username)
    grant = get_object_or_404(RoleGrant, pk=pk, user=target)
    services.role_revoke(actor=request.user, grant=grant)
    messages.success(request, _("The role was revoked."))
    return redirect("accounts:user_detail", target.username)


# API tokens


@login_required
@require_POST
def token_revoke(request, token_id):
    """The user revokes one of their own API tokens."""
    token = selectors.token_get(user=request.user, owner=request.user, token_id=token_id)
    run_service(request, services.token_revoke, _("The API token was revoked."), token=token)
    return redirect("accounts:profile")


@login_required
@require_POST
def user_token_revoke(request, username, token_id):
    """An administrator revokes an API token of an account they manage."""
    target = selectors.user_get(user=request.user, username=username)
    token = selectors.token_get(user=request.user, owner=target, token_id=token_id)
    run_service(request, services.token_revoke, _("The API token was revoked."), token=token)
    return redirect("accounts:user_detail", target.username)


# Accounts in operation


def _account_action(service, success):
    @login_required
    @require_POST
    def view(request, username):
        target = selectors.user_get(user=request.user, username=username)
        authz.check_user_manage(request.user, target)
        run_service(request, service, _(success), user=target)
        return redirect("accounts:user_detail", target.username)

    view.__doc__ = service.__doc__
    return view


user_deactivate = _account_action(
    services.user_deactivate, gettext_noop("The account was deactivated.")
)
user_reactivate = _account_action(
    services.user_reactivate, gettext_noop("The account was reactivated.")
)
user_unlock = _account_action(services.user_unlock, gettext_noop("The account was unlocked."))
user_second_factor_reset = _account_action(
    services.second_factor_reset, gettext_noop("The second factor was reset.")
)


@login_required
def user_temporary_password(request, username):
    target = selectors.user_get(user=request.user, username=username)
    authz.check_user_manage(request.user, target)
    form = TemporaryPasswordForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        done = call_service(
            form,
            services.user_set_temporary_password,
            actor=request.user,
            user=target,
            password=form.cleaned_data["password"],
        )
        if done:
            messages.success(request, _("The temporary password was set: the user must change it."))
            return redirect("accounts:user_detail", target.username)
    return render(
        request,
        "accounts/user_form.html",
        {
            "form": form,
            "title": _("Temporary password for %(username)s") % {"username": target.username},
            "submit_label": _("Set the temporary password"),
            "cancel_url": reverse("accounts:user_detail", args=[target.username]),
        },
    )


# Second factor

PENDING_KEY_SESSION = "pssm_second_factor_key"


@login_required
def second_factor_enrol(request):
    """Set up a TOTP application: scan the QR code (or type the key), then give a code."""
    import base64
    from binascii import unhexlify

    import segno
    from django_otp.plugins.otp_totp.models import TOTPDevice
    from django_otp.util import random_hex

    state = selectors.second_factor_state(request.user)
    if state["enrolled"]:
        messages.info(request, _("A second factor is already enrolled."))
        return redirect("accounts:profile")
    if not state["may_enrol"]:
        raise ValidationError(gettext_noop("Your roles do not use a second factor."))
    key = request.session.get(PENDING_KEY_SESSION) or random_hex(20)
    request.session[PENDING_KEY_SESSION] = key
    form = SecondFactorCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = call_service(
            form,
            services.second_factor_enrol,
            actor=request.user,
            user=request.user,
            key=key,
            code=form.cleaned_data["otp"],
        )
        if device:
            from django_otp import login as otp_login

            request.session.pop(PENDING_KEY_SESSION, None)
            otp_login(request, device)
            messages.success(request, _("Your second factor is set up."))
            return redirect(_safe_next(request, reverse("accounts:profile")))
    pending = TOTPDevice(user=request.user, key=key, name="TOTP")
    qr = segno.make(pending.config_url, error="m")
    return render(
        request,
        "accounts/second_factor_enrol.html",
        {
            "form": form,
            "qr": qr.svg_data_uri(scale=5, border=2),
            "secret": base64.b32encode(unhexlify(key)).decode(),
            "required": state["required"],
            "next": _safe_next(request, ""),
        },
    )


@login_required
def second_factor_verify(request):
    """After the password: the code of the user's authenticator application."""
    from django_otp import login as otp_login

    if request.user.is_verified() or selectors.second_factor_device(request.user) is None:
        return redirect(_safe_next(request, reverse("core:dashboard")))
    form = SecondFactorCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = call_service(
            form, services.second_factor_verify, user=request.user, code=form.cleaned_data["otp"]
        )
        if device:
            otp_login(request, device)
            return redirect(_safe_next(request, reverse("core:dashboard")))
    return render(
        request,
        "accounts/second_factor_verify.html",
        {"form": form, "next": _safe_next(request, "")},
    )


@login_required
@require_POST
def country_second_factor(request, code):
    """Make the second factor compulsory (or not) in a country."""
    country = site_selectors.country_get(user=request.user, code=code)
    authz.check(request.user, Action.ROLES_MANAGE, country)
    required = request.POST.get("required") == "yes"
    success = (
        _("The second factor is now compulsory in %(country)s.")
        if required
        else _("The second factor is now optional in %(country)s.")
    ) % {"country": country}
    run_service(
        request, services.country_second_factor_set, success, country=country, required=required
    )
    return redirect("accounts:user_list")
