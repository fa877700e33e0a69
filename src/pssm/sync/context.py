"""The banner every page of a depot node shows when it has been offline longer than its
country's policy allows, or when it is read-only after a restore."""

from __future__ import annotations

from datetime import UTC, datetime

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from .models import Peer, ThisNode


def sync_banner(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    node = ThisNode.objects.select_related("site__organisation__country").first()
    if node is None or node.role != "depot":
        return {}
    if node.read_only_reason:
        from .restore import reason_text

        text = _("This node is read-only: %(reason)s.")
        return {"sync_banner": text % {"reason": reason_text(node.read_only_reason)}}
    national = Peer.objects.filter(node_id=node.national_node).first()
    last = national.last_contact_at if national and national.last_contact_at else node.created_at
    days = (datetime.now(UTC) - last).days
    allowed = node.site.organisation.country.sync_offline_days if node.site_id else 14
    if days <= allowed:
        return {}
    return {
        "sync_banner": ngettext(
            "Not synchronised with the national node for %(days)s day "
            "(the policy allows %(allowed)s).",
            "Not synchronised with the national node for %(days)s days "
            "(the policy allows %(allowed)s).",
            days,
        )
        % {"days": days, "allowed": allowed}
    }
