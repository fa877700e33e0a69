"""Helpers shared by the write services of every app."""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import models

from pssm.domain.errors import ValidationError, gettext_noop


def invalid(message: str, field: str | None = None, **params) -> ValidationError:
    """A ValidationError whose message also goes on ``field`` (for forms and API details)."""
    return ValidationError(message, params=params, details={field: message} if field else {})


def validate_instance(
    instance: models.Model, *, exclude: list[str] | None = None, constraints: bool = True
) -> None:
    """Run the model's field validation; raise our ValidationError naming each bad field.
    ``constraints=False`` leaves the check constraints to the database (for rows whose
    consistency a domain rule already guarantees)."""
    try:
        instance.full_clean(
            exclude=exclude, validate_unique=False, validate_constraints=constraints
        )
    except DjangoValidationError as exc:
        details = {
            field: " ".join(str(m) for m in msgs) for field, msgs in exc.message_dict.items()
        }
        raise ValidationError(
            gettext_noop("Some fields are not valid: %(fields)s."),
            params={"fields": ", ".join(sorted(details))},
            details=details,
        ) from None


def apply_changes(instance: models.Model, values: dict, allowed: set[str]) -> dict:
    """Set ``values`` on ``instance``; return ``{field: [old, new]}`` for what really changed."""
    unknown = set(values) - allowed
    if unknown:
        raise ValidationError(
            gettext_noop("These fields cannot be changed: %(fields)s."),
            params={"fields": ", ".join(sorted(unknown))},
            details={field: gettext_noop("This field cannot be changed.") for field in unknown},
        )
    changed = {}
    for field, new in values.items():
        old = getattr(instance, field)
        if old != new:
            changed[field] = [old, new]
            setattr(instance, field, new)
    return changed


def snapshot(instance: models.Model, fields: list[str]) -> dict:
    """The values of ``fields`` for a journal payload (foreign keys by their code)."""
    data = {}
    for field in fields:
        value = getattr(instance, field)
        if isinstance(value, models.Model):
            value = getattr(value, "code", value.pk)
        data[field] = value
    return data
