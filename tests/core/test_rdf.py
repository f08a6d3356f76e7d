"""JSON-LD records as RDF: Turtle and RDF/XML round-trip, ARKs survive, nothing is fetched."""

import json
import socket
from typing import Any

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import PROV, RDF

from fairdepot.core.errors import InvalidInput
from fairdepot.core.metadata.contexts import CANONICAL_CONTEXT, UnknownContext
from fairdepot.core.metadata.rdf import (
    DEFAULT_BASE,
    RDF_FORMATS,
    NotRepresentable,
    serialize,
    to_graph,
)

SCHEMA_HTTPS = "https://schema.org/"
SCHEMA_HTTP = "http://schema.org/"
DATASET = URIRef("ark:59852/dataset-x")


class NetworkAttempt(AssertionError):
    pass


@pytest.fixture(autouse=True)
def no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    """Any connection attempt fails the test: the product must never fetch at run time."""

    def refuse(*args: Any, **kwargs: Any) -> None:
        raise NetworkAttempt(f"network access attempted: {args!r}")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)


def fairscape_record() -> dict[str, Any]:
    return {
        "@context": dict(CANONICAL_CONTEXT),
        "@id": str(DATASET),
        "@type": "EVI:Dataset",
        "name": "Expression matrix",
        "prov:used": [{"@id": "ark:59852/software-y"}],
        "isPartOf": [{"@id": "ark:59852/rocrate-z"}, {"@id": "ark:59852/project-p"}],
        "keywords": ["cells", "RNA-seq"],
        "contentUrl": "https://depot.example/files/x.csv",
        "contentSize": 123456,
    }


def ro_crate() -> dict[str, Any]:
    return {
        "@context": "https://w3id.org/ro/crate/1.1/context",
        "@graph": [
            {
                "@id": "ro-crate-metadata.json",
                "@type": "CreativeWork",
                "conformsTo": {"@id": "https://w3id.org/ro/crate/1.1"},
                "about": {"@id": "./"},
            },
            {
                "@id": "./",
                "@type": "Dataset",
                "name": "A crate",
                "datePublished": "2024-05-01",
                "hasPart": [{"@id": "data/table.csv"}],
                "author": {"@id": "https://orcid.org/0000-0002-1825-0097"},
            },
            {"@id": "data/table.csv", "@type": "File", "name": "Table"},
            {"@id": "https://orcid.org/0000-0002-1825-0097", "@type": "Person", "name": "J"},
        ],
    }


def reparse(text: str, rdflib_format: str) -> Graph:
    return Graph().parse(data=text, format=rdflib_format)


def test_rdf_formats_map_the_media_types_we_serve() -> None:
    assert RDF_FORMATS == {
        "text/turtle": "turtle",
        "application/rdf+xml": "xml",
        "application/n-triples": "nt",
        "application/ld+json": "json-ld",
    }


@pytest.mark.parametrize(
    "media_type", ["text/turtle", "application/rdf+xml", "application/n-triples"]
)
@pytest.mark.parametrize("make", [fairscape_record, ro_crate], ids=["fairscape", "ro-crate"])
def test_serialisation_parses_back_to_an_isomorphic_graph(make: Any, media_type: str) -> None:
    document = make()
    expected = to_graph(document)
    assert len(expected) > 5
    text = serialize(document, media_type)
    assert isomorphic(reparse(text, RDF_FORMATS[media_type]), expected)


def test_fairscape_record_maps_to_the_expected_triples() -> None:
    graph = to_graph(fairscape_record())
    assert (DATASET, RDF.type, URIRef("https://w3id.org/EVI#Dataset")) in graph
    assert (DATASET, URIRef(SCHEMA_HTTPS + "isPartOf"), URIRef("ark:59852/project-p")) in graph
    assert (DATASET, URIRef(SCHEMA_HTTPS + "keywords"), Literal("RNA-seq")) in graph
    assert (DATASET, URIRef(SCHEMA_HTTPS + "contentSize"), Literal(123456)) in graph


@pytest.mark.parametrize("media_type", ["text/turtle", "application/rdf+xml"])
def test_ark_identifiers_survive_serialisation(media_type: str) -> None:
    text = serialize(fairscape_record(), media_type)
    graph = reparse(text, RDF_FORMATS[media_type])
    assert DATASET in set(graph.subjects())
    assert URIRef("ark:59852/software-y") in set(graph.objects(DATASET, PROV.used))


def test_prov_terms_expand_to_the_prov_namespace_not_a_bogus_scheme() -> None:
    turtle = serialize(fairscape_record(), "text/turtle")
    assert "<prov:" not in turtle
    assert "@prefix prov: <http://www.w3.org/ns/prov#>" in turtle


def test_ro_crate_relative_ids_resolve_against_the_given_base() -> None:
    base = "https://depot.example/ark:59852/c/"
    graph = to_graph(ro_crate(), base=base)
    root = URIRef(base)
    assert (root, URIRef(SCHEMA_HTTP + "hasPart"), URIRef(base + "data/table.csv")) in graph
    assert (root, RDF.type, URIRef(SCHEMA_HTTP + "Dataset")) in graph


def test_without_a_base_relative_ids_never_take_the_server_working_directory() -> None:
    subjects = {str(s) for s in to_graph(ro_crate()).subjects()}
    assert DEFAULT_BASE in subjects
    assert not any(s.startswith("file:") for s in subjects)


def test_ro_crate_turtle_uses_the_schema_prefix_for_http_schema_org() -> None:
    turtle = serialize(ro_crate(), "text/turtle")
    assert f"@prefix schema: <{SCHEMA_HTTP}>" in turtle
    assert "schema1:" not in turtle


def test_json_ld_is_served_as_the_document_itself() -> None:
    document = ro_crate()
    assert json.loads(serialize(document, "application/ld+json")) == document


def test_media_type_parameters_and_case_are_ignored() -> None:
    document = fairscape_record()
    plain = serialize(document, "text/turtle")
    assert serialize(document, "Text/Turtle; charset=utf-8") == plain


def test_unsupported_media_type_is_a_value_error() -> None:
    with pytest.raises(ValueError, match="text/html"):
        serialize(fairscape_record(), "text/html")


def test_unknown_context_url_raises_and_is_not_fetched() -> None:
    document = {"@context": "http://127.0.0.1:9/context.jsonld", "@id": "ark:1/x", "name": "n"}
    with pytest.raises(UnknownContext, match=r"127\.0\.0\.1"):
        to_graph(document)
    with pytest.raises(UnknownContext):
        serialize(document, "text/turtle")


def test_unknown_nested_context_raises_and_is_not_fetched() -> None:
    document = ro_crate()
    document["@graph"][1]["@context"] = "https://example.org/ctx"
    with pytest.raises(UnknownContext, match=r"example\.org"):
        to_graph(document)


def test_the_network_guard_catches_what_rdflib_would_do_without_inlining() -> None:
    """Proves the fixture bites: rdflib alone dereferences a context URL."""
    document = {"@context": "http://127.0.0.1:9/context.jsonld", "@id": "ark:1/x", "name": "n"}
    with pytest.raises(NetworkAttempt):
        Graph().parse(data=json.dumps(document), format="json-ld")


def test_malformed_json_ld_is_invalid_input() -> None:
    with pytest.raises(InvalidInput, match="not valid JSON-LD"):
        to_graph({"@context": {"name": {"@id": 5}}, "@id": "ark:1/x", "name": "n"})


def test_a_predicate_rdf_xml_cannot_express_is_not_representable() -> None:
    document = {"@context": {"@vocab": SCHEMA_HTTPS}, "@id": "ark:1/x", "ex:/": "value"}
    assert serialize(document, "text/turtle")
    with pytest.raises(NotRepresentable):
        serialize(document, "application/rdf+xml")
