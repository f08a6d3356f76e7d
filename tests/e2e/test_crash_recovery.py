"""A server killed with SIGKILL in the middle of an ingest: after restart the job finishes once.

Real processes, a real kill: the job's lease runs out, the restarted worker claims it again,
and the blobs of the interrupted attempt are cleaned up, so the catalogue and the blob store
agree (no record without its blobs, no blob without its record).
"""

from __future__ import annotations

import json
import os
import signal
import time
import zipfile

import httpx
import pytest

from fairdepot.services.crates.ingest import member_blob_key
from tests.conftest import Api
from tests.support.blobs import blob_keys
from tests.support.deployments import backend_name
from tests.support.server import ServerProcess, embedded_env, free_port
from tests.support.zips import ROOT, crate_metadata


def _big_crate(path, files: int = 400, size: int = 256 * 1024):
    entities = [
        {"@id": f"data/part-{i:04d}.bin", "@type": "File", "name": f"part {i}"}
        for i in range(files)
    ]
    metadata = crate_metadata(
        *entities,
        root={
            **ROOT,
            "name": "Crash test crate",
            "description": "many files: ingest takes a while",
        },
    )
    with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED) as archive:
        archive.writestr("ro-crate-metadata.json", json.dumps(metadata))
        for i, entity in enumerate(entities):
            archive.writestr(entity["@id"], os.urandom(size // 2) + bytes([i % 256]) * (size // 2))
    return path


@pytest.mark.skipif(backend_name() != "embedded", reason="embedded shape; see test_scaleout_crash")
def test_a_killed_ingest_is_finished_exactly_once_after_restart(tmp_path) -> None:
    port = free_port()
    env = embedded_env(tmp_path / "data", port, {"FAIRDEPOT_JOB_LEASE_SECONDS": "3"})
    first = ServerProcess(env, port, tmp_path / "first.log").start()
    api = Api(first)
    upload = api.upload(_big_crate(tmp_path / "big.zip"))
    assert upload.status_code == 202, upload.text
    guid = upload.json()["guid"]
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        job = api.http.get(f"/rocrate/upload/status/{guid}", headers=api.auth("alice")).json()
        if job["stage"] == "storing files":
            break
        time.sleep(0.05)
    assert job["status"] == "PROCESSING", job
    first.stop(signal.SIGKILL)

    second = ServerProcess(env, port, tmp_path / "second.log").start()
    try:
        api = Api(second)
        job = api.wait(guid, timeout=180)
        assert job["status"] == "COMPLETE", job
        assert job["attempts"] == 2
        assert len(job["identifiers"]) == 401  # the root and 400 files, each exactly once
        crate = api.http.get(f"/rocrate/{job['rocrateIdentifier']}").json()
        assert len(crate["@graph"]) == 402
        # the store holds exactly the winning attempt's files: the upload went after COMPLETE
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            keys = [k for k in blob_keys(second) if guid in k]
            if not [k for k in keys if f"crates/{guid}/1/" in k or k.startswith("uploads/")]:
                break
            time.sleep(0.3)
        assert sorted(k for k in keys if k.startswith("crates/")) == sorted(
            member_blob_key(f"crates/{guid}/2/", f"data/part-{i:04d}.bin") for i in range(400)
        )
        assert f"uploads/{guid}.zip" not in keys
        sample = next(i for i in job["identifiers"] if i != job["rocrateIdentifier"])
        assert (
            httpx.get(f"{second.api_url}/download/{sample}", headers=api.auth("alice")).status_code
            == 200
        )
    finally:
        second.stop()
