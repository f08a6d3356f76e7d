"""The gCat tests run against the session's deployment (`server`), with a facility of their own
seeded into it (tests/support/gcat.py)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.support.catalogue import deployment_runtime
from tests.support.deployments import Deployment
from tests.support.gcat import GcatFacility


@pytest.fixture(scope="session")
def gcat(server: Deployment) -> Iterator[GcatFacility]:
    with deployment_runtime(server) as runtime:
        facility = GcatFacility(server.base_url, runtime, dict(server.env)).seed()
        yield facility
        facility.http.close()
