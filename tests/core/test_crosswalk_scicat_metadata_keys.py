"""SciCat's metadata keys named from distinct value paths (core/crosswalks/scicat_metadata_keys.py),
checked against the paths core/document_values.py gives a document."""

from __future__ import annotations

from typing import Any

from fairdepot.core.crosswalks.scicat_metadata_keys import (
    DATASET_HIDDEN,
    metadata_keys,
)
from fairdepot.core.document_values import DocumentPath, document_values

PREFIX = "native.scientificMetadata."


def paths_of(*metadata: dict[str, Any]) -> list[DocumentPath]:
    """What storage's grouped statement gives for these documents, in the order first written."""
    found: dict[str, bool] = {}
    for document in metadata:
        for value in document_values({"scientificMetadata": document}, None):
            if not value.path.startswith(PREFIX):
                continue
            truthy = value.text is not None or bool(value.number) or value.boolean is True
            name = value.path[len(PREFIX) :]
            found[name] = found.get(name, False) or truthy
    return [DocumentPath(name, flag) for name, flag in found.items()]


def test_quantities_are_one_key_and_objects_are_entered() -> None:
    paths = paths_of(
        {
            "temperature": {"value": 300, "unit": "K"},
            "detector": {"distance": {"value": 2, "unit": "mm"}, "model": "X"},
            "sample": {"name": "Si", "u": ""},
            "plain": {"value": 1, "unit": None},
            "tags": ["a", "b"],
            "nothing": None,
        }
    )
    assert metadata_keys(paths) == [
        "temperature",
        "detector.distance",
        "detector.model",
        "sample",
        "plain.value",
        "plain.unit",
        "tags",
        "nothing",
    ]


def test_keys_are_distinct_in_first_order_hidden_and_filtered() -> None:
    paths = paths_of({"b": 1, "start_date": "x", "runNumber": 3}, {"a": 2, "b": 5})
    assert metadata_keys(paths, DATASET_HIDDEN) == ["b", "a"]
    assert metadata_keys(paths, DATASET_HIDDEN, containing="A") == ["a"]
    assert metadata_keys(paths) == ["b", "start_date", "runNumber", "a"]
