"""Origdatablocks over HTTP on a real server: v4 create (201, the dataset's size and
numberOfFiles recomputed over all its blocks), v4 listing by filter, the v3 nested routes
(access fields copied from the dataset), 404 / 403 / 400 in SciCat's shape with nothing
written, and each block read by its own access."""

from __future__ import annotations

from typing import Any

import pytest

from fairdepot.core.records import IdentifierScheme, Record
from fairdepot.services.records import load
from fairdepot.services.runtime import Runtime
from tests.api.scicat.files_seed import seed_dataset
from tests.support.scicat import Scicat, pid_path


def dataset_record(runtime: Runtime, pid: str) -> Record:
    with runtime.reading() as store:
        row = store.row_by_identifier(IdentifierScheme.SCICAT_PID.value, pid)
        assert row is not None
        return load(store, row, with_files=False)


def block(pid: str | None, *files: tuple[str, int], **fields: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "dataFileList": [
            {
                "path": path,
                "size": size,
                "time": "2026-11-22T03:13:06.086314Z",
                "chk": "7f8e3c248c2ee41719265e057e74ad6c",
                "gid": "0",
                "perm": "33188",
                "uid": "0",
            }
            for path, size in files
        ],
        "size": sum(size for _, size in files),
        "chkAlg": "md5",
    }
    if pid is not None:
        body["datasetId"] = pid
    body.update(fields)
    return body


def test_v4_create_recomputes_the_dataset_size_over_all_blocks(
    scicat: Scicat, runtime: Runtime
) -> None:
    pid = seed_dataset(runtime)
    first = scicat.request(
        "POST", "/api/v4/origdatablocks", "user1", json=block(pid, ("a.txt", 13), ("b.dat", 300))
    )
    assert first.status_code == 201, first.text
    created = first.json()
    assert created["datasetId"] == pid
    assert created["size"] == 313
    assert created["chkAlg"] == "md5"
    assert [f["path"] for f in created["dataFileList"]] == ["a.txt", "b.dat"]
    assert created["ownerGroup"] == "group1"  # the dataset's, as none was given
    assert created["accessGroups"] == ["uu"]
    assert created["isPublished"] is False
    assert created["createdBy"] == "user1"
    assert created["createdAt"].endswith("Z")
    assert created["version"] == "4"
    assert created["_id"]
    second = scicat.request(
        "POST", "/api/v4/origdatablocks", "user1", json=block(pid, ("c.nxs", 1000))
    )
    assert second.status_code == 201, second.text
    dataset = dataset_record(runtime, pid)
    assert dataset.native is not None
    assert dataset.native["size"] == 1313
    assert dataset.native["numberOfFiles"] == 3
    parts = {p["name"]: p for p in dataset.metadata["hasPart"]}
    assert set(parts) == {"a.txt", "b.dat", "c.nxs"}
    assert parts["c.nxs"]["contentSize"] == "1000 B"
    assert dataset.metadata["contentSize"] == "1313 B"
    listed = scicat.request(
        "GET",
        "/api/v4/origdatablocks",
        "user1",
        params={"filter": f'{{"where":{{"datasetId":"{pid}"}}}}'},
    )
    assert listed.status_code == 200, listed.text
    assert sorted(b["size"] for b in listed.json()) == [313, 1000]


def test_v3_nested_create_copies_the_dataset_access_and_lists(
    scicat: Scicat, runtime: Runtime
) -> None:
    pid = seed_dataset(runtime, accessGroups=["uu", "faculty"])
    body = block(None, ("f1.nxs", 42))
    body["chkAlg"] = 5  # pyscicat types chkAlg as int
    body["ownerGroup"] = "elsewhere"  # replaced by the dataset's
    response = scicat.request(
        "POST", f"/api/v3/Datasets/{pid_path(pid)}/origdatablocks", "user1", json=body
    )
    assert response.status_code == 201, response.text
    created = response.json()
    assert created["chkAlg"] == "5"
    assert created["ownerGroup"] == "group1"
    assert created["accessGroups"] == ["uu", "faculty"]
    listed = scicat.request("GET", f"/api/v3/datasets/{pid_path(pid)}/origdatablocks", "user1")
    assert listed.status_code == 200
    assert [b["_id"] for b in listed.json()] == [created["_id"]]
    assert dataset_record(runtime, pid).native["numberOfFiles"] == 1  # type: ignore[index]


def test_unknown_dataset_is_404_and_foreign_dataset_is_403(
    scicat: Scicat, runtime: Runtime
) -> None:
    unknown = scicat.request(
        "POST", "/api/v4/origdatablocks", "user1", json=block("PID.prefix.a0b1/nope", ("a", 1))
    )
    assert unknown.status_code == 404, unknown.text
    assert unknown.json()["statusCode"] == 404
    pid = seed_dataset(runtime, accessGroups=["group2"])  # user2 reads it, may not write
    foreign = scicat.request("POST", "/api/v4/origdatablocks", "user2", json=block(pid, ("a", 1)))
    assert foreign.status_code == 403, foreign.text
    anonymous = scicat.request("POST", "/api/v4/origdatablocks", None, json=block(pid, ("a", 1)))
    assert anonymous.status_code == 403, anonymous.text
    unreadable = scicat.request(
        "POST", "/api/v4/origdatablocks", "user3", json=block(pid, ("a", 1))
    )
    assert unreadable.status_code == 403, unreadable.text  # it exists, as the backend answers
    assert unreadable.json()["message"] == "Unauthorized access"
    v3_unknown = scicat.request("GET", "/api/v3/datasets/nonexistent-id/origdatablocks", "user1")
    assert v3_unknown.status_code == 404
    assert dataset_record(runtime, pid).native.get("numberOfFiles", 0) == 0  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("change", "where"),
    [
        ({"size": "313"}, "size"),
        ({"chkAlg": ["md5"]}, "chkAlg"),
        ({"dataFileList": "a.txt"}, "dataFileList"),
        ({"dataFileList": [{"path": "a", "size": 1}]}, "dataFileList[0].time"),
        (
            {"dataFileList": [{"path": "a", "size": -1, "time": "2026-01-01T00:00:00Z"}]},
            "dataFileList[0].size",
        ),
        (
            {"dataFileList": [{"path": "", "size": 1, "time": "2026-01-01T00:00:00Z"}]},
            "dataFileList[0].path",
        ),
        ({"dataFileList": [{"path": "a", "size": 1, "time": "yesterday"}]}, "dataFileList[0].time"),
        ({"surprise": 1}, "surprise"),
        ({"datasetId": 7}, "datasetId"),
    ],
)
def test_bad_bodies_are_400_naming_the_field_and_write_nothing(
    scicat: Scicat, runtime: Runtime, change: dict[str, Any], where: str
) -> None:
    pid = seed_dataset(runtime)
    body = {**block(pid, ("a.txt", 13)), **change}
    response = scicat.request("POST", "/api/v4/origdatablocks", "user1", json=body)
    assert response.status_code == 400, response.text
    answer = response.json()
    assert answer["statusCode"] == 400
    assert answer["error"] == "Bad Request"
    assert where in [e["location"] for e in answer["errors"]]
    assert "hasPart" not in dataset_record(runtime, pid).metadata
    listed = scicat.request("GET", f"/api/v3/datasets/{pid_path(pid)}/origdatablocks", "user1")
    assert listed.json() == []


def test_malformed_json_and_bad_filters_are_400(scicat: Scicat) -> None:
    broken = scicat.request(
        "POST",
        "/api/v4/origdatablocks",
        "user1",
        content=b"{not json",
        headers={"Content-Type": "application/json"},
    )
    assert broken.status_code == 400, broken.text
    for bad in (
        '{"where":{"nope":1}}',
        '{"where":{"size":{"$foo":1}}}',
        "[1]",
        '{"limit":-1}',
        "{",
    ):
        response = scicat.request("GET", "/api/v4/origdatablocks", "user1", params={"filter": bad})
        assert response.status_code == 400, (bad, response.text)


def test_each_block_is_read_by_its_own_access(scicat: Scicat, runtime: Runtime) -> None:
    pid = seed_dataset(runtime, isPublished=True)
    private = scicat.request(
        "POST",
        "/api/v4/origdatablocks",
        "user1",
        json=block(pid, ("secret.h5", 5), isPublished=False),
    )
    public = scicat.request(
        "POST", "/api/v4/origdatablocks", "user1", json=block(pid, ("open.h5", 7), isPublished=True)
    )
    # none given: the dataset's (published), as scitacean creates its blocks
    inherited = scicat.request(
        "POST", "/api/v4/origdatablocks", "user1", json=block(pid, ("taken.h5", 3))
    )
    assert private.status_code == public.status_code == inherited.status_code == 201
    assert inherited.json()["isPublished"] is True
    anonymous = scicat.request("GET", f"/api/v3/datasets/{pid_path(pid)}/origdatablocks", None)
    assert anonymous.status_code == 200
    assert [b["dataFileList"][0]["path"] for b in anonymous.json()] == ["open.h5", "taken.h5"]
    owner = scicat.request("GET", f"/api/v3/datasets/{pid_path(pid)}/origdatablocks", "user1")
    assert len(owner.json()) == 3
    found = scicat.request(
        "GET",
        "/api/v4/origdatablocks",
        None,
        params={"filter": f'{{"where":{{"datasetId":"{pid}"}}}}'},
    )
    assert [b["size"] for b in found.json()] == [7, 3]


def test_blocks_are_not_datasets_in_dataset_queries(scicat: Scicat, runtime: Runtime) -> None:
    """Blocks are SciCat records with the dataset's owner group: a dataset filter on that
    group must still find datasets only."""
    from fairdepot.core.crosswalks.scicat_fields import ApiVersion
    from fairdepot.core.policy import read_scope
    from fairdepot.core.policy.roles import Actor
    from fairdepot.services.scicat.filters import dataset_filter

    pid = seed_dataset(runtime, ownerGroup="group4")
    response = scicat.request("POST", "/api/v4/origdatablocks", "user4", json=block(pid, ("x", 1)))
    assert response.status_code == 201, response.text
    query = dataset_filter('{"where":{"ownerGroup":"group4"},"limit":1000}', ApiVersion.V3).query
    with runtime.reading() as store:
        rows = store.find(query, read_scope(Actor(user_id="admin", is_admin=True))).rows
    assert rows  # the seeded dataset at least
    assert {r.kind for r in rows} <= {"raw", "derived"}
