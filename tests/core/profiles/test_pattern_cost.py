"""Patterns whose compilation would explode are refused before `regex` compiles them."""

from __future__ import annotations

import time

import pytest

from fairdepot.core.errors import InvalidInput
from fairdepot.core.profiles import parse_profile
from fairdepot.core.profiles.java_regex import InvalidPattern, JavaPattern
from fairdepot.core.profiles.pattern_cost import expansion_weight
from tests.support.timing import NOT_A_HANG

SO_BIG_DATA_CREATOR = (
    r"^[a-zA-Z .'-]+, [a-zA-Z .'-]+[, ]*([a-zA-Z0-9_!#$%’*+=?`{|}~^.-]+@[a-zA-Z0-9.-]+)?[, ]*"
    r"(orcid.org\/\/0000-000(1-[5-9]|2-[0-9]|3-[0-4])\d\d\d-\d\d\d[\dX])?$"
)


@pytest.mark.parametrize(
    ("pattern", "weight"),
    [
        ("abc", 3),
        ("a{5}", 5),
        ("(ab){3}", 6),
        ("((a{10}){10}){10}", 1000),
        ("a{2,1000}", 2),
        ("a{0}b", 1),
        (r"\p{L}{4}", 4),
        ("[a-z{}]{3}", 3),
        ("[[a-z]&&[^e]]{2}", 2),
        ("x{y}", 4),
    ],
)
def test_the_weight_counts_unrolled_repeats(pattern: str, weight: int) -> None:
    assert expansion_weight(pattern, 10**9) == weight


def test_real_profile_patterns_weigh_little() -> None:
    assert expansion_weight(SO_BIG_DATA_CREATOR, 10**9) < 200
    assert JavaPattern.compile(SO_BIG_DATA_CREATOR).matches(
        "Smith, John, js@acme.org, orcid.org//0000-0002-1825-0097"
    )


@pytest.mark.parametrize(
    "pattern",
    ["((((a{100}){100}){100}){100})", "a{4294967294}", "a{" + "9" * 5000 + "}"],
)
def test_an_exploding_pattern_is_refused_at_once(pattern: str) -> None:
    started = time.monotonic()
    with pytest.raises(InvalidPattern, match="too complex"):
        JavaPattern.compile(pattern)
    assert time.monotonic() - started < NOT_A_HANG


def test_nesting_too_deep_for_the_compiler_is_an_invalid_pattern() -> None:
    with pytest.raises(InvalidPattern):
        JavaPattern.compile("(" * 5000 + "a" + ")" * 5000)


def test_the_budget_is_shared_by_all_of_a_profiles_patterns() -> None:
    field = (
        "<metadatafield><fieldName>F{n}</fieldName><dataType>String</dataType><validator>"
        "<regularExpression>a{{60000}}</regularExpression></validator></metadatafield>"
    )
    fields = "".join(field.format(n=n) for n in range(4))
    started = time.monotonic()
    with pytest.raises(InvalidInput) as refused:
        parse_profile(f'<metadataformat type="T">{fields}</metadataformat>'.encode())
    assert time.monotonic() - started < NOT_A_HANG
    assert "'F3'" in refused.value.message
    assert "too complex" in refused.value.message
