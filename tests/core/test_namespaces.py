"""Namespaces read from an operator's JSON list: in order, every problem with its place."""

from __future__ import annotations

import pytest

from fairdepot.core.errors import InvalidInput
from fairdepot.core.namespaces import Namespace, parse_namespaces


def test_a_list_of_namespaces_keeps_its_order_and_takes_gcats_name_back() -> None:
    parsed = parse_namespaces(
        [
            {"id": "coverage", "title": "Coverage", "description": "Where and when"},
            {"id": "contact", "name": "contact", "title": "Contact"},
        ]
    )
    assert parsed == [
        Namespace("coverage", "Coverage", "Where and when"),
        Namespace("contact", "Contact", ""),
    ]


@pytest.mark.parametrize(
    ("data", "where"),
    [
        ({"id": "x"}, ""),
        (["x"], "[0]"),
        ([{"title": "no id"}], "[0].id"),
        ([{"id": "has:colon"}], "[0].id"),
        ([{"id": "a"}, {"id": "a"}], "[1].id"),
        ([{"id": "a", "title": 3}], "[0].title"),
        ([{"id": "a", "colour": "red"}], "[0].colour"),
    ],
    ids=["not-a-list", "not-an-object", "no-id", "colon", "twice", "title-type", "unknown-key"],
)
def test_bad_lists_are_refused_saying_where(data: object, where: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        parse_namespaces(data)
    assert where in [p.location for p in refused.value.problems]
