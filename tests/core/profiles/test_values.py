"""The data type predicates: Number (commons-lang 2.x), Time and its lists, Boolean, GeoJSON."""

from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from fairdepot.core.profiles.values import (
    is_boolean,
    is_geojson,
    is_number,
    is_time,
    is_time_interval,
    is_times_list,
    java_split,
)


def commons_lang_is_number(text: str) -> bool:
    """An independent oracle: commons-lang 2.6 `isNumber`'s scan, one character at a time."""
    if not text:
        return False
    start = 1 if text[0] == "-" else 0
    if text[start : start + 2] == "0x":
        digits = text[start + 2 :]
        return bool(digits) and all(c in "0123456789abcdefABCDEF" for c in digits)
    seen_exponent = seen_point = sign_allowed = seen_digit = False
    last = len(text) - 1
    index = start
    while index < last:
        char = text[index]
        if "0" <= char <= "9":
            seen_digit, sign_allowed = True, False
        elif char == ".":
            if seen_point or seen_exponent:
                return False
            seen_point = True
        elif char in "eE":
            if seen_exponent or not seen_digit:
                return False
            seen_exponent = sign_allowed = True
        elif char in "+-":
            if not sign_allowed:
                return False
            sign_allowed, seen_digit = False, False
        else:
            return False
        index += 1
    if index <= last:
        char = text[index]
        if "0" <= char <= "9":
            return True
        if char in "eE":
            return False
        if char == ".":
            return not (seen_point or seen_exponent) and seen_digit
        if not sign_allowed and char in "dDfF":
            return seen_digit
        if char in "lL":
            return seen_digit and not seen_exponent
        return False
    return not sign_allowed and seen_digit


@pytest.mark.parametrize(
    "text",
    [
        "42",
        "-42",
        "007",
        "1.5",
        "1.",
        ".5",
        "-.5",
        "1e5",
        "1E-5",
        "1.5e+3",
        "1.e5",
        "0x1F",
        "-0xff",
        "42L",
        "1.5L",
        "2d",
        "2.5F",
        "1e5d",
        "1.d",
    ],
)
def test_numbers_commons_lang_accepts(text: str) -> None:
    assert is_number(text)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "-",
        ".",
        "+1",
        " 1",
        "1 ",
        "1e",
        "1e+",
        "e5",
        ".e5",
        "1..2",
        "1.5.",
        "1e5.",
        "1e5L",
        "0x",
        "0X1F",
        "0xg",
        "1-5",
        "--1",
        "forty-two",
        "1,5",
        "١٢",
        "NaN",
        "Infinity",
        "1e5e",
    ],
)
def test_texts_commons_lang_refuses(text: str) -> None:
    assert not is_number(text)


@given(st.text(alphabet="0123456789-+.eExXaAfFdDlL ", max_size=8))
def test_number_predicate_agrees_with_commons_langs_scan(text: str) -> None:
    assert is_number(text) == commons_lang_is_number(text)


@pytest.mark.parametrize(
    "text",
    [
        "2020-01-01",
        "2020-01-01 10:30",
        "2020-01-01T10:00Z",
        "2020-13-45",
        "2020-1-1",
        " 2020- 01- 01",
        "20-01-01",
        "2020-01-01garbage",
    ],
)
def test_times_simpledateformat_parses_leniently(text: str) -> None:
    assert is_time(text)


@pytest.mark.parametrize(
    "text", ["", "2020-01", "last year", "2020/01/01", "01.01.2020", "x2020-01-01", "2020-01-"]
)
def test_texts_that_are_no_time(text: str) -> None:
    assert not is_time(text)


def test_java_split_drops_trailing_empty_parts_only() -> None:
    assert java_split("a/b", "/") == ["a", "b"]
    assert java_split("a/b//", "/") == ["a", "b"]
    assert java_split("/a", "/") == ["", "a"]
    assert java_split("", "/") == [""]
    assert java_split("/", "/") == []


def test_time_intervals() -> None:
    assert is_time_interval("2020-01-01/2020-12-31")
    assert is_time_interval("2020-01-01")
    assert is_time_interval("2020-01-01/")
    assert not is_time_interval("last year")
    assert not is_time_interval("/2020-01-01")
    assert not is_time_interval("2020-01-01/soon")


def test_lists_of_times_check_every_element() -> None:
    assert is_times_list("2020-01-01,2020-02-01/2020-03-01")
    assert not is_times_list("2020-01-01/2020-02-01/2020-03-01")
    assert not is_times_list("2020-01-01,garbage")
    assert not is_times_list("2020-01-01,2020-02-01,2020-03-01/x")


@pytest.mark.parametrize(
    ("text", "valid"),
    [
        ("true", True),
        ("FALSE", True),
        ("True", True),
        ("yes", False),
        ("1", False),
        ("", False),
        (" true", False),
    ],
)
def test_booleans(text: str, valid: bool) -> None:
    assert is_boolean(text) is valid


POINT = {"type": "Point", "coordinates": [12.5, 41.9]}
POLYGON = {"type": "Polygon", "coordinates": [[[0, 0], [1, 0], [1, 1], [0, 0]]]}


@pytest.mark.parametrize(
    "document",
    [
        POINT,
        {"type": "Point", "coordinates": [12.5, 41.9, 20]},
        {"type": "LineString", "coordinates": [[0, 0], [1, 1]]},
        {"type": "MultiPoint", "coordinates": []},
        POLYGON,
        {"type": "MultiPolygon", "coordinates": [POLYGON["coordinates"]]},
        {"type": "GeometryCollection", "geometries": [POINT, POLYGON]},
        {"type": "Feature", "geometry": POINT, "properties": {"name": "Rome"}},
        {"type": "Feature", "geometry": None, "properties": None},
        {"type": "FeatureCollection", "features": [{"type": "Feature", "geometry": POINT}]},
    ],
)
def test_geojson_objects(document: object) -> None:
    assert is_geojson(json.dumps(document))


@pytest.mark.parametrize(
    "text",
    [
        '{"foo": 1}',
        "[12.5, 41.9]",
        "not json",
        '{"type": "Circle", "coordinates": [0, 0]}',
        '{"type": "Point"}',
        '{"type": "Point", "coordinates": [12.5]}',
        '{"type": "Point", "coordinates": [true, false]}',
        '{"type": "Point", "coordinates": ["12", "41"]}',
        '{"type": "Point", "coordinates": [NaN, 1]}',
        '{"type": "Polygon", "coordinates": [[0, 0], [1, 1]]}',
        '{"type": "Feature", "geometry": {"type": "Nope"}}',
        '{"type": "Feature", "geometry": null, "properties": []}',
        '{"type": "FeatureCollection", "features": [{"type": "Point", "coordinates": [0, 0]}]}',
        '{"type": "GeometryCollection"}',
        '{"type": "GeometryCollection", "geometries": [' * 5000 + "]}" * 5000,
    ],
)
def test_texts_that_are_no_geojson(text: str) -> None:
    assert not is_geojson(text)
