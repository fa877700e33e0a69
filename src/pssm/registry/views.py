"""Pages of the weapons registry."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from pssm.accounts import authz
from pssm.core.web import call_service, clean_filters, paginate
from pssm.domain.access import Action
from pssm.movements.selectors import weapon_history
from pssm.sites import selectors as site_selectors

from . import exports, forms, selectors, services
from .models import STATUS_CHOICES, WeaponPhoto, WeaponType

WEAPON_FILTERS = ["site", "status", "category", "serial", "near", "type_q"]


@login_required
def weapon_list(request):
    filters = clean_filters(request, WEAPON_FILTERS)
    qs = selectors.weapon_list(user=request.user, filters=filters)
    fmt = request.GET.get("format")
    if fmt in {"csv", "xlsx"}:
        return exports.weapons_response(qs, fmt)
    if filters["serial"]:
        # A serial search lists the best matches first, each with how it matched.
        found = selectors.weapon_search(
            user=request.user,
            query=filters["serial"],
            limit=500,
            near=selectors.wants_near(filters),
        )
        order = {hit.id: (i, m) for i, (m, hit) in enumerate(found)}
        qs = sorted(qs, key=lambda w: order[w.pk][0])
        for weapon in qs:
            weapon.match = order[weapon.pk][1]
    return render(
        request,
        "registry/weapon_list.html",
        {
            "page_obj": paginate(request, qs),
            "filters": filters,
            "statuses": STATUS_CHOICES,
            "categories": WeaponType.Category.choices,
            "sites": site_selectors.site_list(user=request.user),
            "export_query": request.GET.urlencode(),
        },
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
    filters = clean_filters(request, ["site", "q"])
    return render(
        request,
        "registry/person_list.html",
        {
            "page_obj": paginate(
                request, selectors.person_list(user=request.user, filters=filters)
            ),
            "filters": filters,
            "can_create": authz.can_anywhere(request.user, Action.VOUCHER_PREPARE),
        },
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
