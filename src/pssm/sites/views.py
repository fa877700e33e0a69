"""HTML pages of the geography. Each view makes one selector or service call."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from pssm.accounts import authz
from pssm.core.tables import configure
from pssm.core.web import call_service
from pssm.domain.access import Action

from . import forms, selectors, services
from .tables import (
    CountryTable,
    OrganisationFilter,
    OrganisationTable,
    SiteFilter,
    SiteTable,
)


def _form_page(request, form, title, cancel_url, subtitle=""):
    return render(
        request,
        "core/form.html",
        {"form": form, "title": title, "cancel_url": cancel_url, "subtitle": subtitle},
    )


def _edit_page(request, obj, form_class, service, obj_kw, done_url):
    """Show ``form_class`` for ``obj`` and save it through ``service``; redirect when done."""
    form = form_class(request.POST or None, instance=obj)
    if (
        request.method == "POST"
        and form.is_valid()
        and call_service(form, service, actor=request.user, **{obj_kw: obj}, **form.cleaned_data)
    ):
        messages.success(request, _("Saved."))
        return redirect(done_url)
    return _form_page(request, form, str(obj), done_url)


@login_required
def country_list(request):
    countries = selectors.country_list(user=request.user)
    return render(
        request,
        "sites/country_list.html",
        {
            "table": configure(request, CountryTable(countries)),
            "can_create": authz.can(request.user, Action.GEO_MANAGE),
        },
    )


@login_required
def country_detail(request, code):
    country = selectors.country_get(user=request.user, code=code)
    orgs = selectors.organisation_list(user=request.user, filters={"country": country.code})
    return render(
        request,
        "sites/country_detail.html",
        {
            "country": country,
            "table": configure(request, OrganisationTable(orgs, exclude=("country",))),
            "can_edit": authz.can(request.user, Action.GEO_MANAGE, country),
        },
    )


@login_required
def country_create(request):
    authz.check(request.user, Action.GEO_MANAGE)
    form = forms.CountryCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        country = call_service(
            form, services.country_create, actor=request.user, **form.cleaned_data
        )
        if country:
            messages.success(request, _("Country %(code)s created.") % {"code": country.code})
            return redirect("sites:country_detail", country.code)
    return _form_page(request, form, _("New country"), reverse("sites:country_list"))


@login_required
def country_edit(request, code):
    country = selectors.country_get(user=request.user, code=code)
    authz.check(request.user, Action.GEO_MANAGE, country)
    return _edit_page(
        request,
        country,
        forms.CountryEditForm,
        services.country_update,
        "country",
        reverse("sites:country_detail", args=[country.code]),
    )


@login_required
def organisation_list(request):
    filterset = OrganisationFilter(
        request.GET or None, countries=selectors.country_list(user=request.user)
    )
    rows = filterset.selected(lambda f: selectors.organisation_list(user=request.user, filters=f))
    return render(
        request,
        "sites/organisation_list.html",
        {
            "table": configure(request, OrganisationTable(rows), filterset),
            "can_create": authz.can_anywhere(request.user, Action.GEO_MANAGE),
        },
    )


@login_required
def organisation_detail(request, code):
    org = selectors.organisation_get(user=request.user, code=code)
    sites = selectors.site_list(user=request.user, filters={"organisation": org.code})
    return render(
        request,
        "sites/organisation_detail.html",
        {
            "organisation": org,
            "table": configure(request, SiteTable(sites)),
            "can_edit": authz.can(request.user, Action.GEO_MANAGE, org),
            "can_add_site": authz.can(request.user, Action.SITE_MANAGE, org),
        },
    )


@login_required
def organisation_create(request):
    authz.check_anywhere(request.user, Action.GEO_MANAGE)
    form = forms.OrganisationCreateForm(
        request.POST or None, user=request.user, initial={"country": request.GET.get("country")}
    )
    if request.method == "POST" and form.is_valid():
        org = call_service(
            form, services.organisation_create, actor=request.user, **form.cleaned_data
        )
        if org:
            messages.success(request, _("Organisation %(code)s created.") % {"code": org.code})
            return redirect("sites:organisation_detail", org.code)
    return _form_page(request, form, _("New organisation"), reverse("sites:organisation_list"))


@login_required
def organisation_edit(request, code):
    org = selectors.organisation_get(user=request.user, code=code)
    authz.check(request.user, Action.GEO_MANAGE, org)
    return _edit_page(
        request,
        org,
        forms.OrganisationEditForm,
        services.organisation_update,
        "organisation",
        reverse("sites:organisation_detail", args=[org.code]),
    )


@login_required
def site_list(request):
    filterset = SiteFilter(
        request.GET or None,
        countries=selectors.country_list(user=request.user),
        organisations=selectors.organisation_list(user=request.user),
    )
    rows = filterset.selected(lambda f: selectors.site_list(user=request.user, filters=f))
    return render(
        request,
        "sites/site_list.html",
        {
            "table": configure(request, SiteTable(rows), filterset),
            "can_create": authz.can_anywhere(request.user, Action.SITE_MANAGE),
        },
    )


@login_required
def site_detail(request, code):
    site = selectors.site_get(user=request.user, code=code)
    buildings = selectors.building_list(user=request.user, filters={"site": site.code})
    return render(
        request,
        "sites/site_detail.html",
        {
            "site": site,
            "buildings": buildings,
            "can_edit": authz.can(request.user, Action.SITE_MANAGE, site),
            "can_add_building": authz.can(request.user, Action.BUILDING_MANAGE, site),
            "can_see_journal": authz.can(request.user, Action.JOURNAL_VIEW, site),
        },
    )


@login_required
def site_create(request):
    authz.check_anywhere(request.user, Action.SITE_MANAGE)
    form = forms.SiteCreateForm(
        request.POST or None,
        user=request.user,
        initial={"organisation": request.GET.get("organisation")},
    )
    if request.method == "POST" and form.is_valid():
        site = call_service(form, services.site_create, actor=request.user, **form.cleaned_data)
        if site:
            messages.success(request, _("Site %(code)s created.") % {"code": site.code})
            return redirect("sites:site_detail", site.code)
    return _form_page(request, form, _("New site"), reverse("sites:site_list"))


@login_required
def site_edit(request, code):
    site = selectors.site_get(user=request.user, code=code)
    authz.check(request.user, Action.SITE_MANAGE, site)
    return _edit_page(
        request,
        site,
        forms.SiteEditForm,
        services.site_update,
        "site",
        reverse("sites:site_detail", args=[site.code]),
    )


@login_required
def building_create(request, code):
    site = selectors.site_get(user=request.user, code=code)
    authz.check(request.user, Action.BUILDING_MANAGE, site)
    form = forms.BuildingCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        building = call_service(
            form, services.building_create, actor=request.user, site=site, **form.cleaned_data
        )
        if building:
            messages.success(request, _("Building %(code)s created.") % {"code": building.code})
            return redirect("sites:building_detail", building.code)
    return _form_page(
        request, form, _("New building"), reverse("sites:site_detail", args=[code]), str(site)
    )


@login_required
def building_detail(request, code):
    building = selectors.building_get(user=request.user, code=code)
    locations = selectors.location_list(user=request.user, filters={"building": building.code})
    return render(
        request,
        "sites/building_detail.html",
        {
            "building": building,
            "locations": locations,
            "can_edit": authz.can(request.user, Action.BUILDING_MANAGE, building),
        },
    )


@login_required
def building_edit(request, code):
    building = selectors.building_get(user=request.user, code=code)
    authz.check(request.user, Action.BUILDING_MANAGE, building)
    return _edit_page(
        request,
        building,
        forms.BuildingEditForm,
        services.building_update,
        "building",
        reverse("sites:building_detail", args=[building.code]),
    )


@login_required
def location_create(request, code):
    building = selectors.building_get(user=request.user, code=code)
    authz.check(request.user, Action.BUILDING_MANAGE, building)
    form = forms.LocationCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        location = call_service(
            form,
            services.location_create,
            actor=request.user,
            building=building,
            **form.cleaned_data,
        )
        if location:
            messages.success(request, _("Location %(code)s created.") % {"code": location.code})
            return redirect("sites:building_detail", building.code)
    return _form_page(
        request,
        form,
        _("New storage location"),
        reverse("sites:building_detail", args=[code]),
        str(building),
    )


@login_required
def location_edit(request, code):
    location = selectors.location_get(user=request.user, code=code)
    authz.check(request.user, Action.BUILDING_MANAGE, location)
    return _edit_page(
        request,
        location,
        forms.LocationEditForm,
        services.location_update,
        "location",
        reverse("sites:building_detail", args=[location.building.code]),
    )
