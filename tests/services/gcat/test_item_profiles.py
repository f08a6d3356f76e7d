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
from fairdepot.services.gcat import groups, items, profiles
from fairdepot.services.gcat.item_profiles import apply_item_profile
from fairdepot.services.uow import read_only, unit_of_work
from tests.core.profiles.conftest import example_bytes
from tests.services.gcat.conftest import actor_with
from tests.support.gcat_worked_example import INVALID, STORED_EXTRAS, VALID, Package
from tests.support.timing import NOT_A_HANG


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
    assert time.monotonic() - started < NOT_A_HANG


@pytest.mark.parametrize(("change", "message"), INVALID)
def test_each_invalid_variant_of_the_worked_example_gives_gcats_message(
    runtime, example, admin, change, message
) -> None:
    package = change(copy.deepcopy(VALID))
    with pytest.raises(InvalidInput) as refused:
        applied(runtime, admin, example, package)
    assert refused.value.message == message


def test_a_group_name_no_group_may_have_is_appended_but_not_created(runtime, lab, admin) -> None:
    profile = b"""<metadataformat type="Grouped"><metadatafield><fieldName>Topic</fieldName>
      <dataType>String</dataType><grouping create="true">onValue</grouping>
    </metadatafield></metadataformat>"""
    profiles.put(runtime, admin, None, "Grouped", profile)
    for value, name, created in (("x", "x", False), ("Sea & Ocean", "sea-ocean", True)):
        extras = [{"key": "system:type", "value": "Grouped"}, {"key": "Topic", "value": value}]
        stored = applied(runtime, admin, lab, {"tags": [{"name": "t"}], "extras": extras})
        assert stored["groups"] == [{"name": name}]
        with read_only(runtime) as work:
            assert (work.collections.get(name) is not None) is created
    assert groups.show(runtime, "sea-ocean").collection.title == "Sea & Ocean"


def test_the_item_pipeline_takes_max_occurs_from_the_setting(
    runtime, example, admin, monkeypatch
) -> None:
    """`FAIRDEPOT_GCAT_ENFORCE_MAX_OCCURS` reaches the check through create and update."""
    package = copy.deepcopy(VALID)
    package["extras"].append({"key": "DOI", "value": "10.1234/second"})
    package["owner_org"] = example
    items.create(runtime, admin, copy.deepcopy(package))  # off by default: kept
    monkeypatch.setattr(runtime.settings, "gcat_enforce_max_occurs", True)
    with pytest.raises(InvalidInput, match="more than its maxOccurs allows"):
        items.create(runtime, admin, {**copy.deepcopy(package), "name": "another-item"})
    with pytest.raises(InvalidInput, match="more than its maxOccurs allows"):
        items.update(runtime, admin, package["name"], copy.deepcopy(package))
