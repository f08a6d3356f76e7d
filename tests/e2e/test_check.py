"""`fairdepot check` finds a deleted blob, a corrupted one (same size, other bytes) and an orphan,
names each, and exits non-zero; on a sound catalogue it passes."""

from __future__ import annotations

import re
import subprocess

import pytest

from fairdepot.config import Settings
from fairdepot.services.runtime import build_runtime
from fairdepot.storage.db import blob_references
from tests.conftest import Api
from tests.support.crates import fresh_copy, zip_folder
from tests.support.deployments import Deployment, backend_name, embedded, scaleout
from tests.support.server import FAIRDEPOT


def _settings(env: dict[str, str]) -> Settings:
    fields = {k[len("FAIRDEPOT_") :].lower(): v for k, v in env.items() if k[:10] == "FAIRDEPOT_"}
    return Settings(**fields)


@pytest.fixture
def deployment(tmp_path, request) -> Deployment:
    if backend_name() == "scaleout":
        seaweedfs = request.getfixturevalue("seaweedfs")
        deployment = scaleout(tmp_path / "d", seaweedfs, api_processes=1, workers=1)
    else:
        deployment = embedded(tmp_path / "d")
    yield deployment
    deployment.stop()


def _check(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*FAIRDEPOT, "check", *args], env=env, capture_output=True, text=True, check=False
    )


def test_check_names_a_missing_a_corrupted_and_an_orphan_blob(
    deployment, tmp_path, fairscape_crate_dir
) -> None:
    api = Api(deployment)
    api.ingest(zip_folder(fresh_copy(fairscape_crate_dir, tmp_path / "c"), tmp_path / "c.zip"))
    sound = _check(deployment.env, "--orphan-min-age", "0")
    assert sound.returncode == 0, sound.stderr
    assert "check passed" in sound.stderr

    runtime = build_runtime(_settings(deployment.env), migrate=False)
    try:
        with runtime.database.engine.connect() as connection:
            first_refs: dict[str, blob_references.BlobReference] = {}
            for ref in blob_references.file_references(connection):
                first_refs.setdefault(ref.key, ref)
        gone, corrupted = [ref for ref in first_refs.values() if ref.size][:2]
        runtime.blobs.delete(gone.key)
        original = b"".join(runtime.blobs.iter_read(corrupted.key))
        flipped = bytes([original[0] ^ 0xFF]) + original[1:]
        runtime.blobs.write(corrupted.key, [flipped])
        assert runtime.blobs.size(corrupted.key) == corrupted.size
        orphan = "entities/left-behind/content"
        runtime.blobs.write(orphan, [b"nobody refers to me"])
    finally:
        runtime.close()

    broken = _check(deployment.env, "--orphan-min-age", "0")
    assert broken.returncode == 1, broken.stderr
    lines = broken.stderr.splitlines()
    assert any(
        line.startswith("missing:") and gone.describe() in line and gone.key in line
        for line in lines
    ), broken.stderr
    assert any(
        line.startswith("wrong checksum:") and corrupted.describe() in line for line in lines
    ), broken.stderr
    assert any(line.startswith("orphan:") and orphan in line for line in lines), broken.stderr
    assert "Traceback" not in broken.stderr

    # a blob written a moment ago may be an upload in flight: not an orphan by default
    recent = _check(deployment.env)
    assert not any(line.startswith("orphan:") for line in recent.stderr.splitlines())
    assert recent.returncode == 1  # the missing and the corrupted blob are still problems


def test_check_sample_reads_only_that_many_files(deployment, tmp_path, fairscape_crate_dir) -> None:
    api = Api(deployment)
    api.ingest(zip_folder(fresh_copy(fairscape_crate_dir, tmp_path / "c"), tmp_path / "c.zip"))
    sampled = _check(deployment.env, "--sample", "1", "--no-orphans")
    assert sampled.returncode == 0, sampled.stderr
    match = re.search(r"record files read\s*│\s*(\d+) of (\d+)", sampled.stderr)
    assert match, sampled.stderr
    assert match.group(1) == "1"
    assert int(match.group(2)) > 1
