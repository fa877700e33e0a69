"""The programme's entry in the main menu, shown to whoever may see the programme."""

from django import template
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from pssm.accounts import authz
from pssm.domain.access import Action

register = template.Library()


@register.simple_tag(takes_context=True)
def programme_menu_link(context):
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not authz.can_anywhere(user, Action.PROGRAMME_VIEW):
        return ""
    match = getattr(request, "resolver_match", None)
    active = bool(match and match.namespace == "programme")
    return format_html(
        '<a href="{}"{}>{}</a>',
        reverse("programme:dashboard"),
        mark_safe(' class="active" aria-current="page"') if active else "",
        _("Programme"),
    )
