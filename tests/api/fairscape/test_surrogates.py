"""Unpaired surrogates (JSON's `"\\ud800"`) on the FAIRSCAPE face: no UTF-8 encoder writes one,
so a body holding one - in a value or a key, at any depth - is a 400 problem naming its place,
before the database (or the error's own rendering) meets it; nothing is stored."""

from __future__ import annotations

import json
import uuid

import pytest

from tests.support.zips import crate_metadata

LONE = "\ud800"


def _escaped(document: object) -> bytes:
    """JSON text with the lone surrogates escaped (`json.dumps` writes `\\ud800`)."""
    return json.dumps(document).encode()


def _software(**extra: object) -> dict[str, object]:
    return {
        "@type": "https://w3id.org/EVI#Software",
        "name": f"tool {uuid.uuid4().hex}",
        "description": "a tool",
        "author": "Alice",
        **extra,
    }


def _refused(response, where: str) -> dict:
    assert response.status_code == 400, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    body = response.json()
    assert "surrogate" in body["detail"], body
    locations = [e.get("location") or "" for e in body.get("errors", [])]
    assert any(where in location for location in locations), body
    return body


def _send(api, method: str, path: str, document: object):
    headers = {**api.auth("alice"), "Content-Type": "application/json"}
    return api.http.request(method, path, content=_escaped(document), headers=headers)


@pytest.mark.parametrize(
    ("route", "document", "where"),
    [
        ("/software", _software(name=LONE), "body: name"),
        (
            "/computation",
            _software(author=[{"name": "x", f"a{LONE}": 1}]),
            "body: author[0].a\\ud800",
        ),
        ("/schema", _software(**{LONE: "x"}), "body: \\ud800"),
        ("/evidencegraph", _software(description=f"ok {LONE} not ok"), "body: description"),
    ],
    ids=["value", "deep-key", "top-key", "in-text"],
)
def test_a_lone_surrogate_in_an_entity_body_is_a_located_400(api, route, document, where) -> None:
    name = document["name"]
    _refused(_send(api, "POST", route, document), where)
    if name != LONE:
        found = api.http.get("/search/basic", params={"query": name}).json()
        assert found["total_results"] == 0, found


def test_a_metadata_put_with_a_lone_surrogate_is_refused_and_the_record_still_reads(api) -> None:
    created = api.http.post("/software", json=_software(), headers=api.auth("alice"))
    assert created.status_code == 201, created.text
    ark = created.json()["@id"]
    changed = _software(name="changed", keywords=["a", f"b{LONE}"])
    _refused(_send(api, "PUT", f"/{ark}", changed), "keywords[1]")
    read = api.http.get(f"/{ark}", headers={"Accept": "application/json"})
    assert read.status_code == 200, read.text
    assert read.json().get("metadata", read.json())["name"] != "changed"


def test_a_metadata_only_crate_with_a_lone_surrogate_is_refused(api) -> None:
    document = crate_metadata()
    document["@graph"][1]["name"] = LONE
    _refused(_send(api, "POST", "/rocrate/metadata", document), '@graph[1] "./" name')


def test_a_dataset_form_with_a_lone_surrogate_is_refused(api) -> None:
    metadata = json.dumps({"@type": "Dataset", "name": "d", "description": LONE})
    response = api.http.post(
        "/dataset", files={"datasetMetadata": (None, metadata)}, headers=api.auth("alice")
    )
    _refused(response, "datasetMetadata: description")
