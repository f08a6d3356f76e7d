"""Crate parsing, validation and planning, as pure functions."""

from __future__ import annotations

import json

import pytest

from fairdepot.core import ark as arks
from fairdepot.core.crates.graph import CrateGraph, parse_document, parse_metadata
from fairdepot.core.crates.plan import plan_crate, rewrite_ids
from fairdepot.core.crates.validation import validate_crate
from fairdepot.core.errors import InvalidInput
from fairdepot.core.relations import extract_relations
from tests.support.zips import crate_metadata


def _minter():
    return lambda: str(arks.mint("99999", "fd1"))


def _crate(*entities, **root):
    metadata = crate_metadata(*entities)
    metadata["@graph"][1].update(root)
    return parse_metadata(json.dumps(metadata).encode())


def test_local_ids_get_minted_arks_and_every_reference_follows() -> None:
    crate = _crate(
        {"@id": "#jane", "@type": "Person", "name": "Jane"},
        {"@id": "data/x.csv", "@type": "File", "name": "X", "author": {"@id": "#jane"}},
        {"@id": "https://orcid.org/0000-0002-1825-0097", "@type": "Person", "name": "Josiah"},
        author={"@id": "#jane"},
    )
    plan = plan_crate(crate, {"data/x.csv"}, _minter())
    ids = {e.original_id: e.ark for e in plan.all_entities}
    assert set(ids) == {"./", "#jane", "data/x.csv"}
    assert all(arks.has_valid_check_character(a) for a in ids.values())
    assert plan.root.metadata["author"] == {"@id": ids["#jane"]}
    data = next(e for e in plan.members if e.original_id == "data/x.csv")
    assert data.file_path == "data/x.csv"
    assert data.metadata["author"] == {"@id": ids["#jane"]}
    assert {"@id": plan.root.ark, "name": "Minimal"} in data.metadata["isPartOf"]
    assert plan.contextual[0]["@id"] == "https://orcid.org/0000-0002-1825-0097"
    assert plan.descriptor["about"] == {"@id": plan.root.ark}


def test_existing_arks_are_kept_with_a_trailing_slash_trimmed() -> None:
    crate = _crate({"@id": "ark:/59852/dataset-Mixed-Case/", "@type": "Dataset", "name": "one"})
    plan = plan_crate(crate, set(), _minter())
    member = plan.members[0]
    assert member.ark == "ark:59852/dataset-Mixed-Case"
    assert not member.minted


def test_hyphen_twins_in_one_crate_are_refused() -> None:
    crate = _crate(
        {"@id": "ark:59852/dataset-a-b", "@type": "Dataset", "name": "one"},
        {"@id": "ark:59852/dataset-ab", "@type": "Dataset", "name": "two"},
    )
    with pytest.raises(InvalidInput) as caught:
        plan_crate(crate, set(), _minter())
    assert "hyphens do not count" in str(caught.value)


def test_a_referenced_file_missing_from_the_zip_is_located() -> None:
    crate = _crate({"@id": "data/gone.csv", "@type": "File", "name": "Gone"})
    with pytest.raises(InvalidInput) as caught:
        plan_crate(crate, set(), _minter())
    assert '@graph[2] "data/gone.csv"' in str(caught.value)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (b"{ nope", "invalid JSON"),
        (b"[]", "JSON object"),
        (b'{"@context": {}, "@graph": []}', "@graph is missing or empty"),
        (
            b'{"@context": {}, "@graph": [{"@id": "./", "@type": "Dataset"}]}',
            "no metadata descriptor",
        ),
        (b'{"@context": {}, "@graph": [{"@type": "Dataset"}]}', "missing @id"),
    ],
)
def test_malformed_metadata_says_what_is_wrong(raw: bytes, expected: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        parse_metadata(raw)
    assert expected in str(caught.value)


def test_plain_crate_rules_name_each_problem() -> None:
    crate = _crate({"@id": "#x", "@type": "Person"}, datePublished="last tuesday", description="")
    with pytest.raises(InvalidInput) as caught:
        validate_crate(crate)
    text = str(caught.value)
    assert '"#x": missing name' in text
    assert "missing description" in text
    assert "not an ISO 8601 date" in text


def test_relations_are_read_from_links_with_normalised_arks() -> None:
    relations = extract_relations(
        {
            "@id": "ark:99999/self",
            "usedDataset": [{"@id": "ark:/99999/in-put"}],
            "isPartOf": {"@id": "ark:99999/crate"},
            "license": {"@id": "https://x.org/l"},
            "@graph": [{"@id": "ark:99999/ignored"}],
            "name": "not a link",
        }
    )
    assert {(r.predicate, r.target) for r in relations} == {
        ("usedDataset", "ark:99999/input"),
        ("isPartOf", "ark:99999/crate"),
        ("license", "https://x.org/l"),
    }


def test_rewrite_ids_reaches_nested_values() -> None:
    doc = {"a": [{"@id": "#x", "b": {"@id": "#y"}}], "@id": "#x"}
    assert rewrite_ids(doc, {"#x": "ark:1/x", "#y": "ark:1/y"}) == {
        "a": [{"@id": "ark:1/x", "b": {"@id": "ark:1/y"}}],
        "@id": "ark:1/x",
    }


def test_a_stored_crate_reads_as_the_upload_was_parsed() -> None:
    metadata = crate_metadata(
        {"@id": "#jane", "@type": "Person", "name": "Jane"},
        {"@id": "data/x.csv", "@type": "File", "name": "X", "author": {"@id": "#jane"}},
    )
    parsed, read = parse_document(metadata), CrateGraph.read(metadata)
    assert read.descriptor is parsed.descriptor
    assert read.root is parsed.root
    assert read.entities == parsed.entities
    assert read.positions == parsed.positions
    assert read.get("#jane") is parsed.get("#jane") is metadata["@graph"][2]
    assert read.is_descriptor_or_root(parsed.root)
    assert not read.is_descriptor_or_root(metadata["@graph"][2])


def test_reading_a_stored_crate_without_a_descriptor_takes_dot_slash_as_root() -> None:
    metadata = {"@context": {}, "@graph": [{"@id": "a", "@type": "File"}, {"@id": "./"}]}
    crate = CrateGraph.read(metadata)
    assert crate.descriptor is None
    assert crate.root == {"@id": "./"}
    assert crate.entities == [{"@id": "a", "@type": "File"}]
    with pytest.raises(InvalidInput) as refused:
        CrateGraph.read({"@graph": {}})
    assert [p.location for p in refused.value.problems] == ["/@graph"]
