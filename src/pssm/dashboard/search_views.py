"""The page of the global search box (in every page's header)."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render

from .search import MIN_PARTIAL, global_search


@login_required
def search(request):
    results = global_search(user=request.user, query=request.GET.get("q", ""))
    # A single result, an exact serial or a whole voucher number: straight to it.
    if results.count == 1:
        exact = [hit for match, hit in results.serials if match == "exact"]
        if exact:
            return redirect("registry:weapon_detail", exact[0].id)
        whole = [v for v in results.vouchers if v.number.upper() == results.query.upper()]
        if whole:
            return redirect("movements:voucher_detail", whole[0].pk)
    return render(
        request, "dashboard/search.html", {"results": results, "min_partial": MIN_PARTIAL}
    )
