"""The meaning of a core query in plain Python, over the same typed values the index holds.

The SQL compiled by storage/db/query.py must give the same answers (tests/storage/test_query.py
checks it on generated records and queries with hypothesis).
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any

from fairdepot.core.document_values import DocumentValue, document_values
from fairdepot.core.query import (
    NEGATIONS,
    And,
    Comparison,
    Filter,
    Not,
    Op,
    Or,
    ValueType,
    index_text,
    like_to_regexp,
    value_type,
)


def values_of(native: Any, metadata: Any) -> list[DocumentValue]:
    return document_values(native, metadata)


def typed(value: DocumentValue, kind: ValueType) -> Any:
    return {
        ValueType.NUMBER: value.number,
        ValueType.TEXT: value.text,
        ValueType.BOOLEAN: value.boolean,
        ValueType.TIME: value.time,
    }[kind]


def _norm(v: Any) -> Any:
    if isinstance(v, bool):
        return v
    if isinstance(v, int | float):
        return float(v)
    if isinstance(v, str):
        return index_text(v)
    if isinstance(v, datetime):
        return v.astimezone(UTC)
    return v


def matches(node: Filter, values: list[DocumentValue], columns: dict[str, Any]) -> bool:
    if isinstance(node, And):
        return all(matches(p, values, columns) for p in node.parts)
    if isinstance(node, Or):
        return any(matches(p, values, columns) for p in node.parts)
    if isinstance(node, Not):
        return not matches(node.part, values, columns)
    if node.op in NEGATIONS:
        return not matches(Comparison(node.field, NEGATIONS[node.op], node.value), values, columns)
    if node.field.column is not None:
        value = columns.get(node.field.column.value)
        if node.op is Op.EXISTS:
            return (value is not None) == node.value
        return value is not None and _holds(node, value)
    at_path = [v for v in values if v.path == node.field.dotted]
    if node.op is Op.EXISTS:
        return bool(at_path) == node.value
    if node.op is Op.IN:
        assert isinstance(node.value, tuple)
        return any(
            typed(v, value_type(item)) == _norm(item) for v in at_path for item in node.value
        )
    if node.op in (Op.LIKE, Op.ILIKE, Op.REGEXP):
        kind = ValueType.TEXT
    else:
        sample = node.value[0] if isinstance(node.value, tuple) else node.value
        assert sample is not None
        kind = value_type(sample)
    return any((t := typed(v, kind)) is not None and _holds(node, t) for v in at_path)


def _holds(node: Comparison, actual: Any) -> bool:
    op, value = node.op, node.value
    if op is Op.IN:
        assert isinstance(value, tuple)
        return actual in [_norm(v) for v in value]
    if op is Op.BETWEEN:
        assert isinstance(value, tuple)
        return _norm(value[0]) <= actual <= _norm(value[1])
    if op is Op.LIKE:
        return like_to_regexp(str(value)).fullmatch(actual) is not None
    if op is Op.ILIKE:
        return like_to_regexp(str(value).lower()).fullmatch(actual.lower()) is not None
    if op is Op.REGEXP:
        return re.search(str(value), actual) is not None
    expected = _norm(value)
    return {
        Op.EQ: actual == expected,
        Op.GT: actual > expected,
        Op.GTE: actual >= expected,
        Op.LT: actual < expected,
        Op.LTE: actual <= expected,
    }[op]
