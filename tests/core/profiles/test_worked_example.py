"""Reference §9: the worked example's valid item and each of its invalid variants, exactly."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from hypothesis import given
from hypothesis import strategies as st

from fairdepot.core.errors import InvalidInput
from fairdepot.core.profiles import (
    GroupToAdd,
    Profile,
    select_profile,
    validate_item,
)

Extras = list[tuple[str, str]]
NAMESPACES = ["coverage"]
VALID: Extras = [
    ("system:type", "ExampleDataset"),
    ("coverage:Country", "Italy"),
    ("coverage:Country", "Greece"),
    ("Sample Size", "42"),
    ("DOI", "10.1234/abc.def"),
    ("Temporal Coverage", "2020-01-01/2020-12-31"),
    ("Open Access", ""),
    ("Extra not in profile", "kept as-is"),
]
STORED: Extras = [
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


def test_the_valid_item_gives_the_documented_extras_tags_and_groups(
    example_dataset: Profile,
) -> None:
    result = validate_item(example_dataset, NAMESPACES, VALID, ["example"])
    assert list(result.extras) == STORED
    assert ["example", *result.tags] == ["example", "Country-Italy", "Country-Greece"]
    assert result.groups == (
        GroupToAdd("italy", "Italy", create=True, propagate_up=False),
        GroupToAdd("greece", "Greece", create=True, propagate_up=False),
    )


@given(st.permutations(VALID))
def test_the_stored_order_does_not_depend_on_the_order_sent(
    example_dataset: Profile, sent: Extras
) -> None:
    result = validate_item(example_dataset, NAMESPACES, sent, ["example"])
    countries = [extra for extra in sent if extra[0] == "coverage:Country"]
    assert list(result.extras) == countries + STORED[2:]


def replaced(key: str, value: str) -> Callable[[Extras], Extras]:
    def change(extras: Extras) -> Extras:
        return [(k, value if k == key else v) for k, v in extras]

    return change


def dropped(key: str) -> Callable[[Extras], Extras]:
    return lambda extras: [(k, v) for k, v in extras if k != key]


def added(*pairs: tuple[str, str]) -> Callable[[Extras], Extras]:
    return lambda extras: [*extras, *pairs]


def first_country(value: str) -> Callable[[Extras], Extras]:
    def change(extras: Extras) -> Extras:
        index = extras.index(("coverage:Country", "Italy"))
        return [*extras[:index], ("coverage:Country", value), *extras[index + 1 :]]

    return change


def unqualified_country(extras: Extras) -> Extras:
    return [("Country" if k == "coverage:Country" else k, v) for k, v in extras]


INVALID = [
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
        id="country-not-in-vocabulary",
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
        id="sample-size-not-a-number",
    ),
    pytest.param(
        replaced("DOI", "doi:10.1234/x"),
        "DOI",
        r"Field with key 'DOI' doesn't match the provided regular expression"
        r" (^10\.[0-9]{4,9}/\S+$)!",
        id="doi-not-matching",
    ),
    pytest.param(
        replaced("Temporal Coverage", "last year"),
        "Temporal Coverage",
        "Field with key 'Temporal Coverage' doesn't seem a valid time interval!",
        id="temporal-coverage-not-an-interval",
    ),
    pytest.param(
        replaced("Open Access", "yes"),
        "Open Access",
        "Field with key 'Open Access' doesn't seem a valid boolean value!",
        id="open-access-not-a-boolean",
    ),
    pytest.param(
        added(("Spatial Coverage", '{"foo": 1}')),
        "Spatial Coverage",
        "GeoJSON field with key 'Spatial Coverage' seems not valid!",
        id="spatial-coverage-not-geojson",
    ),
]


@pytest.mark.parametrize(("change", "location", "message"), INVALID)
def test_each_invalid_variant_gives_gcats_message(
    example_dataset: Profile,
    empty_profile: Profile,
    test_profile: Profile,
    change: Callable[[Extras], Extras],
    location: str,
    message: str,
) -> None:
    extras = change(list(VALID))

    def select_and_validate() -> None:
        profile = select_profile([empty_profile, example_dataset, test_profile], extras)
        validate_item(profile, NAMESPACES, extras, ["example"])

    with pytest.raises(InvalidInput) as refused:
        select_and_validate()
    assert refused.value.message == message
    assert [(p.location, p.message) for p in refused.value.problems] == [(location, message)]


def test_an_empty_profile_item_without_tags_is_refused(empty_profile: Profile) -> None:
    extras = [("system:type", "EmptyProfile")]
    with pytest.raises(InvalidInput) as refused:
        validate_item(empty_profile, NAMESPACES, extras, [])
    assert refused.value.message == "Please define at least one tag for this item!"
    assert refused.value.problems[0].location == "tags"


def test_an_empty_profile_item_with_a_tag_gets_its_placeholder(empty_profile: Profile) -> None:
    result = validate_item(empty_profile, NAMESPACES, [("system:type", "EmptyProfile")], ["t"])
    assert list(result.extras) == [("test", ""), ("system:type", "EmptyProfile")]
    assert result.tags == ()
    assert result.groups == ()


def test_derived_tags_alone_satisfy_the_tag_rule(example_dataset: Profile) -> None:
    result = validate_item(example_dataset, NAMESPACES, VALID, [])
    assert result.tags == ("Country-Italy", "Country-Greece")
