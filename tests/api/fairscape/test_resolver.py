"""The universal resolver: ARK forms, content negotiation, `?info`, tombstones."""

from __future__ import annotations

import pytest
from rdflib import Graph
from rdflib.compare import isomorphic


@pytest.fixture(scope="module")
def crate_job(api, fairscape_crate_dir, tmp_path_factory):
    from tests.support.crates import fresh_copy, zip_folder

    tmp = tmp_path_factory.mktemp("resolver")
    crate = fresh_copy(fairscape_crate_dir, tmp / "crate")
    return api.ingest(zip_folder(crate, tmp / "crate.zip"))


@pytest.fixture(scope="module")
def dataset(crate_job) -> str:
    return next(i for i in crate_job["identifiers"] if "/dataset-input-expression" in i)


def test_resolves_without_a_token_and_with_the_wrapper_keys(api, dataset) -> None:
    response = api.http.get(f"/{dataset}")
    assert response.status_code == 200
    body = response.json()
    assert {"@id", "@type", "metadata", "publicationStatus"} <= set(body)
    assert body["metadata"]["@id"] == dataset
    assert response.headers["vary"] == "Accept"


def test_answers_without_the_api_prefix_too(api, dataset) -> None:
    response = api.http.get(f"{api.server.base_url}/{dataset}")
    assert response.status_code == 200


@pytest.mark.parametrize("variant", ["legacy", "no-hyphens", "trailing-slash"])
def test_equivalent_ark_forms_resolve_to_the_same_record(api, dataset, variant) -> None:
    naan, postfix = dataset.removeprefix("ark:").split("/", 1)
    path = {
        "legacy": f"/ark:/{naan}/{postfix}",
        "no-hyphens": f"/ark:{naan}/{postfix.replace('-', '')}",
        "trailing-slash": f"/ark:{naan}/{postfix}/",
    }[variant]
    response = api.http.get(path)
    assert response.status_code == 200
    assert response.json()["@id"] == dataset


@pytest.mark.parametrize(
    ("accept", "media_type"),
    [
        (None, "application/json"),
        ("*/*", "application/json"),
        ("application/ld+json", "application/ld+json"),
        ("text/turtle", "text/turtle"),
        ("application/rdf+xml", "application/rdf+xml"),
        ("text/turtle;q=0.5, application/rdf+xml", "application/rdf+xml"),
        ("application/json;q=0.1, text/turtle;q=0.9", "text/turtle"),
        ("text/*", "text/turtle"),
    ],
)
def test_content_negotiation_honours_q_values(api, dataset, accept, media_type) -> None:
    headers = {"Accept": accept} if accept else {}
    response = api.http.get(f"/{dataset}", headers=headers)
    assert response.status_code == 200
    assert response.headers["content-type"].split(";")[0] == media_type


def test_nothing_acceptable_is_406_with_the_alternatives(api, dataset) -> None:
    response = api.http.get(f"/{dataset}", headers={"Accept": "image/png, text/turtle;q=0"})
    assert response.status_code == 406
    assert response.headers["vary"] == "Accept"
    assert "text/turtle" in response.json()["available"]


def test_rdf_serialisations_carry_the_same_triples_as_the_json_ld(api, crate_job) -> None:
    for identifier in crate_job["identifiers"]:
        jsonld = Graph().parse(
            data=api.http.get(f"/{identifier}", headers={"Accept": "application/ld+json"}).text,
            format="json-ld",
        )
        turtle = Graph().parse(
            data=api.http.get(f"/{identifier}", headers={"Accept": "text/turtle"}).text,
            format="turtle",
        )
        rdfxml = Graph().parse(
            data=api.http.get(f"/{identifier}", headers={"Accept": "application/rdf+xml"}).text,
            format="xml",
        )
        assert len(jsonld) > 3
        assert isomorphic(jsonld, turtle), identifier
        assert isomorphic(jsonld, rdfxml), identifier


def test_prov_terms_become_real_prov_iris(api, crate_job) -> None:
    computation = next(i for i in crate_job["identifiers"] if "/computation-" in i)
    turtle = api.http.get(f"/{computation}", headers={"Accept": "text/turtle"}).text
    assert "<prov:>" not in turtle
    assert "http://www.w3.org/ns/prov#" in turtle


def test_info_inflection_gives_an_erc_record(api, dataset) -> None:
    response = api.http.get(f"/{dataset}?info")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain")
    text = response.text
    assert text.startswith("erc:\n")
    assert "what: Input Expression Data" in text
    assert "erc-support:" in text
    assert "Permanent" in text


def test_minted_arks_follow_the_spec(api, plain_zip) -> None:
    from fairdepot.core import ark as arks

    job = api.ingest(plain_zip)
    for identifier in job["identifiers"]:
        parsed = arks.parse(identifier)
        assert parsed.naan == "99999"
        assert parsed.name.startswith("fd1")
        assert arks.has_valid_check_character(identifier)
        resolved = api.http.get(f"/{identifier}")
        assert resolved.status_code == 200
        assert resolved.json()["@id"] == identifier
        assert resolved.json()["metadata"]["@id"] == identifier


def test_well_known_ark_names_the_resolver(api) -> None:
    response = api.http.get(f"{api.server.base_url}/.well-known/ark")
    assert response.status_code == 200
    assert response.text.strip().endswith("/api/")
