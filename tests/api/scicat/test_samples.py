"""SciCat samples on a real server: create (201, a uuid4 sampleId unless given), read back as
sent, duplicate 409, filter, patch, 403/404, bad bodies 400 in SciCat's shape."""

from __future__ import annotations

import json
import uuid

from tests.support.scicat import Scicat, pid_path

SAMPLE = {
    "ownerGroup": "group1",
    "accessGroups": ["group2"],
    "description": "A test sample for Scitacean",
    "owner": "user1",
    "sampleCharacteristics": {"layers": ["H2O", "EtOH"], "mass": 2},
}


def test_a_sample_is_created_with_a_uuid_and_read_back_as_sent(scicat: Scicat) -> None:
    created = scicat.request("POST", "/api/v3/samples", "user1", json=SAMPLE)
    assert created.status_code == 201, created.text
    body = created.json()
    assert uuid.UUID(body["sampleId"]).version == 4
    assert body["createdBy"] == body["updatedBy"] == "user1"
    assert body["createdAt"].endswith("Z")
    assert len(body["createdAt"]) == 24
    for key, value in SAMPLE.items():
        assert body[key] == value
    read = scicat.request("GET", f"/api/v3/Samples/{body['sampleId']}", "user2")
    assert read.status_code == 200
    assert read.json() == body


def test_a_duplicate_sample_id_is_409_and_the_first_stays(scicat: Scicat) -> None:
    sample_id = f"dup/{uuid.uuid4()}"
    first = scicat.request(
        "POST", "/api/v3/samples", "user1", json={**SAMPLE, "sampleId": sample_id}
    )
    assert first.status_code == 201, first.text
    again = scicat.request(
        "POST", "/api/v3/samples", "user1", json={**SAMPLE, "sampleId": sample_id, "owner": "x"}
    )
    assert again.status_code == 409, again.text
    assert again.json()["statusCode"] == 409
    read = scicat.request("GET", f"/api/v3/samples/{pid_path(sample_id)}", "user1")
    assert read.status_code == 200
    assert read.json()["owner"] == "user1"


def test_access_to_a_sample_is_403_when_unreadable_404_when_absent(scicat: Scicat) -> None:
    body = scicat.request("POST", "/api/v3/samples", "user1", json=SAMPLE).json()
    path = f"/api/v3/samples/{body['sampleId']}"
    assert scicat.request("GET", path, "user3").status_code == 403
    assert scicat.request("GET", path, None).status_code == 403
    missing = scicat.request("GET", f"/api/v3/samples/{uuid.uuid4()}", "user1")
    assert missing.status_code == 404
    assert missing.json()["error"] == "Not Found"


def test_a_sample_for_a_foreign_group_is_403_but_the_ingestor_may(scicat: Scicat) -> None:
    foreign = {**SAMPLE, "ownerGroup": "group4"}
    assert scicat.request("POST", "/api/v3/samples", "user1", json=foreign).status_code == 403
    assert scicat.request("POST", "/api/v3/samples", None, json=SAMPLE).status_code == 403
    assert scicat.request("POST", "/api/v3/samples", "ingestor", json=foreign).status_code == 201


def test_bad_sample_bodies_are_400_naming_the_fields(scicat: Scicat) -> None:
    response = scicat.request(
        "POST",
        "/api/v3/samples",
        "user1",
        json={"ownerGroup": 3, "colour": "red", "sampleCharacteristics": "heavy"},
    )
    assert response.status_code == 400, response.text
    assert set(response.json()["message"]) == {
        "ownerGroup must be a string",
        "property colour should not exist",
        "sampleCharacteristics must be an object",
    }
    for raw in (b"{not json", b"[1, 2]", b'"text"'):
        bad = scicat.request(
            "POST",
            "/api/v3/samples",
            "user1",
            content=raw,
            headers={"Content-Type": "application/json"},
        )
        assert bad.status_code == 400, (raw, bad.text)
        assert bad.json()["statusCode"] == 400
    too_long = scicat.request(
        "POST", "/api/v3/samples", "user1", json={**SAMPLE, "sampleId": "x" * 2000}
    )
    assert too_long.status_code == 400


def test_a_sample_patch_merges_and_checks(scicat: Scicat) -> None:
    body = scicat.request("POST", "/api/v3/samples", "user1", json=SAMPLE).json()
    path = f"/api/v3/samples/{body['sampleId']}"
    patched = scicat.request(
        "PATCH", path, "user1", json={"description": "changed", "owner": None, "sampleId": "other"}
    )
    assert patched.status_code == 200, patched.text
    out = patched.json()
    assert out["description"] == "changed"
    assert "owner" not in out
    assert out["sampleId"] == body["sampleId"]
    assert out["sampleCharacteristics"] == SAMPLE["sampleCharacteristics"]
    assert scicat.request("GET", path, "user1").json() == out
    assert scicat.request("PATCH", path, "user2", json={"description": "x"}).status_code == 403
    assert scicat.request("PATCH", path, "user1", json={"bogus": 1}).status_code == 400
    removing_owner = scicat.request("PATCH", path, "user1", json={"ownerGroup": None})
    assert removing_owner.status_code == 400
    assert scicat.request("GET", path, "user1").json()["ownerGroup"] == "group1"
    gone = scicat.request("PATCH", f"/api/v3/samples/{uuid.uuid4()}", "user1", json={})
    assert gone.status_code == 404


def test_samples_are_filtered_by_the_loopback_where(scicat: Scicat) -> None:
    tag = str(uuid.uuid4())
    for owner in ("a", "b", "c"):
        created = scicat.request(
            "POST",
            "/api/v3/samples",
            "user5.1",
            json={"ownerGroup": "group5", "owner": owner, "description": tag},
        )
        assert created.status_code == 201
    scicat.request("POST", "/api/v3/samples", "user1", json={**SAMPLE, "description": tag})
    where = {"where": {"description": tag, "owner": {"inq": ["a", "c"]}}, "order": "owner:desc"}
    found = scicat.request(
        "GET", "/api/v3/samples", "user5.2", params={"filter": json.dumps(where)}
    )
    assert found.status_code == 200, found.text
    assert [s["owner"] for s in found.json()] == ["c", "a"]
    every = scicat.request(
        "GET",
        "/api/v3/samples",
        "user5.2",
        params={"filter": json.dumps({"where": {"description": tag}})},
    )
    assert sorted(s["owner"] for s in every.json()) == ["a", "b", "c"]  # not user1's
    one = scicat.request(
        "GET",
        "/api/v3/samples/findOne",
        "user5.2",
        params={"filter": json.dumps({"where": {"description": tag, "owner": "b"}})},
    )
    assert one.status_code == 200
    assert one.json()["owner"] == "b"
    for bad in (
        '{"where": {"colour": "x"}}',
        '{"where": {"owner": {"near": "x"}}}',
        "{oops",
        '{"limit": -1}',
        '{"bogus": 1}',
    ):
        answer = scicat.request("GET", "/api/v3/samples", "user5.2", params={"filter": bad})
        assert answer.status_code == 400, (bad, answer.text)
