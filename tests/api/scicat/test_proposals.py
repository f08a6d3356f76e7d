"""SciCat proposals on a real server: only administrators and PROPOSAL_GROUPS create them
(403 otherwise), required fields 400, read by the owner and access groups, patch, 409."""

from __future__ import annotations

import uuid

from tests.support.scicat import Scicat, pid_path


def proposal(**extra: object) -> dict[str, object]:
    return {
        "proposalId": f"p/{uuid.uuid4()}",
        "email": "ponder@uu.am",
        "title": "Thaum flux",
        "ownerGroup": "group1",
        "accessGroups": ["group2"],
        "MeasurementPeriodList": [
            {
                "instrument": "hexapod",
                "start": "2024-01-01T00:00:00Z",
                "end": "2024-01-02T00:00:00Z",
            }
        ],
        **extra,
    }


def test_only_administrators_and_proposal_groups_create_proposals(scicat: Scicat) -> None:
    body = proposal()
    assert scicat.request("POST", "/api/v3/proposals", "user1", json=body).status_code == 403
    assert scicat.request("POST", "/api/v3/proposals", None, json=body).status_code == 403
    created = scicat.request("POST", "/api/v3/Proposals", "admin", json=body)
    assert created.status_code == 201, created.text
    made = scicat.request("POST", "/api/v3/proposals", "ingestor", json=proposal())
    assert made.status_code == 201, made.text  # ingestor is in PROPOSAL_GROUPS here
    out = created.json()
    assert out["proposalId"] == body["proposalId"]
    assert out["MeasurementPeriodList"] == body["MeasurementPeriodList"]
    assert out["createdBy"] == "admin"


def test_a_proposal_is_read_by_its_groups_only(scicat: Scicat) -> None:
    body = proposal()
    assert scicat.request("POST", "/api/v3/proposals", "admin", json=body).status_code == 201
    path = f"/api/v3/proposals/{pid_path(str(body['proposalId']))}"
    assert scicat.request("GET", path, "user1").json()["title"] == "Thaum flux"
    assert scicat.request("GET", path, "user2").status_code == 200
    assert scicat.request("GET", path, "user3").status_code == 403
    assert scicat.request("GET", "/api/v3/proposals/p%2Fnothing", "user1").status_code == 404


def test_proposal_bodies_are_checked(scicat: Scicat) -> None:
    missing = scicat.request("POST", "/api/v3/proposals", "admin", json={"title": "x"})
    assert missing.status_code == 400
    assert set(missing.json()["message"]) == {
        "proposalId must be a string",
        "email must be a string",
        "ownerGroup must be a string",
    }
    wrong = scicat.request(
        "POST", "/api/v3/proposals", "admin", json=proposal(startTime="yesterday", extra=1)
    )
    assert wrong.status_code == 400
    assert set(wrong.json()["message"]) == {
        "startTime must be a valid ISO 8601 date string",
        "property extra should not exist",
    }


def test_a_duplicate_proposal_is_409_and_a_patch_changes_it(scicat: Scicat) -> None:
    body = proposal()
    assert scicat.request("POST", "/api/v3/proposals", "admin", json=body).status_code == 201
    assert scicat.request("POST", "/api/v3/proposals", "admin", json=body).status_code == 409
    path = f"/api/v3/proposals/{pid_path(str(body['proposalId']))}"
    patched = scicat.request("PATCH", path, "user1", json={"abstract": "new"})
    assert patched.status_code == 200, patched.text
    assert patched.json()["abstract"] == "new"
    assert patched.json()["updatedBy"] == "user1"
    assert patched.json()["createdBy"] == "admin"  # a patch keeps who created it
    assert scicat.request("PATCH", path, "user2", json={"abstract": "no"}).status_code == 403
    listed = scicat.request("GET", "/api/v3/proposals", "user1")
    assert body["proposalId"] in [p["proposalId"] for p in listed.json()]
