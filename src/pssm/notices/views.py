"""The user's notifications: newest first, unread marked; opening one marks it read."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from pssm.core.tables import configure

from . import selectors, services
from .models import Notice
from .tables import NoticeTable


@login_required
def notice_list(request):
    return render(
        request,
        "notices/notice_list.html",
        {
            "table": configure(request, NoticeTable(selectors.notice_list(user=request.user))),
            "unread": selectors.unread_count(request.user),
        },
    )


@login_required
@require_POST
def notice_open(request, pk):
    notice = get_object_or_404(Notice, pk=pk, user_id=request.user.pk)
    services.notices_read(actor=request.user, ids=[notice.pk])
    if notice.url and url_has_allowed_host_and_scheme(notice.url, allowed_hosts=None):
        return redirect(notice.url)
    return redirect("notices:notice_list")


@login_required
@require_POST
def notices_read_all(request):
    services.notices_read(actor=request.user)
    return redirect("notices:notice_list")
