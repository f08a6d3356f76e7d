"""v4 PublishedData's shape beside v3's (core/crosswalks/scicat_published.py), and a dataset's
JSON-LD keeping its blocks' files (core/crosswalks/scicat.py jsonld_of with parts)."""

from __future__ import annotations

from fairdepot.core.crosswalks.scicat import jsonld_of
from fairdepot.core.crosswalks.scicat_objects import PUBLISHED_DATA, access_of
from fairdepot.core.crosswalks.scicat_published import datacite_fields, dataset_pids, v4_view
from fairdepot.core.records import PublicationStatus


def test_a_v3_published_data_reads_in_v4s_shape() -> None:
    v3 = {"doi": "10.5072/x", "pidArray": ["p/1"], "status": "pending_registration"}
    view = v4_view(v3)
    assert view["datasetPids"] == ["p/1"]
    assert "pidArray" not in view
    assert view["status"] == "private"
    assert dataset_pids({"datasetPids": ["a", "b"]}) == ["a", "b"]


def test_public_and_registered_are_read_by_anyone_private_is_not() -> None:
    for status, publication in (
        ("private", PublicationStatus.DRAFT),
        ("pending_registration", PublicationStatus.DRAFT),
        ("public", PublicationStatus.PUBLISHED),
        ("registered", PublicationStatus.PUBLISHED),
    ):
        assert access_of(PUBLISHED_DATA, {"status": status}, "u1").publication is publication


def test_datacite_fields_come_from_v4_metadata() -> None:
    fields = datacite_fields(
        {
            "title": "T",
            "abstract": "A",
            "datasetPids": ["p"],
            "metadata": {"creators": [{"name": "Ann"}, "Bob"], "publisher": {"name": "UU"}},
        },
        2031,
    )
    assert fields == {
        "title": "T",
        "abstract": "A",
        "creator": ["Ann", "Bob"],
        "publisher": "UU",
        "publicationYear": 2031,
        "resourceType": "Dataset",
    }
    v3 = {"title": "T", "pidArray": ["p"], "publisher": "X", "publicationYear": 2020}
    assert datacite_fields(v3, 2031) is v3


def test_jsonld_lists_the_files_it_is_given_as_has_part() -> None:
    part = {"@type": "MediaObject", "name": "a.txt", "contentSize": "3 B"}
    document = jsonld_of({"pid": "p/1", "datasetName": "d"}, "ark:99999/fd1x", [part])
    assert document["hasPart"] == [part]
    assert "hasPart" not in jsonld_of({"pid": "p/1"}, "ark:99999/fd1x")
