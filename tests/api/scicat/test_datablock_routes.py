"""A single origdatablock over HTTP on a real server: GET / PATCH / DELETE by id (v4 and v3),
each change recomputing the dataset's size, numberOfFiles and JSON-LD hasPart in the same
transaction; and a dataset PATCH keeps the files its blocks list in its JSON-LD."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from fairdepot.core.records import IdentifierScheme
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
    new_block(scicat, pid, ("a.txt", 13), ("b.dat", 300), isPublished=True)
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


def test_a_published_dataset_names_only_its_published_blocks_files(
    scicat: Scicat, runtime: Runtime
) -> None:
    """The dataset's JSON-LD is read by all its readers: an unpublished block's file names
    stay out of a published dataset's `hasPart`, at create and after a dataset PATCH."""
    pid = seed_dataset(runtime, isPublished=True)
    new_block(scicat, pid, ("open.txt", 4), isPublished=True)
    new_block(scicat, pid, ("hidden.dat", 9), isPublished=False)
    assert resolved_parts(scicat, runtime, pid) == ["open.txt"]
    path = f"/api/v4/datasets/{pid_path(pid)}"
    patched = scicat.request("PATCH", path, "user1", json={"description": "changed"})
    assert patched.status_code == 200, patched.text
    assert resolved_parts(scicat, runtime, pid) == ["open.txt"]
    assert patched.json()["numberOfFiles"] == 2  # SciCat's totals count every block


def test_get_patch_delete_one_block_recompute_the_dataset(scicat: Scicat, runtime: Runtime) -> None:
    pid = seed_dataset(runtime, isPublished=True)
    first = new_block(scicat, pid, ("a.txt", 13), ("b.dat", 300), isPublished=True)
    second = new_block(scicat, pid, ("c.nxs", 1000), isPublished=True)
    path = f"/api/v4/origdatablocks/{first['_id']}"
    got = scicat.request("GET", path, "user1")
    assert got.status_code == 200, got.text
    assert got.json()["dataFileList"] == first["dataFileList"]
    v3 = scicat.request("GET", f"/api/v3/origdatablocks/{first['_id']}", "user1")
    assert v3.status_code == 200
    assert "version" not in v3.json()

    files = [{**first["dataFileList"][0], "size": 20}, {**first["dataFileList"][0], "path": "d"}]
    patched = scicat.request(
        "PATCH", path, "user1", json={"dataFileList": files, "size": 33, "_id": "ignored"}
    )
    assert patched.status_code == 200, patched.text
    assert patched.json()["_id"] == first["_id"]
    assert patched.json()["size"] == 33
    dataset = dataset_record(runtime, pid)
    assert (dataset.native or {})["size"] == 33 + 1000
    assert (dataset.native or {})["numberOfFiles"] == 3
    assert resolved_parts(scicat, runtime, pid) == ["a.txt", "c.nxs", "d"]

    assert scicat.request("DELETE", path, "user1").status_code == 403  # not a delete group
    deleted = scicat.request("DELETE", path, "archivemanager")
    assert deleted.status_code == 200, deleted.text
    assert deleted.json()["_id"] == first["_id"]
    assert scicat.request("GET", path, "user1").status_code == 404
    dataset = dataset_record(runtime, pid)
    assert (dataset.native or {})["size"] == 1000
    assert (dataset.native or {})["numberOfFiles"] == 1
    assert resolved_parts(scicat, runtime, pid) == ["c.nxs"]
    listed = scicat.request("GET", f"/api/v3/datasets/{pid_path(pid)}/origdatablocks", "user1")
    assert [b["_id"] for b in listed.json()] == [second["_id"]]


def test_a_block_is_changed_only_by_its_owner_group_and_bad_changes_write_nothing(
    scicat: Scicat, runtime: Runtime
) -> None:
    pid = seed_dataset(runtime)
    created = new_block(scicat, pid, ("a.txt", 13))
    path = f"/api/v4/origdatablocks/{created['_id']}"
    assert scicat.request("GET", path, "user2").status_code == 403
    assert scicat.request("GET", path, None).status_code == 403
    assert scicat.request("PATCH", path, "user2", json={"size": 1}).status_code == 403
    assert scicat.request("PATCH", path, None, json={"size": 1}).status_code == 403
    unknown = scicat.request("GET", f"/api/v4/origdatablocks/{uuid.uuid4()}", "user1")
    assert unknown.status_code == 404
    assert unknown.json()["statusCode"] == 404
    for body, location in (
        ({"size": -1}, "size"),
        ({"datasetId": "another"}, "datasetId"),
        ({"dataFileList": [{"path": "x", "size": 1}]}, "dataFileList[0].time"),
        ({"colour": "red"}, "colour"),
    ):
        refused = scicat.request("PATCH", path, "user1", json=body)
        assert refused.status_code == 400, refused.text
        assert refused.json()["statusCode"] == 400
        assert location in [e["location"] for e in refused.json()["errors"]]
    foreign = scicat.request("PATCH", path, "user1", json={"ownerGroup": "group2"})
    assert foreign.status_code == 403
    assert scicat.request("GET", path, "user1").json()["size"] == 13
    assert (dataset_record(runtime, pid).native or {})["size"] == 13


def test_v3_nested_block_routes_check_the_dataset(scicat: Scicat, runtime: Runtime) -> None:
    pid, other = seed_dataset(runtime), seed_dataset(runtime)
    created = new_block(scicat, pid, ("a.txt", 13))
    wrong = f"/api/v3/datasets/{pid_path(other)}/origdatablocks/{created['_id']}"
    assert scicat.request("PATCH", wrong, "user1", json={"size": 2}).status_code == 404
    assert scicat.request("DELETE", wrong, "archivemanager").status_code == 404
    right = f"/api/v3/datasets/{pid_path(pid)}/origdatablocks/{created['_id']}"
    patched = scicat.request("PATCH", right, "user1", json={"size": 2})
    assert patched.status_code == 200, patched.text
    assert (dataset_record(runtime, pid).native or {})["size"] == 2
    assert scicat.request("DELETE", right, "archivemanager").status_code == 200
    assert (dataset_record(runtime, pid).native or {})["numberOfFiles"] == 0


def test_is_valid_says_what_a_create_would_refuse(scicat: Scicat, runtime: Runtime) -> None:
    pid = seed_dataset(runtime)
    for version in ("v3", "v4"):
        path = f"/api/{version}/origdatablocks/isValid"
        good = scicat.request("POST", path, "user1", json=block(pid, ("a.txt", 1)))
        assert good.status_code == 200, good.text
        assert good.json() == {"valid": True, "reason": []}
        bad = scicat.request("POST", path, "user1", json=block(pid, ("a.txt", 1), size=-1))
        assert bad.status_code == 200, bad.text
        assert bad.json()["valid"] is False
        assert bad.json()["reason"] == ["size must not be less than 0"]
        assert scicat.request("POST", path, None, json=block(pid)).status_code == 403
    listed = scicat.request("GET", f"/api/v3/datasets/{pid_path(pid)}/origdatablocks", "user1")
    assert listed.json() == []


def test_deleting_a_dataset_takes_its_blocks_and_attachments_with_it(
    scicat: Scicat, runtime: Runtime
) -> None:
    """A dataset's delete leaves no active child behind: its blocks no longer answer, and a
    block change cannot write into the dataset's tombstone."""
    pid = seed_dataset(runtime)
    made = new_block(scicat, pid, ("a.txt", 13))
    path = f"/api/v4/origdatablocks/{made['_id']}"
    assert scicat.request("GET", path, "user1").status_code == 200
    deleted = scicat.request("DELETE", f"/api/v4/datasets/{pid_path(pid)}", "archivemanager")
    assert deleted.status_code == 200, deleted.text
    assert scicat.request("GET", path, "user1").status_code == 404
    patched = scicat.request("PATCH", path, "user1", json={"size": 1})
    assert patched.status_code == 404, patched.text
    listed = scicat.request(
        "GET",
        "/api/v4/origdatablocks",
        "user1",
        params={"filter": json.dumps({"where": {"datasetId": pid}})},
    )
    assert listed.status_code == 200, listed.text
    assert listed.json() == []


def test_changing_a_block_needs_the_right_to_change_its_dataset(scicat: Scicat) -> None:
    """A block change rewrites its dataset (totals, hasPart, held files): an account that
    may change the block (its owner group, group6, is one of the account's) but only read the
    dataset (through the access group `sharers`, owner group group2) is refused with 403 and
    nothing is written; the dataset's owner group may not change the block either."""
    body = {
        "type": "raw",
        "datasetName": f"shared {uuid.uuid4().hex[:8]}",
        "owner": "Ponder",
        "ownerGroup": "group2",
        "accessGroups": ["sharers"],
        "contactEmail": "p@uu.am",
        "creationLocation": "UU",
        "principalInvestigators": ["Ponder"],
        "sourceFolder": f"/facility/shared-{uuid.uuid4().hex[:8]}",
        "creationTime": "2026-01-01T00:00:00Z",
    }
    created = scicat.request("POST", "/api/v4/datasets", "user2", json=body)
    assert created.status_code == 201, created.text
    pid = created.json()["pid"]
    made = scicat.request(
        "POST",
        "/api/v4/origdatablocks",
        "admin",
        json=block(pid, ("a.txt", 13), ownerGroup="group6"),
    )
    assert made.status_code == 201, made.text
    path = f"/api/v4/origdatablocks/{made.json()['_id']}"
    dataset = f"/api/v4/datasets/{pid_path(pid)}"
    assert scicat.request("GET", path, "twogroups").status_code == 200
    assert scicat.request("GET", dataset, "twogroups").status_code == 200

    refused = scicat.request("PATCH", path, "twogroups", json={"size": 99})
    assert refused.status_code == 403, refused.text
    assert refused.json()["statusCode"] == 403
    assert scicat.request("PATCH", path, "user2", json={"size": 99}).status_code == 403
    assert scicat.request("GET", path, "twogroups").json()["size"] == 13
    assert scicat.request("GET", dataset, "user2").json()["size"] == 13

    allowed = scicat.request("PATCH", path, "admin", json={"size": 99})
    assert allowed.status_code == 200, allowed.text
    assert scicat.request("GET", dataset, "user2").json()["size"] == 99


def test_publishing_through_fairscape_drops_a_block_the_publisher_may_not_publish(
    scicat: Scicat, runtime: Runtime
) -> None:
    """FAIRSCAPE's `PUT /api/publish` publishes the dataset and the blocks the caller may
    publish; a block of another owner group stays unpublished, so its file names leave the
    now public `hasPart` (they were listed while every reader of the dataset read the block)."""
    pid = seed_dataset(runtime, isPublished=False, accessGroups=["group3"])
    shared = block(pid, ("shared.dat", 9), isPublished=False)
    created = scicat.request(
        "POST",
        "/api/v4/origdatablocks",
        "admin",
        json={**shared, "ownerGroup": "group2", "accessGroups": ["group1", "group3"]},
    )
    assert created.status_code == 201, created.text
    new_block(scicat, pid, ("own.txt", 4), isPublished=False)
    ark = dataset_record(runtime, pid).ark

    def parts(username: str | None) -> list[str]:
        resolved = scicat.request("GET", f"/api/{ark}", username)
        assert resolved.status_code == 200, resolved.text
        return sorted(p["name"] for p in resolved.json()["metadata"].get("hasPart", []))

    assert parts("user1") == ["own.txt", "shared.dat"]
    published = scicat.request(
        "PUT", "/api/publish", "user1", json={"@id": ark, "publicationStatus": "PUBLISHED"}
    )
    assert published.status_code == 200, published.text
    assert parts(None) == parts("user1") == ["own.txt"]


def test_unpublishing_a_block_by_its_ark_takes_its_files_out_of_the_dataset(
    scicat: Scicat, runtime: Runtime
) -> None:
    """A block has an ARK of its own: `PUT /api/publish` of it to DRAFT rewrites its
    published dataset's `hasPart` too, so anonymous readers no longer see its file names."""
    pid = seed_dataset(runtime, isPublished=True)
    new_block(scicat, pid, ("open.txt", 4), isPublished=True)
    hidden = new_block(scicat, pid, ("soon-hidden.dat", 9), isPublished=True)
    assert resolved_parts(scicat, runtime, pid) == ["open.txt", "soon-hidden.dat"]
    with runtime.reading() as store:
        dataset = store.row_by_identifier(IdentifierScheme.SCICAT_PID.value, pid)
        assert dataset is not None
        blocks = store.load(store.members(dataset), with_files=False)
    (block_ark,) = [b.ark for b in blocks if (b.native or {}).get("_id") == hidden["_id"]]
    changed = scicat.request(
        "PUT", "/api/publish", "user1", json={"@id": block_ark, "publicationStatus": "DRAFT"}
    )
    assert changed.status_code == 200, changed.text
    assert resolved_parts(scicat, runtime, pid) == ["open.txt"]


def test_publishing_a_dataset_without_blocks_keeps_its_size(
    scicat: Scicat, runtime: Runtime
) -> None:
    """A dataset whose client sent `size` and `numberOfFiles` and has no blocks keeps them
    when FAIRSCAPE publishes it (no totals recomputed from no blocks)."""
    pid = seed_dataset(runtime, isPublished=False, size=1234, numberOfFiles=5)
    ark = dataset_record(runtime, pid).ark
    published = scicat.request(
        "PUT", "/api/publish", "user1", json={"@id": ark, "publicationStatus": "PUBLISHED"}
    )
    assert published.status_code == 200, published.text
    got = scicat.request("GET", f"/api/v3/datasets/{pid_path(pid)}", None)
    assert got.status_code == 200, got.text
    assert (got.json()["size"], got.json()["numberOfFiles"]) == (1234, 5)
