"""A query is checked in core: a bad part is an InvalidQuery that says where it is."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from fairdepot.core.query import (
    MAX_OFFSET,
    And,
    Column,
    Comparison,
    Cursor,
    FacetRequest,
    Field,
    InvalidQuery,
    Not,
    Op,
    Or,
    Page,
    Query,
    SortKey,
    check_query,
    cmp,
    index_text,
    page_count,
    postgresql_pattern,
)


def _location(error: pytest.ExceptionInfo[InvalidQuery]) -> str | None:
    return error.value.problems[0].location


def test_fields_are_columns_or_paths_into_one_of_the_two_documents() -> None:
    assert Field.parse("name") == Field(column=Column.NAME)
    temperature = Field.parse("native.scientificMetadata.temperature.value")
    assert temperature.document == "native"
    assert temperature.path == ("scientificMetadata", "temperature", "value")
    assert temperature.dotted == "native.scientificMetadata.temperature.value"
    assert Field.parse("metadata.author.name").document == "metadata"


@pytest.mark.parametrize("text", ["", "nosuchcolumn", "native", "native.", "metadata..x"])
def test_a_field_that_is_neither_is_refused_by_name(text: str) -> None:
    with pytest.raises(InvalidQuery) as error:
        Field.parse(text, "where.eq")
    assert _location(error) == "where.eq"


def test_the_error_names_the_bad_part_of_a_nested_filter() -> None:
    good = Comparison(Field.parse("kind"), Op.EQ, "dataset")
    bad = Comparison(Field.parse("native.size"), Op.BETWEEN, (1,))
    query = Query(where=And((good, Or((good, Not(bad))))))
    with pytest.raises(InvalidQuery) as error:
        check_query(query)
    assert _location(error) == "where.and[1].or[1].not.between"
    assert "two values" in error.value.problems[0].message


@pytest.mark.parametrize(
    ("comparison", "words"),
    [
        (Comparison(Field.parse("native.a"), Op.IN, ()), "non-empty list"),
        (Comparison(Field.parse("native.a"), Op.EXISTS, 1), "true or false"),
        (Comparison(Field.parse("native.a"), Op.GT, True), "no order"),
        (Comparison(Field.parse("native.a"), Op.EQ, None), "one value"),
        (Comparison(Field.parse("native.a"), Op.EQ, float("nan")), "NaN"),
        (Comparison(Field.parse("native.a"), Op.GT, 10**400), "beyond"),
        (Comparison(Field.parse("native.a"), Op.BETWEEN, (1, "b")), "same type"),
        (Comparison(Field.parse("native.a"), Op.LIKE, 5), "string pattern"),
        (Comparison(Field.parse("native.a"), Op.EQ, datetime(2024, 1, 1)), "time zone"),
        (Comparison(Field.parse("created_at"), Op.GT, "yesterday"), "time values"),
        (Comparison(Field.parse("name"), Op.EQ, 3), "text values"),
        (Comparison(Field.parse("native.a"), Op.IN, tuple(range(1001))), "at most"),
    ],
)
def test_operators_refuse_values_of_the_wrong_shape(comparison: Comparison, words: str) -> None:
    with pytest.raises(InvalidQuery) as error:
        check_query(Query(where=comparison))
    assert words in error.value.problems[0].message
    assert _location(error) == f"where.{comparison.op.value}"


@pytest.mark.parametrize("pattern", ["(a+)+$", "(a|aa)*b", r"(x)\1", "(?=a)b", "(", "a" * 300])
def test_regular_expressions_that_could_run_for_ever_or_do_not_compile_are_refused(
    pattern: str,
) -> None:
    with pytest.raises(InvalidQuery):
        cmp("native.a", "regexp", pattern)


def test_safe_regular_expressions_pass() -> None:
    cmp("native.a", "regexp", r"^ab[0-9]+c?$")


@pytest.mark.parametrize(
    "pattern", ["a++", "a*+b", "x?+", "a{2}+", "(?>ab)c", "a{256}", "a{1,300}"]
)
def test_regular_expressions_postgresql_cannot_read_are_refused(pattern: str) -> None:
    # Python compiles each of these; PostgreSQL answers "invalid regular expression"
    with pytest.raises(InvalidQuery) as error:
        cmp("native.a", "regexp", pattern)
    assert "not supported" in error.value.message or "at most 255" in error.value.message


@pytest.mark.parametrize(
    "pattern", [r"\++", "[+]+", "[]+]+", "[^]+]+", "a{255}", "{+", "a{,3}", r"a\{2}+", "a+?"]
)
def test_escaped_or_literal_pluses_and_braces_are_not_mistaken_for_quantifiers(
    pattern: str,
) -> None:
    cmp("native.a", "regexp", pattern)


def test_paging_bounds_and_cursors_are_checked() -> None:
    with pytest.raises(InvalidQuery) as error:
        check_query(Query(page=Page(limit=0)))
    assert _location(error) == "limit"
    with pytest.raises(InvalidQuery):
        check_query(Query(page=Page(offset=-1)))
    check_query(Query(page=Page(offset=MAX_OFFSET)))
    with pytest.raises(InvalidQuery) as error:  # no database holds 10**20 (64-bit integers)
        check_query(Query(page=Page(offset=10**20)))
    assert _location(error) == "offset"
    cursor = Cursor((1.0,), 7)
    with pytest.raises(InvalidQuery) as error:
        check_query(Query(page=Page(after=cursor)))  # one sort value, no sort key
    assert _location(error) == "cursor"
    with pytest.raises(InvalidQuery):
        check_query(Query(sort=(SortKey(Field.parse("name")),), page=Page(offset=2, after=cursor)))
    with pytest.raises(InvalidQuery):
        check_query(Query(text="x", page=Page(after=Cursor((), 1))))
    with pytest.raises(InvalidQuery) as error:
        check_query(Query(facets=(FacetRequest(Field.parse("kind"), limit=0),)))
    assert _location(error) == "facets[0]"


def test_a_cursor_survives_its_text_form_and_a_forged_one_is_refused() -> None:
    when = datetime(2024, 5, 1, 12, tzinfo=UTC)
    cursor = Cursor((1.5, "x", when, None), 42)
    assert Cursor.decode(cursor.encode()) == cursor
    for forged in ("%%%", "eyJrIjpbXX0", Cursor((), 1).encode()[:-3]):
        with pytest.raises(InvalidQuery):
            Cursor.decode(forged)


def test_long_strings_are_cut_on_a_character_within_the_index_bound() -> None:
    cut = index_text("é" * 2000)
    assert len(cut.encode()) <= 1000
    assert cut == "é" * 500
    assert index_text("short") == "short"


@pytest.mark.parametrize(
    ("value", "limit", "expected"),
    [
        (None, True, 25),
        (0, False, 0),
        (1000, True, 1000),
        (1001, False, 1001),
        (MAX_OFFSET, False, MAX_OFFSET),
    ],
)
def test_a_page_count_from_a_client(value: object, limit: bool, expected: int) -> None:
    assert page_count(value, "filter.skip", 25, limit=limit) == expected


@pytest.mark.parametrize(
    ("value", "limit"),
    [(-1, False), (1.5, False), (True, True), ("3", False), (1001, True), (10**20, False)],
)
def test_a_bad_page_count_names_where_it_is(value: object, limit: bool) -> None:
    with pytest.raises(InvalidQuery) as error:
        page_count(value, "filter.skip", 25, limit=limit)
    assert _location(error) == "filter.skip"


@pytest.mark.parametrize("pattern", ["[[:alpha:]]+", "x[[:digit:]]", "[[=a=]]", r"[\b]", r"[a\B]"])
def test_regular_expressions_the_databases_read_differently_are_refused(pattern: str) -> None:
    """POSIX classes are character sets to Python; a class's \\b is a backspace to one of them."""
    with pytest.raises(InvalidQuery):
        cmp("native.a", "regexp", pattern)


@pytest.mark.parametrize(
    ("pattern", "postgresql"),
    [
        (r"^compat\b", r"^compat\y"),
        (r"a\Bb", r"a\Yb"),
        (r"\\b", r"\\b"),  # an escaped backslash, then a letter b
        (r"[]b]\b", r"[]b]\y"),
        ("plain", "plain"),
    ],
)
def test_word_boundaries_are_written_as_postgresql_reads_them(
    pattern: str, postgresql: str
) -> None:
    assert postgresql_pattern(pattern) == postgresql
