"""Pages of the weapons registry."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from pssm.accounts import authz
from pssm.core.tables import configure
from pssm.core.web import call_service, clean_filters
from pssm.domain.access import Action
from pssm.movements.selectors import weapon_history
from pssm.sites import selectors as site_selectors

from . import custody, exports, forms, selectors, services, tables
from .models import WeaponPhoto


@login_required
def weapon_list(request):
    wanted = clean_filters(request, ["serial", "near"])
    sites = site_selectors.site_list(user=request.user)
    qs = selectors.weapon_list(user=request.user, filters=wanted)
    filterset = tables.WeaponFilter(request.GET or None, queryset=qs, sites=sites)
    rows = filterset.listed
    fmt = request.GET.get("format")
    if fmt in {"csv", "xlsx"}:
        return exports.weapons_response(rows, fmt)
    if wanted["serial"] and not filterset.errors_or_none():
        # A serial search lists the best matches first, each with how it matched.
        found = selectors.weapon_search(
            user=request.user,
            query=wanted["serial"],
            limit=500,
            near=selectors.wants_near(wanted),
        )
        order = {hit.id: (i, m) for i, (m, hit) in enumerate(found)}
        rows = sorted(rows, key=lambda w: order[w.pk][0])
        for weapon in rows:
            weapon.match = order[weapon.pk][1]
    table = configure(request, tables.WeaponTable(rows), filterset)
    return render(
        request,
        "registry/weapon_list.html",
        {"table": table, "filter": filterset, "export_query": request.GET.urlencode()},
    )


@login_required
def weapon_detail(request, pk):
    weapon = selectors.weapon_get(user=request.user, pk=pk)
    if request.method == "POST":
        from pssm.core.web import run_service

        from .services import weapon_photo_add

        run_service(
            request,
            weapon_photo_add,
            _("Photo kept."),
            weapon=weapon,
            upload=request.FILES.get("photo"),
            kind=request.POST.get("kind", ""),
            caption=request.POST.get("caption", ""),
        )
        return redirect("registry:weapon_detail", pk)
    from pssm.movements.words import history as history_in_words

    history = history_in_words(weapon_history(weapon))
    return render(
        request,
        "registry/weapon_detail.html",
        {
            "weapon": weapon,
            "history": history,
            "photos": list(weapon.photos.all()),
            "can_add_photo": authz.can(request.user, Action.VOUCHER_PREPARE, weapon),
            "photo_kinds": WeaponPhoto.Kind.choices,
        },
    )


@login_required
def weapon_photo(request, pk, photo_id):
    """A photo of a weapon, to whoever may see the weapon."""
    from pssm.core.photos import photo_response

    weapon = selectors.weapon_get(user=request.user, pk=pk)
    return photo_response(weapon.photos.filter(pk=photo_id).first())


@login_required
def person_list(request):
    sites = site_selectors.site_list(user=request.user)
    filterset = tables.PersonFilter(
        request.GET or None,
        queryset=selectors.person_list_with_holdings(user=request.user),
        sites=sites,
    )
    table = configure(request, tables.PersonTable(filterset.listed), filterset)
    return render(
        request,
        "registry/person_list.html",
        {
            "table": table,
            "filter": filterset,
            "can_create": authz.can_anywhere(request.user, Action.VOUCHER_PREPARE),
        },
    )


@login_required
def person_detail(request, pk):
    person = selectors.person_get(user=request.user, pk=pk)
    return render(
        request,
        "registry/person_detail.html",
        {
            "person": person,
            "holdings": custody.person_holdings(user=request.user, person=person),
            "history": configure(
                request,
                tables.PersonHistoryTable(custody.person_history(user=request.user, person=person)),
            ),
        },
    )


@login_required
def overdue_list(request):
    sites = site_selectors.site_list(user=request.user)
    filterset = tables.OverdueFilter(request.GET or None, sites=sites)
    rows = (
        []
        if filterset.errors_or_none()
        else custody.overdue_list(user=request.user, filters=filterset.cleaned())
    )
    table = configure(request, tables.OverdueTable(rows), filterset)
    return render(
        request,
        "registry/overdue_list.html",
        {"table": table, "filter": filterset, "policy": custody.return_policy()},
    )


@login_required
def person_create(request):
    authz.check_anywhere(request.user, Action.VOUCHER_PREPARE)
    form = forms.PersonForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        person = call_service(form, services.person_create, actor=request.user, **form.cleaned_data)
        if person:
            messages.success(request, _("%(person)s registered.") % {"person": person})
            return redirect("registry:person_list")
    return render(
        request,
        "core/form.html",
        {"form": form, "title": _("New person"), "cancel_url": reverse("registry:person_list")},
    )
