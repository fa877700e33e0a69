"""The interface's help: the short user guide of each role, in the user's language, read
from ``docs/guide/<language>/<role>.md`` (PSSM_DOCS_DIR, the repository's ``docs`` by
default) and shown as HTML (CommonMark, raw HTML in the guide is escaped)."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from markdown_it import MarkdownIt

from pssm.accounts.models import ROLE_LABELS, RoleGrant
from pssm.domain.access import Role

ROLE_ORDER = [r.value for r in Role]


def _guide_path(language: str, role: str):
    return settings.PSSM_DOCS_DIR / "guide" / language / f"{role}.md"


def _language() -> str:
    return "en" if (get_language() or "fr").startswith("en") else "fr"


@login_required
def help_index(request):
    language = _language()
    own = set(
        RoleGrant.objects.filter(user_id=request.user.pk, revoked_at__isnull=True).values_list(
            "role", flat=True
        )
    )
    guides = [
        {
            "role": role.value,
            "label": ROLE_LABELS[role],
            "own": role.value in own,
            "available": _guide_path(language, role.value).exists(),
        }
        for role in Role
    ]
    return render(request, "dashboard/help.html", {"guides": guides, "language": language})


@login_required
def help_guide(request, role):
    if role not in ROLE_ORDER:
        raise Http404
    path = _guide_path(_language(), role)
    if not path.exists():
        raise Http404
    html = MarkdownIt("commonmark", {"html": False}).render(path.read_text(encoding="utf-8"))
    return render(
        request,
        "dashboard/help_guide.html",
        {"label": ROLE_LABELS[Role(role)], "guide": mark_safe(html)},  # noqa: S308
    )
