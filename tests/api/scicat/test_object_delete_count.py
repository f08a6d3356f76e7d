"""DELETE and count of SciCat proposals, samples and instruments on a real server: only
DELETE_GROUPS and administrators delete (the object as it was, then 404, and its id free
again); count answers how many the caller may read match a filter's where."""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable
from typing import Any

import pytest

from tests.support.scicat import Scicat, pid_path


def proposal() -> dict[str, Any]:
    return {
        "proposalId": f"p-{uuid.uuid4()}",
        "email": "p@uu.am",
        "title": f"t-{uuid.uuid4()}",
        "ownerGroup": "group1",
    }


def sample() -> dict[str, Any]:
    return {"sampleId": str(uuid.uuid4()), "ownerGroup": "group1", "description": str(uuid.uuid4())}


def instrument() -> dict[str, Any]:
    return {"pid": str(uuid.uuid4()), "uniqueName": f"i-{uuid.uuid4()}", "name": str(uuid.uuid4())}


# collection, id field, a distinctive field, body maker, who creates it
KINDS: list[tuple[str, str, str, Callable[[], dict[str, Any]], str]] = [
    ("proposals", "proposalId", "title", proposal, "admin"),
    ("samples", "sampleId", "description", sample, "user1"),
    ("instruments", "pid", "name", instrument, "admin"),
]


@pytest.mark.parametrize(
    ("collection", "id_field", "field", "body", "creator"), KINDS, ids=[k[0] for k in KINDS]
)
@pytest.mark.parametrize("deleter", ["admin", "archivemanager"])
def test_delete_groups_and_administrators_delete(
    scicat: Scicat,
    collection: str,
    id_field: str,
    field: str,
    body: Callable[[], dict[str, Any]],
    creator: str,
    deleter: str,
) -> None:
    made = body()
    created = scicat.request("POST", f"/api/v3/{collection}", creator, json=made)
    assert created.status_code == 201, created.text
    path = f"/api/v3/{collection}/{pid_path(made[id_field])}"
    for refused_by in ("user1", None):
        refused = scicat.request("DELETE", path, refused_by)
        assert refused.status_code == 403, refused.text
        assert refused.json()["statusCode"] == 403
    assert scicat.request("GET", path, creator).status_code == 200
    deleted = scicat.request("DELETE", path, deleter)
    assert deleted.status_code == 200, deleted.text
    assert deleted.json()[id_field] == made[id_field]
    assert deleted.json()[field] == made[field]
    assert scicat.request("GET", path, "admin").status_code == 404
    assert scicat.request("DELETE", path, deleter).status_code == 404
    again = scicat.request("POST", f"/api/v3/{collection}", creator, json=made)
    assert again.status_code == 201, again.text


@pytest.mark.parametrize(
    ("collection", "id_field", "field", "body", "creator"), KINDS, ids=[k[0] for k in KINDS]
)
def test_count_is_what_the_caller_may_read_of_the_where(
    scicat: Scicat,
    collection: str,
    id_field: str,
    field: str,
    body: Callable[[], dict[str, Any]],
    creator: str,
) -> None:
    made = body()
    assert scicat.request("POST", f"/api/v3/{collection}", creator, json=made).status_code == 201
    where = {"filter": json.dumps({"where": {field: made[field]}})}
    count = f"/api/v3/{collection}/count"
    assert scicat.request("GET", count, "user1", params=where).json() == {"count": 1}
    # group2 reads no group1 object; instruments are anyone's
    other = scicat.request("GET", count, "user2", params=where).json()
    assert other == {"count": 1 if collection == "instruments" else 0}
    assert scicat.request("GET", count, "user1").json()["count"] >= 1
    bad = scicat.request("GET", count, "user1", params={"filter": '{"where": {"x": {"oops": 1}}}'})
    assert bad.status_code == 400, bad.text
