"""Reference §9's worked example as data, in one place for the core, service and HTTP tests:
the extras sent and what gCat stores of them, each invalid variant with where and what gCat
says, and the same as CKAN packages (`VALID`, `INVALID`) for the item hook and `POST /items`."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

Extras = list[tuple[str, str]]
Package = dict[str, Any]

VALID_EXTRAS: Extras = [
    ("system:type", "ExampleDataset"),
    ("coverage:Country", "Italy"),
    ("coverage:Country", "Greece"),
    ("Sample Size", "42"),
    ("DOI", "10.1234/abc.def"),
    ("Temporal Coverage", "2020-01-01/2020-12-31"),
    ("Open Access", ""),
    ("Extra not in profile", "kept as-is"),
]
STORED_EXTRAS: Extras = [
    ("coverage:Country", "Italy"),
    ("coverage:Country", "Greece"),
    ("DOI", "10.1234/abc.def"),
    ("Sample Size", "42"),
    ("Open Access", "true"),
    ("Temporal Coverage", "2020-01-01/2020-12-31"),
    ("Spatial Coverage", ""),
    ("Extra not in profile", "kept as-is"),
    ("system:type", "ExampleDataset"),
]
MANDATORY = (
    "Field with key '{}' is mandatory, but it's not present among the provided fields"
    " or its cardinality is not respected ([min = 1, max={}])."
)


def _as_extras(pairs: Extras) -> list[dict[str, str]]:
    return [{"key": key, "value": value} for key, value in pairs]


VALID: Package = {
    "name": "my-first-item",
    "title": "My first item",
    "license_id": "CC-BY-SA-4.0",
    "tags": [{"name": "example"}],
    "extras": _as_extras(VALID_EXTRAS),
}

ExtrasChange = Callable[[Extras], Extras]


def replaced(key: str, value: str) -> ExtrasChange:
    return lambda extras: [(k, value if k == key else v) for k, v in extras]


def dropped(key: str) -> ExtrasChange:
    return lambda extras: [(k, v) for k, v in extras if k != key]


def added(*pairs: tuple[str, str]) -> ExtrasChange:
    return lambda extras: [*extras, *pairs]


def first_country(value: str) -> ExtrasChange:
    def change(extras: Extras) -> Extras:
        index = extras.index(("coverage:Country", "Italy"))
        return [*extras[:index], ("coverage:Country", value), *extras[index + 1 :]]

    return change


def unqualified_country(extras: Extras) -> Extras:
    return [("Country" if k == "coverage:Country" else k, v) for k, v in extras]


EXTRAS_INVALID = [
    pytest.param(
        lambda extras: [],
        "extras",
        "'extras' field is missing in context where metadata profile(s) are defined!",
        id="extras-empty",
    ),
    pytest.param(
        dropped("system:type"),
        "system:type",
        "'system:type' extra field is missing in context where metadata profile(s) are defined!",
        id="no-system-type",
    ),
    pytest.param(
        replaced("system:type", "Nope"),
        "system:type",
        "'system:type' extra field's value ('Nope') specified as custom field doesn't match"
        " any of the profiles defined in this context!",
        id="unknown-system-type",
    ),
    pytest.param(
        dropped("Sample Size"),
        "Sample Size",
        MANDATORY.format("Sample Size", 1),
        id="no-sample-size",
    ),
    pytest.param(
        unqualified_country,
        "coverage:Country",
        MANDATORY.format("coverage:Country", 3),
        id="unqualified-country",
    ),
    pytest.param(
        first_country("Spain"),
        "coverage:Country",
        "Field with key 'coverage:Country' has a value 'Spain' but it doesn't match any of the"
        " vocabulary's values ([Italy, France, Greece])!",
        id="country-spain",
    ),
    pytest.param(
        added(("coverage:Country", "France"), ("coverage:Country", "Italy")),
        "coverage:Country",
        MANDATORY.format("coverage:Country", 3),
        id="four-countries",
    ),
    pytest.param(
        replaced("Sample Size", ""),
        "Sample Size",
        "Mandatory field with name 'Sample Size' doesn't have a value but it is mandatory or"
        " has a controlled vocabulary!",
        id="sample-size-empty",
    ),
    pytest.param(
        replaced("Sample Size", "forty-two"),
        "Sample Size",
        "Field's value with key 'Sample Size' is not a valid number!",
        id="sample-size-words",
    ),
    pytest.param(
        replaced("DOI", "doi:10.1234/x"),
        "DOI",
        r"Field with key 'DOI' doesn't match the provided regular expression"
        r" (^10\.[0-9]{4,9}/\S+$)!",
        id="doi-prefixed",
    ),
    pytest.param(
        replaced("Temporal Coverage", "last year"),
        "Temporal Coverage",
        "Field with key 'Temporal Coverage' doesn't seem a valid time interval!",
        id="temporal-words",
    ),
    pytest.param(
        replaced("Open Access", "yes"),
        "Open Access",
        "Field with key 'Open Access' doesn't seem a valid boolean value!",
        id="open-access-yes",
    ),
    pytest.param(
        added(("Spatial Coverage", '{"foo": 1}')),
        "Spatial Coverage",
        "GeoJSON field with key 'Spatial Coverage' seems not valid!",
        id="spatial-not-geojson",
    ),
]
"""(change of the extras, where gCat points, its message): the variants the extras decide."""


def _on_extras(change: ExtrasChange) -> Callable[[Package], Package]:
    """The package whose extras are `change`d, every other field as it was."""

    def changed(package: Package) -> Package:
        pairs = [(extra["key"], extra["value"]) for extra in package["extras"]]
        return {**package, "extras": _as_extras(change(pairs))}

    return changed


def _empty_profile_without_tags(package: Package) -> Package:
    return {**package, "tags": [], "extras": [{"key": "system:type", "value": "EmptyProfile"}]}


INVALID = [
    *(
        pytest.param(_on_extras(change), message, id=variant.id)
        for variant in EXTRAS_INVALID
        for change, _location, message in [variant.values]
    ),
    pytest.param(
        _empty_profile_without_tags,
        "Please define at least one tag for this item!",
        id="empty-profile-no-tags",
    ),
]
"""(change of a package, gCat's message): every variant, on a whole CKAN package."""
