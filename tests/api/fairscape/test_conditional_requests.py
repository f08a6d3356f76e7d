"""ETag and If-None-Match on every representation of a record, and what a 304 may never do."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from rdflib import Graph
from rdflib.compare import isomorphic

from fairdepot.config import Settings
from fairdepot.core.ark import normalise

RESOLVER_ACCEPTS = [
    "application/json",
    "application/ld+json",
    "text/turtle",
    "application/rdf+xml",
    "application/n-triples",
]
RDF_FORMATS = {"text/turtle": "turtle", "application/rdf+xml": "xml", "application/n-triples": "nt"}
CRATE_ACCEPTS = ["application/ld+json", "application/vnd.mlcommons-croissant+json", "text/turtle"]


@pytest.fixture
def crate(api, fresh_fairscape_zip) -> dict[str, str]:
    job = api.ingest(fresh_fairscape_zip)
    assert job["status"] == "COMPLETE", job
    ids = job["identifiers"]
    return {
        "crate": job["rocrateIdentifier"],
        "dataset": next(i for i in ids if "/dataset-input-expression" in i),
        "software": next(i for i in ids if "/software-" in i),
    }


def _variants(ark: str) -> list[tuple[str, dict[str, str]]]:
    """Every representation: (path, headers)."""
    return [
        *((f"/{ark}", {"Accept": accept}) for accept in RESOLVER_ACCEPTS),
        (f"/{ark}?info", {}),
    ]


def _crate_variants(crate: str) -> list[tuple[str, dict[str, str]]]:
    return [(f"/rocrate/{crate}", {"Accept": accept}) for accept in CRATE_ACCEPTS]


def test_if_none_match_gives_304_without_a_body_on_every_representation(api, crate) -> None:
    for path, headers in _variants(crate["dataset"]) + _crate_variants(crate["crate"]):
        first = api.http.get(path, headers=headers)
        assert first.status_code == 200, (path, headers, first.text)
        etag = first.headers["etag"]
        rdf = headers.get("Accept", "").startswith(
            ("text/turtle", "application/rdf+xml", "application/n-triples")
        )
        # RDF serialisers pick blank-node labels anew: equal meaning, not equal bytes
        assert etag.startswith('W/"' if rdf else '"'), etag
        again = api.http.get(path, headers={**headers, "If-None-Match": etag})
        assert again.status_code == 304, (path, headers)
        assert again.content == b""
        assert again.headers["etag"] == etag
        if "?info" not in path:
            assert again.headers["vary"] == "Accept"
        listed = api.http.get(path, headers={**headers, "If-None-Match": f'"other", {etag}'})
        assert listed.status_code == 304
        other = api.http.get(path, headers={**headers, "If-None-Match": '"r1-something-else"'})
        assert other.status_code == 200
        if rdf:
            assert isomorphic(_graph(other), _graph(first))
        else:
            assert other.content == first.content  # strong: the same bytes from any process


def _graph(response) -> Graph:
    media_type = response.headers["content-type"].split(";")[0]
    return Graph().parse(
        data=response.text,
        format={
            "text/turtle": "turtle",
            "application/rdf+xml": "xml",
            "application/n-triples": "nt",
        }[media_type],
    )


def test_different_representations_have_different_etags(api, crate) -> None:
    variants = _variants(crate["dataset"]) + _crate_variants(crate["crate"])
    etags = [api.http.get(path, headers=headers).headers["etag"] for path, headers in variants]
    assert len(set(etags)) == len(variants), etags


def test_a_changed_record_gets_a_new_etag_and_its_new_content(api, crate) -> None:
    target = f"/{crate['software']}"
    before = {
        accept: api.http.get(target, headers={"Accept": accept}) for accept in RESOLVER_ACCEPTS
    }
    crate_before = api.http.get(f"/rocrate/{crate['crate']}")
    metadata = before["application/json"].json()["metadata"]
    put = api.http.put(
        target,
        json={**metadata, "description": "Changed for the ETag test"},
        headers={**api.auth("alice"), "If-Match": before["application/json"].headers["etag"]},
    )
    assert put.status_code == 200, put.text
    for accept, old in before.items():
        after = api.http.get(
            target, headers={"Accept": accept, "If-None-Match": old.headers["etag"]}
        )
        assert after.status_code == 200, accept
        assert after.headers["etag"] != old.headers["etag"]
        assert "Changed for the ETag test" in after.text, accept
    assert put.headers["etag"] == api.http.get(target, headers=api.auth("alice")).headers["etag"]
    # the crate's document shows the member's new metadata: the crate's ETag changes too
    crate_after = api.http.get(
        f"/rocrate/{crate['crate']}", headers={"If-None-Match": crate_before.headers["etag"]}
    )
    assert crate_after.status_code == 200
    assert "Changed for the ETag test" in crate_after.text


def test_the_owner_view_and_the_public_view_have_different_etags(api, crate) -> None:
    target = f"/{crate['dataset']}"
    public = api.http.get(target)
    owner = api.http.get(target, headers=api.auth("alice"))
    assert "permissions" not in public.json()
    assert owner.json()["permissions"]["owner"] == "alice@example.org"
    assert public.headers["etag"] != owner.headers["etag"]
    # the owner's ETag sent by someone who may not see the owner gets the public view
    anonymous = api.http.get(target, headers={"If-None-Match": owner.headers["etag"]})
    assert anonymous.status_code == 200
    assert "permissions" not in anonymous.json()


def test_no_304_for_a_record_that_was_deleted(api, crate) -> None:
    target = f"/{crate['software']}"
    etag = api.http.get(target).headers["etag"]
    deleted = api.http.delete(f"{target}?force=true", headers=api.auth("alice"))
    assert deleted.status_code == 200, deleted.text
    assert api.http.get(target, headers={"If-None-Match": etag}).status_code == 410
    assert api.http.get(target, headers={"If-None-Match": "*"}).status_code == 410


def _settings(env: dict[str, str]) -> Settings:
    fields = {k[len("FAIRDEPOT_") :].lower(): v for k, v in env.items() if k[:10] == "FAIRDEPOT_"}
    return Settings(**fields)


def test_no_304_and_no_cached_copy_for_a_caller_who_may_no_longer_read(api, server, crate) -> None:
    """The record turns private behind the server's back, without a new revision: the worst
    case for a cache keyed by revision. Access is checked first, so the answer is 404."""
    target = f"/{crate['dataset']}"
    variants = [(target, {"Accept": a}) for a in RESOLVER_ACCEPTS] + [(f"{target}?info", {})]
    etags = [api.http.get(path, headers=headers).headers["etag"] for path, headers in variants]
    engine = sa.create_engine(_settings(server.env).resolved_database_url)
    with engine.begin() as connection:
        connection.execute(
            sa.text("UPDATE records SET metadata_public = :no WHERE ark_key = :key"),
            {"no": False, "key": normalise(crate["dataset"])},
        )
    engine.dispose()
    for (path, headers), etag in zip(variants, etags, strict=True):
        for condition in (etag, "*"):
            answer = api.http.get(path, headers={**headers, "If-None-Match": condition})
            assert answer.status_code == 404, (path, headers, answer.status_code)
        assert api.http.get(path, headers=headers).status_code == 404
    owner = api.http.get(target, headers={**api.auth("alice"), "If-None-Match": etags[0]})
    assert owner.status_code == 200  # the owner still reads it, and sees the owner's view
