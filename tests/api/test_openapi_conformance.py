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

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
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

# "METHOD /path" -> why it is expected to fail (a defect owned outside api/ and app.py).
KNOWN_FAILURES: dict[str, str] = {}


def _served_openapi() -> dict:
    """The OpenAPI document our app serves, built from the code without starting it.

    Loading it at import time gives one test per operation (schemathesis's lazy fixture loader
    runs them all inside one test); `test_the_server_serves_this_openapi` checks that the
    running deployment serves the same document.
    """
    from fairdepot.app import create_app
    from fairdepot.config import Settings

    return create_app(Settings(), run_worker=False).openapi()


OPENAPI = _served_openapi()
schema = schemathesis.openapi.from_dict(OPENAPI)


@pytest.fixture(scope="module")
def bearer(api) -> dict[str, str]:
    return api.auth("alice")


def test_the_server_serves_this_openapi(server) -> None:
    import httpx

    served = httpx.get(f"{server.base_url}/openapi.json", timeout=30)
    assert served.status_code == 200
    assert served.json() == OPENAPI


def _needs_login(case: schemathesis.Case) -> bool:
    return bool(case.operation.definition.raw.get("security"))


@schema.parametrize()
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    derandomize=True,
)
def test_every_operation_answers_as_its_openapi_says(case, server, bearer, request) -> None:
    known = KNOWN_FAILURES.get(f"{case.method.upper()} {case.operation.path}")
    if known:
        request.applymarker(pytest.mark.xfail(reason=known, strict=True))
    headers = dict(bearer) if _needs_login(case) else {}
    case.call_and_validate(base_url=server.base_url, headers=headers, checks=CHECKS, timeout=60)
