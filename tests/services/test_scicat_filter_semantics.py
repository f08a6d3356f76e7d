"""Generated loopback `where` filters: what the database answers after translation equals what
the filter means, read straight from the stored datasets by a small evaluator of the Mongo /
loopback semantics written here (independent of core.query and its oracle). Runs on SQLite, and
on PostgreSQL in the scale-out pass."""

from __future__ import annotations

import json
import random
import re
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fairdepot.core.crosswalks.scicat import record_of
from fairdepot.core.crosswalks.scicat_fields import ApiVersion
from fairdepot.core.crosswalks.scicat_validation import validate_dataset
from fairdepot.core.policy import ReadScope
from fairdepot.core.query import InvalidQuery, Page
from fairdepot.services.scicat.filters import dataset_filter

WORDS = ["neutron", "xray", "powder", "muon", "laser"]
NAMES = ["alpha raw", "beta raw", "Gamma scan", "delta", "raw epsilon", "zeta_1", "eta", "theta"]
GROUPS = ["group1", "group2", "group3"]
UNITS = [("K", 1.0, 0.0), ("mK", 0.001, 0.0), ("degC", 1.0, 273.15)]
START = datetime(2026, 1, 1, tzinfo=UTC)


def _datasets() -> dict[str, dict[str, Any]]:
    pick = random.Random(8)
    out = {}
    for i, name in enumerate(NAMES):
        unit, _, _ = pick.choice(UNITS)
        body: dict[str, Any] = {
            "type": pick.choice(["raw", "derived"]),
            "ownerGroup": pick.choice(GROUPS),
            "owner": "o",
            "contactEmail": "o@uu.am",
            "sourceFolder": f"/d/{i}",
            "creationTime": (START + timedelta(days=7 * i)).isoformat(),
            "datasetName": name,
            "isPublished": pick.random() < 0.4,
            "keywords": pick.sample(WORDS, pick.randint(0, 3)),
        }
        if i % 3:
            body["size"] = pick.choice([0, 10, 100, 1000, 5000])
        if i % 4 != 1:
            body["scientificMetadata"] = {
                "temperature": {"value": pick.choice([-10, 0, 5, 20, 300]), "unit": unit}
            }
        if i % 2:
            body["runNumber"] = str(i)
        out[f"d{i}"] = validate_dataset(body) | {"pid": f"PID.t/d{i}"}
    return out


DATASETS = _datasets()


@pytest.fixture
def catalogue(runtime):
    with runtime.writing() as store:
        for label, dataset in DATASETS.items():
            store.insert(record_of(dataset, ark=f"ark:99999/fd1{label}", owner_id=None))
    return runtime


# -- what a where clause means, on the stored datasets ------------------------------------------


def _values(dataset: dict[str, Any], path: str) -> list[Any]:
    node: Any = dataset
    for part in path.split("."):
        if not isinstance(node, dict) or part not in node:
            return []
        node = node[part]
    return node if isinstance(node, list) else [node]


def _instant(value: Any) -> Any:
    if isinstance(value, str) and re.fullmatch(r"\d{4}-\d\d-\d\d.*", value):
        return datetime.fromisoformat(value.replace("Z", "+00:00"))
    return value


def _same_kind(a: Any, b: Any) -> bool:
    numbers = (int, float)
    return (isinstance(a, numbers) and isinstance(b, numbers)) or type(a) is type(b)


def _holds(dataset: dict[str, Any], where: dict[str, Any]) -> bool:
    for key, condition in where.items():
        if key == "and":
            ok = all(_holds(dataset, part) for part in condition)
        elif key == "or":
            ok = any(_holds(dataset, part) for part in condition)
        else:
            values = [_instant(v) for v in _values(dataset, key)]
            ops = condition if isinstance(condition, dict) else {"eq": condition}
            ok = all(_op(values, op, arg) for op, arg in ops.items())
        if not ok:
            return False
    return True


def _op(values: list[Any], op: str, arg: Any) -> bool:
    def any_of(test) -> bool:
        return any(test(v) for v in values)

    if op == "neq":
        return not _op(values, "eq", arg)
    if op == "nin":
        return not _op(values, "inq", arg)
    if op == "nlike":
        return not _op(values, "like", arg)
    if op == "exists":
        return bool(values) == arg
    if op == "eq":
        arg = _instant(arg)
        return any_of(lambda v: _same_kind(v, arg) and v == arg)
    if op == "inq":
        return any(_op(values, "eq", a) for a in arg)
    if op in ("gt", "gte", "lt", "lte"):
        arg = _instant(arg)
        compare = {
            "gt": lambda v: v > arg,
            "gte": lambda v: v >= arg,
            "lt": lambda v: v < arg,
            "lte": lambda v: v <= arg,
        }[op]
        return any_of(lambda v: _same_kind(v, arg) and not isinstance(v, bool) and compare(v))
    if op == "between":
        low, high = _instant(arg[0]), _instant(arg[1])
        return any_of(lambda v: _same_kind(v, low) and not isinstance(v, bool) and low <= v <= high)
    if op == "like":
        return any_of(lambda v: isinstance(v, str) and re.search(arg, v) is not None)
    if op == "ilike":
        return any_of(lambda v: isinstance(v, str) and re.search(arg, v, re.I) is not None)
    raise AssertionError(op)


# -- generated filters --------------------------------------------------------------------------

_sizes = st.sampled_from([0, 10, 50, 100, 1000, 5000])
_temps = st.sampled_from([-5.0, 0.0, 5.0, 263.15, 273.15, 293.15, 300.0])
_times = st.integers(0, 70).map(lambda d: (START + timedelta(days=d)).isoformat())
_comparisons = st.sampled_from(["gt", "gte", "lt", "lte", "eq", "neq"])


def _numeric(field: str, values: st.SearchStrategy[Any]) -> st.SearchStrategy[dict]:
    single = st.builds(lambda op, v: {field: {op: v}}, _comparisons, values)
    between = st.builds(lambda a, b: {field: {"between": sorted([a, b])}}, values, values)
    listed = st.builds(
        lambda op, vs: {field: {op: vs}},
        st.sampled_from(["inq", "nin"]),
        st.lists(values, min_size=1, max_size=3),
    )
    return st.one_of(single, between, listed)


_leaves = st.one_of(
    _numeric("size", _sizes),
    _numeric("scientificMetadata.temperature.valueSI", _temps),
    _numeric("scientificMetadata.temperature.value", st.sampled_from([-10, 0, 5, 20, 300])),
    st.builds(
        lambda op, t: {"creationTime": {op: t}}, st.sampled_from(["gt", "lt", "gte"]), _times
    ),
    st.builds(lambda w: {"keywords": w}, st.sampled_from(WORDS)),
    st.builds(
        lambda op, ws: {"keywords": {op: ws}},
        st.sampled_from(["inq", "nin"]),
        st.lists(st.sampled_from(WORDS), min_size=1, max_size=2),
    ),
    st.builds(lambda n: {"datasetName": n}, st.sampled_from(NAMES)),
    st.builds(
        lambda op, w: {"datasetName": {op: w}},
        st.sampled_from(["like", "ilike", "nlike"]),
        st.sampled_from(["raw", "RAW", "^[a-d]", "a$", "_1", "gamma"]),
    ),
    st.builds(
        lambda op, g: {"ownerGroup": {op: g}},
        st.sampled_from(["eq", "neq"]),
        st.sampled_from(GROUPS),
    ),
    st.builds(lambda e: {"runNumber": {"exists": e}}, st.booleans()),
    st.builds(lambda e: {"size": {"exists": e}}, st.booleans()),
)
_wheres = st.recursive(
    _leaves,
    lambda inner: st.builds(
        lambda word, parts: {word: parts},
        st.sampled_from(["and", "or"]),
        st.lists(inner, min_size=1, max_size=3),
    ),
    max_leaves=6,
)


@settings(
    max_examples=120,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(where=_wheres)
def test_a_translated_where_finds_exactly_the_datasets_it_describes(catalogue, where) -> None:
    query = dataset_filter(json.dumps({"where": where}), ApiVersion.V3).query
    with catalogue.reading() as store:
        found = store.find(
            type(query)(where=query.where, page=Page(limit=100)), ReadScope(everything=True)
        )
    got = {row.ark.removeprefix("ark:99999/fd1") for row in found.rows}
    expected = {label for label, dataset in DATASETS.items() if _holds(dataset, where)}
    assert got == expected, where


_keys = st.sampled_from(
    [
        "and",
        "or",
        "inq",
        "nin",
        "gt",
        "lte",
        "between",
        "like",
        "ilike",
        "nlike",
        "$regex",
        "$options",
        "regexp",
        "exists",
        "neq",
        "size",
        "keywords",
        "createdAt",
        "creationTime",
        "datasetName",
        "isPublished",
        "scientificMetadata.temperature.valueSI",
        "ownerGroup",
        "runNumber",
        "type",
        "pid",
    ]
)
_scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(10**20), 10**20),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=8),
    st.sampled_from(["raw", "2026-01-15", "2026-02-01T00:00:00Z", "^a", "(a|b)", "i", "%", "_"]),
)
_anything = st.recursive(
    _scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=3), st.dictionaries(_keys, inner, min_size=1, max_size=3)
    ),
    max_leaves=10,
)


@settings(
    max_examples=200,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    where=st.one_of(
        _anything,
        st.dictionaries(
            st.sampled_from(["size", "keywords", "creationTime", "datasetName", "ownerGroup"]),
            _anything,
            min_size=1,
            max_size=2,
        ),
    ),
    order=st.sampled_from([None, "size DESC", "creationTime:asc", "pid"]),
)
def test_every_filter_the_translation_accepts_runs_on_the_database(catalogue, where, order) -> None:
    try:
        query = dataset_filter(json.dumps({"where": where, "order": order}), ApiVersion.V3).query
    except InvalidQuery:
        return
    with catalogue.reading() as store:
        store.find(query, ReadScope(everything=True))
