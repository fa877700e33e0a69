"""Writes of the programme's records: one transaction per call, journaled, checked first.

Errors: :class:`~pssm.domain.errors.ValidationError` naming the field (nothing is written),
:class:`~pssm.domain.errors.PermissionDeniedError` outside the actor's countries."""

from __future__ import annotations

import hashlib
from datetime import date
from decimal import Decimal, InvalidOperation

from django.db import IntegrityError, transaction
from django.utils import timezone

from pssm.core.services import invalid, validate_instance
from pssm.domain import programme as rules
from pssm.domain.access import Scope
from pssm.domain.errors import ConflictError, ValidationError, gettext_noop
from pssm.journal.services import journal_append
from pssm.sites.models import Country, Site

from . import access
from .models import (
    Activity,
    ActivityFocus,
    ActivityType,
    Attachment,
    Contact,
    ModelInstallation,
    Narrative,
    ParticipatingOrg,
    Programme,
    RehabilitationWork,
    Sop,
    SopItem,
    SopValidation,
    SopVersion,
    TemplateReview,
    TemplateSop,
    TrainingEvent,
    Transaction,
    ValidationInstitution,
)

MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024
ATTACHMENT_TYPES = {
    "application/pdf",
    "image/jpeg",
    "image/png",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "application/vnd.oasis.opendocument.text",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "text/plain",
}


def _journal(actor, kind: str, payload: dict, country: str = "") -> None:
    journal_append(actor=actor, kind=kind, payload=payload, scope=Scope(country=country))


def _countries(codes, field: str = "countries") -> list[Country]:
    codes = sorted({str(c).strip().upper() for c in codes or [] if str(c).strip()})
    if not codes:
        raise invalid(gettext_noop("Choose at least one country."), field)
    found = list(Country.objects.filter(code__in=codes))
    missing = sorted(set(codes) - {c.code for c in found})
    if missing:
        raise invalid(gettext_noop("Unknown country: %(codes)s."), field, codes=", ".join(missing))
    return found


def _decimal(value, field: str) -> Decimal:
    try:
        amount = Decimal(str(value).strip().replace(" ", "").replace(",", "."))
    except (InvalidOperation, ValueError):
        raise invalid(gettext_noop("%(value)s is not an amount."), field, value=value) from None
    if not amount.is_finite():
        raise invalid(gettext_noop("%(value)s is not an amount."), field, value=value)
    rules.check_amount(amount, field=field)
    return amount


def _terms(model, codes, field: str):
    codes = sorted(set(codes or []))
    found = list(model.objects.filter(code__in=codes))
    missing = sorted(set(codes) - {t.code for t in found})
    if missing:
        raise invalid(gettext_noop("Unknown value: %(codes)s."), field, codes=", ".join(missing))
    return found


def programme_create(*, actor, code: str, title_en: str, title_fr: str, **values) -> Programme:
    access.check_edit(actor, [])
    countries = _countries(values.pop("countries", []))
    rules.check_period(values.get("start_date"), values.get("end_date"))
    prog = Programme(code=code, title_en=title_en, title_fr=title_fr, **values)
    validate_instance(prog)
    with transaction.atomic():
        prog.save()
        prog.countries.set(countries)
        _journal(
            actor, "programme.created", {"code": code, "countries": [c.code for c in countries]}
        )
    return prog


ACTIVITY_FIELDS = {
    "title_en",
    "title_fr",
    "status",
    "start_date",
    "end_date",
    "place",
    "description_en",
    "description_fr",
    "budget_amount",
    "currency",
    "is_evaluation",
}


def activity_save(
    *,
    actor,
    programme: Programme,
    code: str,
    countries,
    types=(),
    focuses=(),
    orgs=(),
    contacts=(),
    sites=(),
    links: dict | None = None,
    activity: Activity | None = None,
    **values,
) -> Activity:
    """Create the activity ``code`` or, with ``activity``, replace what it holds.

    ``orgs`` are ``{"name", "role", "ref", "org_type"}``; ``contacts`` are ``{"name",
    "organisation", "job_title", "email", "telephone"}``. ``links`` (when given) replaces the
    SOP versions (``"SOP/number"``), training events and model installations (codes) the
    activity concerns, all within its countries. The actor must edit every country the
    activity concerns, before and after the change."""
    unknown = set(values) - ACTIVITY_FIELDS
    if unknown:
        raise ValidationError(
            gettext_noop("These fields cannot be changed: %(fields)s."),
            params={"fields": ", ".join(sorted(unknown))},
        )
    country_objs = _countries(countries)
    access.check_edit(actor, [c.code for c in country_objs])
    if activity is not None:
        access.check_edit(actor, activity.country_codes())
    values["budget_amount"] = _decimal(values.get("budget_amount", 0) or 0, "budget_amount")
    values["currency"] = str(values.get("currency") or "XOF").strip().upper()
    rules.check_currency(values["currency"])
    rules.check_period(values.get("start_date"), values.get("end_date"))
    type_objs = _terms(ActivityType, types, "types")
    focus_objs = _terms(ActivityFocus, focuses, "focuses")
    site_objs = list(Site.objects.filter(code__in=list(sites)))
    if len(site_objs) != len(set(sites)):
        raise invalid(gettext_noop("Unknown site in the list."), "sites")
    linked = _links(links, [c.code for c in country_objs]) if links is not None else None
    org_rows = [_org(o, i) for i, o in enumerate(orgs, start=1)]
    contact_rows = [_contact(c, i) for i, c in enumerate(contacts, start=1)]
    target = activity or Activity(programme=programme, code=code)
    for name, value in values.items():
        setattr(target, name, value)
    validate_instance(target, exclude=["programme"])
    with transaction.atomic():
        try:
            with transaction.atomic():
                target.save()
        except IntegrityError:
            raise ConflictError(
                gettext_noop("An activity with the code %(code)s already exists."),
                params={"code": code},
                details={"code": gettext_noop("This code is taken.")},
            ) from None
        target.countries.set(country_objs)
        target.types.set(type_objs)
        target.focuses.set(focus_objs)
        target.sites.set(site_objs)
        if linked is not None:
            target.sop_versions.set(linked["sop_versions"])
            target.trainings.set(linked["trainings"])
            target.installations.set(linked["installations"])
        target.orgs.all().delete()
        ParticipatingOrg.objects.bulk_create(
            [ParticipatingOrg(activity=target, **o) for o in org_rows]
        )
        target.contacts.all().delete()
        Contact.objects.bulk_create([Contact(activity=target, **c) for c in contact_rows])
        _journal(
            actor,
            "programme.activity_saved",
            {
                "code": target.code,
                "countries": [c.code for c in country_objs],
                "budget": str(target.budget_amount),
                "currency": target.currency,
                "orgs": [[o["name"], o["role"]] for o in org_rows],
            },
            country_objs[0].code if len(country_objs) == 1 else "",
        )
    return target


def _links(links: dict, countries: list[str]) -> dict:
    """Resolve the codes of the linked records within ``countries``; name what is unknown."""
    out = {"sop_versions": [], "trainings": [], "installations": []}
    for ref in links.get("sop_versions", []):
        sop_code, _sep, number = str(ref).partition("/")
        version = SopVersion.objects.filter(
            sop__code=sop_code.strip().upper(),
            number=number.strip(),
            sop__country__code__in=countries,
        ).first()
        if version is None:
            raise invalid(
                gettext_noop("No SOP version %(ref)s in these countries."), "sop_versions", ref=ref
            )
        out["sop_versions"].append(version)
    for field, model in (("trainings", TrainingEvent), ("installations", ModelInstallation)):
        codes = sorted({str(c).strip() for c in links.get(field, []) if str(c).strip()})
        found = list(model.objects.filter(code__in=codes, country__code__in=countries))
        missing = sorted(set(codes) - {f.code for f in found})
        if missing:
            raise invalid(
                gettext_noop("Unknown in these countries: %(codes)s."),
                field,
                codes=", ".join(missing),
            )
        out[field] = found
    return out


def _org(row: dict, index: int) -> dict:
    name = str(row.get("name", "")).strip()
    role = str(row.get("role", "")).strip()
    if not name:
        raise invalid(gettext_noop("Organisation %(n)s has no name."), "orgs", n=index)
    if role not in ParticipatingOrg.Role.values:
        raise invalid(
            gettext_noop("Organisation %(n)s: %(role)s is not a role."), "orgs", n=index, role=role
        )
    return {
        "name": name,
        "role": role,
        "ref": str(row.get("ref", "")).strip(),
        "org_type": str(row.get("org_type", "")).strip(),
    }


def _contact(row: dict, index: int) -> dict:
    name = str(row.get("name", "")).strip()
    if not name:
        raise invalid(gettext_noop("Contact %(n)s has no name."), "contacts", n=index)
    values = {
        k: str(row.get(k, "")).strip() for k in ("organisation", "job_title", "email", "telephone")
    }
    contact = Contact(name=name, **values)
    validate_instance(contact, exclude=["activity"])
    return {"name": name, **values}


def activity_link(*, actor, activity: Activity, sop_versions=(), trainings=(), installations=()):
    """Link the activity to the SOP versions, trainings and installations it concerns."""
    access.check_edit(actor, activity.country_codes())
    with transaction.atomic():
        activity.sop_versions.set(sop_versions)
        activity.trainings.set(trainings)
        activity.installations.set(installations)
        _journal(
            actor,
            "programme.activity_linked",
            {
                "code": activity.code,
                "sop_versions": [str(v) for v in sop_versions],
                "trainings": [t.code for t in trainings],
                "installations": [i.code for i in installations],
            },
        )


def transaction_add(
    *, actor, activity: Activity, kind: str, transaction_date: date, amount, description=""
) -> Transaction:
    access.check_edit(actor, activity.country_codes())
    row = Transaction(
        activity=activity,
        kind=kind,
        transaction_date=transaction_date,
        amount=_decimal(amount, "amount"),
        description=description,
    )
    validate_instance(row)
    with transaction.atomic():
        row.save()
        _journal(
            actor,
            "programme.transaction_added",
            {"activity": activity.code, "kind": kind, "amount": str(row.amount)},
        )
    return row


def attachment_add(*, actor, activity: Activity, kind: str, title: str, upload) -> Attachment:
    """Attach a file (agenda, attendance list, report, photo) of at most 10 MB."""
    access.check_edit(actor, activity.country_codes())
    if kind not in Attachment.Kind.values:
        raise invalid(gettext_noop("%(kind)s is not a kind of attachment."), "kind", kind=kind)
    if upload is None:
        raise invalid(gettext_noop("Choose a file."), "file")
    content_type = (getattr(upload, "content_type", "") or "").split(";")[0]
    if content_type not in ATTACHMENT_TYPES:
        raise invalid(
            gettext_noop(
                "Files of type %(type)s cannot be attached (PDF, image, text, DOCX, ODT, XLSX)."
            ),
            "file",
            type=content_type or "?",
        )
    if upload.size > MAX_ATTACHMENT_BYTES:
        raise invalid(gettext_noop("The file is larger than 10 MB."), "file")
    raw = upload.read()
    row = Attachment(
        activity=activity,
        kind=kind,
        title=(title or upload.name)[:200],
        filename=str(upload.name)[:200],
        content_type=content_type,
        content=raw,
        size=len(raw),
        sha256=hashlib.sha256(raw).hexdigest(),
    )
    validate_instance(row, exclude=["content"])
    with transaction.atomic():
        row.save()
        _journal(
            actor,
            "programme.attachment_added",
            {"activity": activity.code, "kind": kind, "sha256": row.sha256, "size": row.size},
        )
    return row


# --- SOPs -------------------------------------------------------------------------------


def sop_create(*, actor, country: Country, code: str, title_en: str, title_fr: str) -> Sop:
    access.check_edit(actor, [country.code])
    sop = Sop(country=country, code=code.strip().upper(), title_en=title_en, title_fr=title_fr)
    validate_instance(sop)
    if Sop.objects.filter(country=country, code=sop.code).exists():
        raise ConflictError(
            gettext_noop("The SOP %(code)s already exists."),
            params={"code": sop.code},
            details={"code": gettext_noop("This code is taken.")},
        )
    with transaction.atomic():
        sop.save()
        _journal(actor, "programme.sop_created", {"code": sop.code}, country.code)
    return sop


def sop_version_add(
    *,
    actor,
    sop: Sop,
    number: str,
    language: str,
    issued_date: date,
    items=(),
    filename: str = "",
    document: bytes | None = None,
) -> SopVersion:
    """A new draft version with its chapters and checklist items ``(kind, ref, en, fr)``."""
    access.check_edit(actor, [sop.country.code])
    version = SopVersion(
        sop=sop,
        number=number.strip(),
        language=language,
        issued_date=issued_date,
        filename=filename,
        document=document,
    )
    validate_instance(version)
    if SopVersion.objects.filter(sop=sop, number=version.number).exists():
        raise ConflictError(
            gettext_noop("Version %(number)s of this SOP already exists."),
            params={"number": version.number},
            details={"number": gettext_noop("This version exists.")},
        )
    with transaction.atomic():
        version.save()
        SopItem.objects.bulk_create(
            [
                SopItem(version=version, kind=k, ref=r, text_en=en, text_fr=fr)
                for k, r, en, fr in items
            ]
        )
        _journal(
            actor,
            "programme.sop_version_added",
            {"sop": sop.code, "number": version.number, "items": len(items)},
            sop.country.code,
        )
    return version


def sop_version_status(*, actor, version: SopVersion, status: str) -> SopVersion:
    """Move a version to draft or under review (validation has its own service)."""
    access.check_edit(actor, [version.sop.country.code])
    rules.check_sop_transition(
        version.status, status, has_validation=hasattr(version, "validation")
    )
    with transaction.atomic():
        version.status = status
        version.save(update_fields=["status"])
        _journal(
            actor,
            "programme.sop_version_status",
            {"sop": version.sop.code, "number": version.number, "status": status},
            version.sop.country.code,
        )
    return version


def sop_version_validate(
    *,
    actor,
    version: SopVersion,
    decision: str,
    decided_date: date,
    signatory: str,
    signatory_title: str,
    institutions=(),
    workshop: Activity | None = None,
) -> list[TemplateReview]:
    """Record the validation of ``version`` and mark it validated; the version it replaces is
    superseded and every checklist template enforcing that one is listed for review.
    ``institutions`` are ``(institution, participants)``. Returns the reviews opened."""
    access.check_edit(actor, [version.sop.country.code])
    record = SopValidation(
        version=version,
        workshop=workshop,
        decision=(decision or "").strip(),
        decided_date=decided_date,
        signatory=(signatory or "").strip(),
        signatory_title=(signatory_title or "").strip(),
    )
    validate_instance(record, exclude=["version"])
    rows = []
    for i, (name, count) in enumerate(institutions, start=1):
        if not str(name).strip() or int(count) < 1:
            raise invalid(
                gettext_noop("Institution %(n)s needs a name and at least one participant."),
                "institutions",
                n=i,
            )
        rows.append((str(name).strip(), int(count)))
    if not rows:
        raise invalid(gettext_noop("Name the institutions that took part."), "institutions")
    rules.check_sop_transition(version.status, "validated", has_validation=True)
    with transaction.atomic():
        record.save()
        ValidationInstitution.objects.bulk_create(
            [
                ValidationInstitution(validation=record, institution=n, participants=c)
                for n, c in rows
            ]
        )
        version.status = SopVersion.Status.VALIDATED
        version.save(update_fields=["status"])
        reviews = []
        older = SopVersion.objects.filter(sop=version.sop, status="validated").exclude(
            pk=version.pk
        )
        for old in older:
            old.status = SopVersion.Status.SUPERSEDED
            old.save(update_fields=["status"])
            for link in TemplateSop.objects.filter(version=old):
                reviews.append(
                    TemplateReview.objects.create(link=link, old_version=old, new_version=version)
                )
        _journal(
            actor,
            "programme.sop_validated",
            {
                "sop": version.sop.code,
                "number": version.number,
                "decided_date": decided_date.isoformat(),
                "institutions": rows,
                "reviews": [r.link.template.code for r in reviews],
            },
            version.sop.country.code,
        )
    return reviews


def template_sop_link(*, actor, template, version: SopVersion) -> TemplateSop:
    """Record that the checklist ``template`` enforces ``version``."""
    access.check_edit(actor, [version.sop.country.code])
    with transaction.atomic():
        link, _created = TemplateSop.objects.update_or_create(
            template=template, defaults={"version": version}
        )
        _journal(
            actor,
            "programme.template_linked",
            {"template": template.code, "sop": version.sop.code, "number": version.number},
            version.sop.country.code,
        )
    return link


def template_review_close(*, actor, review: TemplateReview) -> TemplateReview:
    """The template was reviewed: it now enforces the new version."""
    access.check_edit(actor, [review.new_version.sop.country.code])
    if review.closed_at:
        raise ConflictError(gettext_noop("This review is already closed."))
    with transaction.atomic():
        review.closed_at = timezone.now()
        review.closed_by = str(getattr(actor, "username", actor))
        review.save(update_fields=["closed_at", "closed_by"])
        review.link.version = review.new_version
        review.link.save(update_fields=["version", "linked_at"])
        _journal(
            actor,
            "programme.template_reviewed",
            {"template": review.link.template.code, "number": review.new_version.number},
            review.new_version.sop.country.code,
        )
    return review


# --- Model installations -------------------------------------------------------------------


def installation_save(
    *,
    actor,
    country: Country,
    code: str,
    name: str,
    planned_date: date,
    status: str = "planned",
    site=None,
    done_date: date | None = None,
) -> ModelInstallation:
    access.check_edit(actor, [country.code])
    if status == "done" and (site is None or done_date is None):
        raise invalid(
            gettext_noop("A done model installation needs its site and the date it was done."),
            "done_date",
        )
    if site is not None and site.organisation.country_id != country.pk:
        raise invalid(gettext_noop("The site is not in this country."), "site")
    inst = ModelInstallation.objects.filter(code=code).first() or ModelInstallation(code=code)
    if site is not None:
        holder = ModelInstallation.objects.filter(site=site).exclude(code=code).first()
        if holder is not None:
            raise invalid(
                gettext_noop("The site %(site)s is already the model installation %(code)s."),
                "site",
                site=site.code,
                code=holder.code,
            )
    if inst.pk and inst.country_id != country.pk:
        access.check_edit(actor, [inst.country.code])
    inst.country, inst.name, inst.planned_date = country, name, planned_date
    inst.status, inst.site, inst.done_date = status, site, done_date
    validate_instance(inst)
    with transaction.atomic():
        inst.save()
        _journal(
            actor,
            "programme.installation_saved",
            {"code": code, "status": status, "site": site.code if site else ""},
            country.code,
        )
    return inst


def works_add(
    *,
    actor,
    installation: ModelInstallation,
    description: str,
    contractor: str,
    start_date: date,
    end_date: date | None,
    budget_amount,
    currency: str,
) -> RehabilitationWork:
    access.check_edit(actor, [installation.country.code])
    rules.check_period(start_date, end_date)
    currency = (currency or "").strip().upper()
    rules.check_currency(currency)
    work = RehabilitationWork(
        installation=installation,
        description=description,
        contractor=contractor,
        start_date=start_date,
        end_date=end_date,
        budget_amount=_decimal(budget_amount, "budget_amount"),
        currency=currency,
    )
    validate_instance(work)
    with transaction.atomic():
        work.save()
        _journal(
            actor,
            "programme.works_added",
            {
                "installation": installation.code,
                "budget": str(work.budget_amount),
                "currency": currency,
            },
            installation.country.code,
        )
    return work


def narrative_save(
    *, actor, programme: Programme, section: str, text_en: str, text_fr: str, country=None
) -> Narrative:
    """Write a narrative section of the evaluation (lessons, challenges, strategy) for a
    country, or for the region without one (programme staff only)."""
    access.check_edit(actor, [country.code] if country else [])
    if section not in Narrative.Section.values:
        raise invalid(gettext_noop("%(section)s is not a section."), "section", section=section)
    if not (text_en or "").strip() or not (text_fr or "").strip():
        raise invalid(gettext_noop("Write the section in French and in English."), "text_fr")
    with transaction.atomic():
        row = Narrative.objects.filter(
            programme=programme, country=country, section=section
        ).first()
        row = row or Narrative(programme=programme, country=country, section=section)
        row.text_en, row.text_fr = text_en.strip(), text_fr.strip()
        row.save()
        _journal(
            actor,
            "programme.narrative_saved",
            {"section": section, "country": country.code if country else ""},
            country.code if country else "",
        )
    return row


def term_save(*, actor, kind: str, code: str, label_en: str, label_fr: str):
    """Add an activity type or focus (``kind`` "type" or "focus") or relabel one. The lists
    are shared by every country: only a grant everywhere edits them."""
    access.check_edit(actor, [])
    model = {"type": ActivityType, "focus": ActivityFocus}.get(kind)
    if model is None:
        raise invalid(gettext_noop("%(kind)s is not a list."), "kind", kind=kind)
    code = (code or "").strip().lower()
    term = model.objects.filter(code=code).first() or model(code=code)
    term.label_en, term.label_fr = (label_en or "").strip(), (label_fr or "").strip()
    if term.pk is None:
        term.order = model.objects.count()
    validate_instance(term)
    with transaction.atomic():
        term.save()
        _journal(actor, "programme.term_saved", {"kind": kind, "code": code})
    return term
