"""Reference §9's worked example as data: the valid item, what gCat stores of it, and each
invalid variant with gCat's message (the service tests of the item hook and the HTTP tests of
`POST /items` share it)."""

from __future__ import annotations

from typing import Any

import pytest

Package = dict[str, Any]
VALID: Package = {
    "name": "my-first-item",
    "title": "My first item",
    "license_id": "CC-BY-SA-4.0",
    "tags": [{"name": "example"}],
    "extras": [
        {"key": "system:type", "value": "ExampleDataset"},
        {"key": "coverage:Country", "value": "Italy"},
        {"key": "coverage:Country", "value": "Greece"},
        {"key": "Sample Size", "value": "42"},
        {"key": "DOI", "value": "10.1234/abc.def"},
        {"key": "Temporal Coverage", "value": "2020-01-01/2020-12-31"},
        {"key": "Open Access", "value": ""},
        {"key": "Extra not in profile", "value": "kept as-is"},
    ],
}
STORED_EXTRAS = [
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


def _without(key: str):
    return lambda p: {**p, "extras": [e for e in p["extras"] if e["key"] != key]}


def _set(key: str, value: str):
    def change(package: Package) -> Package:
        extras = [{**e, "value": value} if e["key"] == key else e for e in package["extras"]]
        return {**package, "extras": extras}

    return change


def _first_country(value: str):
    def change(package: Package) -> Package:
        extras = list(package["extras"])
        extras[1] = {"key": "coverage:Country", "value": value}
        return {**package, "extras": extras}

    return change


def _add(key: str, value: str):
    return lambda p: {**p, "extras": [*p["extras"], {"key": key, "value": value}]}


def _unqualified(package: Package) -> Package:
    extras = [
        {**e, "key": "Country"} if e["key"] == "coverage:Country" else e for e in package["extras"]
    ]
    return {**package, "extras": extras}


def _empty_profile_without_tags(package: Package) -> Package:
    return {**package, "tags": [], "extras": [{"key": "system:type", "value": "EmptyProfile"}]}


INVALID = [
    pytest.param(
        lambda p: {**p, "extras": []},
        "'extras' field is missing in context where metadata profile(s) are defined!",
        id="extras-empty",
    ),
    pytest.param(
        _without("system:type"),
        "'system:type' extra field is missing in context where metadata profile(s) are defined!",
        id="no-system-type",
    ),
    pytest.param(
        _set("system:type", "Nope"),
        "'system:type' extra field's value ('Nope') specified as custom field doesn't match"
        " any of the profiles defined in this context!",
        id="unknown-system-type",
    ),
    pytest.param(_without("Sample Size"), MANDATORY.format("Sample Size", 1), id="no-sample-size"),
    pytest.param(_unqualified, MANDATORY.format("coverage:Country", 3), id="unqualified-country"),
    pytest.param(
        _first_country("Spain"),
        "Field with key 'coverage:Country' has a value 'Spain' but it doesn't match any of the"
        " vocabulary's values ([Italy, France, Greece])!",
        id="country-spain",
    ),
    pytest.param(
        lambda p: _add("coverage:Country", "Italy")(_add("coverage:Country", "France")(p)),
        MANDATORY.format("coverage:Country", 3),
        id="four-countries",
    ),
    pytest.param(
        _set("Sample Size", ""),
        "Mandatory field with name 'Sample Size' doesn't have a value but it is mandatory or has"
        " a controlled vocabulary!",
        id="sample-size-empty",
    ),
    pytest.param(
        _set("Sample Size", "forty-two"),
        "Field's value with key 'Sample Size' is not a valid number!",
        id="sample-size-words",
    ),
    pytest.param(
        _set("DOI", "doi:10.1234/x"),
        "Field with key 'DOI' doesn't match the provided regular expression"
        " (^10\\.[0-9]{4,9}/\\S+$)!",
        id="doi-prefixed",
    ),
    pytest.param(
        _set("Temporal Coverage", "last year"),
        "Field with key 'Temporal Coverage' doesn't seem a valid time interval!",
        id="temporal-words",
    ),
    pytest.param(
        _set("Open Access", "yes"),
        "Field with key 'Open Access' doesn't seem a valid boolean value!",
        id="open-access-yes",
    ),
    pytest.param(
        _add("Spatial Coverage", '{"foo": 1}'),
        "GeoJSON field with key 'Spatial Coverage' seems not valid!",
        id="spatial-not-geojson",
    ),
    pytest.param(
        _empty_profile_without_tags,
        "Please define at least one tag for this item!",
        id="empty-profile-no-tags",
    ),
]
