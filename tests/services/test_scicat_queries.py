"""SciCat filters, fullquery and fullfacet on the real query layer (SQLite, and PostgreSQL in
the scale-out pass): datasets built by the crosswalk, stored through RecordStore, found by
translated queries — nested scientific metadata with units, arrays, order + limit + skip,
counts, facets, text, the read scope."""

from __future__ import annotations

import json

import pytest

from fairdepot.core.crosswalks.scicat import record_of
from fairdepot.core.crosswalks.scicat_fields import ApiVersion
from fairdepot.core.crosswalks.scicat_validation import validate_dataset
from fairdepot.core.policy import ANONYMOUS, Actor, ReadScope, read_scope
from fairdepot.core.query import FacetCount, Query
from fairdepot.core.record_changes import RecordChanges
from fairdepot.core.records import Access, Face, PublicationStatus, Record
from fairdepot.services import accounts
from fairdepot.services.scicat import datasets
from fairdepot.services.scicat.filters import (
    MAX_CONDITIONS,
    MAX_NESTING,
    DatasetQuery,
    dataset_filter,
)
from fairdepot.services.scicat.fullquery import full_facet, full_query

V3, V4 = ApiVersion.V3, ApiVersion.V4
EVERYTHING = ReadScope(everything=True)


def _body(name: str, **fields: object) -> dict:
    return {
        "type": "raw",
        "ownerGroup": "group1",
        "owner": "Ponder Stibbons",
        "contactEmail": "ponder@uu.am",
        "sourceFolder": f"/data/{name}",
        "creationTime": "2026-01-01T00:00:00Z",
        "datasetName": name,
        "principalInvestigators": ["Ponder Stibbons"],
        "creationLocation": "UU",
    } | fields


DATASETS = {
    "d1": _body(
        "alpha raw",
        isPublished=True,
        size=100,
        keywords=["neutron", "powder"],
        proposalIds=["p1"],
        scientificMetadata={"temperature": {"value": 300, "unit": "K"}, "mode": "fast"},
    ),
    "d2": _body(
        "beta raw",
        size=2000,
        creationTime="2026-02-01T00:00:00Z",
        keywords=["neutron"],
        proposalIds=["p2"],
        scientificMetadata={"temperature": {"value": 25, "unit": "degC"}, "mode": "slow"},
    ),
    "d3": _body(
        "gamma derived",
        type="derived",
        ownerGroup="group2",
        size=50,
        creationTime="2026-03-01T00:00:00Z",
        keywords=["xray"],
        inputDatasets=["PID.test/d1"],
        usedSoftware=["https://example.org/reduce"],
        description="a quokka reduction",
        scientificMetadata={"beam": {"width": {"value": 5, "unit": "mm"}}, "mode": "fast"},
    ),
    "d4": _body(
        "omega",
        ownerGroup="group2",
        accessGroups=["group3"],
        creationTime="2025-12-01T00:00:00Z",
        scientificMetadata={"data_type": "event data"},
    ),
}


@pytest.fixture
def catalogue(runtime):
    """The four datasets above, and a FAIRSCAPE record that looks like one (it must never be
    found by a SciCat query)."""
    user = accounts.add_user(runtime, "user1", "user1@your.site", "pw", ["group1"])
    with runtime.writing() as store:
        for label, body in DATASETS.items():
            dataset = validate_dataset(body, V4) | {"pid": f"PID.test/{label}"}
            store.insert(
                record_of(dataset, ark=f"ark:99999/fd1{label}", owner_id=user.id, created_by="u")
            )
        store.insert(
            Record(
                ark="ark:99999/fd1other",
                kind="raw",
                face=Face.FAIRSCAPE,
                metadata={"@id": "ark:99999/fd1other", "@type": "Dataset", "name": "alpha raw"},
                access=Access(owner_id=user.id, owner_group="group1", metadata_public=True),
                name="alpha raw",
                native=DATASETS["d1"],
            )
        )
    return runtime


def _found(runtime, query: DatasetQuery | Query, scope: ReadScope = EVERYTHING):
    core = query.query if isinstance(query, DatasetQuery) else query
    with runtime.reading() as store:
        result = store.find(core, scope)
    return [row.ark.removeprefix("ark:99999/fd1") for row in result.rows], result


def _where(runtime, where: object, version: ApiVersion = V3, **rest: object) -> list[str]:
    filter_ = json.dumps({"where": where, "order": "datasetName ASC"} | rest)
    return _found(runtime, dataset_filter(filter_, version))[0]


def test_equality_finds_only_scicat_datasets(catalogue) -> None:
    assert _where(catalogue, {"datasetName": "alpha raw"}) == ["d1"]
    assert _where(catalogue, {"ownerGroup": "group2"}) == ["d3", "d4"]
    assert _where(catalogue, {"type": "derived"}) == ["d3"]


def test_nested_scientific_metadata_is_compared_in_si(catalogue) -> None:
    # 300 K and 25 degC = 298.15 K
    assert _where(catalogue, {"scientificMetadata.temperature.valueSI": {"gt": 298}}) == [
        "d1",
        "d2",
    ]
    assert _where(catalogue, {"scientificMetadata.temperature.valueSI": {"gt": 299}}) == ["d1"]
    assert _where(catalogue, {"scientificMetadata.temperature.value": {"lt": 100}}) == ["d2"]
    assert _where(catalogue, {"scientificMetadata.beam.width.valueSI": {"lte": 0.005}}) == ["d3"]
    assert _where(catalogue, {"scientificMetadata.temperature.unitSI": "K"}) == ["d1", "d2"]


def test_fullquery_scientific_conditions_with_units(catalogue) -> None:
    def scientific(*conditions: dict) -> list[str]:
        query = full_query({"scientific": list(conditions)}, {"order": "datasetName:asc"})
        return _found(catalogue, query)[0]

    gt = {"lhs": "temperature", "relation": "GREATER_THAN", "rhs": 26, "unit": "degC"}
    assert scientific(gt) == ["d1"]  # 299.15 K
    lt = {"lhs": "temperature", "relation": "LESS_THAN", "rhs": 30, "unit": "degC"}
    assert scientific(lt) == ["d1", "d2"]
    assert scientific({"lhs": "beam.width", "relation": "RANGE", "rhs": [4, 6], "unit": "mm"}) == [
        "d3"
    ]
    # the same number in another dimension matches nothing
    assert (
        scientific({"lhs": "temperature", "relation": "GREATER_THAN", "rhs": 1, "unit": "m"}) == []
    )
    assert scientific({"lhs": "data_type", "relation": "CONTAINS_STRING", "rhs": "EVENT"}) == ["d4"]
    assert scientific({"lhs": "mode", "relation": "EQUAL_TO_STRING", "rhs": "fast"}) == ["d1", "d3"]
    assert scientific({"lhs": "temperature", "relation": "EQUAL_TO_NUMERIC", "rhs": 300}) == ["d1"]


def test_arrays_match_on_any_element(catalogue) -> None:
    assert _where(catalogue, {"keywords": "neutron"}) == ["d1", "d2"]
    assert _where(catalogue, {"keywords": {"inq": ["powder", "xray"]}}) == ["d1", "d3"]
    assert _where(catalogue, {"keywords": {"nin": ["neutron"]}}) == ["d3", "d4"]
    assert _where(catalogue, {"proposalId": "p2"}) == ["d2"]  # v3's obsolete name
    assert _where(catalogue, {"inputDatasets": {"inq": ["PID.test/d1"]}}) == ["d3"]


def test_order_limit_and_skip(catalogue) -> None:
    # sizes: d1 100, d2 2000, d3 50, d4 0
    by_size = dataset_filter(json.dumps({"order": "size DESC", "limit": 2, "skip": 1}), V3)
    assert _found(catalogue, by_size)[0] == ["d1", "d3"]
    v4 = dataset_filter({"limits": {"sort": {"creationTime": "asc"}, "limit": 3}}, V4)
    assert _found(catalogue, v4)[0] == ["d4", "d1", "d2"]
    by_name = dataset_filter({"limits": {"sort": {"datasetName": "desc"}, "skip": 3}}, V4)
    assert _found(catalogue, by_name)[0] == ["d1"]  # omega, gamma, beta, then alpha


def test_patterns_are_regular_expressions(catalogue) -> None:
    assert _where(catalogue, {"datasetName": {"like": "^(alpha|beta) "}}) == ["d1", "d2"]
    assert _where(catalogue, {"datasetName": {"like": "GAMMA"}}) == []  # case-sensitive
    assert _where(catalogue, {"datasetName": {"ilike": "GAMMA"}}) == ["d3"]
    assert _where(catalogue, {"datasetName": {"$regex": "^GAM", "$options": "i"}}, V4) == ["d3"]
    assert _where(catalogue, {"datasetName": {"nlike": "raw"}}) == ["d3", "d4"]


def test_time_fields_compare_as_instants(catalogue) -> None:
    between = {"creationTime": {"between": ["2026-01-01", "2026-02-15T00:00:00+01:00"]}}
    assert _where(catalogue, between) == ["d1", "d2"]
    # a Mongo Date keeps milliseconds: a microsecond more is the same instant
    assert _where(catalogue, {"creationTime": "2026-01-01T00:00:00.000400Z"}) == ["d1"]
    assert _where(catalogue, {"createdAt": {"gt": "2000-01-01T00:00:00Z"}}) == [
        "d1",
        "d2",
        "d3",
        "d4",
    ]


def test_is_published_follows_the_record(catalogue) -> None:
    assert _where(catalogue, {"isPublished": True}) == ["d1"]
    assert _where(catalogue, {"isPublished": False}) == ["d2", "d3", "d4"]


def test_counts(catalogue) -> None:
    counted = dataset_filter(json.dumps({"where": {"type": "raw"}}), V4, count=True)
    assert _found(catalogue, counted)[1].total == 3


def test_fullquery_text_groups_and_form_fields(catalogue) -> None:
    assert _found(catalogue, full_query({"text": "quokka"}, None))[0] == ["d3"]
    groups = full_query({"userGroups": ["group3"]}, None)
    assert _found(catalogue, groups)[0] == ["d4"]
    form = full_query(
        {"creationTime": {"begin": "2026-01-15", "end": "2026-12-31"}, "ownerGroup": ["group1"]},
        None,
    )
    assert _found(catalogue, form)[0] == ["d2"]
    either = full_query({"ownerGroup": "group1", "accessGroups": ["group3"]}, {"order": "size:asc"})
    assert _found(catalogue, either)[0] == ["d4", "d1", "d2"]  # group fields are alternatives
    sized = full_query({"size": {"min": 50, "max": 100}}, {"order": "size:asc"})
    assert _found(catalogue, sized)[0] == ["d3", "d1"]


def test_fullfacet_counts_per_value_and_all(catalogue) -> None:
    query = full_facet({}, ["type", "keywords", "ownerGroup", "scientificMetadata.mode"])
    _, result = _found(catalogue, query)
    assert result.total == 4
    assert result.facets["type"] == [FacetCount("raw", 3), FacetCount("derived", 1)]
    assert result.facets["keywords"] == [
        FacetCount("neutron", 2),
        FacetCount("powder", 1),
        FacetCount("xray", 1),
    ]
    assert sorted(result.facets["ownerGroup"], key=lambda f: str(f.value)) == [
        FacetCount("group1", 2),
        FacetCount("group2", 2),
    ]
    assert result.facets["scientificMetadata.mode"] == [
        FacetCount("fast", 2),
        FacetCount("slow", 1),
    ]
    narrowed = full_facet({"keywords": ["neutron"]}, ["type"])
    _, result = _found(catalogue, narrowed)
    assert result.total == 2
    assert result.facets["type"] == [FacetCount("raw", 2)]


def test_fullfacet_counts_is_published_by_the_records_publication_state(catalogue) -> None:
    """A dataset published where only its record's state changes (a PublishedData
    registration, FAIRSCAPE's publish) reads `isPublished: true` and a `where` finds it so:
    its facet must count it so too, and a published crate beside it."""
    with catalogue.writing() as store:
        row = store.row_by_identifier("pid", "PID.test/d2")
        assert row is not None
        store.update(row, RecordChanges(publication=PublicationStatus.PUBLISHED), actor_id=None)
        store.insert(
            Record(
                ark="ark:99999/fd1crate",
                kind="ROCrate",
                face=Face.FAIRSCAPE,
                metadata={"@id": "ark:99999/fd1crate", "@type": "Dataset", "name": "a crate"},
                access=Access(
                    owner_id=None, owner_group="group1", publication=PublicationStatus.PUBLISHED
                ),
                name="a crate",
            )
        )
    assert _where(catalogue, {"isPublished": True}) == ["d1", "d2"]
    administrator = Actor(user_id="someone", is_admin=True)
    answer = datasets.facets(catalogue, administrator, full_facet({}, ["isPublished"]))
    assert answer[0]["isPublished"] == [{"_id": True, "count": 3}, {"_id": False, "count": 2}]
    assert answer[0]["all"] == [{"totalSets": 5}]


def test_the_read_scope_still_decides_what_is_seen(catalogue) -> None:
    everything = dataset_filter(json.dumps({"order": "datasetName ASC"}), V3)
    assert _found(catalogue, everything, read_scope(ANONYMOUS))[0] == ["d1"]
    user = accounts.add_user(catalogue, "user3", "user3@your.site", "pw", ["group3"])
    actor = accounts.actor_for(user, catalogue.settings.facility_groups)
    assert _found(catalogue, everything, read_scope(actor))[0] == ["d1", "d4"]


def test_the_largest_filter_accepted_is_a_statement_both_databases_run(catalogue) -> None:
    where: dict = {"size": 100}
    for _ in range(MAX_NESTING - 2):
        where = {"or": [where, {"size": -1}]}
    deep = dataset_filter(json.dumps({"where": where}), V3)
    assert _found(catalogue, deep)[0] == ["d1"]
    wide = {"or": [{"size": i} for i in range(MAX_CONDITIONS - 2)] + [{"keywords": "xray"}]}
    assert sorted(_found(catalogue, dataset_filter(json.dumps({"where": wide}), V3))[0]) == [
        "d1",
        "d3",
        "d4",
    ]


def test_a_patched_dataset_is_found_by_its_new_values_and_read_back_as_patched(catalogue) -> None:
    from fairdepot.core.ark import normalise
    from fairdepot.core.crosswalks.scicat import changes_of, dataset_of
    from fairdepot.core.crosswalks.scicat_patch import apply_patch, validate_patch
    from fairdepot.storage.db.records import load_records

    patch = {
        "scientificMetadata": {"temperature": {"value": 77, "unit": "degC"}},
        "keywords": ["cryo"],
        "isPublished": True,
    }
    with catalogue.writing() as store:
        row = store.row_by_key(normalise("ark:99999/fd1d2"))
        record = load_records(store.session, [row])[0]
        updated = apply_patch(dataset_of(record), validate_patch(patch))
        store.update(row, changes_of(record, updated, updated_by="user2"), actor_id=None)
    hot = {"scientificMetadata.temperature.valueSI": {"gt": 350}}  # 77 degC = 350.15 K
    assert _where(catalogue, hot) == ["d2"]
    assert _where(catalogue, {"keywords": "neutron"}) == ["d1"]
    assert _where(catalogue, {"keywords": "cryo"}) == ["d2"]
    everything = dataset_filter(json.dumps({"order": "datasetName ASC"}), V3)
    assert _found(catalogue, everything, read_scope(ANONYMOUS))[0] == ["d1", "d2"]
    with catalogue.reading() as store:
        read = dataset_of(
            load_records(store.session, [store.row_by_key(normalise("ark:99999/fd1d2"))])[0]
        )
    assert read["scientificMetadata"]["temperature"]["valueSI"] == pytest.approx(350.15)
    assert read["updatedBy"] == "user2"
    assert read["createdBy"] == "u"
    assert read["isPublished"] is True
    assert read["datasetName"] == "beta raw"
    with catalogue.reading() as store:
        row = store.row_by_key(normalise("ark:99999/fd1d2"))
        native = load_records(store.session, [row])[0].native
    assert not {"createdAt", "updatedAt", "version"} & set(native)  # taken from the record
