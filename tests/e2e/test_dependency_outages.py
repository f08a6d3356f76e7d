"""The object store frozen or killed, database connections cut: jobs wait and finish, never fail.

Scale-out shape with a SeaweedFS of its own (module-scoped), so that stopping it disturbs no
other test. Timeouts are short here so the outage is seen within seconds; what is asserted is
that while a dependency is down uploads and downloads answer 503 with Retry-After quickly,
metadata reads keep answering 200, /readyz says what is down, queued jobs are retried (not
failed) and complete once it is back, and cut database connections lose nothing, duplicate
nothing, leave no orphan blob and give no 500.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
import sqlalchemy as sa

from tests.conftest import Api
from tests.support.blobs import blob_keys
from tests.support.consistency import (
    referenced_blobs,
    scaleout_with_database,
    stored_against_referenced,
)
from tests.support.deployments import Deployment, backend_name
from tests.support.seaweedfs import SeaweedFS
from tests.support.zips import ROOT, crate_metadata, crate_zip

pytestmark = pytest.mark.skipif(
    backend_name() != "scaleout",
    reason="needs the scale-out shape (FAIRDEPOT_TEST_BACKEND=scaleout)",
)
S3_CONNECT, S3_READ, S3_ATTEMPTS = 1.0, 2.0, 2
S3_TIMEOUT_SUM = (S3_CONNECT + S3_READ) * S3_ATTEMPTS  # the longest one store call may wait
OUTAGE_SETTINGS = {
    "FAIRDEPOT_S3_CONNECT_TIMEOUT_SECONDS": str(S3_CONNECT),
    "FAIRDEPOT_S3_READ_TIMEOUT_SECONDS": str(S3_READ),
    "FAIRDEPOT_S3_MAX_ATTEMPTS": str(S3_ATTEMPTS),
    "FAIRDEPOT_UNAVAILABLE_RETRY_AFTER_SECONDS": "3",
    "FAIRDEPOT_READINESS_TIMEOUT_SECONDS": "1",
    "FAIRDEPOT_JOB_RETRY_BASE_SECONDS": "0.5",
    "FAIRDEPOT_JOB_RETRY_MAX_SECONDS": "2",
    "FAIRDEPOT_JOB_MAX_RETRIES": "60",
    "FAIRDEPOT_JOB_LEASE_SECONDS": "6",
}


@dataclass
class Outage:
    """One deployment on a store of its own, shared by this module's tests (they run in turn)."""

    store: SeaweedFS
    deployment: Deployment
    engine: sa.Engine
    api: Api


@pytest.fixture(scope="module")
def outage(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Outage]:
    store = SeaweedFS().start()
    try:
        root = tmp_path_factory.mktemp("outage")
        with scaleout_with_database(
            root, store, api_processes=1, workers=1, extra=OUTAGE_SETTINGS
        ) as (deployment, engine):
            yield Outage(store, deployment, engine, Api(deployment))
    finally:
        store.stop()


def _crate(path: Path, name: str, files: int = 2, size: int = 4096) -> tuple[Path, dict]:
    entities = [
        {"@id": f"data/f{i}.bin", "@type": "File", "name": f"{name}-f{i}"} for i in range(files)
    ]
    contents = {e["@id"]: os.urandom(size) for e in entities}
    crate_zip(path, crate_metadata(*entities, root={**ROOT, "name": name}), contents)
    return path, contents


def _member_ark(api: Api, crate_ark: str, name: str) -> str:
    graph = api.http.get(f"/rocrate/{crate_ark}").json()["@graph"]
    return next(e["@id"] for e in graph if e.get("name") == name)


def _job_rows(engine: sa.Engine, guids: list[str]) -> dict[str, Any]:
    with engine.connect() as connection:
        rows = connection.execute(
            sa.text("SELECT id, state, retries, attempts FROM jobs WHERE id = ANY(:ids)"),
            {"ids": guids},
        )
        return {row.id: row for row in rows}


def _eventually(check: Callable[[], bool], timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.2)
    raise AssertionError(f"not within {timeout}s: {what}")


def _timed(send: Callable[[], httpx.Response]) -> tuple[httpx.Response, float]:
    started = time.monotonic()
    response = send()
    return response, time.monotonic() - started


def _assert_unavailable(response: httpx.Response, what: str) -> None:
    assert response.status_code == 503, (what, response.status_code, response.text)
    assert response.headers["retry-after"] == "3", what
    assert response.headers["content-type"].startswith("application/problem+json"), what
    assert "blob store is unavailable" in response.json()["detail"], what
    assert "127.0.0.1" not in response.text, what  # the cause is logged, not shown


@pytest.mark.parametrize("how", ["frozen", "killed"])
def test_a_store_outage_delays_jobs_answers_503_quickly_and_recovers(
    tmp_path: Path, outage: Outage, how: str
) -> None:
    deployment, engine, api, outage_store = (
        outage.deployment,
        outage.engine,
        outage.api,
        outage.store,
    )
    before, before_bytes = _crate(tmp_path / "before.zip", "before")
    crate_ark = api.ingest(before)["rocrateIdentifier"]
    file_ark = _member_ark(api, crate_ark, "before-f0")
    auth = api.auth("alice")

    deployment.stop_workers()  # so that the jobs below are still queued when the store stops
    queued = [_crate(tmp_path / f"queued-{i}.zip", f"queued-{i}") for i in range(3)]
    guids = [api.upload(path).json()["guid"] for path, _ in queued]
    if how == "frozen":
        outage_store.freeze()
    else:
        outage_store.kill()
    try:
        deployment.start_worker()
        timings: list[tuple[str, float]] = []
        for round_ in range(3):
            upload, took = _timed(lambda: api.upload(before))
            _assert_unavailable(upload, f"upload {round_}")
            timings.append(("upload", took))
            download, took = _timed(lambda: api.http.get(f"/download/{file_ark}", headers=auth))
            _assert_unavailable(download, f"download {round_}")
            timings.append(("download", took))
            archive, took = _timed(
                lambda: api.http.get(f"/rocrate/download/{crate_ark}", headers=auth)
            )
            _assert_unavailable(archive, f"archive {round_}")
            timings.append(("archive", took))
            assert api.http.get(f"/{crate_ark}").status_code == 200  # metadata needs no store
            assert api.http.get(f"/rocrate/{crate_ark}").status_code == 200
        ready = httpx.get(f"{deployment.base_url}/readyz", timeout=10)
        assert ready.status_code == 503, ready.text
        assert ready.json()["checks"]["blobStore"]["status"] == "down"
        assert ready.json()["checks"]["database"]["status"] == "up"
        _eventually(
            lambda: all(r.retries >= 1 for r in _job_rows(engine, guids).values()),
            30,
            "every queued job was put back to wait for the store",
        )
        states = {r.state for r in _job_rows(engine, guids).values()}
        assert not states & {"FAILED", "COMPLETE"}, states
    finally:
        if how == "frozen":
            outage_store.thaw()
        else:
            outage_store.restart()

    slowest = max(took for _, took in timings)
    later = [took for _, took in timings[1:]]
    print(f"\n{how} store: 503 after {[round(t, 2) for _, t in timings]} s")
    # one call may wait out the bounded timeouts; the others fail fast meanwhile
    assert slowest < S3_TIMEOUT_SUM + 2, timings
    assert sorted(later)[len(later) // 2] < S3_TIMEOUT_SUM / 4, timings

    jobs = [api.wait(guid, timeout=60) for guid in guids]
    assert [job["status"] for job in jobs] == ["COMPLETE"] * 3, jobs
    _eventually(
        lambda: httpx.get(f"{deployment.base_url}/readyz", timeout=10).status_code == 200,
        15,
        "/readyz answers 200 again",
    )
    for index, (job, (_, contents)) in enumerate(zip(jobs, queued, strict=True)):
        member = _member_ark(api, job["rocrateIdentifier"], f"queued-{index}-f1")
        got = api.http.get(f"/download/{member}", headers=auth)
        assert got.status_code == 200, got.text
        assert got.content == contents["data/f1.bin"]
    again = api.http.get(f"/download/{file_ark}", headers=auth)
    assert again.status_code == 200
    assert again.content == before_bytes["data/f0.bin"]


def _terminate_connections(admin: sa.Connection, database: str) -> int:
    """pg_terminate_backend on the test database only, never on this connection."""
    return len(
        admin.execute(
            sa.text(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE datname = :db AND pid <> pg_backend_pid()"
            ),
            {"db": database},
        ).all()
    )


def test_cut_database_connections_lose_nothing_and_give_no_500(
    tmp_path: Path, outage: Outage
) -> None:
    files = 40
    deployment, api = outage.deployment, outage.api
    url = deployment.env["FAIRDEPOT_DATABASE_URL"]
    database = url.rsplit("/", 1)[1]
    engine = sa.create_engine(url, isolation_level="AUTOCOMMIT", poolclass=sa.NullPool)
    statuses: list[int] = []
    stop_reading = threading.Event()
    try:
        crate_ark = api.ingest(_crate(tmp_path / "read.zip", "read")[0])["rocrateIdentifier"]
        file_ark = _member_ark(api, crate_ark, "read-f0")
        auth = api.auth("alice")

        def read_while_cutting() -> None:
            with httpx.Client(base_url=api.url, timeout=30) as reader:
                while not stop_reading.is_set():
                    for path in (f"/{crate_ark}", f"/rocrate/{crate_ark}", f"/download/{file_ark}"):
                        statuses.append(reader.get(path, headers=auth).status_code)

        reads = threading.Thread(target=read_while_cutting, daemon=True)
        reads.start()
        big, contents = _crate(tmp_path / "big.zip", "big", files=files, size=64 * 1024)
        upload = api.upload(big)
        assert upload.status_code == 202, upload.text
        guid = upload.json()["guid"]
        cuts = 0
        with engine.connect() as admin:
            for _ in range(30):  # bounded: about 7 s of cutting every connection
                state = admin.execute(
                    sa.text("SELECT state FROM jobs WHERE id = :id"), {"id": guid}
                ).scalar()
                if state in ("COMPLETE", "FAILED"):
                    break
                cuts += _terminate_connections(admin, database)
                time.sleep(0.25)
        stop_reading.set()
        reads.join(30)

        job = _wait_tolerating_503(api, guid)
        assert job["status"] == "COMPLETE", job
        assert len(job["identifiers"]) == files + 1
        assert 500 not in statuses, statuses
        assert statuses.count(200) > 0.9 * len(statuses), statuses
        with engine.connect() as connection:
            root_pk = connection.execute(
                sa.text("SELECT pk FROM records WHERE ark = :ark"),
                {"ark": job["rocrateIdentifier"]},
            ).scalar_one()
            members = connection.execute(
                sa.text("SELECT count(*) FROM records WHERE parent_pk = :pk AND state = 'active'"),
                {"pk": root_pk},
            ).scalar()
            retries = connection.execute(
                sa.text("SELECT retries FROM jobs WHERE id = :id"), {"id": guid}
            ).scalar()
            referenced = referenced_blobs(connection)
        assert members == files  # each file recorded once, however many runs it took
        orphans, missing = stored_against_referenced(deployment, referenced, timeout=30)
        assert (orphans, missing) == (set(), set()), "no orphan blob, no missing blob"
        sample = _member_ark(api, job["rocrateIdentifier"], "big-f7")
        assert api.http.get(f"/download/{sample}", headers=auth).content == contents["data/f7.bin"]
        print(
            f"\ncut connections: {cuts} terminated, job attempts={job['attempts']} "
            f"retries={retries}, reads={len(statuses)} (503: {statuses.count(503)})"
        )
        assert cuts > 0
    finally:
        stop_reading.set()
        engine.dispose()


def _wait_tolerating_503(api: Api, guid: str, timeout: float = 60) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        response = api.http.get(f"/rocrate/upload/status/{guid}", headers=api.auth("alice"))
        assert response.status_code in (200, 503), response.text
        if response.status_code == 200 and response.json()["completed"]:
            return dict(response.json())
        time.sleep(0.2)
    raise AssertionError(f"job {guid} did not finish in {timeout}s")


def test_a_crate_with_bad_input_fails_at_once_and_is_not_retried(
    tmp_path: Path, outage: Outage
) -> None:
    bad = crate_zip(tmp_path / "bad.zip", '{"@context": "x", "@graph": [')
    job = outage.api.ingest(bad)
    assert job["status"] == "FAILED", job
    assert "ro-crate-metadata.json" in job["error"], job
    assert job["attempts"] == 1  # the first run failed it: no retry, no second attempt
    assert job["retries"] == 0
    assert _job_rows(outage.engine, [job["guid"]])[job["guid"]].retries == 0
    _eventually(
        lambda: not [k for k in blob_keys(outage.deployment) if job["guid"] in k],
        20,
        "the failed job's upload is deleted",
    )
