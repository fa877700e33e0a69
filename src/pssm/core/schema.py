"""The OpenAPI schema says what the API answers: every operation documents its error answers
in the one error format (``{code, message, details}``, see :mod:`pssm.core.api`)."""

from __future__ import annotations

ERROR_SCHEMA = {
    "type": "object",
    "description": "Every error: a stable code, a message in the user's language, and details "
    "by field or parameter.",
    "properties": {
        "code": {"type": "string"},
        "message": {"type": "string"},
        "details": {"type": "object", "additionalProperties": {}},
    },
    "required": ["code", "message", "details"],
}

ERRORS = {
    "400": "The request is not valid: details name the fields or parameters.",
    "401": "Not signed in, or the token is not valid.",
    "403": "The user may not do this.",
    "404": "Nothing of that name is within the user's reach.",
}
WRITE_ERRORS = {
    "409": "The thing is not in a state that allows this.",
    "415": "The body is not of a media type the operation reads.",
}
ERROR_REF = {"$ref": "#/components/schemas/Error"}


def add_error_responses(result, generator, request, public):
    """drf-spectacular postprocessing hook: the Error component, and the error answers of each
    operation (writes can also conflict with the state of what they change)."""
    result.setdefault("components", {}).setdefault("schemas", {})["Error"] = ERROR_SCHEMA
    for path, operations in result.get("paths", {}).items():
        for method, operation in operations.items():
            errors = dict(ERRORS)
            if method != "get" or path.endswith("/check/"):
                errors.update(WRITE_ERRORS)
            if path.endswith("/auth/token/"):
                errors["429"] = "Too many failed attempts: sign-in is blocked for a while."
            responses = operation.setdefault("responses", {})
            for status, description in errors.items():
                responses.setdefault(
                    status,
                    {
                        "description": description,
                        "content": {"application/json": {"schema": ERROR_REF}},
                    },
                )
    return result
