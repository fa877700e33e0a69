"""API conformance (issue 17, item 6): schemathesis generates requests from the OpenAPI schema
for every operation and sends them through the whole Django request cycle (middleware, URL
resolution, authentication, views); no answer may be a 500 or differ from the schema.

Derandomised (a fixed seed per operation) and bounded, so that it is neither flaky nor slow;
all operations run in one test over one demo-like world (see conftest.World)."""

from __future__ import annotations

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from .discovery import openapi

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]
EXAMPLES = 5  # per operation, generation mode and kind of path values
MODES = (schemathesis.GenerationMode.POSITIVE, schemathesis.GenerationMode.NEGATIVE)
# Writes that would change what the other operations read (the world is shared) are still
# generated, but only ever against ids that do not exist; see ADR 0011.


def _django_app():
    """Django's WSGI handler, with the connection kept open between requests as Django's test
    client does (the test's transaction holds the world)."""
    from django.core.handlers.wsgi import WSGIHandler

    handler = WSGIHandler()

    def app(environ, start_response):
        # Schemathesis asks for gzip but does not decode it; compression is tested elsewhere.
        environ.pop("HTTP_ACCEPT_ENCODING", None)
        request_started.disconnect(close_old_connections)
        request_finished.disconnect(close_old_connections)
        try:
            result = handler(environ, start_response)
            try:
                content = b"".join(result)
            finally:
                result.close()
        finally:
            request_started.connect(close_old_connections)
            request_finished.connect(close_old_connections)
        return [content]

    return app


def _run(operation, headers, real):
    strategies = []
    for mode in MODES:
        strategies.append(operation.as_strategy(generation_mode=mode))
        if real:
            strategies.append(operation.as_strategy(generation_mode=mode, path_parameters=real))

    @settings(
        max_examples=EXAMPLES * len(strategies),
        derandomize=True,
        database=None,
        deadline=None,
        phases=[Phase.explicit, Phase.reuse, Phase.generate],
        suppress_health_check=list(HealthCheck),
        print_blob=False,
    )
    @given(case=st.one_of(strategies))
    def check(case):
        case.call_and_validate(headers=headers, checks=CHECKS)

    check()


@pytest.mark.django_db
def test_every_operation_answers_as_its_schema_says(world):
    schema = schemathesis.openapi.from_dict(openapi())
    schema.app = _django_app()
    headers = {"Authorization": f"Token {world.token}"}
    real_values = world.path_values()
    failures, ran = [], 0

    for result in schema.get_all_operations():
        operation = result.ok()
        ran += 1
        try:
            _run(operation, headers, real_values.get(operation.path))
        except (Exception, BaseExceptionGroup) as exc:  # noqa: BLE001 - report all, then fail
            failures.append(f"{operation.method.upper()} {operation.path}\n{exc}")

    assert ran >= 60
    assert not failures, "\n\n".join(failures)
