"""The SciCat face's tests run against their own deployment of the shape under test,
configured as a SciCat facility (tests/support/scicat.py)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from fairdepot.services.runtime import Runtime
from tests.api.scicat.files_seed import deployment_runtime
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


@pytest.fixture(scope="session")
def runtime(scicat_server: Deployment) -> Iterator[Runtime]:
    """One runtime over the SciCat deployment's database and blobs for the whole session
    (tests seed and read behind the server's back with it), not one per module: building one
    connects to the database and the blob store, which took seconds a module on scale-out."""
    yield from deployment_runtime(scicat_server)
