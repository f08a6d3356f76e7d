"""One attachment over HTTP on a real server: GET / PUT / PATCH / DELETE by aid (v4), v3's
PUT / DELETE under its dataset, a taken aid refused (409), each change by the attachment's
own access, bad changes 400 in SciCat's shape with nothing written."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

import pytest

from fairdepot.services.runtime import Runtime
from tests.api.scicat.files_seed import deployment_runtime, seed_dataset
from tests.api.scicat.test_attachments import PNG, attachment
from tests.support.deployments import Deployment
from tests.support.scicat import Scicat, pid_path


@pytest.fixture(scope="module")
def runtime(scicat_server: Deployment) -> Iterator[Runtime]:
    yield from deployment_runtime(scicat_server)


def created(scicat: Scicat, pid: str, **fields: Any) -> dict[str, Any]:
    response = scicat.request(
        "POST", "/api/v4/attachments", "user1", json=attachment(pid, **fields)
    )
    assert response.status_code == 201, response.text
    return dict(response.json())


def test_a_taken_aid_is_a_conflict(scicat: Scicat, runtime: Runtime) -> None:
    pid = seed_dataset(runtime)
    aid = f"aid-{uuid.uuid4()}"
    assert created(scicat, pid, aid=aid)["aid"] == aid
    again = scicat.request("POST", "/api/v4/attachments", "user1", json=attachment(pid, aid=aid))
    assert again.status_code == 409, again.text
    assert again.json()["statusCode"] == 409
    v3 = scicat.request(
        "POST", f"/api/v3/datasets/{pid_path(pid)}/attachments", "user1", json={"aid": aid}
    )
    assert v3.status_code == 409, v3.text
    found = scicat.request(
        "GET", "/api/v4/attachments", "user1", params={"filter": f'{{"where": {{"aid": "{aid}"}}}}'}
    )
    assert len(found.json()) == 1


def test_get_patch_put_delete_by_aid(scicat: Scicat, runtime: Runtime) -> None:
    pid = seed_dataset(runtime)
    made = created(scicat, pid)
    path = f"/api/v4/attachments/{made['aid']}"
    got = scicat.request("GET", path, "user1")
    assert got.status_code == 200, got.text
    assert got.json()["caption"] == "preview"
    patched = scicat.request("PATCH", path, "user1", json={"caption": "new", "aid": "other"})
    assert patched.status_code == 200, patched.text
    assert patched.json()["caption"] == "new"
    assert patched.json()["aid"] == made["aid"]
    assert patched.json()["thumbnail"] == PNG
    assert patched.json()["createdBy"] == "user1"
    whole = attachment(pid, caption="replaced")
    del whole["thumbnail"]
    put = scicat.request("PUT", path, "user1", json=whole)
    assert put.status_code == 200, put.text
    assert put.json()["caption"] == "replaced"
    assert put.json()["thumbnail"] == ""  # a PUT replaces the whole attachment
    assert scicat.request("GET", path, "user1").json()["caption"] == "replaced"
    assert scicat.request("DELETE", path, "user2").status_code == 403
    deleted = scicat.request("DELETE", path, "user1")
    assert deleted.status_code == 200, deleted.text
    assert deleted.json()["aid"] == made["aid"]
    assert scicat.request("GET", path, "user1").status_code == 404
    assert scicat.request("DELETE", path, "user1").status_code == 404


def test_bad_or_foreign_changes_write_nothing(scicat: Scicat, runtime: Runtime) -> None:
    pid, other = seed_dataset(runtime), seed_dataset(runtime, ownerGroup="group2")
    made = created(scicat, pid)
    path = f"/api/v4/attachments/{made['aid']}"
    assert scicat.request("GET", path, "user2").status_code == 403
    assert scicat.request("PATCH", path, "user2", json={"caption": "x"}).status_code == 403
    assert scicat.request("PATCH", path, None, json={"caption": "x"}).status_code == 403
    assert scicat.request("DELETE", path, None).status_code == 403
    for body, location in (
        ({"thumbnail": "not a data url"}, "thumbnail"),
        ({"colour": "red"}, "colour"),
        ({"relationships": []}, "relationships"),
    ):
        refused = scicat.request("PATCH", path, "user1", json=body)
        assert refused.status_code == 400, refused.text
        assert location in [e["location"] for e in refused.json()["errors"]]
    to_foreign = [
        {"targetId": pid, "targetType": "dataset"},
        {"targetId": other, "targetType": "dataset"},
    ]
    refused = scicat.request("PATCH", path, "user1", json={"relationships": to_foreign})
    assert refused.status_code == 403, refused.text  # a dataset user1 may not read: it exists
    assert refused.json()["message"] == "Unauthorized access"
    assert scicat.request("PATCH", path, "user1", json={"ownerGroup": "group2"}).status_code == 403
    assert scicat.request("GET", path, "user1").json()["caption"] == "preview"


def test_v3_put_and_delete_under_the_dataset(scicat: Scicat, runtime: Runtime) -> None:
    pid, other = seed_dataset(runtime), seed_dataset(runtime)
    made = scicat.request(
        "POST",
        f"/api/v3/datasets/{pid_path(pid)}/attachments",
        "user1",
        json={"caption": "v3", "thumbnail": PNG},
    ).json()
    wrong = f"/api/v3/datasets/{pid_path(other)}/attachments/{made['aid']}"
    assert scicat.request("PUT", wrong, "user1", json={"caption": "x"}).status_code == 404
    right = f"/api/v3/datasets/{pid_path(pid)}/attachments/{made['aid']}"
    put = scicat.request("PUT", right, "user1", json={"caption": "changed", "datasetId": other})
    assert put.status_code == 200, put.text
    assert put.json()["caption"] == "changed"
    assert put.json()["datasetId"] == pid
    assert put.json()["relationships"][0]["targetId"] == pid
    assert scicat.request("DELETE", wrong, "user1").status_code == 404
    assert scicat.request("DELETE", right, "user1").status_code == 200
    listed = scicat.request("GET", f"/api/v3/datasets/{pid_path(pid)}/attachments", "user1")
    assert listed.json() == []
