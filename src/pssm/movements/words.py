"""Holdings in words, for people: "in store, Rack 1 (R01)", "issued to Sgt TRAORÉ Moussa
(ML-0042)", "in transit to Sévaré" instead of the codes and references the ledger keeps
(``in_store``, ``person:2``, ``ML-SEV``). The names of every place and person a list of
holdings names are read in three statements, whatever the length of the list."""

from __future__ import annotations

from django.utils.translation import gettext as _

from pssm.domain.ledger import Status, custodian_parts
from pssm.registry.models import STATUS_LABELS, Person
from pssm.sites.models import Site, StorageLocation


class Names:
    """Site, location and person names for a batch of holdings (dicts as the ledger writes
    them: status, site, location, custodian, destination)."""

    def __init__(self, holdings):
        holdings = [h for h in holdings if h]
        sites = {h.get("site") for h in holdings} | {h.get("destination") for h in holdings}
        locations = {h.get("location") for h in holdings if h.get("location")}
        people = {
            custodian_parts(h.get("custodian", ""))[0] for h in holdings if h.get("custodian")
        }
        self.sites = dict(
            Site.objects.filter(code__in=[c for c in sites if c]).values_list("code", "name")
        )
        self.locations = {
            loc.code: str(loc) for loc in StorageLocation.objects.filter(code__in=locations)
        }
        self.people = {p.pk: str(p) for p in Person.objects.filter(pk__in=people - {None})}

    def site(self, code: str) -> str:
        return self.sites.get(code, code)

    def custodian(self, ref: str) -> str:
        person, unit = custodian_parts(ref or "")
        if person:
            return self.people.get(person, _("a person no longer registered"))
        return unit

    def holding(self, h: dict | None) -> str:
        """Where the holding ``h`` puts the weapon, in a few words."""
        if not h:
            return _("not in the register")
        status = Status(h["status"])
        label = str(STATUS_LABELS.get(status, status.value))
        if h.get("location"):
            return _("%(status)s, %(location)s") % {
                "status": label,
                "location": self.locations.get(h["location"], h["location"]),
            }
        if h.get("custodian"):
            return _("issued to %(name)s") % {"name": self.custodian(h["custodian"])}
        if h.get("destination"):
            return _("in transit from %(site)s to %(destination)s") % {
                "site": self.site(h.get("site", "")),
                "destination": self.site(h["destination"]),
            }
        return _("%(status)s (%(site)s)") % {"status": label, "site": self.site(h.get("site", ""))}


def history(lines) -> list[dict]:
    """The posted movements of a weapon (voucher lines with their voucher, oldest first) as
    sentences: when, what, from where to where, by whom; the line's own data kept for those
    who open it."""
    from django.utils import formats, timezone

    from .models import KIND_LABELS

    lines = list(lines)
    names = Names([h for line in lines for h in (line.before, line.after)])
    out = []
    for line in lines:
        v = line.voucher
        approver = (
            v.approved_by.get_full_name() or v.approved_by.username if v.approved_by_id else ""
        )
        what = str(KIND_LABELS.get(v.kind_enum, v.kind))
        if line.before:
            text = _("%(what)s: from %(before)s to %(after)s.") % {
                "what": what,
                "before": names.holding(line.before),
                "after": names.holding(line.after),
            }
        else:
            text = _("%(what)s: registered, %(after)s.") % {
                "what": what,
                "after": names.holding(line.after),
            }
        if approver:
            text += " " + _("Approved by %(name)s.") % {"name": approver}
        when = timezone.localtime(v.posted_at) if v.posted_at else None
        out.append(
            {
                "line": line,
                "voucher": v,
                "when": formats.date_format(when, "DATETIME_FORMAT") if when else "",
                "text": text,
            }
        )
    return out
