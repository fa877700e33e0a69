"""The page of what is in transit: per site (sent or expected) and nationally."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils import timezone

from pssm.accounts import authz
from pssm.core.web import clean_filters, paginate
from pssm.domain.access import Action
from pssm.registry.forms import sites_where

from . import transit


@login_required
def in_transit(request):
    authz.check_anywhere(request.user, Action.SERIALS_VIEW)
    filters = clean_filters(request, ["site"])
    qs = transit.in_transit_list(user=request.user, site=filters.get("site", "").upper())
    page = paginate(request, qs)
    now = timezone.now()
    serials = transit.outstanding_serials([v.pk for v in page])
    rows = [
        {
            "voucher": v,
            "age": transit.age_days(v.posted_at, now),
            "serials": serials[v.pk],
            "more": max(0, v.weapons_outstanding - len(serials[v.pk])),
        }
        for v in page
    ]
    return render(
        request,
        "movements/in_transit.html",
        {
            "page_obj": page,
            "rows": rows,
            "filters": filters,
            "sites": sites_where(request.user, Action.SERIALS_VIEW),
        },
    )
