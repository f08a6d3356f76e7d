"""Profile patterns: Java's whole-value match, Java syntax that regex lacks, and the time limit."""

from __future__ import annotations

import time

import pytest

from fairdepot.core.profiles.java_regex import JavaPattern, PatternTimeout
from tests.support.timing import NOT_A_HANG


def test_a_match_is_of_the_whole_value_as_java_matches() -> None:
    pattern = JavaPattern.compile("[0-9]+")
    assert pattern.matches("123")
    assert not pattern.matches("123abc")
    assert not pattern.matches("abc123")


def test_a_trailing_newline_is_not_swallowed_by_the_end_anchor() -> None:
    assert not JavaPattern.compile(r"^10\.[0-9]{4}/\S+$").matches("10.1234/x\n")


def test_shorthand_classes_are_ascii_as_in_java() -> None:
    assert not JavaPattern.compile(r"\d+").matches("١٢٣")
    assert not JavaPattern.compile(r"\w+").matches("café")
    assert not JavaPattern.compile(r"\s").matches("\u00a0")
    assert JavaPattern.compile(r"\S+").matches("\u00a0é")
    assert JavaPattern.compile(r"\p{L}+").matches("café")


def test_shorthand_classes_inside_a_class_keep_their_meaning() -> None:
    number = JavaPattern.compile(r"[\d.]+")
    assert number.matches("1.25")
    assert not number.matches("1,25")
    not_digit = JavaPattern.compile(r"[^\d]+")
    assert not_digit.matches("ab")
    assert not not_digit.matches("a1")


def test_possessive_quantifiers_and_atomic_groups_mean_what_they_mean_in_java() -> None:
    assert not JavaPattern.compile("a++a").matches("aaa")
    assert not JavaPattern.compile("(?>a+)a").matches("aaa")
    assert JavaPattern.compile("a+a").matches("aaa")


def test_class_intersection_works_as_in_java() -> None:
    consonant = JavaPattern.compile("[a-z&&[^aeiou]]+")
    assert consonant.matches("xyz")
    assert not consonant.matches("xaz")


def test_quoted_text_is_literal() -> None:
    pattern = JavaPattern.compile(r"v\Q1.0+(x)\E-[0-9]")
    assert pattern.matches("v1.0+(x)-7")
    assert not pattern.matches("v1a0(x)-7")
    assert JavaPattern.compile(r"\Q.*").matches(".*")
    assert not JavaPattern.compile(r"\Q.*").matches("ab")


def test_an_escaped_backslash_before_q_is_not_a_quote() -> None:
    assert JavaPattern.compile(r"\\Q").matches("\\Q")


def test_a_catastrophic_pattern_times_out_instead_of_stalling() -> None:
    pattern = JavaPattern.compile("^(a|a)+$")
    started = time.monotonic()
    with pytest.raises(PatternTimeout):
        pattern.matches("a" * 40 + "!", timeout=0.05)
    assert time.monotonic() - started < NOT_A_HANG


def test_the_source_is_kept_as_written() -> None:
    assert JavaPattern.compile(r"\Qa\E").source == r"\Qa\E"
