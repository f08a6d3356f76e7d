"""Crates as RO-Crate JSON-LD and as Croissant that mlcroissant accepts offline; summaries."""

from __future__ import annotations

import json
import socket

import pytest

CROISSANT = "application/vnd.mlcommons-croissant+json"


def _offline_issues(document: dict, monkeypatch):
    """mlcroissant's verdict on a document, with every socket connection refused."""
    import mlcroissant as mlc

    def refuse(*_args, **_kwargs):
        raise OSError("network access attempted during an offline check")

    with monkeypatch.context() as patch:
        patch.setattr(socket.socket, "connect", refuse)
        patch.setattr(socket, "create_connection", refuse)
        return mlc.Dataset(jsonld=document).metadata.ctx.issues


@pytest.mark.parametrize("flavour", ["fairscape", "plain"])
def test_croissant_validates_offline_without_checksum_warnings(
    api, flavour, fresh_fairscape_zip, plain_zip, monkeypatch
) -> None:
    job = api.ingest(fresh_fairscape_zip if flavour == "fairscape" else plain_zip)
    response = api.http.get(
        f"/rocrate/{job['rocrateIdentifier']}",
        headers={"Accept": "application/vnd.mlcommons-croissant+json"},
    )
    assert response.status_code == 200
    document = response.json()
    issues = _offline_issues(document, monkeypatch)
    assert not issues.errors, issues.errors
    assert not [w for w in issues.warnings if "md5" in str(w) or "sha256" in str(w)]
    assert document["distribution"]
    assert all(f["sha256"] for f in document["distribution"])


def test_crate_document_lists_every_member_with_current_metadata(api, fresh_fairscape_zip) -> None:
    job = api.ingest(fresh_fairscape_zip)
    crate = job["rocrateIdentifier"]
    document = api.http.get(f"/rocrate/{crate}").json()
    graph = document["@graph"]
    assert graph[0]["@id"] == "ro-crate-metadata.json"
    assert graph[0]["about"] == {"@id": crate}
    assert {e["@id"] for e in graph[1:]} >= set(job["identifiers"])
    by_id = {e["@id"]: e for e in graph}
    for identifier in job["identifiers"]:
        assert (
            by_id[identifier]["name"] == api.http.get(f"/{identifier}").json()["metadata"]["name"]
        )
    member = next(i for i in job["identifiers"] if "/software-" in i)
    metadata = api.http.get(f"/{member}").json()["metadata"]
    renamed = {**metadata, "name": "Renamed after upload"}
    assert api.http.put(f"/{member}", json=renamed, headers=api.auth("alice")).status_code == 200
    again = api.http.get(f"/rocrate/{crate}")
    assert {e["@id"]: e for e in again.json()["@graph"]}[member]["name"] == "Renamed after upload"
    json.loads(again.text, parse_constant=_refuse)  # strict JSON: no NaN or Infinity


def _refuse(constant: str) -> None:
    raise AssertionError(f"{constant} is not JSON")


def test_crate_rdf_is_available_too(api, fresh_fairscape_zip) -> None:
    from rdflib import Graph

    job = api.ingest(fresh_fairscape_zip)
    turtle = api.http.get(f"/rocrate/{job['rocrateIdentifier']}", headers={"Accept": "text/turtle"})
    assert turtle.status_code == 200
    assert len(Graph().parse(data=turtle.text, format="turtle")) > 20


def test_summary_and_listing(api, fresh_fairscape_zip) -> None:
    job = api.ingest(fresh_fairscape_zip)
    crate = job["rocrateIdentifier"]
    summary = api.http.get(f"/rocrate/summary/{crate}").json()
    assert summary["counts"] == {
        "datasets": 2,
        "software": 1,
        "computations": 1,
        "schemas": 0,
        "samples": 0,
        "mlModels": 0,
        "rocrates": 0,
        "other": 0,
        "total": 4,
    }
    listing = api.http.get("/rocrate", headers=api.auth("alice")).json()["rocrates"]
    assert crate in {c["@id"] for c in listing}
    assert crate not in {
        c["@id"] for c in api.http.get("/rocrate", headers=api.auth("bob")).json()["rocrates"]
    }


def test_summary_of_something_that_is_not_a_crate_is_400(api, fresh_fairscape_zip) -> None:
    job = api.ingest(fresh_fairscape_zip)
    member = next(i for i in job["identifiers"] if "/software-" in i)
    assert api.http.get(f"/rocrate/summary/{member}").status_code == 400


def test_the_resolver_serves_a_crates_croissant_as_the_rocrate_route_does(
    api, fresh_fairscape_zip, monkeypatch
) -> None:
    """The ARK with the Croissant Accept: the same bytes and ETag as `/rocrate/{ark}` (one
    document, keyed by the crate and its members), 304 on revalidation; a member that is no
    schema.org Dataset (a software, a FAIRSCAPE data file) is a 406 listing the other offers."""
    job = api.ingest(fresh_fairscape_zip)
    crate = job["rocrateIdentifier"]
    accept = {"Accept": CROISSANT}
    resolved = api.http.get(f"/{crate}", headers=accept)
    assert resolved.status_code == 200, resolved.text
    assert resolved.headers["content-type"].startswith(CROISSANT)
    assert resolved.headers["vary"] == "Accept"
    route = api.http.get(f"/rocrate/{crate}", headers=accept)
    assert resolved.content == route.content
    assert resolved.headers["etag"] == route.headers["etag"]
    assert not _offline_issues(resolved.json(), monkeypatch).errors
    again = api.http.get(f"/{crate}", headers={**accept, "If-None-Match": route.headers["etag"]})
    assert again.status_code == 304
    for member in (
        next(i for i in job["identifiers"] if "/software-" in i),
        next(i for i in job["identifiers"] if "/dataset-" in i),
    ):
        refused = api.http.get(f"/{member}", headers=accept)
        assert refused.status_code == 406, (member, refused.text)
        assert "no Croissant view" in refused.json()["detail"]
        assert CROISSANT not in refused.json()["available"]
        assert "application/ld+json" in refused.json()["available"]
    # a renamed member changes the crate's Croissant at the resolver too (not cached by the
    # crate's own revision alone)
    member = next(i for i in job["identifiers"] if "/dataset-input-expression" in i)
    metadata = api.http.get(f"/{member}").json()["metadata"]
    renamed = {**metadata, "name": "Renamed Expression Data"}
    assert api.http.put(f"/{member}", json=renamed, headers=api.auth("alice")).status_code == 200
    after = api.http.get(f"/{crate}", headers={**accept, "If-None-Match": route.headers["etag"]})
    assert after.status_code == 200
    assert "Renamed_Expression_Data" in {fo["name"] for fo in after.json()["distribution"]}
