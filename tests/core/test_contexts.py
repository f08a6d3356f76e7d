"""Bundled JSON-LD contexts: every remote reference is inlined from our copy or refused."""

import copy
from importlib import resources

import pytest

from fairdepot.core.errors import InvalidInput
from fairdepot.core.metadata.contexts import (
    CANONICAL_CONTEXT,
    FAIRSCAPE_CONTEXT,
    UnknownContext,
    inline_contexts,
    known_context_urls,
)

RO_CRATE_11 = "https://w3id.org/ro/crate/1.1/context"


def test_ro_crate_context_comes_from_the_installed_rocrate_package() -> None:
    inlined = inline_contexts({"@context": RO_CRATE_11})["@context"]
    assert inlined["File"] == "http://schema.org/MediaObject"
    assert inlined["conformsTo"] == "http://purl.org/dc/terms/conformsTo"
    assert len(inlined) > 1000  # the full term list, not a stub


@pytest.mark.parametrize("version", ["1.0", "1.1", "1.2", "1.2-DRAFT", "1.3"])
@pytest.mark.parametrize("scheme", ["http", "https"])
def test_every_ro_crate_version_and_scheme_is_known(version: str, scheme: str) -> None:
    url = f"{scheme}://w3id.org/ro/crate/{version}/context"
    assert url in known_context_urls()
    assert inline_contexts({"@context": url})["@context"]["Dataset"] == "http://schema.org/Dataset"


@pytest.mark.parametrize(
    "url",
    [
        "https://schema.org",
        "http://schema.org",
        "https://schema.org/",
        "http://schema.org/",
        "https://schema.org/docs/jsonldcontext.jsonld",
        "https://schema.org/docs/jsonldcontext.json",
    ],
)
def test_schema_org_urls_resolve_to_the_bundled_schema_org_context(url: str) -> None:
    context = inline_contexts({"@context": url})["@context"]
    assert context["@vocab"] == "http://schema.org/"
    assert context["id"] == "@id"
    assert context["type"] == "@type"


@pytest.mark.parametrize(
    "url", ["https://w3id.org/EVI", "https://w3id.org/EVI#", "https://w3id.org/EVI/context"]
)
def test_evi_urls_resolve_to_the_bundled_evi_context(url: str) -> None:
    context = inline_contexts({"@context": url})["@context"]
    assert context["@vocab"] == "https://w3id.org/EVI#"
    assert context["prov"] == "http://www.w3.org/ns/prov#"


def test_bundled_data_files_are_package_resources() -> None:
    folder = resources.files("fairdepot.core.metadata") / "contexts"
    assert (folder / "schema-org.jsonld").is_file()
    assert (folder / "evi.jsonld").is_file()


def test_canonical_context_extends_fairscape_context_with_the_prefixes_it_uses() -> None:
    assert FAIRSCAPE_CONTEXT == {"@vocab": "https://schema.org/", "EVI": "https://w3id.org/EVI#"}
    assert CANONICAL_CONTEXT.items() >= FAIRSCAPE_CONTEXT.items()
    assert CANONICAL_CONTEXT["prov"] == "http://www.w3.org/ns/prov#"
    assert CANONICAL_CONTEXT["evi"] == "https://w3id.org/EVI#"
    assert CANONICAL_CONTEXT["rai"] == "http://mlcommons.org/croissant/RAI/"
    assert CANONICAL_CONTEXT["d4d"] == "https://w3id.org/bridge2ai/data-sheets-schema/"


def test_urls_inside_a_context_list_are_inlined_and_objects_kept() -> None:
    document = {"@context": [RO_CRATE_11, {"ex": "https://example.org/"}, None]}
    inlined = inline_contexts(document)["@context"]
    assert isinstance(inlined[0], dict)
    assert inlined[1] == {"ex": "https://example.org/"}
    assert inlined[2] is None


def test_contexts_nested_in_graph_nodes_are_inlined() -> None:
    document = {"@graph": [{"@id": "a", "@context": "https://schema.org/", "b": {"@context": []}}]}
    node = inline_contexts(document)["@graph"][0]
    assert node["@context"]["@vocab"] == "http://schema.org/"


def test_scoped_contexts_in_term_definitions_are_inlined() -> None:
    document = {
        "@context": {"author": {"@id": "https://schema.org/author", "@context": RO_CRATE_11}}
    }
    scoped = inline_contexts(document)["@context"]["author"]["@context"]
    assert isinstance(scoped, dict)


def test_import_is_merged_with_the_importing_context_winning() -> None:
    document = {"@context": {"@import": "https://schema.org/", "name": "https://example.org/n"}}
    context = inline_contexts(document)["@context"]
    assert "@import" not in context
    assert context["@vocab"] == "http://schema.org/"
    assert context["name"] == "https://example.org/n"


@pytest.mark.parametrize(
    "url",
    [
        "http://169.254.169.254/latest/meta-data/",
        "https://example.org/context.jsonld",
        "file:///etc/passwd",
        "context.jsonld",
        "https://schema.org.evil.example/",
    ],
)
def test_unknown_or_relative_context_references_are_refused_not_fetched(url: str) -> None:
    with pytest.raises(UnknownContext) as caught:
        inline_contexts({"@graph": [{"@id": "x"}, {"@context": [RO_CRATE_11, url]}]})
    assert caught.value.url == url
    assert url in str(caught.value)
    assert caught.value.problems[0].location == "/@graph/1/@context/1"


def test_unknown_import_is_refused() -> None:
    with pytest.raises(UnknownContext, match=r"example\.org"):
        inline_contexts({"@context": {"@import": "https://example.org/ctx"}})


def test_unknown_context_is_invalid_input_so_faces_answer_400() -> None:
    assert issubclass(UnknownContext, InvalidInput)


def test_a_context_that_is_not_url_object_or_null_is_invalid_input() -> None:
    with pytest.raises(InvalidInput, match="int"):
        inline_contexts({"@context": 5})


def test_json_literal_values_are_left_alone() -> None:
    literal = {"@context": "https://example.org/not-a-context"}
    document = {
        "@context": {"data": {"@id": "https://ex.org/d", "@type": "@json"}},
        "data": {"@value": literal, "@type": "@json"},
    }
    assert inline_contexts(document)["data"]["@value"] == literal


def test_input_is_not_mutated_and_results_do_not_share_the_cache() -> None:
    document = {"@context": RO_CRATE_11, "@graph": [{"@id": "./"}]}
    before = copy.deepcopy(document)
    first = inline_contexts(document)
    first["@context"]["Dataset"] = "tampered"
    first["@graph"][0]["@id"] = "changed"
    assert document == before
    assert inline_contexts(document)["@context"]["Dataset"] == "http://schema.org/Dataset"


def test_deeply_nested_input_is_invalid_input_not_a_crash() -> None:
    node: dict[str, object] = {}
    deep = node
    for _ in range(5000):
        deep["x"] = {}
        deep = deep["x"]  # type: ignore[assignment]
    with pytest.raises(InvalidInput, match="nested too deeply"):
        inline_contexts(node)
