"""Values longer than the catalogue's columns are refused or left out in core, never at INSERT.

SQLite ignores VARCHAR widths but PostgreSQL does not: these failed scale-out jobs with an
"internal error" (StringDataRightTruncation) where the cause was the input.
"""

from __future__ import annotations

import io
import zipfile

import pytest

from fairdepot.core import ark
from fairdepot.core.crate_archive import MAX_NAME_LENGTH, CrateArchive
from fairdepot.core.crates.plan import record_kind
from fairdepot.core.errors import InvalidInput
from fairdepot.core.relations import extract_relations


def test_an_ark_longer_than_the_catalogue_keeps_is_not_an_ark_we_accept() -> None:
    assert ark.parse("ark:59852/" + "a" * (ark.MAX_LENGTH - 10)).naan == "59852"
    with pytest.raises(ark.InvalidArk, match="longer than 512"):
        ark.parse("ark:59852/" + "a" * ark.MAX_LENGTH)


def test_links_with_overlong_predicates_or_targets_are_not_relations() -> None:
    relations = extract_relations(
        {
            "@id": "ark:99999/fd1x",
            "sameAs": {"@id": "https://x.org/" + "x" * 2000},
            "p" * 200: {"@id": "ark:99999/fd1y"},
            "isPartOf": {"@id": "ark:99999/fd1crate"},
        }
    )
    assert [(r.predicate, r.target) for r in relations] == [("isPartOf", "ark:99999/fd1crate")]


def test_a_type_name_too_long_to_be_a_kind_makes_a_thing() -> None:
    assert record_kind(["T" * 65]) == "Thing"
    assert record_kind(["Person"]) == "Person"


def test_a_zip_member_name_longer_than_the_catalogue_keeps_is_refused() -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("ro-crate-metadata.json", b"{}")
        archive.writestr("d/" + "n" * MAX_NAME_LENGTH, b"1")
    with pytest.raises(InvalidInput, match=f"longer than {MAX_NAME_LENGTH} characters"):
        CrateArchive.open(io.BytesIO(buffer.getvalue()))
