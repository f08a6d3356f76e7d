"""Schemathesis over every operation of our OpenAPI, against the real running deployment.

For each operation in `/openapi.json` (whatever faces are mounted: the FAIRSCAPE face today,
SciCat and gCat when they arrive), hypothesis generates a bounded number of requests, valid and
invalid, and every answer must be: never a 5xx, a status the operation declares, a media type it
declares, and a body matching the declared schema. Operations that need an account get a
logged-in token. It is a safety net for the "hostile input → 500" class of bug: a new route
is covered the day it is mounted, with nobody listing it here.

Known failures that live outside the API layer are listed in `KNOWN_FAILURES` with the reason;
they run and must fail (strict xfail), so the list shrinks as their fixes land.
"""

from __future__ import annotations

import os

import httpx
import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

# Bounded so the whole run stays within a few minutes per deployment shape on a 2-core machine;
# raise it locally (FAIRDEPOT_SCHEMATHESIS_EXAMPLES=500) for a deeper search.
EXAMPLES = int(os.environ.get("FAIRDEPOT_SCHEMATHESIS_EXAMPLES", "25"))

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]

# "METHOD /path" (the operation's label) -> why it is expected to fail: a defect owned outside
# api/ and app.py, fixed elsewhere. Strict: once fixed, the entry must go.
KNOWN_FAILURES: dict[str, str] = {}

SCICAT = ("/api/v3/", "/api/v4/")


def _served_openapi() -> dict:
    """The OpenAPI document our app serves, built from the code without starting it.

    Known at import time, it gives one pytest test per operation, named by the operation, each
    one markable as a known failure; `test_the_server_serves_this_openapi` checks that the
    running deployment serves this same document. (schemathesis's own pytest collector names
    every item alike under pytest 9, and its lazy fixture loader does not run there.)
    """
    from fairdepot.app import create_app
    from fairdepot.config import Settings

    return create_app(Settings(), run_worker=False).openapi()


OPENAPI = _served_openapi()
SCHEMA = schemathesis.openapi.from_dict(OPENAPI)
OPERATIONS = [result.ok() for result in SCHEMA.get_all_operations()]


def _operation_param(operation: schemathesis.APIOperation):
    reason = KNOWN_FAILURES.get(operation.label)
    marks = [pytest.mark.xfail(reason=reason, strict=True)] if reason else []
    return pytest.param(operation, id=operation.label, marks=marks)


@pytest.fixture(scope="module")
def bearer(api) -> dict[str, str]:
    return api.auth("alice")


def test_the_server_serves_this_openapi(server) -> None:
    served = httpx.get(f"{server.base_url}/openapi.json", timeout=30)
    assert served.status_code == 200
    assert served.json() == OPENAPI


def test_every_known_failure_names_a_real_operation() -> None:
    assert set(KNOWN_FAILURES) <= {operation.label for operation in OPERATIONS}


@pytest.mark.parametrize("operation", [_operation_param(o) for o in OPERATIONS])
def test_every_operation_answers_as_its_openapi_says(operation, server, bearer) -> None:
    """Valid and invalid requests alike: no 5xx, and status, media type, headers and body as
    declared. A logged-in token goes to the operations that declare `security` and to every
    SciCat operation (their token is optional, so they declare none; without one every write
    would stop at the anonymous 403 and its body checks would go unexercised)."""
    secured = operation.definition.raw.get("security") or operation.path.startswith(SCICAT)
    headers = dict(bearer) if secured else {}
    cases = st.one_of(
        operation.as_strategy(GenerationMode.POSITIVE),
        operation.as_strategy(GenerationMode.NEGATIVE),
    )

    @given(case=cases)
    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        suppress_health_check=list(HealthCheck),
        derandomize=True,
        database=None,
    )
    def answers_as_declared(case: schemathesis.Case) -> None:
        case.call_and_validate(base_url=server.base_url, headers=headers, checks=CHECKS, timeout=60)

    answers_as_declared()


def test_the_scicat_face_is_in_the_served_openapi() -> None:
    """Schemathesis covers what the OpenAPI lists: the SciCat routes must be in it."""
    scicat = {o.label for o in OPERATIONS if o.path.startswith(SCICAT)}
    for label in (
        "POST /api/v3/auth/login",
        "POST /api/v4/datasets",
        "GET /api/v3/datasets/{pid}",
        "PATCH /api/v4/datasets/{pid}",
        "POST /api/v4/origdatablocks",
        "POST /api/v3/datasets/{pid}/attachments",
        "POST /api/v3/samples",
        "POST /api/v3/publisheddata/{doi}/register",
    ):
        assert label in scicat
