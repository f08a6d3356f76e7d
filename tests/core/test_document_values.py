"""What a query can match: every value of both documents, typed, with SI values for units."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from fairdepot.core.document_values import (
    MAX_VALUES_PER_RECORD,
    NATIVE_COMPLETE_PATH,
    DocumentValue,
    document_strings,
    document_values,
    parse_timestamp,
)
from fairdepot.core.metadata.units import to_si


def _at(values: list[DocumentValue], path: str) -> list[DocumentValue]:
    return [v for v in values if v.path == path]


def test_leaves_are_typed_and_array_elements_share_the_array_path() -> None:
    values = document_values(
        {"n": 3, "flag": True, "tags": ["a", "b"], "people": [{"name": "x"}, {"name": "y"}]},
        {"when": "2024-02-03T04:05:06Z", "none": None},
    )
    assert _at(values, "native.n") == [DocumentValue("native.n", number=3.0)]
    assert _at(values, "native.flag") == [DocumentValue("native.flag", boolean=True)]
    assert [v.text for v in _at(values, "native.tags") if v.text] == ["a", "b"]
    assert [v.text for v in _at(values, "native.people.name")] == ["x", "y"]
    (when,) = _at(values, "metadata.when")
    assert when.time == datetime(2024, 2, 3, 4, 5, 6, tzinfo=UTC)
    assert when.text == "2024-02-03T04:05:06Z"
    # present but valueless: objects, arrays and nulls, so that `exists` holds for them
    assert _at(values, "metadata.none") == [DocumentValue("metadata.none")]
    assert DocumentValue("native.people") in values


def test_a_value_with_a_unit_also_has_its_si_value() -> None:
    values = document_values({"t": {"value": 5, "unit": "mm"}}, None)
    (si,) = _at(values, "native.t.valueSI")
    assert si.number == pytest.approx(0.005)
    assert _at(values, "native.t.unitSI")[0].text == "m"


def test_a_unit_pint_does_not_know_or_a_given_si_value_adds_nothing() -> None:
    assert not _at(
        document_values({"t": {"value": 5, "unit": "furlongz"}}, None), "native.t.valueSI"
    )
    given = document_values({"t": {"value": 5, "unit": "mm", "valueSI": 7}}, None)
    assert [v.number for v in _at(given, "native.t.valueSI")] == [7.0]


def test_offset_units_convert_to_kelvin() -> None:
    kelvin = to_si(20, "degC")
    assert kelvin is not None
    assert kelvin[0] == pytest.approx(293.15)
    assert kelvin[1] == "K"
    assert to_si(1, "x" * 100) is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2024-01-02", datetime(2024, 1, 2, tzinfo=UTC)),
        ("2024-01-02T03:04:05+02:00", datetime(2024, 1, 2, 1, 4, 5, tzinfo=UTC)),
        ("2024-13-02", None),
        ("12345", None),
        ("not a date", None),
    ],
)
def test_iso_timestamps_are_times_and_nothing_else_is(text: str, expected: datetime | None) -> None:
    assert parse_timestamp(text) == expected


def test_the_number_of_values_per_record_is_bounded() -> None:
    values = document_values({"many": list(range(MAX_VALUES_PER_RECORD + 10))}, None)
    assert len(values) == MAX_VALUES_PER_RECORD


def test_the_complete_mark_is_indexed_only_when_every_native_value_is() -> None:
    """storage/db/child_listings.py trusts the index for a record with the mark and reads
    the document of one without: the mark must never sit beside a cut-off native document."""
    metadata = {"@id": "ark:99999/x"}
    for length in (0, 10, MAX_VALUES_PER_RECORD - 3):
        values = document_values({"many": list(range(length))}, metadata)
        native = [v for v in values if v.path.startswith("native")]
        assert len(native) == length + 2  # the document's root, the array's, its items
        assert NATIVE_COMPLETE_PATH in {v.path for v in values}
    for length in (MAX_VALUES_PER_RECORD - 2, MAX_VALUES_PER_RECORD + 10):
        values = document_values({"many": list(range(length))}, metadata)
        assert NATIVE_COMPLETE_PATH not in {v.path for v in values}
    assert NATIVE_COMPLETE_PATH not in {v.path for v in document_values({"a": 1}, None)}


def test_full_text_gets_every_string_once_but_not_json_ld_structure() -> None:
    strings = list(
        document_strings(
            {"deep": {"deeper": ["needle", "needle"]}},
            {"@id": "ark:99999/x", "@type": "Dataset", "author": {"name": "Ada"}},
        )
    )
    assert strings == ["needle", "Ada"]


def test_an_integer_beyond_a_double_is_present_but_not_a_number() -> None:
    (huge,) = _at(document_values({"big": 10**400}, None), "native.big")
    assert huge == DocumentValue("native.big")


@pytest.mark.parametrize(
    ("value", "unit", "si", "symbol"),
    [(5, "mm", 0.005, "m"), (-40, "degC", 233.15, "K"), (2.5, "keV", 4.005e-16, "kg*m**2/s**2")],
)
def test_conversions_are_exact_for_every_value_not_only_the_first(value, unit, si, symbol) -> None:
    to_si(1, unit)  # the unit's conversion is now cached
    converted = to_si(value, unit)
    assert converted is not None
    assert converted[0] == pytest.approx(si, rel=1e-3)
    assert converted[1] == symbol
