"""The SciCat face's tests run against their own deployment of the shape under test,
configured as a SciCat facility (tests/support/scicat.py)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.support.deployments import Deployment, backend_name, embedded, scaleout
from tests.support.scicat import Scicat, deployment_settings


@pytest.fixture(scope="session")
def scicat_server(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Deployment]:
    root = tmp_path_factory.mktemp("scicat-deployment")
    extra = deployment_settings(root / "settings")
    if backend_name() == "scaleout":
        deployment = scaleout(root, request.getfixturevalue("seaweedfs"), extra=extra)
    else:
        deployment = embedded(root, extra)
    yield deployment
    deployment.stop()


@pytest.fixture(scope="session")
def scicat(scicat_server: Deployment) -> Scicat:
    return Scicat(scicat_server.base_url)
