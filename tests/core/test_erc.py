"""The `?info` ERC kernel is produced from any metadata a record can hold."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fairdepot.core.erc import erc_kernel
from fairdepot.core.records import Access, Face, Record

JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=10),
    lambda inner: (
        st.lists(inner, max_size=3)
        | st.dictionaries(st.sampled_from(["name", "@id", "@value", "x"]), inner, max_size=3)
    ),
    max_leaves=10,
)


def _record(metadata: dict[str, Any]) -> Record:
    return Record(
        "ark:99999/fd1x",
        "Dataset",
        Face.FAIRSCAPE,
        metadata,
        Access("u1"),
        name="X",
        created_at=datetime(2025, 1, 2, tzinfo=UTC),
        owner_username="alice",
    )


def _field(kernel: str, name: str) -> str:
    return next(line for line in kernel.splitlines() if line.startswith(f"{name}: "))[
        len(name) + 2 :
    ]


@pytest.mark.parametrize(
    ("author", "who"),
    [
        ([{"name": 5}], "5"),
        ([{"name": None}], "alice"),
        ([{"name": {"name": "Ann"}}], "Ann"),
        ([{"name": ["Ann", "Bo"]}], "Ann; Bo"),
        ([{"name": None, "@id": "https://orcid.org/0000"}, "Cy"], "https://orcid.org/0000; Cy"),
        ({"name": 7.5}, "7.5"),
        ([[["deep"]]], "deep"),
        ([{"name": 10**5000}], "alice"),
        ([], "alice"),
        ("Dee\nEve", "Dee Eve"),
    ],
)
def test_who_is_read_from_any_author_shape(author: Any, who: str) -> None:
    assert _field(erc_kernel(_record({"author": author}), "http://h"), "who") == who


@settings(max_examples=200, deadline=None)
@given(author=JSON_VALUES, published=JSON_VALUES)
def test_the_kernel_is_produced_from_any_json(author: Any, published: Any) -> None:
    kernel = erc_kernel(_record({"author": author, "datePublished": published}), "http://h")
    lines = kernel.splitlines()
    assert lines[0] == "erc:"
    assert [line.split(":", 1)[0] for line in lines[1:5]] == ["who", "what", "when", "where"]
    assert all(line.strip() for line in lines)
