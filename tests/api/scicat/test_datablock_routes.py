"""A single origdatablock over HTTP on a real server: GET / PATCH / DELETE by id (v4 and v3),
each change recomputing the dataset's size, numberOfFiles and JSON-LD hasPart in the same
transaction; and a dataset PATCH keeps the files its blocks list in its JSON-LD."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from fairdepot.services.runtime import Runtime
from tests.api.scicat.files_seed import deployment_runtime, seed_dataset
from tests.api.scicat.test_datablocks import block, dataset_record
from tests.support.deployments import Deployment
from tests.support.scicat import Scicat, pid_path


@pytest.fixture(scope="module")
def runtime(scicat_server: Deployment) -> Iterator[Runtime]:
    yield from deployment_runtime(scicat_server)


def resolved_parts(scicat: Scicat, runtime: Runtime, pid: str) -> list[str]:
    """The file names the dataset's ARK lists as hasPart, as FAIRSCAPE's resolver answers."""
    ark = dataset_record(runtime, pid).ark
    resolved = httpx.get(f"{scicat.base_url}/api/{ark}", timeout=60)
    assert resolved.status_code == 200, resolved.text
    return sorted(p["name"] for p in resolved.json()["metadata"].get("hasPart", []))


def new_block(scicat: Scicat, pid: str, *files: tuple[str, int], **fields: Any) -> dict[str, Any]:
    created = scicat.request(
        "POST", "/api/v4/origdatablocks", "user1", json=block(pid, *files, **fields)
    )
    assert created.status_code == 201, created.text
    return dict(created.json())


def test_a_dataset_patch_keeps_its_files_in_the_json_ld(scicat: Scicat, runtime: Runtime) -> None:
    pid = seed_dataset(runtime, isPublished=True)
    new_block(scicat, pid, ("a.txt", 13), ("b.dat", 300))
    assert resolved_parts(scicat, runtime, pid) == ["a.txt", "b.dat"]
    path = f"/api/v4/datasets/{pid_path(pid)}"
    patched = scicat.request("PATCH", path, "user1", json={"description": "changed"})
    assert patched.status_code == 200, patched.text
    assert resolved_parts(scicat, runtime, pid) == ["a.txt", "b.dat"]
    current = scicat.request("GET", path, "user1").json()
    put = {k: v for k, v in current.items() if k not in ("size", "numberOfFiles")}
    replaced = scicat.request("PUT", path, "user1", json={**put, "description": "again"})
    assert replaced.status_code == 200, replaced.text
    assert resolved_parts(scicat, runtime, pid) == ["a.txt", "b.dat"]
    assert dataset_record(runtime, pid).metadata["description"] == "again"
