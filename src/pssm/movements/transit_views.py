"""The page of what is in transit: per site (sent or expected) and nationally."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils import timezone

from pssm.accounts import authz
from pssm.core.web import clean_filters
from pssm.domain.access import Action
from pssm.registry.forms import sites_where

from . import transit


@login_required
def in_transit(request):
    from pssm.core.tables import configure

    from .tables import InTransitFilter, InTransitTable

    authz.check_anywhere(request.user, Action.SERIALS_VIEW)
    filterset = InTransitFilter(
        request.GET or None, sites=sites_where(request.user, Action.SERIALS_VIEW)
    )
    qs = filterset.selected(lambda f: transit.in_transit_list(user=request.user, site=f["site"]))
    table = configure(request, InTransitTable(qs), filterset)
    shown = [row.record.pk for row in table.paginated_rows]
    table.show_outstanding(transit.outstanding_serials(shown), timezone.now())
    return render(request, "movements/in_transit.html", {"table": table})


@login_required
def person_options(request):
    """The persons of a site matching what is typed (name or service number), as the options
    of the voucher form's person list: the list narrows as one types (htmx)."""
    from pssm.registry.selectors import person_list

    filters = clean_filters(request, ["site", "q"])
    people = (
        person_list(user=request.user, filters={"site": filters["site"].upper(), "q": filters["q"]})
        .filter(is_active=True)
        .order_by("last_name", "first_name")[:50]
        if filters["site"]
        else []
    )
    return render(request, "movements/_person_options.html", {"people": people})


@login_required
def case_pdf(request, pk):
    from django.urls import reverse

    from . import case_pdf as printable
    from .selectors import case_get

    case = case_get(user=request.user, pk=pk)
    url = request.build_absolute_uri(reverse("movements:case_detail", args=[pk]))
    return printable.case_response(case, url)
