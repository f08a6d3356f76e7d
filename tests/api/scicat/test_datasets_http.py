"""SciCat dataset routes over HTTP (v3 and v4) on a deployment of the shape under test:
create with server fields, permissions (403 vs 404), listings, counts, search, changes,
deletion, the lifecycle, and one catalogue with FAIRSCAPE's resolver."""

from __future__ import annotations

import json
import re
import uuid
from typing import Any

import httpx
import pytest

from fairdepot.services.runtime import Runtime
from tests.api.scicat.files_seed import seed_dataset
from tests.support.scicat import PID_PREFIX, Scicat, pid_path

TIME = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")


def raw_body(tag: str, **extra: Any) -> dict[str, Any]:
    return {
        "type": "raw",
        "ownerGroup": "group1",
        "accessGroups": [],
        "owner": "Ann Owner",
        "contactEmail": "ann@example.org",
        "sourceFolder": f"/data/{tag}/run",
        "creationTime": "2024-05-01T10:00:00Z",
        "principalInvestigators": ["Pat Investigator"],
        "creationLocation": "Beamline X",
        "datasetName": f"dataset {tag}",
        "keywords": [tag],
        "scientificMetadata": {"temperature": {"value": 25, "unit": "celsius"}},
        **extra,
    }


def create(scicat: Scicat, tag: str, user: str = "user1", **extra: Any) -> dict[str, Any]:
    response = scicat.request("POST", "/api/v4/datasets", user, json=raw_body(tag, **extra))
    assert response.status_code == 201, response.text
    return response.json()


def test_v4_create_fills_the_server_fields(scicat: Scicat) -> None:
    dataset = create(scicat, "serverfields")
    assert dataset["pid"].startswith(PID_PREFIX + "/")
    uuid.UUID(dataset["pid"].split("/", 1)[1])
    assert dataset["createdBy"] == dataset["updatedBy"] == "user1"
    assert TIME.match(dataset["createdAt"])
    assert TIME.match(dataset["updatedAt"])
    assert dataset["version"] == "4"
    assert dataset["isPublished"] is False
    temperature = dataset["scientificMetadata"]["temperature"]
    assert temperature["unitSI"] == "K"
    assert abs(temperature["valueSI"] - 298.15) < 1e-6
    got = scicat.request("GET", f"/api/v4/datasets/{pid_path(dataset['pid'])}", "user1")
    assert got.status_code == 200, got.text
    assert got.json() == dataset


def test_v3_create_fills_the_name_and_answers_the_aliases(scicat: Scicat) -> None:
    body = raw_body("v3name")
    del body["datasetName"], body["principalInvestigators"]
    body["principalInvestigator"] = "Pat Investigator"
    body["sourceFolder"] = "/beam/2024/v3name"
    response = scicat.request("POST", "/api/v3/datasets", "user1", json=body)
    assert response.status_code == 201, response.text
    dataset = response.json()
    assert dataset["datasetName"] == "2024/v3name"
    assert dataset["version"] == "3"
    got = scicat.request("GET", f"/api/v3/datasets/{pid_path(dataset['pid'])}", "user1")
    assert got.status_code == 200, got.text
    assert got.json()["principalInvestigator"] == "Pat Investigator"
    assert got.json()["principalInvestigators"] == ["Pat Investigator"]


def test_create_permissions(scicat: Scicat) -> None:
    anonymous = scicat.request("POST", "/api/v4/datasets", None, json=raw_body("anon"))
    assert anonymous.status_code == 403, anonymous.text
    assert anonymous.json()["message"] == "Forbidden resource"
    foreign = scicat.request("POST", "/api/v4/datasets", "user2", json=raw_body("foreign"))
    assert foreign.status_code == 403, foreign.text
    assert foreign.json()["message"] == "Unauthorized access"
    v3_body = raw_body("foreign")
    v3_body["principalInvestigator"] = v3_body.pop("principalInvestigators")[0]
    v3_foreign = scicat.request("POST", "/api/v3/datasets", "user2", json=v3_body)
    assert v3_foreign.status_code == 403, v3_foreign.text
    assert v3_foreign.json()["message"] == "Unauthorized to create this dataset"
    privileged = scicat.request("POST", "/api/v4/datasets", "ingestor", json=raw_body("priv"))
    assert privileged.status_code == 201, privileged.text
    pid = f"{PID_PREFIX}/own-{uuid.uuid4()}"
    refused = scicat.request("POST", "/api/v4/datasets", "user1", json=raw_body("p", pid=pid))
    assert refused.status_code == 403, refused.text
    body = raw_body("pidmaker", pid=pid, ownerGroup="pidmakers")
    made = scicat.request("POST", "/api/v4/datasets", "pidmaker", json=body)
    assert made.status_code == 201, made.text
    assert made.json()["pid"] == pid
    again = scicat.request("POST", "/api/v4/datasets", "pidmaker", json=body)
    assert again.status_code == 409, again.text
    assert again.json()["message"] == f"A dataset with pid {pid} already exists!"


def test_bad_bodies_are_400_and_write_nothing(scicat: Scicat) -> None:
    before = scicat.request("GET", "/api/v4/datasets/count", "user1").json()["count"]
    for body in ({"type": "raw"}, {**raw_body("bad"), "size": "big"}, [], "x"):
        response = scicat.request("POST", "/api/v4/datasets", "user1", json=body)
        assert response.status_code == 400, response.text
        assert response.json()["statusCode"] == 400
    broken = scicat.request(
        "POST",
        "/api/v4/datasets",
        "user1",
        content=b"{",
        headers={"content-type": "application/json"},
    )
    assert broken.status_code == 400, broken.text
    assert scicat.request("GET", "/api/v4/datasets/count", "user1").json()["count"] == before


def test_a_bad_body_names_each_field_in_the_message_as_the_backend(scicat: Scicat) -> None:
    """Clients (scitacean, pyscicat) show only `message`: each text names its field, as the
    backend's class-validator words it."""
    body = {**raw_body("named"), "colour": "red", "datasetName": 7}
    del body["ownerGroup"]
    response = scicat.request("POST", "/api/v4/datasets", "user1", json=body)
    assert response.status_code == 400, response.text
    assert set(response.json()["message"]) == {
        "property colour should not exist",
        "datasetName must be a string",
        "ownerGroup is required",
    }


def test_is_valid(scicat: Scicat) -> None:
    v3 = raw_body("v")
    v3["principalInvestigator"] = v3.pop("principalInvestigators")[0]
    for version, body in (("v3", v3), ("v4", raw_body("v"))):
        status = 200
        good = scicat.request("POST", f"/api/{version}/datasets/isvalid", "user1", json=body)
        assert good.status_code == status, good.text
        assert good.json() == {"valid": True, "reason": []}
        bad = scicat.request(
            "POST", f"/api/{version}/datasets/isvalid", "user1", json={"type": "raw"}
        )
        assert bad.status_code == status, bad.text
        assert bad.json()["valid"] is False
        assert bad.json()["reason"]
        foreign = scicat.request("POST", f"/api/{version}/datasets/isvalid", "user2", json=body)
        assert foreign.status_code == 403, foreign.text


def test_read_statuses_tell_forbidden_from_unknown(scicat: Scicat) -> None:
    dataset = create(scicat, "statuses")
    path = f"/api/v4/datasets/{pid_path(dataset['pid'])}"
    unreadable = scicat.request("GET", path, "user2")
    assert unreadable.status_code == 403
    assert unreadable.json()["message"] == "Unauthorized access"
    assert scicat.request("GET", path, None).status_code == 403
    unknown = scicat.request("GET", f"/api/v3/datasets/{pid_path(PID_PREFIX + '/nope')}", "user1")
    assert unknown.status_code == 404
    assert unknown.json()["message"] == f"dataset: {PID_PREFIX}/nope not found"
    public = scicat.request("GET", f"/api/v4/datasets/public/{pid_path(dataset['pid'])}", None)
    assert public.status_code == 200
    assert public.content == b""
    with_include = scicat.request(
        "GET", path, "user1", params=[("include", "origdatablocks"), ("include", "attachments")]
    )
    assert with_include.status_code == 200, with_include.text
    assert with_include.json()["origdatablocks"] == [] == with_include.json()["attachments"]
    bad_include = scicat.request("GET", path, "user1", params={"include": "nonsense"})
    assert bad_include.status_code == 400, bad_include.text


def test_listings_filters_counts_and_search(scicat: Scicat) -> None:
    tag = f"list{uuid.uuid4().hex[:8]}"
    first = create(scicat, tag, size=10)
    second = create(scicat, tag, size=20)
    create(scicat, tag, user="user2", ownerGroup="group2", size=30)
    where = {"keywords": tag}
    v4 = scicat.request(
        "GET", "/api/v4/datasets", "user1", params={"filter": json.dumps({"where": where})}
    )
    assert v4.status_code == 200, v4.text
    assert [d["pid"] for d in v4.json()] == [second["pid"], first["pid"]]  # newest first
    v3 = scicat.request(
        "GET",
        "/api/v3/datasets",
        "user1",
        headers={"filter": json.dumps({"where": {**where, "size": {"gt": 15}}})},
    )
    assert v3.status_code == 200, v3.text
    assert [d["pid"] for d in v3.json()] == [second["pid"]]
    like = {"where": {"datasetName": {"like": f"{tag}"}}, "fields": ["pid", "size"]}
    found = scicat.request("GET", "/api/v3/datasets", "user1", params={"filter": json.dumps(like)})
    assert found.status_code == 200, found.text
    assert all(set(d) <= {"pid", "size"} for d in found.json())
    assert len(found.json()) == 2
    count = scicat.request(
        "GET", "/api/v4/datasets/count", "user1", params={"filter": json.dumps({"where": where})}
    )
    assert count.json() == {"count": 2}
    assert scicat.request(
        "GET", "/api/v4/datasets/count", "admin", params={"filter": json.dumps({"where": where})}
    ).json() == {"count": 3}
    one = scicat.request(
        "GET", "/api/v4/datasets/findone", "user1", params={"filter": json.dumps({"where": where})}
    )
    assert one.json()["pid"] == second["pid"]
    public = scicat.request(
        "GET",
        "/api/v4/datasets/public/count",
        None,
        params={"filter": json.dumps({"where": where})},
    )
    assert public.json() == {"count": 0}
    full = scicat.request(
        "GET",
        "/api/v3/datasets/fullquery",
        "user1",
        params={"fields": json.dumps({"keywords": [tag]}), "limits": json.dumps({"limit": 5})},
    )
    assert full.status_code == 200, full.text
    assert {d["pid"] for d in full.json()} == {first["pid"], second["pid"]}
    facet = scicat.request(
        "GET",
        "/api/v3/datasets/fullfacet",
        "user1",
        params={"fields": json.dumps({"keywords": [tag]}), "facets": json.dumps(["ownerGroup"])},
    )
    assert facet.status_code == 200, facet.text
    assert facet.json()[0]["all"] == [{"totalSets": 2}]
    assert facet.json()[0]["ownerGroup"] == [{"_id": "group1", "count": 2}]
    bad = scicat.request("GET", "/api/v4/datasets", "user1", params={"filter": "{nope"})
    assert bad.status_code == 400, bad.text


def test_fullfacet_on_a_time_field_counts_per_day_as_year_month_day(scicat: Scicat) -> None:
    """The backend's date facet groups by `{year, month, day}` (UTC), newest day first: three
    datasets made at three instants of two days are two buckets, not three."""
    tag = f"days-{uuid.uuid4().hex[:8]}"
    for instant in ("2026-02-03T08:00:00Z", "2026-02-03T22:15:00.5+00:00", "2024-07-09T01:00:00Z"):
        create(scicat, tag, creationTime=instant)
    for version in ("v3", "v4"):
        facet = scicat.request(
            "GET",
            f"/api/{version}/datasets/fullfacet",
            "user1",
            params={
                "fields": json.dumps({"keywords": [tag]}),
                "facets": json.dumps(["creationTime", "createdAt", "type"]),
            },
        )
        assert facet.status_code == 200, facet.text
        answer = facet.json()[0]
        assert answer["creationTime"] == [
            {"_id": {"year": 2026, "month": 2, "day": 3}, "count": 2},
            {"_id": {"year": 2024, "month": 7, "day": 9}, "count": 1},
        ]
        [created] = answer["createdAt"]  # made today, all three
        assert set(created["_id"]) == {"year", "month", "day"}
        assert created["count"] == 3
        assert answer["type"] == [{"_id": "raw", "count": 3}]
        assert answer["all"] == [{"totalSets": 3}]


def test_patch_put_lifecycle_and_delete(scicat: Scicat) -> None:
    dataset = create(scicat, "changes")
    path = f"/api/v4/datasets/{pid_path(dataset['pid'])}"
    patched = scicat.request(
        "PATCH",
        path,
        "user1",
        json={**dataset, "description": "now described", "scientificMetadata": {"n": 1}},
    )
    assert patched.status_code == 200, patched.text
    body = patched.json()
    assert body["description"] == "now described"
    assert body["scientificMetadata"]["temperature"]["unitSI"] == "K"  # merged, kept
    assert body["scientificMetadata"]["n"] == 1
    assert body["createdAt"] == dataset["createdAt"]
    stale = scicat.request(
        "PATCH",
        path,
        "user1",
        json={"description": "stale"},
        headers={"If-Unmodified-Since": "Mon, 01 Jan 2001 00:00:00 GMT"},
    )
    assert stale.status_code == 412, stale.text
    fresh = scicat.request(
        "PATCH",
        path,
        "user1",
        json={"comment": "fresh"},
        headers={"If-Unmodified-Since": "Fri, 01 Jan 2100 00:00:00 GMT"},
    )
    assert fresh.status_code == 200, fresh.text
    assert fresh.json()["description"] == "now described"  # the stale change wrote nothing
    retyped = scicat.request("PATCH", path, "user1", json={"type": "derived"})
    assert retyped.status_code == 400, retyped.text
    assert scicat.request("PATCH", path, "user2", json={"description": "x"}).status_code == 403
    assert scicat.request("PATCH", path, None, json={"description": "x"}).status_code == 403
    replaced = scicat.request("PUT", path, "user1", json=raw_body("changes", size=5))
    assert replaced.status_code == 200, replaced.text
    assert "description" not in replaced.json()
    assert replaced.json()["size"] == 5
    life = scicat.request("PATCH", path + "/datasetlifecycle", "user1", json={"archivable": False})
    assert life.status_code == 200, life.text
    assert life.json()["archivable"] is False
    got_life = scicat.request("GET", path + "/datasetlifecycle", "user1")
    assert got_life.json()["archivable"] is False
    assert scicat.request("DELETE", path, "user1").status_code == 403
    deleted = scicat.request("DELETE", path, "archivemanager")
    assert deleted.status_code == 200, deleted.text
    assert scicat.request("GET", path, "user1").status_code == 404


def test_a_new_dataset_has_the_backends_default_lifecycle_and_is_found_by_it(
    scicat: Scicat,
) -> None:
    """The backend's LifecycleClass defaults, stored (a `where` on them finds the dataset)
    under the keys a client gave, on v4 and v3 alike."""
    tag = f"life{uuid.uuid4().hex[:8]}"
    plain = create(scicat, tag)
    given = create(
        scicat,
        tag,
        datasetlifecycle={"archivable": False, "archiveStatusMessage": "onTape"},
    )
    v3 = scicat.request(
        "POST",
        "/api/v3/datasets",
        "user1",
        json={
            **{k: v for k, v in raw_body(tag).items() if k != "principalInvestigators"},
            "principalInvestigator": "Pat Investigator",
        },
    )
    assert v3.status_code == 201, v3.text
    life = plain["datasetlifecycle"]
    assert {k: life[k] for k in ("archivable", "retrievable", "publishable")} == {
        "archivable": True,
        "retrievable": False,
        "publishable": False,
    }
    assert life["isOnCentralDisk"] is True
    assert life["retrieveIntegrityCheck"] is False
    assert life["archiveStatusMessage"] == "datasetCreated"
    assert life["retrieveStatusMessage"] == ""
    assert life["archiveReturnMessage"] == life["retrieveReturnMessage"] == {}
    for date in ("dateOfDiskPurging", "archiveRetentionTime", "dateOfPublishing", "publishedOn"):
        assert TIME.match(life[date]), life
    assert v3.json()["datasetlifecycle"]["archivable"] is True
    assert given["datasetlifecycle"]["archivable"] is False  # the client's keys win
    assert given["datasetlifecycle"]["archiveStatusMessage"] == "onTape"
    assert given["datasetlifecycle"]["retrievable"] is False
    read = scicat.request(
        "GET", f"/api/v4/datasets/{pid_path(plain['pid'])}/datasetlifecycle", "user1"
    )
    assert read.status_code == 200, read.text
    assert read.json() == life

    def found(where: dict[str, Any]) -> set[str]:
        response = scicat.request(
            "GET",
            "/api/v4/datasets",
            "user1",
            params={"filter": json.dumps({"where": {"keywords": tag, **where}})},
        )
        assert response.status_code == 200, response.text
        return {d["pid"] for d in response.json()}

    assert found({"datasetlifecycle.archivable": True}) == {plain["pid"], v3.json()["pid"]}
    assert found({"datasetlifecycle.archivable": False}) == {given["pid"]}
    assert found({"datasetlifecycle.archiveStatusMessage": "datasetCreated"}) == {
        plain["pid"],
        v3.json()["pid"],
    }
    # a change unsetting a key gives it its default back
    path = f"/api/v4/datasets/{pid_path(given['pid'])}"
    reset = scicat.request("PATCH", path + "/datasetlifecycle", "user1", json={"archivable": None})
    assert reset.status_code == 200, reset.text
    assert reset.json()["archivable"] is True
    assert reset.json()["archiveStatusMessage"] == "onTape"
    assert found({"datasetlifecycle.archivable": False}) == set()


@pytest.mark.parametrize(
    ("method", "suffix", "body", "location"),
    [
        ("POST", "", "create", "datasetlifecycle.archivable"),
        ("PATCH", "", {"datasetlifecycle": {"archivable": "yes"}}, "datasetlifecycle.archivable"),
        ("PUT", "", "replace", "datasetlifecycle.archivable"),
        ("PATCH", "/datasetlifecycle", {"archivable": "yes"}, "archivable"),
    ],
)
def test_a_wrongly_typed_lifecycle_is_refused_as_the_backend_words_it(
    scicat: Scicat, method: str, suffix: str, body: Any, location: str
) -> None:
    dataset = create(scicat, "lifewords")
    bad = {"datasetlifecycle": {"archivable": "yes"}}
    if body == "create":
        path, body = "/api/v4/datasets", raw_body("lifewords", **bad)
    else:
        path = f"/api/v4/datasets/{pid_path(dataset['pid'])}{suffix}"
        body = raw_body("lifewords", **bad) if body == "replace" else body
    response = scicat.request(method, path, "user1", json=body)
    assert response.status_code == 400, response.text
    answer = response.json()
    assert answer["statusCode"] == 400
    assert answer["error"] == "Bad Request"
    assert [e["location"] for e in answer["errors"]] == [location]
    assert f"{location} must be a boolean value" in json.dumps(answer["message"])
    got = scicat.request("GET", f"/api/v4/datasets/{pid_path(dataset['pid'])}", "user1")
    assert got.json()["datasetlifecycle"]["archivable"] is True  # nothing written


def test_a_scicat_dataset_resolves_at_its_ark(scicat: Scicat) -> None:
    """One catalogue: the dataset is a record that FAIRSCAPE's search finds and its
    resolver answers with the crosswalk's JSON-LD."""
    tag = f"resolver{uuid.uuid4().hex[:10]}"
    dataset = create(scicat, tag, isPublished=True)
    public = scicat.request("GET", f"/api/v4/datasets/public/{pid_path(dataset['pid'])}", None)
    assert public.status_code == 200
    assert public.json()["pid"] == dataset["pid"]
    search = httpx.get(f"{scicat.base_url}/api/search/basic", params={"query": tag}, timeout=60)
    assert search.status_code == 200, search.text
    [hit] = search.json()["results"]
    resolved = httpx.get(f"{scicat.base_url}/api/{hit['@id']}", timeout=60)
    assert resolved.status_code == 200, resolved.text
    document = resolved.json()
    assert document["@id"] == hit["@id"]
    assert document["metadata"]["identifier"] == [dataset["pid"]]
    assert document["metadata"]["name"] == f"dataset {tag}"


def test_default_page_sizes_are_the_backends(scicat: Scicat, runtime: Runtime) -> None:
    """Without a limit: v3 listings and fullquery 100, v4 listings 10 (newest first)."""
    tag = f"paging-{uuid.uuid4().hex[:10]}"
    for _ in range(101):
        seed_dataset(runtime, keywords=[tag], isPublished=True)
    where = json.dumps({"where": {"keywords": tag}})
    v3 = scicat.request("GET", "/api/v3/datasets", "user1", params={"filter": where})
    assert v3.status_code == 200, v3.text
    assert len(v3.json()) == 100
    v4 = scicat.request("GET", "/api/v4/datasets", "user1", params={"filter": where})
    assert v4.status_code == 200, v4.text
    assert len(v4.json()) == 10
    created = [d["createdAt"] for d in v4.json()]
    assert created == sorted(created, reverse=True)
    fields = json.dumps({"keywords": [tag]})
    full = scicat.request("GET", "/api/v3/datasets/fullquery", "user1", params={"fields": fields})
    assert full.status_code == 200, full.text
    assert len(full.json()) == 100
    public = scicat.request("GET", "/api/v4/datasets/public", None, params={"filter": where})
    assert public.status_code == 200, public.text
    assert len(public.json()) == 10
