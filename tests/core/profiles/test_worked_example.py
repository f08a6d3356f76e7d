"""Reference §9: the worked example's valid item and each of its invalid variants, exactly (the
example itself: tests/support/gcat_worked_example.py, shared with the service and HTTP tests)."""

from __future__ import annotations

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
from tests.support.gcat_worked_example import (
    EXTRAS_INVALID,
    STORED_EXTRAS,
    VALID_EXTRAS,
    Extras,
    ExtrasChange,
)

NAMESPACES = ["coverage"]


def test_the_valid_item_gives_the_documented_extras_tags_and_groups(
    example_dataset: Profile,
) -> None:
    result = validate_item(example_dataset, NAMESPACES, VALID_EXTRAS, ["example"])
    assert list(result.extras) == STORED_EXTRAS
    assert ["example", *result.tags] == ["example", "Country-Italy", "Country-Greece"]
    assert result.groups == (
        GroupToAdd("italy", "Italy", create=True, propagate_up=False),
        GroupToAdd("greece", "Greece", create=True, propagate_up=False),
    )


@given(st.permutations(VALID_EXTRAS))
def test_the_stored_order_does_not_depend_on_the_order_sent(
    example_dataset: Profile, sent: Extras
) -> None:
    result = validate_item(example_dataset, NAMESPACES, sent, ["example"])
    countries = [extra for extra in sent if extra[0] == "coverage:Country"]
    assert list(result.extras) == countries + STORED_EXTRAS[2:]


@pytest.mark.parametrize(("change", "location", "message"), EXTRAS_INVALID)
def test_each_invalid_variant_gives_gcats_message(
    example_dataset: Profile,
    empty_profile: Profile,
    test_profile: Profile,
    change: ExtrasChange,
    location: str,
    message: str,
) -> None:
    extras = change(list(VALID_EXTRAS))

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
    result = validate_item(example_dataset, NAMESPACES, VALID_EXTRAS, [])
    assert result.tags == ("Country-Italy", "Country-Greece")
