"""The strict JSON intake: what it refuses, where it says the problem is, what it keeps."""

from __future__ import annotations

import json
import sys
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fairdepot.core.crates.graph import parse_metadata
from fairdepot.core.errors import InvalidInput
from fairdepot.core.json_input import JsonLimits, check_json, format_path, load_json


def _refused(text: str | bytes, **kwargs: Any) -> list[tuple[str | None, str]]:
    with pytest.raises(InvalidInput) as raised:
        load_json(text, **kwargs)
    return [(p.location, p.message) for p in raised.value.problems]


@pytest.mark.parametrize("literal", ["NaN", "Infinity", "-Infinity"])
def test_non_json_constants_are_refused_where_they_are(literal: str) -> None:
    text = '{"author": [{"name": "a"}, {"probe": LITERAL}]}'.replace("LITERAL", literal)
    assert _refused(text) == [("author[1].probe", f"{literal} is not a JSON number")]


@pytest.mark.parametrize("literal", ["1e999", "-1e999", "1E400"])
def test_floats_that_overflow_to_infinity_are_refused(literal: str) -> None:
    ((where, message),) = _refused(f"[1, {literal}]")
    assert where == "[1]"
    assert "out of the range" in message


def test_numbers_longer_than_the_limit_are_refused_without_converting_them() -> None:
    ((where, message),) = _refused('{"n": ' + "7" * 5000 + "}")
    assert (where, message) == ("n", "a number of 5000 characters, over the limit of 100")
    assert load_json('{"n": ' + "7" * 30 + "}", JsonLimits(max_number_length=30)) == {
        "n": int("7" * 30)
    }


def test_nesting_within_the_limit_is_kept_and_beyond_it_is_refused_with_its_path() -> None:
    assert load_json("[" * 256 + "]" * 256) is not None
    ((where, message),) = _refused("[" * 257 + "]" * 257)
    assert message == "nested deeper than 256 levels"
    assert where is not None
    assert where.startswith("[0][0]")
    assert where.endswith("(256 levels deep)")


def test_nesting_deeper_than_the_parser_stack_is_refused_with_line_and_column() -> None:
    text = '{"a": 1,\n "deep": ' + "[" * 100_000 + "]" * 100_000 + "}"
    assert sys.getrecursionlimit() < 100_000
    assert _refused(text, source="x.json") == [
        ("x.json: line 2 column 265", "nested deeper than 256 levels")
    ]


def test_brackets_inside_strings_do_not_count_as_nesting_when_locating() -> None:
    text = '["[[[[", ' + "[" * 5000 + "]" * 5000 + "]"
    ((where, _),) = _refused(text.encode(), limits=JsonLimits(max_depth=3))
    assert where == "line 1 column 12"


def test_invalid_text_and_encoding_are_reported_with_the_source() -> None:
    assert _refused("{oops", source="body")[0][0] == "body"
    assert "line 1 column 2" in _refused("{oops", source="body")[0][1]
    assert _refused(b'"\xff"', source="f")[0][1].startswith("not UTF-8 text")


def test_a_crate_problem_names_the_entity_by_its_id() -> None:
    document = {
        "@context": "https://w3id.org/ro/crate/1.1/context",
        "@graph": [{"@id": "ro-crate-metadata.json"}, {"@id": "./", "probeNaN": "X"}],
    }
    raw = json.dumps(document).replace('"X"', "NaN").encode()
    with pytest.raises(InvalidInput) as raised:
        parse_metadata(raw)
    assert str(raised.value) == (
        'ro-crate-metadata.json: @graph[1] "./" probeNaN: NaN is not a JSON number'
    )


def test_check_json_refuses_decoded_values_at_any_depth_without_recursing() -> None:
    deep: Any = []
    for _ in range(100_000):
        deep = [deep]
    with pytest.raises(InvalidInput):
        check_json(deep)
    with pytest.raises(InvalidInput) as raised:
        check_json({"a": [1.0, float("nan")], "b": 10**500, "ok": True})
    assert [p.location for p in raised.value.problems] == ["a[1]", "b"]


def test_paths_read_as_users_write_them() -> None:
    assert format_path(()) == "(top level)"
    assert format_path(("author", 0, "name")) == "author[0].name"
    assert format_path((0, "x")) == "[0].x"


# NUL and unpaired surrogates are refused (tests of their own); every other character round-trips
_TEXT = st.characters(exclude_characters="\x00", exclude_categories=("Cs",))
_JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(_TEXT, max_size=8),
    lambda inner: st.lists(inner, max_size=4)
    | st.dictionaries(st.text(_TEXT, max_size=4), inner, max_size=4),
    max_leaves=20,
)  # fmt: skip


@settings(max_examples=200, deadline=None)
@given(_JSON)
def test_every_strict_json_document_round_trips_unchanged(value: Any) -> None:
    text = json.dumps(value, allow_nan=False)
    if all(len(t) <= 100 for t in text.replace("[", " ").replace("]", " ").split()):
        assert load_json(text) == json.loads(text)


def test_the_deepest_document_the_settings_allow_survives_everything_that_walks_it() -> None:
    """JSON_MAX_DEPTH's upper bound is safe for the recursive code that reads stored crates."""
    import copy
    import itertools

    from fairdepot.config import Settings
    from fairdepot.core.crates.plan import plan_crate
    from fairdepot.core.metadata.croissant import crate_to_croissant
    from fairdepot.core.metadata.rdf import serialize

    deepest = Settings.model_fields["json_max_depth"].metadata[-1].le
    nested = "[" * (deepest - 3) + "]" * (deepest - 3)  # document, @graph and entity add three
    text = (
        '{"@context": "https://w3id.org/ro/crate/1.1/context", "@graph": ['
        '{"@id": "ro-crate-metadata.json", "@type": "CreativeWork", "about": {"@id": "./"}},'
        '{"@id": "./", "@type": "Dataset", "name": "n", "deep": ' + nested + "}]}"
    )
    crate = parse_metadata(text.encode(), JsonLimits(max_depth=deepest))
    counter = itertools.count()
    plan = plan_crate(crate, set(), lambda: f"ark:99999/fd1x{next(counter)}")
    document = {"@context": crate.context, "@graph": [plan.descriptor, plan.root.metadata]}
    json.dumps(copy.deepcopy(document))
    crate_to_croissant(document)
    for media_type in ("text/turtle", "application/rdf+xml", "application/n-triples"):
        serialize({**plan.root.metadata, "@context": crate.context}, media_type)


@pytest.mark.parametrize(
    "text", ['{"name": "a\\u0000b"}', '{"a\\u0000": 1}', '{"list": ["ok", "\\u0000"]}']
)
def test_text_with_a_nul_character_is_refused_where_it_is(text: str) -> None:
    """PostgreSQL cannot store U+0000 in text or jsonb: refused at intake, never a 500 later."""
    with pytest.raises(InvalidInput, match="NUL"):
        load_json(text.encode(), JsonLimits())
    with pytest.raises(InvalidInput, match="NUL"):
        check_json(json.loads(text), JsonLimits())


@settings(max_examples=100, deadline=None)
@given(st.characters(categories=("Cs",)), st.booleans())
def test_an_unpaired_surrogate_is_refused_as_value_or_key(lone: str, as_key: bool) -> None:
    """No database driver can encode an unpaired surrogate: refused at intake, in a value or a
    key, at any depth (the round-trip test above covers every other character)."""
    document = {"outer": [{lone: 1}]} if as_key else {"outer": [{"name": lone}]}
    text = json.dumps(document)  # ensure_ascii: the surrogate arrives as a \\ud8xx escape
    with pytest.raises(InvalidInput, match="surrogate"):
        load_json(text.encode(), JsonLimits())
