"""validate_item and select_profile beyond the worked example: ordering, tags, groups, limits."""

from __future__ import annotations

import time

import pytest

from fairdepot.core.errors import InvalidInput
from fairdepot.core.profiles import (
    GroupToAdd,
    Profile,
    ProfileField,
    group_name_from_title,
    parse_profile,
    select_profile,
    validate_item,
)
from tests.support.timing import NOT_A_HANG


def field_xml(
    name: str,
    *,
    category: str | None = None,
    data_type: str = "String",
    extra: str = "",
    mandatory: bool = False,
    after_type: str = "",
) -> str:
    attribute = f' categoryref="{category}"' if category else ""
    return (
        f"<metadatafield{attribute}><fieldName>{name}</fieldName>"
        f"<mandatory>{str(mandatory).lower()}</mandatory><dataType>{data_type}</dataType>"
        f"{after_type}{extra}</metadatafield>"
    )


def profile_of(*fields: str, profile_type: str = "P") -> Profile:
    body = f'<metadataformat type="{profile_type}">{"".join(fields)}</metadataformat>'
    return parse_profile(body.encode())


def refusal(profile: Profile, extras: list[tuple[str, str]], **options: bool) -> InvalidInput:
    with pytest.raises(InvalidInput) as refused:
        validate_item(profile, [], [("system:type", profile.type), *extras], ["t"], **options)
    return refused.value


def stored(
    profile: Profile,
    extras: list[tuple[str, str]],
    namespaces: list[str] | None = None,
    **options: bool,
) -> list[tuple[str, str]]:
    result = validate_item(
        profile, namespaces or [], [("system:type", profile.type), *extras], ["t"], **options
    )
    return list(result.extras)


def test_categories_sort_by_namespace_order_and_unknown_ones_as_uncategorised() -> None:
    profile = profile_of(
        field_xml("A", category="second"),
        field_xml("B", category="unknown"),
        field_xml("C"),
        field_xml("D", category="first"),
    )
    sent = [("C", "c"), ("unknown:B", "b"), ("first:D", "d"), ("second:A", "a")]
    assert stored(profile, sent, ["first", "second"]) == [
        ("first:D", "d"),
        ("second:A", "a"),
        ("unknown:B", "b"),
        ("C", "c"),
        ("system:type", "P"),
    ]


def test_a_repeated_namespace_ranks_by_its_first_place() -> None:
    profile = profile_of(
        field_xml("C", category="unknown"),
        field_xml("A", category="a"),
        field_xml("B", category="b"),
    )
    sent = [("unknown:C", "c"), ("b:B", "b"), ("a:A", "a")]
    assert [k for k, _ in stored(profile, sent, ["b", "b", "a"])] == [
        "b:B",
        "a:A",
        "unknown:C",
        "system:type",
    ]


def test_the_first_of_two_fields_with_one_name_claims_all_values() -> None:
    profile = profile_of(field_xml("F", data_type="Number"), field_xml("F", data_type="Boolean"))
    assert stored(profile, [("F", "1"), ("F", "2")]) == [
        ("F", "1"),
        ("F", "2"),
        ("F", ""),
        ("system:type", "P"),
    ]


def test_two_mandatory_fields_with_one_name_add_up_their_bounds() -> None:
    profile = profile_of(field_xml("F", mandatory=True), field_xml("F", mandatory=True))
    assert len(stored(profile, [("F", "1"), ("F", "2")])) == 3
    assert "([min = 2, max=2])" in refusal(profile, [("F", "1")]).message


def test_placeholders_follow_matched_fields_and_precede_unclaimed_extras() -> None:
    profile = profile_of(
        field_xml("Absent", extra="<defaultValue>d</defaultValue>"), field_xml("Present")
    )
    assert stored(profile, [("zeta", "1"), ("Present", "p"), ("alpha", "2")]) == [
        ("Present", "p"),
        ("Absent", ""),
        ("zeta", "1"),
        ("alpha", "2"),
        ("system:type", "P"),
    ]


def test_item_url_is_dropped_and_the_last_system_type_is_kept_last() -> None:
    profile = profile_of(field_xml("F"))
    extras = [("system:type", "Other"), ("Item URL", "http://x"), ("system:type", "P"), ("F", "v")]
    result = validate_item(profile, [], extras, ["t"])
    assert list(result.extras) == [("F", "v"), ("system:type", "P")]


def test_select_profile_takes_the_named_one_among_several() -> None:
    first, second = (
        profile_of(field_xml("F"), profile_type="A"),
        profile_of(field_xml("G"), profile_type="B"),
    )
    assert select_profile([first, second], [("system:type", "B")]) is second


def test_validating_against_another_profile_than_the_item_names_is_refused() -> None:
    with pytest.raises(InvalidInput) as refused:
        validate_item(profile_of(field_xml("F")), [], [("system:type", "Q")], ["t"])
    assert "('Q')" in refused.value.message


def test_a_profile_without_fields_keeps_the_extras_unchanged_and_needs_no_tag() -> None:
    extras = [("Item URL", "http://x"), ("system:type", "P"), ("k", "v")]
    result = validate_item(Profile("P", ()), [], extras, [])
    assert list(result.extras) == extras
    assert result.tags == ()
    assert result.groups == ()


def test_an_extra_without_a_key_is_refused() -> None:
    assert refusal(profile_of(field_xml("F")), [("", "v")]).problems[0].location == "extras"


def test_an_empty_value_of_a_field_with_a_vocabulary_is_refused_even_if_optional() -> None:
    vocabulary = "<vocabulary><vocabularyField>a</vocabularyField></vocabulary>"
    error = refusal(profile_of(field_xml("F", extra=vocabulary)), [("F", "")])
    assert error.message.startswith("Mandatory field with name 'F' doesn't have a value")


def test_a_mandatory_field_sent_twice_without_multi_selection_is_refused() -> None:
    error = refusal(profile_of(field_xml("F", mandatory=True)), [("F", "a"), ("F", "b")])
    assert error.message.endswith("([min = 1, max=1]).")


def test_patterns_and_vocabularies_apply_to_text_fields_but_not_to_numbers() -> None:
    pattern = "<validator><regularExpression>[a-z]+</regularExpression></validator>"
    text = profile_of(field_xml("F", data_type="Text", extra=pattern))
    assert "regular expression ([a-z]+)" in refusal(text, [("F", "ABC")]).message
    number = profile_of(field_xml("F", data_type="Number", extra=pattern))
    assert stored(number, [("F", "12")])[0] == ("F", "12")


@pytest.mark.parametrize(
    ("data_type", "value", "wording"),
    [
        ("Time", "yesterday", "Field with key 'F' doesn't seem a valid time!"),
        (
            "Times_ListOf",
            "2020-01-01,never",
            "Field with key 'F' doesn't seem a valid list of times!",
        ),
    ],
)
def test_time_types_give_gcats_messages(data_type: str, value: str, wording: str) -> None:
    assert refusal(profile_of(field_xml("F", data_type=data_type)), [("F", value)]).message == (
        wording
    )


def test_a_catastrophic_pattern_refuses_the_value_within_its_time_limit() -> None:
    pattern = "<validator><regularExpression>^(a|a)+$</regularExpression></validator>"
    profile = profile_of(field_xml("F", extra=pattern))
    started = time.monotonic()
    with pytest.raises(InvalidInput) as refused:
        validate_item(
            profile, [], [("system:type", "P"), ("F", "a" * 40 + "!")], ["t"], match_timeout=0.05
        )
    assert time.monotonic() - started < NOT_A_HANG
    assert refused.value.message == (
        "Field with key 'F' could not be checked: matching its regular expression"
        " (^(a|a)+$) took too long!"
    )
    assert refused.value.problems[0].location == "F"


def test_all_matches_of_one_item_share_a_time_limit() -> None:
    pattern = "<validator><regularExpression>(?:(a|a)+$|.*)</regularExpression></validator>"
    profile = profile_of(field_xml("F", extra=pattern))
    slow_but_matching = [("F", "a" * 17 + "!") for _ in range(200)]
    started = time.monotonic()
    with pytest.raises(InvalidInput) as refused:
        validate_item(profile, [], [("system:type", "P"), *slow_but_matching], ["t"])
    assert time.monotonic() - started < NOT_A_HANG
    assert "took too long" in refused.value.message


TAGGED = '<tagging create="false" separator="{sep}">{rule}</tagging>'


@pytest.mark.parametrize(
    ("rule", "separator", "tag"),
    [
        ("onFieldName", "-", "Field"),
        ("onValue", "-", "Some value"),
        ("onFieldName_onValue", ":", "Field:Some value"),
        ("onValue_onFieldName", " ", "Some value Field"),
    ],
)
def test_each_tagging_rule_adds_its_tag_whatever_create_says(
    rule: str, separator: str, tag: str
) -> None:
    profile = profile_of(
        field_xml("Field", category="c", extra=TAGGED.format(sep=separator, rule=rule))
    )
    result = validate_item(profile, ["c"], [("system:type", "P"), ("c:Field", "Some value")], [])
    assert result.tags == (tag,)


def test_a_long_tag_is_cut_to_100_characters_and_duplicates_are_kept() -> None:
    profile = profile_of(field_xml("F", extra=TAGGED.format(sep="-", rule="onValue")))
    long_value = "x" * 150
    result = validate_item(
        profile, [], [("system:type", "P"), ("F", long_value), ("F", long_value)], []
    )
    assert result.tags == ("x" * 100, "x" * 100)


def test_a_tag_is_derived_from_the_default_that_replaced_an_empty_value() -> None:
    profile = profile_of(
        field_xml(
            "F",
            extra="<defaultValue>fallback</defaultValue>" + TAGGED.format(sep="-", rule="onValue"),
        )
    )
    result = validate_item(profile, [], [("system:type", "P"), ("F", "")], [])
    assert result.tags == ("fallback",)
    assert result.extras[0] == ("F", "fallback")


def test_test_profile_groups_on_field_name_and_value_as_two_groups(test_profile: Profile) -> None:
    extras = [("system:type", "TestProfile"), ("FSKX_model_scope:Population", "Fish Stock")]
    result = validate_item(test_profile, ["FSKX_model_scope"], extras, [])
    assert result.tags == ("Fish Stock",)
    assert result.groups == (
        GroupToAdd("population", "Population", create=True, propagate_up=False),
        GroupToAdd("fish-stock", "Fish Stock", create=True, propagate_up=False),
    )


def test_groups_carry_create_and_propagate_up_and_are_listed_once() -> None:
    grouping = '<grouping create="false" propagateUp="true">onValue</grouping>'
    profile = profile_of(field_xml("F", extra=grouping))
    result = validate_item(
        profile, [], [("system:type", "P"), ("F", "Sea"), ("F", "sea"), ("F", "")], ["t"]
    )
    assert result.groups == (GroupToAdd("sea", "Sea", create=False, propagate_up=True),)


def test_max_occurs_is_ignored_by_default_and_enforced_on_request() -> None:
    profile = profile_of(
        field_xml("Once", after_type="<maxOccurs>1</maxOccurs>"),
        field_xml("Any", after_type="<maxOccurs>*</maxOccurs>"),
        field_xml("Unsaid"),
    )
    twice = [("Once", "a"), ("Once", "b")]
    assert [k for k, _ in stored(profile, twice)].count("Once") == 2
    error = refusal(profile, twice, enforce_max_occurs=True)
    assert error.message == (
        "Field with key 'Once' has 2 values, more than its maxOccurs allows ([min = 0, max=1])."
    )
    many = [("Any", str(n)) for n in range(5)]
    assert len(stored(profile, many, enforce_max_occurs=True)) == 5 + 2 + 1
    unsaid = refusal(profile, [("Unsaid", "a"), ("Unsaid", "b")], enforce_max_occurs=True)
    assert unsaid.problems[0].location == "Unsaid"


def test_max_occurs_absent_allows_a_multi_selection_vocabulary_size() -> None:
    vocabulary = (
        '<vocabulary isMultiSelection="true"><vocabularyField>a</vocabularyField>'
        "<vocabularyField>b</vocabularyField></vocabulary>"
    )
    profile = profile_of(field_xml("F", extra=vocabulary))
    both = [("F", "a"), ("F", "b")]
    assert len(stored(profile, both, enforce_max_occurs=True)) == 3
    assert "max=2" in refusal(profile, [*both, ("F", "a")], enforce_max_occurs=True).message


def test_a_field_built_in_code_has_gcats_defaults() -> None:
    field = ProfileField("F")
    assert field.qualified_name == "F"
    assert not field.mandatory
    assert field.vocabulary is None
    assert ProfileField("F", category="ns").qualified_name == "ns:F"


@pytest.mark.parametrize(
    ("title", "name"),
    [
        ("Italy", "italy"),
        (" Sea & Ocean ", "sea-ocean"),
        ("--Already-Dashed--", "already-dashed"),
        ("Côte d'Ivoire", "c-te-d-ivoire"),
        ("snake_case", "snake-case"),
        ("\t42\n", "42"),
    ],
)
def test_group_names_from_titles(title: str, name: str) -> None:
    assert group_name_from_title(title) == name
