"""Proposals and samples are filtered by the same loopback `where` translator as datasets:
every operator datasets have (between, regexp, exists, nlike, Mongo spellings...) and the
same error locations, on a real server."""

from __future__ import annotations

import json
import uuid
from typing import Any

import pytest

from tests.support.scicat import Scicat


def _samples(scicat: Scicat, tag: str) -> None:
    for owner, mass, extra in (("ann", 1, {"layers": ["H2O"]}), ("bob", 5, {}), ("cy", 9, {})):
        body = {
            "ownerGroup": "group1",
            "owner": owner,
            "description": f"{tag} {owner}",
            "sampleCharacteristics": {"mass": mass, **extra},
        }
        created = scicat.request("POST", "/api/v3/samples", "user1", json=body)
        assert created.status_code == 201, created.text


def _owners(scicat: Scicat, tag: str, where: dict[str, Any]) -> list[str]:
    where = {"and": [{"description": {"like": tag}}, where]}
    found = scicat.request(
        "GET",
        "/api/v3/samples",
        "user1",
        params={"filter": json.dumps({"where": where, "order": "owner:asc"})},
    )
    assert found.status_code == 200, found.text
    return [s["owner"] for s in found.json()]


def test_sample_operators_datasets_have(scicat: Scicat) -> None:
    tag = f"ops{uuid.uuid4().hex[:10]}"
    _samples(scicat, tag)
    assert _owners(scicat, tag, {}) == ["ann", "bob", "cy"]
    assert _owners(scicat, tag, {"sampleCharacteristics.mass": {"between": [2, 9]}}) == [
        "bob",
        "cy",
    ]
    assert _owners(scicat, tag, {"owner": {"regexp": "^(ann|cy)$"}}) == ["ann", "cy"]
    assert _owners(scicat, tag, {"owner": {"regexp": "/^B/i"}}) == ["bob"]
    assert _owners(scicat, tag, {"sampleCharacteristics.layers": {"exists": True}}) == ["ann"]
    assert _owners(scicat, tag, {"sampleCharacteristics.layers": {"exists": False}}) == [
        "bob",
        "cy",
    ]
    assert _owners(scicat, tag, {"owner": {"nlike": "o"}}) == ["ann", "cy"]
    assert _owners(scicat, tag, {"$or": [{"owner": "cy"}, {"owner": {"$eq": "ann"}}]}) == [
        "ann",
        "cy",
    ]
    assert _owners(scicat, tag, {"sampleCharacteristics.mass": {"$gte": 5, "lt": 9}}) == ["bob"]
    assert _owners(scicat, tag, {"isPublished": False}) == ["ann", "bob", "cy"]
    assert _owners(scicat, tag, {"isPublished": True}) == []
    since = {"createdAt": {"gt": "2000-01-01T00:00:00Z"}}
    assert _owners(scicat, tag, since) == ["ann", "bob", "cy"]


def test_bad_object_where_names_its_place_like_datasets(scicat: Scicat) -> None:
    for where, location in (
        ({"or": [{"owner": "x"}, {"owner": {"between": 3}}]}, "filter.where.or[1].owner.between"),
        ({"owner": {"regexp": "(a+)+"}}, "filter.where.owner.regexp"),
        ({"owner": {"near": "x"}}, "filter.where.owner.near"),
        ({"colour": "red"}, "filter.where.colour"),
    ):
        answer = scicat.request(
            "GET", "/api/v3/samples", "user1", params={"filter": json.dumps({"where": where})}
        )
        assert answer.status_code == 400, (where, answer.text)
        body = answer.json()
        assert body["statusCode"] == 400
        assert [e["location"] for e in body["errors"]] == [location], body


def test_proposal_times_compare_as_instants(scicat: Scicat) -> None:
    tag = f"t{uuid.uuid4().hex[:10]}"
    for start in ("2024-01-01T00:00:00Z", "2024-06-01T12:00:00+02:00"):
        body = {
            "proposalId": f"p/{uuid.uuid4()}",
            "email": "ponder@uu.am",
            "title": tag,
            "ownerGroup": "group1",
            "startTime": start,
        }
        created = scicat.request("POST", "/api/v3/proposals", "admin", json=body)
        assert created.status_code == 201, created.text
    where = {
        "title": tag,
        "startTime": {"between": ["2024-05-01T00:00:00Z", "2024-12-31T00:00:00Z"]},
    }
    found = scicat.request(
        "GET", "/api/v3/proposals", "admin", params={"filter": json.dumps({"where": where})}
    )
    assert found.status_code == 200, found.text
    assert [p["startTime"] for p in found.json()] == ["2024-06-01T10:00:00.000Z"]
    bad = {"where": {"startTime": {"gt": "yesterday"}}}
    answer = scicat.request("GET", "/api/v3/proposals", "admin", params={"filter": json.dumps(bad)})
    assert answer.status_code == 400, answer.text
    assert answer.json()["errors"][0]["location"] == "filter.where.startTime.gt"


@pytest.mark.parametrize(
    ("path", "page"),
    [
        ("/api/v3/samples", {"skip": 1001}),
        ("/api/v3/proposals", {"limits": {"skip": 1001}}),
        ("/api/v3/instruments", {"skip": 5000}),
        ("/api/v4/publisheddata", {"skip": 1001}),
    ],
)
def test_pages_past_the_thousandth_object_are_reachable(
    scicat: Scicat, path: str, page: dict[str, Any]
) -> None:
    """Only a page's size is capped at 1000, not how far into the results it starts."""
    found = scicat.request("GET", path, "admin", params={"filter": json.dumps(page)})
    assert found.status_code == 200, found.text
    assert found.json() == []
