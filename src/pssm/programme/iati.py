"""IATI 2.03 activity XML of the programme and its activities, checked against the official
IATI schema files kept in ``iati_schema/`` (IATI-Schemas, branch version-2.03, commit
4c9ba1e8; licence in that folder).

The programme is reported as the parent activity (hierarchy 1) with the indicators as its
results; each activity is a child (hierarchy 2) with its participating organisations (IATI
roles 1-4), budget and transactions. Sector 15240 "Reintegration and SALW control" (OECD DAC
5-digit vocabulary 1). No serial number and no trainee's name is exported."""

from __future__ import annotations

from datetime import UTC, date, datetime
from functools import cache
from pathlib import Path

from lxml import etree

from pssm.domain import programme as rules
from pssm.domain.errors import ValidationError, gettext_noop

from . import indicators as ind
from .models import Activity, Programme

SCHEMA = Path(__file__).resolve().parent / "iati_schema" / "iati-activities-schema.xsd"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
SECTOR_SALW = "15240"
# ActivityDateType: 1 planned start, 2 actual start, 3 planned end, 4 actual end.


@cache
def _schema() -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(str(SCHEMA)))


def _narratives(parent, tag: str, en: str, fr: str, **attrs):
    el = etree.SubElement(parent, tag, **attrs)
    if en:
        etree.SubElement(el, "narrative").text = en
    if fr:
        etree.SubElement(el, "narrative", {XML_LANG: "fr"}).text = fr
    return el


def _value(parent, tag: str, amount, currency: str, value_date: date):
    el = etree.SubElement(parent, tag, currency=currency, **{"value-date": value_date.isoformat()})
    el.text = f"{amount:.2f}"
    return el


def _reporting(parent, prog: Programme):
    org = etree.SubElement(
        parent, "reporting-org", ref=prog.reporting_org_ref, type=prog.reporting_org_type
    )
    etree.SubElement(org, "narrative").text = prog.reporting_org_name


def _dates(parent, start: date, end: date | None, status: str, today: date):
    etree.SubElement(
        parent,
        "activity-date",
        type="2" if start <= today else "1",
        **{"iso-date": start.isoformat()},
    )
    if end:
        done = status == Activity.Status.COMPLETED and end <= today
        etree.SubElement(
            parent, "activity-date", type="4" if done else "3", **{"iso-date": end.isoformat()}
        )


def _countries(parent, codes: list[str]):
    if not codes:
        return
    share = round(100 / len(codes), 2)
    for i, code in enumerate(codes):
        pct = share if i < len(codes) - 1 else round(100 - share * (len(codes) - 1), 2)
        etree.SubElement(parent, "recipient-country", code=code, percentage=f"{pct:g}")


def _activity(root, prog: Programme, act: Activity, today: date):
    el = etree.SubElement(
        root,
        "iati-activity",
        {
            "last-updated-datetime": act.updated_at.astimezone(UTC).isoformat(timespec="seconds"),
            XML_LANG: "en",
            "default-currency": act.currency,
            "hierarchy": "2",
        },
    )
    etree.SubElement(el, "iati-identifier").text = f"{prog.iati_identifier}-{act.code}"
    _reporting(el, prog)
    _narratives(el, "title", act.title_en, act.title_fr)
    _narratives(el, "description", act.description_en, act.description_fr, type="1")
    for org in act.orgs.all():
        code = rules.IATI_ROLES.get(org.role)
        if code is None:  # partner and beneficiary are PSSM's own roles, not IATI's
            continue
        attrs = {"role": code}
        if org.ref:
            attrs["ref"] = org.ref
        if org.org_type:
            attrs["type"] = org.org_type
        p = etree.SubElement(el, "participating-org", **attrs)
        etree.SubElement(p, "narrative").text = org.name
    etree.SubElement(el, "activity-status", code=act.status)
    _dates(el, act.start_date, act.end_date, act.status, today)
    for contact in act.contacts.all():
        info = etree.SubElement(el, "contact-info", type="1")
        if contact.organisation:
            _narratives(info, "organisation", contact.organisation, "")
        _narratives(info, "person-name", contact.name, "")
        if contact.job_title:
            _narratives(info, "job-title", contact.job_title, "")
        if contact.telephone:
            etree.SubElement(info, "telephone").text = contact.telephone
        if contact.email:
            etree.SubElement(info, "email").text = contact.email
    _countries(el, act.country_codes())
    etree.SubElement(el, "sector", vocabulary="1", code=SECTOR_SALW)
    budget = etree.SubElement(el, "budget", type="1", status="2")
    etree.SubElement(budget, "period-start", **{"iso-date": act.start_date.isoformat()})
    etree.SubElement(budget, "period-end", **{"iso-date": act.end_date.isoformat()})
    _value(budget, "value", act.budget_amount, act.currency, act.start_date)
    for tr in act.transactions.all():
        t = etree.SubElement(el, "transaction")
        etree.SubElement(t, "transaction-type", code=tr.kind)
        etree.SubElement(t, "transaction-date", **{"iso-date": tr.transaction_date.isoformat()})
        _value(t, "value", tr.amount, act.currency, tr.transaction_date)
        if tr.description:
            _narratives(t, "description", tr.description, "")
    etree.SubElement(el, "related-activity", ref=prog.iati_identifier, type="1")


def _programme(root, prog: Programme, today: date, countries: list[str]):
    el = etree.SubElement(
        root,
        "iati-activity",
        {
            "last-updated-datetime": datetime.now(UTC).isoformat(timespec="seconds"),
            XML_LANG: "en",
            "default-currency": "XOF",
            "hierarchy": "1",
        },
    )
    etree.SubElement(el, "iati-identifier").text = prog.iati_identifier
    _reporting(el, prog)
    _narratives(el, "title", prog.title_en, prog.title_fr)
    _narratives(el, "description", prog.description_en, prog.description_fr, type="1")
    seen = set()
    for act in prog.activities.all():
        for org in act.orgs.all():
            code = rules.IATI_ROLES.get(org.role)
            if code and (org.name, code) not in seen:
                seen.add((org.name, code))
                attrs = {"role": code, **({"ref": org.ref} if org.ref else {})}
                if org.org_type:
                    attrs["type"] = org.org_type
                p = etree.SubElement(el, "participating-org", **attrs)
                etree.SubElement(p, "narrative").text = org.name
    ended = prog.end_date and prog.end_date <= today
    etree.SubElement(el, "activity-status", code="3" if ended else "2")
    _dates(el, prog.start_date, prog.end_date, "3" if ended else "2", today)
    _countries(el, countries)
    etree.SubElement(el, "sector", vocabulary="1", code=SECTOR_SALW)
    for act in prog.activities.all():
        etree.SubElement(el, "related-activity", ref=f"{prog.iati_identifier}-{act.code}", type="2")
    period_end = min(prog.end_date or today, today)
    for result in ind.indicators_compute(countries=countries, as_of=period_end):
        res = etree.SubElement(el, "result", {"type": "2", "aggregation-status": "0"})
        indicator = result.indicator
        _narratives(res, "title", indicator.name_en, indicator.name_fr)
        has_den = result.total.denominator is not None
        i_el = etree.SubElement(res, "indicator", measure="2" if has_den else "1")
        _narratives(i_el, "title", indicator.name_en, indicator.name_fr)
        _narratives(i_el, "description", indicator.definition_en, indicator.definition_fr)
        period = etree.SubElement(i_el, "period")
        etree.SubElement(period, "period-start", **{"iso-date": prog.start_date.isoformat()})
        etree.SubElement(period, "period-end", **{"iso-date": period_end.isoformat()})
        # The regional value, then one value per country (its dimension "country").
        for fig in [result.total, *result.by_country]:
            value = fig.percent if has_den else fig.numerator
            if value is None:  # no denominator in that country: nothing to report
                continue
            actual = etree.SubElement(period, "actual", value=str(value))
            if fig.country:
                etree.SubElement(actual, "dimension", name="country", value=fig.country)
    return el


def iati_document(*, programme: Programme, countries: list[str], today: date | None = None):
    """The IATI activities document (an lxml element tree) of ``programme``."""
    today = today or date.today()
    root = etree.Element(
        "iati-activities",
        version="2.03",
        **{"generated-datetime": datetime.now(UTC).isoformat(timespec="seconds")},
    )
    _programme(root, programme, today, countries)
    activities = (
        programme.activities.filter(countries__code__in=countries)
        .distinct()
        .prefetch_related("orgs", "contacts", "transactions", "countries")
        .order_by("start_date", "code")
    )
    for act in activities:
        _activity(root, programme, act, today)
    return etree.ElementTree(root)


def iati_errors(tree) -> list[str]:
    """Every schema error of ``tree``: "line N: message"."""
    schema = _schema()
    if schema.validate(tree):
        return []
    return [f"{e.path}: {e.message}" for e in schema.error_log]


def iati_bytes(*, programme: Programme, countries: list[str], today: date | None = None) -> bytes:
    """The document as UTF-8 bytes, or a ValidationError listing why it does not validate."""
    tree = iati_document(programme=programme, countries=countries, today=today)
    problems = iati_errors(tree)
    if problems:
        raise ValidationError(
            gettext_noop(
                "The IATI export does not validate against the IATI 2.03 schema: %(errors)s"
            ),
            params={"errors": "; ".join(problems[:5])},
            details={"errors": problems},
        )
    return etree.tostring(tree, xml_declaration=True, encoding="UTF-8", pretty_print=True)
