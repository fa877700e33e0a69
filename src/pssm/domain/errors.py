"""The PSSM error hierarchy.

Errors are raised, never returned. Each class has a stable ``code`` (used by the API, the CLI
and the tests) and a message template in English that the interface layer translates. The
templates are marked with :func:`gettext_noop` so that the translation catalogue extracts them
without this package depending on Django.
"""

from __future__ import annotations

from typing import Any


def gettext_noop(message: str) -> str:
    """Mark ``message`` for translation; the interface layer translates it when shown."""
    return message


class Text:
    """A message template with its parameters, used as a parameter of another message (a rule's
    own wording inside "Incompatible storage in …: %(text)s"): it is translated with the
    message that holds it, so no English sentence ends up inside a French one."""

    def __init__(self, template: str, **params: Any) -> None:
        self.template, self.params = template, params

    def render(self, translate=None) -> str:
        template = translate(self.template) if translate else self.template
        params = {
            key: value.render(translate) if isinstance(value, Text) else value
            for key, value in self.params.items()
        }
        try:
            return template % params if params else template
        except (KeyError, TypeError, ValueError):
            return template

    def __str__(self) -> str:
        return self.render()

    def as_dict(self) -> dict:
        return {"template": self.template, "params": self.params}

    def __eq__(self, other) -> bool:
        return isinstance(other, Text) and (self.template, self.params) == (
            other.template,
            other.params,
        )

    def __hash__(self) -> int:
        return hash((self.template, tuple(sorted(self.params.items()))))

    def __repr__(self) -> str:
        return f"Text({self.template!r}, **{self.params!r})"


class PssmError(Exception):
    """Base of every error the application raises on purpose."""

    code = "error"
    default_message = gettext_noop("The operation could not be completed.")

    def __init__(
        self,
        message: str | None = None,
        *,
        code: str | None = None,
        params: dict[str, Any] | None = None,
        details: dict[str, Any] | None = None,
    ) -> None:
        self.message_template = message or self.default_message
        if code:
            self.code = code
        self.params = dict(params or {})
        self.details = dict(details or {})
        super().__init__(self.render())

    def render(self, translate=None) -> str:
        """The message with its parameters filled in, translated by ``translate`` if given."""
        template = translate(self.message_template) if translate else self.message_template
        params = {
            key: value.render(translate) if isinstance(value, Text) else value
            for key, value in self.params.items()
        }
        try:
            return template % params if params else template
        except (KeyError, TypeError, ValueError):
            return template


class ValidationError(PssmError):
    """Input that breaks a rule; ``details`` maps field names to messages."""

    code = "invalid"
    default_message = gettext_noop("The data is not valid.")


class NotFoundError(PssmError):
    code = "not_found"
    default_message = gettext_noop("Not found.")


class ConflictError(PssmError):
    """The request is valid but clashes with the current state (duplicate code, stale data)."""

    code = "conflict"
    default_message = gettext_noop("The operation conflicts with the current state.")


class NotAuthenticatedError(PssmError):
    code = "not_authenticated"
    default_message = gettext_noop("You must sign in first.")


class PermissionDeniedError(PssmError):
    code = "permission_denied"
    default_message = gettext_noop("You are not allowed to do this.")


class JournalIntegrityError(PssmError):
    code = "journal_broken"
    default_message = gettext_noop("The journal chain is broken.")
