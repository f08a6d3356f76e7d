"""Configurable upload and zip limits answer 413 with the limit named, and leave nothing behind."""

from __future__ import annotations

import json

import pytest

from tests.conftest import Api
from tests.support.blobs import blob_keys
from tests.support.deployments import backend_name, embedded
from tests.support.zips import crate_metadata, write_zip

pytestmark = pytest.mark.skipif(
    backend_name() != "embedded", reason="limits are backend-independent; checked once"
)


@pytest.fixture(scope="module")
def small_limits(tmp_path_factory):
    deployment = embedded(
        tmp_path_factory.mktemp("limits"),
        {
            "FAIRDEPOT_MAX_UPLOAD_BYTES": str(64 * 1024),
            "FAIRDEPOT_ZIP_MAX_ENTRIES": "5",
        },
    )
    yield deployment
    deployment.stop()


def test_an_upload_over_the_size_limit_is_413_and_not_stored(small_limits, tmp_path) -> None:
    api = Api(small_limits)
    import os

    big = write_zip(
        tmp_path / "big.zip",
        {
            "ro-crate-metadata.json": json.dumps(crate_metadata()),
            "noise.bin": os.urandom(200 * 1024),
        },
    )
    response = api.upload(big)
    assert response.status_code == 413
    assert "65536" in response.json()["detail"]
    assert not [k for k in blob_keys(small_limits) if k.startswith("uploads/")]


def test_too_many_zip_entries_is_413(small_limits, tmp_path) -> None:
    api = Api(small_limits)
    members = {"ro-crate-metadata.json": json.dumps(crate_metadata())}
    members.update({f"f{i}.txt": "x" for i in range(10)})
    response = api.upload(write_zip(tmp_path / "many.zip", members))
    assert response.status_code == 413
    assert "entries" in response.json()["detail"] or "entries" in json.dumps(response.json())
    assert not [k for k in blob_keys(small_limits) if k.startswith("uploads/")]
