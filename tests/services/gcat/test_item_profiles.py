"""The item hook `apply_item_profile`: an item checked against its organization's profiles
(reference §8), with the whole worked example of §9, profiles seeded through the service."""

from __future__ import annotations

import copy
import time
from typing import Any

import pytest

from fairdepot.core.errors import InvalidInput
from fairdepot.core.namespaces import Namespace
from fairdepot.core.policy import Role
from fairdepot.services import namespaces
from fairdepot.services.gcat import groups, profiles
from fairdepot.services.gcat.item_profiles import apply_item_profile
from fairdepot.services.uow import read_only, unit_of_work
from tests.core.profiles.conftest import example_bytes
from tests.services.gcat.conftest import actor_with

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


@pytest.fixture
def admin(runtime, lab):
    return actor_with(runtime, "ann", Role.ADMIN)


@pytest.fixture
def example(runtime, lab, admin):
    """The §9 context: namespace `coverage`, profiles ExampleDataset and EmptyProfile."""
    namespaces.replace_namespaces(runtime, [Namespace("coverage", "Coverage", "Where")])
    profiles.put(runtime, admin, None, "ExampleDataset", example_bytes("ExampleDataset.xml"))
    profiles.put(runtime, admin, None, "EmptyProfile", example_bytes("EmptyProfileExample.xml"))
    return lab


def applied(runtime, actor, organization: str, package: Package, **options: Any) -> Package:
    with unit_of_work(runtime) as work:
        return apply_item_profile(work, actor, organization, package, **options)


def pairs(package: Package) -> list[tuple[str, str]]:
    return [(extra["key"], extra["value"]) for extra in package["extras"]]


def test_an_organization_without_profiles_checks_nothing(runtime, lab, admin) -> None:
    package = {"name": "x", "extras": [{"key": "anything", "value": "goes"}], "tags": []}
    assert applied(runtime, admin, lab, copy.deepcopy(package)) == package


def test_the_worked_example_stores_the_documented_extras_tags_and_groups(
    runtime, example, admin
) -> None:
    editor = actor_with(runtime, "ed", Role.EDITOR)
    stored = applied(runtime, editor, example, copy.deepcopy(VALID))
    assert pairs(stored) == STORED_EXTRAS
    assert [tag["name"] for tag in stored["tags"]] == ["example", "Country-Italy", "Country-Greece"]
    assert stored["groups"] == [{"name": "italy"}, {"name": "greece"}]
    for name, title in (("italy", "Italy"), ("greece", "Greece")):
        made = groups.show(runtime, name).collection
        assert (made.title, made.organization) == (title, example)
    assert {k: stored[k] for k in ("name", "title", "license_id")} == {
        k: VALID[k] for k in ("name", "title", "license_id")
    }


def test_derived_groups_are_appended_once_and_existing_ones_not_recreated(
    runtime, example, admin
) -> None:
    groups.create(runtime, admin, {"name": "italy", "title": "Italia (ours)"})
    package = {**copy.deepcopy(VALID), "groups": [{"name": "greece"}]}
    stored = applied(runtime, admin, example, package)
    assert stored["groups"] == [{"name": "greece"}, {"name": "italy"}]
    assert groups.show(runtime, "italy").collection.title == "Italia (ours)"
    assert groups.show(runtime, "greece").collection.title == "Greece"


def test_a_failed_validation_creates_no_group(runtime, example, admin) -> None:
    package = copy.deepcopy(VALID)
    package["extras"] = [e for e in package["extras"] if e["key"] != "Sample Size"]
    with unit_of_work(runtime) as work, pytest.raises(InvalidInput):
        apply_item_profile(work, admin, example, package)
    with read_only(runtime) as work:
        assert work.collections.get("italy") is None


def test_extras_follow_the_stored_namespaces_order(runtime, lab, admin) -> None:
    profile = b"""<metadataformat type="Two">
      <metadatafield categoryref="b"><fieldName>F</fieldName>
        <dataType>String</dataType></metadatafield>
      <metadatafield categoryref="a"><fieldName>G</fieldName>
        <dataType>String</dataType></metadatafield>
    </metadataformat>"""
    profiles.put(runtime, admin, None, "Two", profile)
    extras = [("system:type", "Two"), ("b:F", "1"), ("a:G", "2")]
    package = {"tags": [{"name": "t"}], "extras": [{"key": k, "value": v} for k, v in extras]}
    for order, expected in ((["a", "b"], ["a:G", "b:F"]), (["b", "a"], ["b:F", "a:G"])):
        namespaces.replace_namespaces(runtime, [Namespace(n, n, "") for n in order])
        keys = [key for key, _ in pairs(applied(runtime, admin, lab, copy.deepcopy(package)))]
        assert keys == [*expected, "system:type"]


def test_max_occurs_is_enforced_only_when_asked(runtime, example, admin) -> None:
    package = copy.deepcopy(VALID)
    package["extras"].append({"key": "DOI", "value": "10.1234/second"})
    assert [v for k, v in pairs(applied(runtime, admin, example, package)) if k == "DOI"] == [
        "10.1234/abc.def",
        "10.1234/second",
    ]
    with pytest.raises(InvalidInput, match="more than its maxOccurs allows"):
        applied(runtime, admin, example, copy.deepcopy(package), enforce_max_occurs=True)


def test_a_catastrophic_pattern_is_a_400_within_the_time_limit(runtime, lab, admin) -> None:
    profile = b"""<metadataformat type="Slow"><metadatafield><fieldName>F</fieldName>
      <dataType>String</dataType>
      <validator><regularExpression>^(a|a)+$</regularExpression></validator>
    </metadatafield></metadataformat>"""
    profiles.put(runtime, admin, None, "Slow", profile)
    extras = [{"key": "system:type", "value": "Slow"}, {"key": "F", "value": "a" * 40 + "!"}]
    started = time.monotonic()
    with pytest.raises(InvalidInput, match="took too long"):
        applied(runtime, admin, lab, {"tags": [{"name": "t"}], "extras": extras})
    assert time.monotonic() - started < 3.0


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


@pytest.mark.parametrize(("change", "message"), INVALID)
def test_each_invalid_variant_of_the_worked_example_gives_gcats_message(
    runtime, example, admin, change, message
) -> None:
    package = change(copy.deepcopy(VALID))
    with pytest.raises(InvalidInput) as refused:
        applied(runtime, admin, example, package)
    assert refused.value.message == message
