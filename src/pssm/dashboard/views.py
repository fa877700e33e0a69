from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from pssm.accounts import authz
from pssm.domain.access import Action
from pssm.journal.selectors import journal_entry_list
from pssm.notices.selectors import notice_list, unread_count
from pssm.sites.selectors import site_list, site_summary

from .queue import work_queue


@login_required
def dashboard(request):
    user = request.user
    context = {
        "roles": user.grants.filter(revoked_at__isnull=True).select_related(
            "site", "organisation", "country"
        ),
        "summary": None,
        "model_sites": [],
        "recent": [],
        "queue": work_queue(user),
        "perms_trace": authz.can_anywhere(user, Action.TRACE_MANAGE),
        "notices": list(notice_list(user=user).filter(read_at__isnull=True)[:10]),
    }
    # Counted only when there are more unread notices than shown.
    shown = context["notices"]
    context["unread"] = len(shown) if len(shown) < 10 else unread_count(user)
    if authz.can_anywhere(user, Action.GEO_VIEW):
        context["summary"] = site_summary(user=user)
        context["model_sites"] = list(site_list(user=user, filters={"model": True})[:20])
    if authz.can_anywhere(user, Action.AGGREGATES_VIEW):
        from pssm.inspections.dashboard import losses

        context["losses"] = losses(user)
        from pssm.ammunition.selectors import qd_review_list

        context["qd_reviews"] = qd_review_list(user=user)[:50]
        from pssm.ammunition.suspensions import suspended_held_by

        context["suspended"] = suspended_held_by(user)[:50]
        from pssm.ammunition.surveillance import surveillance_calendar

        urgent = [
            r
            for r in surveillance_calendar(user=user)
            if r["state"] in {"expired", "dispose", "overdue"}
        ]
        context["surveillance_urgent"] = urgent[:20]
        context["surveillance_urgent_count"] = len(urgent)
    if authz.can_anywhere(user, Action.JOURNAL_VIEW):
        context["recent"] = list(journal_entry_list(user=user)[:10])
    return render(request, "dashboard/home.html", context)
