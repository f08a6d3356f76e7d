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


# How the tests spread over the pytest-xdist workers (scripts/test runs `-n 2 --dist loadgroup`):
# - a test that asks for the session's deployment (`server`) joins the "deployment" group, so one
#   deployment is started per pass, as without xdist;
# - a test that asks for the SciCat facility's deployment (`scicat_server`, tests/api/scicat/
#   conftest.py: its own ports, database and bucket) joins the "scicat" group, which runs on the
#   other worker beside the "deployment" group;
# - the database-only tests (core, services, storage) need a database of their own per test: they
#   are not grouped, and fill whichever worker is free;
# - every other test starts what it needs itself (the e2e tests their own deployments, the CLI
#   tests their own catalogues, login throttling and published data their own servers): such a
#   test joins its module's group, so that a module-scoped deployment starts once, and the
#   modules spread over both workers instead of queueing behind the session's deployment. A test
#   of that kind in a module whose other tests use `server` or `scicat_server` joins theirs.
DATABASE_ONLY = ("tests/core/", "tests/services/", "tests/storage/")
DEPLOYMENT_FIXTURES = {"server": "deployment", "scicat_server": "scicat"}


def _deployment_group(item: pytest.Item) -> str | None:
    """The xdist group of the shared deployment a test uses, if it uses one."""
    fixtures = getattr(item, "fixturenames", ())
    for fixture, group in DEPLOYMENT_FIXTURES.items():
        if fixture in fixtures:
            return group
    return None


@pytest.hookimpl(tryfirst=True)  # before xdist reads the groups into the node ids
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Group tests by the deployment they share; the scale-out pass drops the pure unit tests."""
    module_groups: dict[str, str] = {}
    for item in items:
        group = _deployment_group(item)
        if group is not None:
            module_groups.setdefault(item.path.as_posix(), group)
    for item in items:
        path = item.path.relative_to(config.rootpath).as_posix()
        group = _deployment_group(item) or module_groups.get(item.path.as_posix())
        if group is not None:
            item.add_marker(pytest.mark.xdist_group(group))
        elif not path.startswith(DATABASE_ONLY):
            item.add_marker(pytest.mark.xdist_group(path))
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
