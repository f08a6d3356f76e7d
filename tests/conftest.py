"""Shared fixtures: a real fairdepot server on a free port, logged-in clients, real crates."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.support.crates import cached_fairscape_crate, fresh_copy, plain_crate, zip_folder
from tests.support.deployments import Deployment, backend_name, embedded, scaleout
from tests.support.server import ServerProcess

pytest_plugins = ["tests.support.fixtures_s3"]


# tests/services and tests/storage touch a database: they run in both passes (on PostgreSQL in
# the scale-out one); only the pure domain tests run once.
DEPLOYMENT_INDEPENDENT = ("tests/core/",)


# These only need a database of their own per test: pytest-xdist (scripts/test runs `-n 2 --dist
# loadgroup`) spreads them over the workers; every other test talks to the session's deployment
# and goes to one worker, so one deployment is started per pass, as without xdist.
DATABASE_ONLY = ("tests/core/", "tests/services/", "tests/storage/")
DEPLOYMENT_GROUP = pytest.mark.xdist_group("deployment")
# The SciCat face's tests start a deployment of their own (`scicat_server`, tests/api/scicat/
# conftest.py: free ports, its own database and bucket), so they form a second group that runs
# on the other worker beside the "deployment" group instead of after it. A SciCat test that
# asks for the session's `server` stays with that deployment's group (one `server` per pass).
SCICAT_TESTS = "tests/api/scicat/"
SCICAT_GROUP = pytest.mark.xdist_group("scicat")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """The scale-out pass re-runs what talks to a deployment; pure unit tests ran once already."""
    for item in items:
        path = item.path.relative_to(config.rootpath).as_posix()
        fixtures = getattr(item, "fixturenames", ())
        if path.startswith(SCICAT_TESTS) and "server" not in fixtures:
            item.add_marker(SCICAT_GROUP)
        elif not path.startswith(DATABASE_ONLY):
            item.add_marker(DEPLOYMENT_GROUP)
    if backend_name() != "scaleout":
        return
    keep, drop = [], []
    for item in items:
        path = item.path.relative_to(config.rootpath).as_posix()
        (drop if path.startswith(DEPLOYMENT_INDEPENDENT) else keep).append(item)
    if drop:
        config.hook.pytest_deselected(items=drop)
        items[:] = keep


def pytest_report_header(config: pytest.Config) -> str:
    return f"fairdepot deployment under test: {backend_name()}"


class Api:
    """A thin httpx client for the FAIRSCAPE face, with login and job polling."""

    def __init__(self, server: Deployment | ServerProcess) -> None:
        self.server = server
        self.url = server.api_url
        # a new connection per request, so a load balancer spreads requests over API processes
        self.http = httpx.Client(
            base_url=server.api_url, timeout=60, limits=httpx.Limits(max_keepalive_connections=0)
        )
        self._tokens: dict[str, str] = {}

    def token(self, username: str) -> str:
        if username not in self._tokens:
            response = self.http.post(
                "/login", data={"username": username, "password": f"{username}-pw"}
            )
            response.raise_for_status()
            self._tokens[username] = response.json()["access_token"]
        return self._tokens[username]

    def auth(self, username: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token(username)}"}

    def upload(self, zip_path: Path, username: str = "alice") -> httpx.Response:
        with zip_path.open("rb") as handle:
            return self.http.post(
                "/rocrate/upload-async",
                headers=self.auth(username),
                files={"crate": (zip_path.name, handle, "application/zip")},
            )

    def wait(self, guid: str, username: str = "alice", timeout: float = 120) -> dict[str, Any]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            job = self.http.get(f"/rocrate/upload/status/{guid}", headers=self.auth(username))
            job.raise_for_status()
            body: dict[str, Any] = job.json()
            if body["completed"]:
                return body
            time.sleep(0.1)
        raise AssertionError(f"job {guid} did not finish in {timeout}s")

    def ingest(self, zip_path: Path, username: str = "alice") -> dict[str, Any]:
        response = self.upload(zip_path, username)
        assert response.status_code == 202, response.text
        return self.wait(response.json()["guid"], username)


@pytest.fixture(scope="session")
def server(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Deployment]:
    """The deployment under test: embedded, or scaled out (FAIRDEPOT_TEST_BACKEND=scaleout)."""
    root = tmp_path_factory.mktemp("deployment")
    if backend_name() == "scaleout":
        deployment = scaleout(root, request.getfixturevalue("seaweedfs"))
    else:
        deployment = embedded(root)
    yield deployment
    deployment.stop()


@pytest.fixture(scope="session")
def api(server: Deployment) -> Api:
    return Api(server)


@pytest.fixture(scope="session")
def crates_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("crates")


@pytest.fixture(scope="session")
def fairscape_crate_dir(crates_dir: Path) -> Path:
    return cached_fairscape_crate(crates_dir / "fairscape")


@pytest.fixture
def fresh_fairscape_zip(fairscape_crate_dir: Path, tmp_path: Path) -> Path:
    """A fairscape-cli crate nobody has uploaded yet (fresh ARKs), zipped at the root."""
    crate = fresh_copy(fairscape_crate_dir, tmp_path / "example-crate")
    return zip_folder(crate, tmp_path / "example-crate.zip")


@pytest.fixture
def plain_zip(tmp_path: Path) -> Path:
    return zip_folder(plain_crate(tmp_path), tmp_path / "plain.zip", top_folder=True)
