"""SciCat's filter, fullquery and fullfacet parameters translated into core queries (pure:
no database; tests/services/test_scicat_queries.py runs them on SQLite and PostgreSQL)."""

from __future__ import annotations

import contextlib
import json
from datetime import UTC, datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fairdepot.core.crosswalks.scicat_fields import ApiVersion
from fairdepot.core.query import (
    And,
    Column,
    Comparison,
    Field,
    InvalidQuery,
    Not,
    Op,
    Or,
    SortKey,
    ValueType,
)
from fairdepot.services.scicat.filters import (
    MAX_CONDITIONS,
    MAX_NESTING,
    SCICAT_RECORDS,
    dataset_filter,
)
from fairdepot.services.scicat.fullquery import full_facet, full_query
from fairdepot.services.scicat.where import where_filter

V3, V4 = ApiVersion.V3, ApiVersion.V4


def native(*path: str) -> Field:
    return Field(document="native", path=path)


def column(c: Column) -> Field:
    return Field(column=c)


def _where(filter_: object, version: ApiVersion = V3):
    where = dataset_filter(json.dumps(filter_), version).query.where
    assert isinstance(where, And)
    assert where.parts[0] == SCICAT_RECORDS  # every query stays among SciCat records
    return where.parts[1]


def _error(call, *args) -> str:
    with pytest.raises(InvalidQuery) as error:
        call(*args)
    return error.value.problems[0].location or ""


# -- where --------------------------------------------------------------------------------------


def test_a_plain_value_is_equality_on_where_the_crosswalk_keeps_the_field() -> None:
    assert _where({"where": {"datasetName": "pyscicat raw"}}) == Comparison(
        native("datasetName"), Op.EQ, "pyscicat raw"
    )
    assert _where({"where": {"ownerGroup": "group1"}}) == Comparison(
        column(Column.OWNER_GROUP), Op.EQ, "group1"
    )


def test_loopback_and_mongo_operators_give_the_same_tree() -> None:
    loopback = {
        "and": [
            {"size": {"gt": 10, "lte": 100}},
            {"or": [{"keywords": {"inq": ["a", "b"]}}, {"owner": {"neq": "x"}}]},
            {"instrumentIds": {"nin": ["i1"]}},
            {"runNumber": {"exists": True}},
        ]
    }
    mongo = {
        "$and": [
            {"size": {"$gt": 10, "$lte": 100}},
            {"$or": [{"keywords": {"$in": ["a", "b"]}}, {"owner": {"$ne": "x"}}]},
            {"instrumentIds": {"$nin": ["i1"]}},
            {"runNumber": {"$exists": True}},
        ]
    }
    expected = And(
        (
            And(
                (
                    Comparison(native("size"), Op.GT, 10),
                    Comparison(native("size"), Op.LTE, 100),
                )
            ),
            Or(
                (
                    Comparison(native("keywords"), Op.IN, ("a", "b")),
                    Comparison(native("owner"), Op.NEQ, "x"),
                )
            ),
            Comparison(native("instrumentIds"), Op.NIN, ("i1",)),
            Comparison(native("runNumber"), Op.EXISTS, True),
        )
    )
    assert _where({"where": loopback}) == expected
    assert _where({"where": mongo}, V4) == expected


def test_like_is_a_regular_expression_searched_anywhere_as_on_the_backend() -> None:
    assert _where({"where": {"datasetName": {"like": "raw"}}}) == Comparison(
        native("datasetName"), Op.LIKE, "%raw%"
    )
    assert _where({"where": {"datasetName": {"ilike": "RAW"}}}) == Comparison(
        native("datasetName"), Op.ILIKE, "%RAW%"
    )
    assert _where({"where": {"datasetName": {"like": "^py.*raw$"}}}) == Comparison(
        native("datasetName"), Op.REGEXP, "^py.*raw$"
    )
    assert _where({"where": {"datasetName": {"$regex": "^Py", "$options": "i"}}}, V4) == (
        Comparison(native("datasetName"), Op.REGEXP, "(?i)^Py")
    )
    assert _where({"where": {"datasetName": {"regexp": "/^py/i"}}}) == Comparison(
        native("datasetName"), Op.REGEXP, "(?i)^py"
    )
    assert _where({"where": {"datasetName": {"nlike": "raw"}}}) == Not(
        Comparison(native("datasetName"), Op.LIKE, "%raw%")
    )


def test_between_and_iso_strings_compare_as_millisecond_instants_on_time_fields() -> None:
    node = _where(
        {"where": {"creationTime": {"between": ["2026-01-01T00:00:00.123456Z", "2026-02-01"]}}}
    )
    assert node == Comparison(
        native("creationTime"),
        Op.BETWEEN,
        (datetime(2026, 1, 1, 0, 0, 0, 123000, tzinfo=UTC), datetime(2026, 2, 1, tzinfo=UTC)),
    )
    assert _where({"where": {"createdAt": {"gt": "2026-01-01T00:00:00Z"}}}) == Comparison(
        column(Column.CREATED_AT), Op.GT, datetime(2026, 1, 1, tzinfo=UTC)
    )


def test_nested_scientific_metadata_paths_and_si_values() -> None:
    node = _where({"where": {"scientificMetadata.temperature.valueSI": {"gte": 300}}})
    assert node == Comparison(native("scientificMetadata", "temperature", "valueSI"), Op.GTE, 300)


def test_v3_obsolete_field_names_are_translated() -> None:
    assert _where({"where": {"proposalId": "p1"}}) == Comparison(native("proposalIds"), Op.EQ, "p1")
    assert _where({"where": {"principalInvestigator": "x"}}) == Comparison(
        native("principalInvestigators"), Op.EQ, "x"
    )


def test_is_published_is_the_record_publication_state() -> None:
    published = Comparison(column(Column.PUBLICATION_STATUS), Op.EQ, "PUBLISHED")
    assert _where({"where": {"isPublished": True}}) == published
    assert _where({"where": {"isPublished": False}}) == Not(published)
    assert _where({"where": {"isPublished": {"neq": True}}}) == Not(published)


def test_an_absent_or_empty_where_matches_every_scicat_record() -> None:
    assert dataset_filter(None, V3).query.where == SCICAT_RECORDS
    assert dataset_filter('{"where": {}}', V3).query.where == SCICAT_RECORDS


@pytest.mark.parametrize(
    ("filter_", "where"),
    [
        ({"where": {"size": {"near": 3}}}, "filter.where.size.near"),
        ({"where": {"$nor": []}}, "filter.where"),
        ({"where": {"colour": "red"}}, "filter.where.colour"),
        ({"where": {"or": []}}, "filter.where"),
        (
            {"where": {"or": [{"size": {"gt": 1}}, {"size": {"between": [1]}}]}},
            "filter.where.or[1].size.between",
        ),
        ({"where": {"keywords": ["a", "b"]}}, "filter.where.keywords"),
        ({"where": {"size": {"gt": True}}}, "filter.where.size.gt"),
        ({"where": {"createdAt": {"gt": "last week"}}}, "filter.where.createdAt.gt"),
        ({"where": {"ownerGroup": 5}}, "filter.where.ownerGroup"),
        ({"where": {"datasetName": {"regexp": "(a+)+"}}}, "filter.where.datasetName.regexp"),
        ({"where": {"datasetName": {"like": "x", "options": 3}}}, "filter.where.datasetName"),
        ({"where": {"size": {"options": "i"}}}, "filter.where.size.options"),
        ({"where": {"datasetName": {"regexp": "/^a/m"}}}, "filter.where.datasetName.regexp"),
        # Python reads these, PostgreSQL refuses them (an error of the database, not a 400)
        ({"where": {"datasetName": {"like": "(?P<n>raw)"}}}, "filter.where.datasetName.like"),
        ({"where": {"datasetName": {"like": "(?i)raw"}}}, "filter.where.datasetName.like"),
        ({"where": {"datasetName": {"regexp": "\\N{EN DASH}"}}}, "filter.where.datasetName.regexp"),
        ({"where": {"isPublished": {"gt": True}}}, "filter.where.isPublished.gt"),
        ({"where": []}, "filter.where"),
        ({"limits": {"limit": -1}}, "filter.limit"),
        ({"limits": {"limit": 5000}}, "filter.limit"),
        ({"skip": "2"}, "filter.skip"),
        ({"order": "size SIDEWAYS"}, "filter.order[0]"),
        ({"order": 3}, "filter.order"),
        ({"include": ["friends"]}, "filter.include[0]"),
        ({"fields": ["colour"]}, "filter.fields[0]"),
        ({"colour": 1}, "filter"),
        ({"limits": {"top": 1}}, "filter.limits"),
    ],
)
def test_a_bad_filter_is_refused_naming_the_place(filter_: object, where: str) -> None:
    assert _error(dataset_filter, json.dumps(filter_), V3) == where


def test_malformed_json_is_refused_naming_the_parameter() -> None:
    with pytest.raises(InvalidQuery) as error:
        dataset_filter('{"where": ', V3)
    assert error.value.problems[0].location == "filter"
    assert "invalid JSON" in error.value.message
    assert _error(dataset_filter, "[1, 2]", V3) == "filter"
    assert _error(dataset_filter, '{"where": {"size": NaN}}', V3) == "filter: where.size"


def test_where_filter_alone_takes_a_decoded_object() -> None:
    assert where_filter({"type": "raw"}) == Comparison(column(Column.KIND), Op.EQ, "raw")


# -- fields, include, order, limits ------------------------------------------------------------


def test_order_limit_skip_fields_and_include_in_both_shapes() -> None:
    v3 = dataset_filter(
        json.dumps(
            {
                "order": ["size DESC", "datasetName ASC"],
                "limit": 5,
                "skip": 10,
                "fields": ["pid", "datasetName"],
                "include": [{"relation": "origdatablocks"}, "attachments"],
            }
        ),
        V3,
    )
    assert v3.query.sort == (
        SortKey(native("size"), descending=True, type=ValueType.NUMBER),
        SortKey(native("datasetName"), descending=False, type=ValueType.TEXT),
    )
    assert (v3.query.page.limit, v3.query.page.offset) == (5, 10)
    assert v3.fields == ("pid", "datasetName")
    assert v3.include == ("origdatablocks", "attachments")
    v4 = dataset_filter(
        {"limits": {"limit": 3, "skip": 1, "sort": {"creationTime": "desc"}}, "fields": ["pid"]},
        V4,
    )
    assert v4.query.sort == (SortKey(native("creationTime"), descending=True, type=ValueType.TIME),)
    assert (v4.query.page.limit, v4.query.page.offset) == (3, 1)


def test_scicat_order_strings_with_colons_and_commas() -> None:
    keys = dataset_filter({"limits": {"order": "creationTime:desc,size:asc"}}, V3).query.sort
    assert [(k.field, k.descending) for k in keys] == [
        (native("creationTime"), True),
        (native("size"), False),
    ]


def test_default_pages_are_the_backend_ones() -> None:
    v3, v4 = dataset_filter(None, V3).query, dataset_filter(None, V4).query
    assert v3.page.limit == 100
    assert v3.sort == ()
    assert v4.page.limit == 10
    assert v4.sort == (SortKey(column(Column.CREATED_AT), descending=True),)


def test_a_count_keeps_the_where_and_asks_for_the_count() -> None:
    counted = dataset_filter({"where": {"type": "raw"}, "limit": 5000}, V3, count=True).query
    assert counted.count is True
    assert counted.where == And((SCICAT_RECORDS, Comparison(column(Column.KIND), Op.EQ, "raw")))


def test_the_ingestion_guide_example_filter() -> None:
    # docs of the SciCat project: a v4 filter with an include scope and a top-level limit
    example = {
        "where": {"pid": "PID.prefix/abc"},
        "include": [
            {
                "relation": "origdatablocks",
                "scope": {"fields": ["_id"], "limit": 20, "order": "filename ASC"},
            }
        ],
        "fields": ["datasetName"],
        "limit": 10,
    }
    translated = dataset_filter(json.dumps(example), V4)
    assert translated.query.where == And(
        (SCICAT_RECORDS, Comparison(native("pid"), Op.EQ, "PID.prefix/abc"))
    )
    assert translated.include == ("origdatablocks",)
    assert translated.fields == ("datasetName",)
    assert translated.query.page.limit == 10


# -- fullquery ----------------------------------------------------------------------------------


def test_fullquery_as_scitacean_and_pyscicat_send_it() -> None:
    scitacean = full_query(
        '{"proposalIds": ["p-compat"]}', '{"order": "creationTime:desc", "limit": 5}'
    )
    assert scitacean.query.where == And(
        (SCICAT_RECORDS, Comparison(native("proposalIds"), Op.IN, ("p-compat",)))
    )
    assert scitacean.query.page.limit == 5
    assert scitacean.query.sort[0].descending
    pyscicat = full_query(
        '{"datasetName": "pyscicat raw"}', '{"skip": 0, "limit": 25, "order": "creationTime:desc"}'
    )
    assert pyscicat.query.where == And(
        (SCICAT_RECORDS, Comparison(native("datasetName"), Op.EQ, "pyscicat raw"))
    )
    assert full_query('{"text": "quokka"}', None).query.text == "quokka"
    assert full_query(None, None).query.page.limit == 100


def test_fullquery_fields_are_compared_by_their_type() -> None:
    where = full_query(
        {
            "creationTime": {"begin": "2026-01-01", "end": "2026-12-31"},
            "size": {"min": 10},
            "ownerGroup": ["g1", "g2"],
            "creationLocation": ["UU"],
            "keywords": ["k"],
            "userGroups": ["g3"],
            "mode": {"type": "raw"},
            "sampleIds": [],
        },
        {},
    ).query.where
    assert isinstance(where, And)
    parts = where.parts[1].parts
    assert parts[0] == And(
        (
            Comparison(native("creationTime"), Op.GTE, datetime(2026, 1, 1, tzinfo=UTC)),
            Comparison(native("creationTime"), Op.LTE, datetime(2026, 12, 31, tzinfo=UTC)),
        )
    )
    assert parts[1] == Comparison(native("size"), Op.GTE, 10)
    assert parts[2] == Comparison(native("creationLocation"), Op.EQ, "UU")
    assert parts[3] == Comparison(native("keywords"), Op.IN, ("k",))
    assert parts[4] == Comparison(column(Column.KIND), Op.EQ, "raw")
    # the group fields are alternatives, as on the backend
    assert parts[5] == Or(
        (
            Comparison(column(Column.OWNER_GROUP), Op.IN, ("g1", "g2")),
            Comparison(column(Column.OWNER_GROUP), Op.IN, ("g3",)),
            Comparison(native("accessGroups"), Op.IN, ("g3",)),
        )
    )
    assert len(parts) == 6  # the empty list is the form's empty input


def test_scientific_conditions_with_a_unit_compare_in_si() -> None:
    where = full_query(
        {
            "scientific": [
                {"lhs": "temperature", "relation": "GREATER_THAN", "rhs": 20, "unit": "degC"}
            ]
        },
        None,
    ).query.where
    assert isinstance(where, And)
    si, unit = where.parts[1].parts
    assert si.field == native("scientificMetadata", "temperature", "valueSI")
    assert si.op is Op.GT
    assert si.value == pytest.approx(293.15)
    assert unit == Comparison(native("scientificMetadata", "temperature", "unitSI"), Op.EQ, "K")


def test_scientific_conditions_without_a_unit_compare_value_or_a_bare_entry() -> None:
    where = full_query(
        {"scientific": [{"lhs": "data_type", "relation": "EQUAL_TO_STRING", "rhs": "event data"}]},
        None,
    ).query.where
    assert where.parts[1] == Or(
        (
            Comparison(native("scientificMetadata", "data_type", "value"), Op.EQ, "event data"),
            Comparison(native("scientificMetadata", "data_type"), Op.EQ, "event data"),
        )
    )


@pytest.mark.parametrize(
    ("fields", "limits", "where"),
    [
        (
            {"scientific": [{"lhs": "t", "relation": "NEAR", "rhs": 1}]},
            None,
            "fields.scientific[0].relation",
        ),
        (
            {"scientific": [{"lhs": "t", "relation": "GREATER_THAN", "rhs": "hot"}]},
            None,
            "fields.scientific[0].rhs",
        ),
        (
            {"scientific": [{"lhs": "t", "relation": "RANGE", "rhs": [1, 2], "unit": "quokka"}]},
            None,
            "fields.scientific[0].unit",
        ),
        ({"scientific": {"lhs": "t"}}, None, "fields.scientific"),
        ({"size": {"from": 1}}, None, "fields.size"),
        ({"colour": "red"}, None, "fields.colour"),
        ({"text": 3}, None, "fields.text"),
        ({"userGroups": [1]}, None, "fields.userGroups"),
        (None, {"limit": "many"}, "limits.limit"),
        (None, {"page": 2}, "limits"),
        (None, {"limit": 5000}, "limits.limit"),
        ("{oops", None, "fields"),
    ],
)
def test_a_bad_fullquery_is_refused_naming_the_place(fields, limits, where: str) -> None:
    assert _error(full_query, fields, limits) == where


# -- fullfacet ----------------------------------------------------------------------------------


def test_fullfacet_asks_for_a_count_and_one_facet_per_field() -> None:
    query = full_facet('{"type": "raw"}', '["type", "keywords", "scientificMetadata.mode"]')
    assert query.count
    assert [f.key for f in query.facets] == ["type", "keywords", "scientificMetadata.mode"]
    assert query.facets[0].field == column(Column.KIND)
    assert query.facets[1].field == native("keywords")
    default = full_facet(None, None)
    assert [f.key for f in default.facets] == ["type", "creationLocation", "ownerGroup", "keywords"]


def test_a_bad_facet_is_refused_naming_it() -> None:
    assert _error(full_facet, None, '["type", "colour"]') == "facets[1]"
    assert _error(full_facet, None, '"type"') == "facets"


def _nested(depth: int) -> dict:
    where: dict = {"size": 1}
    for _ in range(depth):
        where = {"or": [where, {"size": 2}]}
    return where


def test_a_filter_too_deep_or_too_large_for_a_database_statement_is_refused() -> None:
    dataset_filter({"where": _nested(MAX_NESTING - 2)}, V3)  # with the face's And: fits
    assert _error(dataset_filter, {"where": _nested(MAX_NESTING)}, V3) == "filter.where"
    many = {"or": [{"size": i} for i in range(MAX_CONDITIONS + 1)]}
    assert _error(dataset_filter, {"where": many}, V3) == "filter.where"
    assert _error(full_query, {"mode": many}, None) == "fields"


def test_a_decoded_parameter_is_checked_as_text_would_be() -> None:
    assert _error(dataset_filter, {"where": {"size": float("nan")}}, V3).startswith("filter")
    assert _error(full_query, {"datasetName": "a\x00b"}, None).startswith("fields")


_text = st.text(max_size=12)
_json = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), _text),
    lambda inner: st.one_of(
        st.lists(inner, max_size=3),
        st.dictionaries(
            st.one_of(
                st.sampled_from(
                    [
                        "and",
                        "or",
                        "$or",
                        "inq",
                        "$in",
                        "gt",
                        "between",
                        "like",
                        "$regex",
                        "$options",
                        "regexp",
                        "exists",
                        "size",
                        "keywords",
                        "createdAt",
                        "isPublished",
                        "scientificMetadata.t.valueSI",
                        "ownerGroup",
                        "lhs",
                        "relation",
                        "rhs",
                        "unit",
                        "scientific",
                        "mode",
                        "text",
                        "userGroups",
                    ]
                ),
                _text,
            ),
            inner,
            max_size=3,
        ),
    ),
    max_leaves=10,
)


@settings(max_examples=400, deadline=None)
@given(_json, _json, st.sampled_from(list(ApiVersion)))
def test_any_parameters_give_a_query_or_invalid_query(first, second, version) -> None:
    for call in (
        lambda: dataset_filter({"where": first, "order": second}, version),
        lambda: dataset_filter(first, version),
        lambda: full_query(first, second),
        lambda: full_facet(first, second),
    ):
        with contextlib.suppress(InvalidQuery):
            call()
