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
from pssm.core.web import call_service, clean_filters, paginate
from pssm.domain.access import Action, Level
from pssm.domain.errors import NotFoundError, ValidationError, gettext_noop
from pssm.sites import selectors as site_selectors

from . import authz, selectors, services
from .forms import GrantForm, PasswordChangeForm, UserCreateForm
from .models import RoleGrant


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    redirect_authenticated_user = True

    def form_valid(self, form):
        response = super().form_valid(form)
        self.request.session.pop(SESSION_KEY, None)
        return response


class LogoutView(auth_views.LogoutView):
    http_method_names = ["post", "options"]


def lockout_response(request, credentials, *args, **kwargs):
    """Shown instead of the login page after too many failed attempts (django-axes)."""
    return render(request, "accounts/locked.html", status=429)


@login_required
def profile(request):
    grants = request.user.grants.filter(revoked_at__isnull=True).select_related(
        "site", "organisation", "country"
    )
    return render(request, "accounts/profile.html", {"grants": grants})


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
            return redirect("accounts:profile")
    return render(
        request,
        "accounts/password_change.html",
        {"form": form, "title": _("Change my password"), "cancel_url": reverse("accounts:profile")},
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
    filters = clean_filters(request, ["q"])
    page = paginate(request, selectors.user_list(user=request.user, filters=filters))
    can_create = authz.can(request.user, Action.ROLES_MANAGE)
    return render(
        request,
        "accounts/user_list.html",
        {"page_obj": page, "filters": filters, "can_create": can_create},
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
    return render(
        request, "accounts/user_detail.html", {"target": target, "grants": grants, "form": form}
    )


@login_required
@require_POST
def grant_revoke(request, username, pk):
    target = selectors.user_get(user=request.user, username=username)
    grant = get_object_or_404(RoleGrant, pk=pk, user=target)
    services.role_revoke(actor=request.user, grant=grant)
    messages.success(request, _("The role was revoked."))
    return redirect("accounts:user_detail", target.username)
