"""`GET /api/v{3,4}/origdatablocks?filter=` and `GET /api/v4/attachments?filter=` on the
shared `where` translator (services/scicat/child_fields.py): every operator datasets have, on
a block's and an attachment's fields (`dataFileList.path` into the array), with `order`,
`limits.sort`, `skip`, `limit` and `fields`, against a real server.

Each table row names a `where` and the objects it must select among three seeded ones (the
rows are AND-ed with their dataset, `datasetId` for blocks, the relationship's `targetId`
for v4 attachments, so other tests' objects never match)."""

from __future__ import annotations

import json
from typing import Any

import pytest

from fairdepot.services.runtime import Runtime
from tests.api.scicat.files_seed import seed_dataset
from tests.api.scicat.test_attachments import attachment
from tests.support.scicat import Scicat

Seeded = dict[str, Any]


def _file(path: str, size: int, time: str = "2026-11-22T03:13:06Z") -> dict[str, Any]:
    return {"path": path, "size": size, "time": time, "chk": "00", "uid": "0", "gid": "0"}


BLOCKS = {
    "A": {"dataFileList": [_file("a.txt", 10)], "size": 10, "chkAlg": "md5"},
    "B": {
        "dataFileList": [_file("b.h5", 200), _file("c.h5", 300)],
        "size": 500,
        "chkAlg": "sha256",
        "isPublished": True,
    },
    "C": {
        "dataFileList": [_file("logs/run.LOG", 5, "2020-05-01T00:00:00Z")],
        "size": 5,
        "chkAlg": "blake2b",
        "instrumentGroup": "beamline",
    },
}


@pytest.fixture(scope="module")
def blocks(scicat: Scicat, runtime: Runtime) -> Seeded:
    """Three blocks of one dataset, by letter (their `_id`s), and the dataset's pid."""
    pid = seed_dataset(runtime)
    ids = {}
    for letter, body in BLOCKS.items():
        made = scicat.request("POST", "/api/v4/origdatablocks", json={"datasetId": pid, **body})
        assert made.status_code == 201, made.text
        ids[letter] = made.json()["_id"]
    return {"pid": pid, "ids": ids}


ATTACHMENTS = {
    "A": {"caption": "alpha preview"},
    "B": {"caption": "beta plot", "isPublished": True, "accessGroups": ["friends"]},
    "C": {"caption": "gamma"},
}


@pytest.fixture(scope="module")
def attachments(scicat: Scicat, runtime: Runtime) -> Seeded:
    pid = seed_dataset(runtime)
    ids = {}
    for letter, fields in ATTACHMENTS.items():
        made = scicat.request("POST", "/api/v4/attachments", json=attachment(pid, **fields))
        assert made.status_code == 201, made.text
        ids[letter] = made.json()["aid"]
    return {"pid": pid, "ids": ids}


def listed(scicat: Scicat, path: str, spec: dict[str, Any], user: str | None = "user1") -> Any:
    response = scicat.request("GET", path, user, params={"filter": json.dumps(spec)})
    assert response.status_code == 200, (spec, response.text)
    return response.json()


def letters(seeded: Seeded, found: list[dict[str, Any]], id_field: str) -> list[str]:
    by_id = {v: k for k, v in seeded["ids"].items()}
    return [by_id[item[id_field]] for item in found if item[id_field] in by_id]


BLOCK_WHERE: list[tuple[str, dict[str, Any], str]] = [
    ("value", {"chkAlg": "md5"}, "A"),
    ("eq", {"chkAlg": {"eq": "sha256"}}, "B"),
    ("neq", {"chkAlg": {"neq": "md5"}}, "BC"),
    ("$ne", {"chkAlg": {"$ne": "md5"}}, "BC"),
    ("inq", {"chkAlg": {"inq": ["md5", "blake2b"]}}, "AC"),
    ("$in", {"chkAlg": {"$in": ["sha256"]}}, "B"),
    ("nin", {"size": {"nin": [10, 5]}}, "B"),
    ("gt", {"size": {"gt": 10}}, "B"),
    ("gte", {"size": {"gte": 10}}, "AB"),
    ("lt", {"size": {"lt": 10}}, "C"),
    ("lte", {"size": {"$lte": 10}}, "AC"),
    ("between", {"size": {"between": [5, 10]}}, "AC"),
    ("like-in-array", {"dataFileList.path": {"like": "h5"}}, "B"),
    ("nlike", {"dataFileList.path": {"nlike": "h5"}}, "AC"),
    ("ilike", {"dataFileList.path": {"ilike": "run.log"}}, "C"),
    ("like-is-case-sensitive", {"dataFileList.path": {"like": "run.log"}}, ""),
    ("regexp", {"dataFileList.path": {"regexp": "^[ab]\\."}}, "AB"),
    ("regexp-literal-flag", {"dataFileList.path": {"regexp": "/RUN/i"}}, "C"),
    ("$regex-$options", {"chkAlg": {"$regex": "^SHA", "$options": "i"}}, "B"),
    ("exists", {"instrumentGroup": {"exists": True}}, "C"),
    ("not-exists", {"instrumentGroup": {"$exists": False}}, "AB"),
    ("file-size", {"dataFileList.size": {"gt": 250}}, "B"),
    ("file-time", {"dataFileList.time": {"lt": "2021-01-01T00:00:00Z"}}, "C"),
    ("or", {"or": [{"size": 10}, {"chkAlg": "sha256"}]}, "AB"),
    ("$and", {"$and": [{"size": {"gt": 1}}, {"size": {"lt": 100}}]}, "AC"),
    ("isPublished", {"isPublished": True}, "B"),
    ("isPublished-false", {"isPublished": False}, "AC"),
    ("createdAt", {"createdAt": {"gt": "2000-01-01T00:00:00Z"}}, "ABC"),
    ("createdAt-before", {"createdAt": {"lt": "2000-01-01T00:00:00Z"}}, ""),
    ("ownerGroup", {"ownerGroup": "group1", "accessGroups": "uu"}, "ABC"),
    ("createdBy", {"createdBy": {"inq": ["user1"]}}, "ABC"),
]


@pytest.mark.parametrize(
    ("where", "expected"), [c[1:] for c in BLOCK_WHERE], ids=[c[0] for c in BLOCK_WHERE]
)
def test_every_operator_selects_blocks(
    scicat: Scicat, blocks: Seeded, where: dict[str, Any], expected: str
) -> None:
    spec = {"where": {"and": [{"datasetId": blocks["pid"]}, where]}}
    found = listed(scicat, "/api/v4/origdatablocks", spec)
    assert sorted(letters(blocks, found, "_id")) == list(expected)
    assert all(b["datasetId"] == blocks["pid"] for b in found)


def test_a_block_is_found_by_its_id_on_v3_and_v4(scicat: Scicat, blocks: Seeded) -> None:
    for name in ("_id", "id"):
        spec = {"where": {name: blocks["ids"]["B"]}}
        v4 = listed(scicat, "/api/v4/origdatablocks", spec)
        v3 = listed(scicat, "/api/v3/origdatablocks", spec)
        assert letters(blocks, v4, "_id") == letters(blocks, v3, "_id") == ["B"]
        assert v4[0]["version"] == "4"
        assert "version" not in v3[0]


def test_blocks_are_ordered_paged_and_cut_to_fields(scicat: Scicat, blocks: Seeded) -> None:
    mine = {"datasetId": blocks["pid"]}
    path = "/api/v4/origdatablocks"
    assert letters(blocks, listed(scicat, path, {"where": mine}), "_id") == ["A", "B", "C"]
    by_size = listed(scicat, path, {"where": mine, "order": "size:desc"})
    assert letters(blocks, by_size, "_id") == ["B", "A", "C"]
    loopback = listed(scicat, path, {"where": mine, "order": ["chkAlg DESC"]})
    assert letters(blocks, loopback, "_id") == ["B", "A", "C"]
    v4_sort = {"where": mine, "limits": {"sort": {"size": "asc"}, "skip": 1, "limit": 1}}
    assert letters(blocks, listed(scicat, path, v4_sort), "_id") == ["A"]
    top = {"where": mine, "order": "dataFileList.size:desc", "skip": 0, "limit": 2}
    assert letters(blocks, listed(scicat, path, top), "_id") == ["B", "A"]
    cut = listed(scicat, path, {"where": mine, "fields": ["size", "dataFileList.path"]})
    assert [sorted(b) for b in cut] == [["_id", "dataFileList", "size"]] * 3
    assert cut[1]["dataFileList"] == [{"path": "b.h5"}, {"path": "c.h5"}]


def test_each_reader_lists_the_blocks_it_may_read(scicat: Scicat, blocks: Seeded) -> None:
    spec = {"where": {"datasetId": blocks["pid"]}}
    assert letters(blocks, listed(scicat, "/api/v4/origdatablocks", spec, "user2"), "_id") == ["B"]
    anonymous = listed(scicat, "/api/v3/origdatablocks", spec, None)
    assert letters(blocks, anonymous, "_id") == ["B"]


ATTACHMENT_WHERE: list[tuple[str, dict[str, Any], str]] = [
    ("value", {"caption": "gamma"}, "C"),
    ("neq", {"caption": {"neq": "gamma"}}, "AB"),
    ("inq", {"aid": {"inq": []}}, "!"),
    ("nin", {"caption": {"nin": ["gamma", "beta plot"]}}, "A"),
    ("like", {"caption": {"like": "pre"}}, "A"),
    ("nlike", {"caption": {"nlike": "a"}}, ""),
    ("ilike", {"caption": {"ilike": "ALPHA"}}, "A"),
    ("regexp", {"caption": {"regexp": "^[ag]"}}, "AC"),
    ("gt-text", {"caption": {"gt": "beta"}}, "BC"),
    ("between-text", {"caption": {"between": ["al", "am"]}}, "A"),
    ("exists", {"thumbnail": {"exists": True}}, "ABC"),
    ("or", {"or": [{"caption": "gamma"}, {"isPublished": True}]}, "BC"),
    ("access-groups", {"accessGroups": {"inq": ["friends"]}}, "B"),
    ("relationship-target", {"relationships.targetType": "dataset"}, "ABC"),
    ("updatedAt", {"updatedAt": {"gte": "2000-01-01T00:00:00Z"}}, "ABC"),
]


@pytest.mark.parametrize(
    ("where", "expected"), [c[1:] for c in ATTACHMENT_WHERE], ids=[c[0] for c in ATTACHMENT_WHERE]
)
def test_every_operator_selects_attachments(
    scicat: Scicat, attachments: Seeded, where: dict[str, Any], expected: str
) -> None:
    spec = {"where": {"relationships.targetId": attachments["pid"], **where}}
    response = scicat.request(
        "GET", "/api/v4/attachments", "user1", params={"filter": json.dumps(spec)}
    )
    if expected == "!":  # an empty inq is refused, as for datasets
        assert response.status_code == 400, response.text
        return
    assert response.status_code == 200, response.text
    assert sorted(letters(attachments, response.json(), "aid")) == list(expected)


def test_attachments_are_ordered_paged_and_cut(scicat: Scicat, attachments: Seeded) -> None:
    mine = {"relationships.targetId": attachments["pid"]}
    path = "/api/v4/attachments"
    ordered = listed(scicat, path, {"where": mine, "order": "caption:desc"})
    assert letters(attachments, ordered, "aid") == ["C", "B", "A"]
    page = listed(scicat, path, {"where": mine, "limits": {"limit": 1, "skip": 2}})
    assert letters(attachments, page, "aid") == ["C"]
    cut = listed(scicat, path, {"where": mine, "fields": {"caption": True}})
    assert [sorted(a) for a in cut] == [["_id", "caption"]] * 3
    assert letters(attachments, listed(scicat, path, {"where": mine}, None), "aid") == ["B"]
