"""The SciCat crosswalk: bodies checked as the backend's v3 and v4 DTOs check them, datasets
as records (native document, JSON-LD, access, pid) and back, with round-trip properties."""

from __future__ import annotations

import copy
from datetime import UTC, datetime, timedelta, timezone

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fairdepot.core import links
from fairdepot.core.crosswalks.scicat import (
    INPUT_DATASET,
    USED_SOFTWARE,
    changes_of,
    dataset_of,
    jsonld_of,
    query_field,
    record_of,
    v3_view,
)
from fairdepot.core.crosswalks.scicat_fields import FIELDS, ApiVersion
from fairdepot.core.crosswalks.scicat_parts import HAS_PART_FILES, files_part
from fairdepot.core.crosswalks.scicat_patch import apply_patch, validate_patch
from fairdepot.core.crosswalks.scicat_validation import default_dataset_name, validate_dataset
from fairdepot.core.errors import InvalidInput
from fairdepot.core.query import Column, Field, InvalidQuery
from fairdepot.core.records import (
    IdentifierScheme,
    PublicationStatus,
    RecordFile,
    Relation,
    check_metadata,
)
from fairdepot.core.timestamps import format_time, millisecond_instant

PID = "PID.prefix.a0b1/0f7e5d0c-1111-4222-8333-944445555666"

SCITACEAN_V4 = {
    "contactEmail": "ponder@uu.am",
    "creationTime": "2026-11-22T03:13:06.086534Z",
    "owner": "Ponder Stibbons",
    "ownerGroup": "group1",
    "sourceFolder": "/data/fileserver/raw",
    "type": "raw",
    "accessGroups": ["uu"],
    "creationLocation": "UU",
    "datasetName": "compat raw",
    "inputDatasets": [],
    "principalInvestigators": ["Ponder Stibbons"],
    "proposalIds": ["p-compat"],
    "scientificMetadata": {"temperature": {"value": 123, "unit": "K"}},
    "usedSoftware": [],
}

PYSCICAT_V3 = {
    "ownerGroup": "group1",
    "accessGroups": ["uu"],
    "contactEmail": "mouse@magrathea.org",
    "creationTime": "2026-11-22T03:13:06.984237+00:00",
    "datasetName": "pyscicat raw",
    "isPublished": False,
    "owner": "A. Mouse",
    "sourceFolder": "/foo/bar",
    "type": "raw",
    "scientificMetadata": {"a": {"value": 1, "unit": "m"}},
    "creationLocation": "Magrathea",
    "principalInvestigator": "A. Mouse",
    "proposalId": "deepthought",
}


def _problems(error: pytest.ExceptionInfo[InvalidInput]) -> dict[str, str]:
    return {p.location or "": p.message for p in error.value.problems}


# -- validation ---------------------------------------------------------------------------------


def test_a_scitacean_body_is_stored_with_defaults_millisecond_times_and_si_values() -> None:
    dataset = validate_dataset(SCITACEAN_V4)
    assert dataset["creationTime"] == "2026-11-22T03:13:06.086Z"
    assert dataset["scientificMetadata"]["temperature"] == {
        "value": 123,
        "unit": "K",
        "valueSI": 123.0,
        "unitSI": "K",
    }
    assert dataset["size"] == 0
    assert dataset["numberOfFiles"] == 0
    assert dataset["isPublished"] is False
    assert dataset["techniques"] == []
    assert "pid" not in dataset  # the service mints it


def test_si_values_are_computed_with_pint_at_any_depth() -> None:
    body = dict(SCITACEAN_V4, scientificMetadata={"beam": {"width": {"value": 5, "unit": "mm"}}})
    width = validate_dataset(body)["scientificMetadata"]["beam"]["width"]
    assert width["valueSI"] == pytest.approx(0.005)
    assert width["unitSI"] == "m"


def test_a_pyscicat_v3_body_gets_the_v4_lists_for_its_singular_fields() -> None:
    dataset = validate_dataset(PYSCICAT_V3, ApiVersion.V3)
    assert dataset["proposalIds"] == ["deepthought"]
    assert dataset["principalInvestigators"] == ["A. Mouse"]
    assert "proposalId" not in dataset
    assert "principalInvestigator" not in dataset
    assert dataset["creationTime"] == "2026-11-22T03:13:06.984Z"


def test_v3_singular_fields_are_unknown_properties_on_v4() -> None:
    with pytest.raises(InvalidInput) as error:
        validate_dataset(dict(SCITACEAN_V4, proposalId="p1"))
    assert _problems(error) == {"proposalId": "property proposalId should not exist"}


def test_v4_requires_its_fields_and_names_every_missing_one() -> None:
    body = {k: v for k, v in SCITACEAN_V4.items() if k not in ("ownerGroup", "creationTime")}
    with pytest.raises(InvalidInput) as error:
        validate_dataset(body)
    assert _problems(error) == {
        "ownerGroup": "ownerGroup is required",
        "creationTime": "creationTime is required",
    }


def test_v3_raw_and_derived_have_their_own_required_fields() -> None:
    raw = {k: v for k, v in PYSCICAT_V3.items() if k != "principalInvestigator"}
    with pytest.raises(InvalidInput) as error:
        validate_dataset(raw, ApiVersion.V3)
    assert _problems(error) == {"principalInvestigator": "principalInvestigator is required"}
    derived = {
        k: v
        for k, v in PYSCICAT_V3.items()
        if k not in ("principalInvestigator", "creationLocation")
    } | {"type": "derived"}
    with pytest.raises(InvalidInput) as error:
        validate_dataset(derived, ApiVersion.V3)
    assert set(_problems(error)) == {"investigator", "inputDatasets", "usedSoftware"}
    ok = validate_dataset(
        derived | {"investigator": "Ford", "inputDatasets": [PID], "usedSoftware": ["x"]},
        ApiVersion.V3,
    )
    assert ok["principalInvestigators"] == ["Ford"]


def test_a_nameless_dataset_is_named_after_the_last_two_parts_of_its_folder() -> None:
    body = {k: v for k, v in SCITACEAN_V4.items() if k != "datasetName"}
    assert validate_dataset(body)["datasetName"] == "fileserver/raw"
    assert default_dataset_name("/a/b/c/") == "b/c"
    assert default_dataset_name("/") == "/"


def test_a_trailing_slash_of_the_source_folder_is_stripped() -> None:
    assert validate_dataset(dict(SCITACEAN_V4, sourceFolder="/x/y/"))["sourceFolder"] == "/x/y"


@pytest.mark.parametrize(
    ("field", "value", "where"),
    [
        ("contactEmail", "NotAnEmail", "contactEmail"),
        ("contactEmail", "a@b.c;broken", "contactEmail"),
        ("ownerEmail", "nobody", "ownerEmail"),
        ("size", -1, "size"),
        ("size", 1.5, "size"),
        ("size", True, "size"),
        ("numberOfFiles", "3", "numberOfFiles"),
        ("isPublished", "yes", "isPublished"),
        ("creationTime", "yesterday", "creationTime"),
        ("keywords", ["a", 3], "keywords[1]"),
        ("keywords", "a,b", "keywords"),
        ("sharedWith", ["x@y.org", "not-mail"], "sharedWith[1]"),
        ("techniques", [{"pid": "t1", "name": 2}], "techniques[0].name"),
        ("techniques", [{"pid": "t1", "colour": "red"}], "techniques[0].colour"),
        ("relationships", ["p"], "relationships[0]"),
        ("scientificMetadata", [], "scientificMetadata"),
        ("dataQualityMetrics", float("inf"), "dataQualityMetrics"),
        ("sourceFolderHost", "not a url", "sourceFolderHost"),
        ("type", "simulated", "type"),
        ("sourceFolder", "", "sourceFolder"),
        ("createdAt", "2024-01-01T00:00:00Z", "createdAt"),
    ],
)
def test_a_bad_field_is_refused_by_name(field: str, value: object, where: str) -> None:
    with pytest.raises(InvalidInput) as error:
        validate_dataset(dict(SCITACEAN_V4, **{field: value}))
    assert where in _problems(error)


def test_a_configured_dataset_type_is_accepted() -> None:
    body = dict(SCITACEAN_V4, type="simulated")
    assert validate_dataset(body, types=("raw", "derived", "simulated"))["type"] == "simulated"


def test_a_body_that_is_not_an_object_is_refused() -> None:
    with pytest.raises(InvalidInput) as error:
        validate_dataset(["not", "an", "object"])
    assert _problems(error) == {"body": "body must be an object"}


def test_v3_accepts_and_ignores_version() -> None:
    assert "version" not in validate_dataset(dict(PYSCICAT_V3, version="3"), ApiVersion.V3)


def test_v3_refuses_a_singular_and_its_list_together() -> None:
    with pytest.raises(InvalidInput) as error:
        validate_dataset(dict(PYSCICAT_V3, proposalIds=["other"]), ApiVersion.V3)
    assert "proposalId" in _problems(error)


# -- patches ------------------------------------------------------------------------------------


def _stored() -> dict:
    return validate_dataset(SCITACEAN_V4) | {"pid": PID}


def test_a_merge_patch_merges_objects_and_recomputes_si_values() -> None:
    changes = validate_patch({"scientificMetadata": {"temperature": {"value": 0, "unit": "degC"}}})
    updated = apply_patch(_stored(), changes)
    temperature = updated["scientificMetadata"]["temperature"]
    assert temperature["valueSI"] == pytest.approx(273.15)
    assert temperature["unitSI"] == "K"
    assert updated["datasetName"] == "compat raw"


def test_a_merge_patch_removes_fields_given_as_null_but_never_required_ones() -> None:
    updated = apply_patch(_stored(), validate_patch({"creationLocation": None}))
    assert "creationLocation" not in updated
    with pytest.raises(InvalidInput) as error:
        validate_patch({"ownerGroup": None})
    assert _problems(error) == {"ownerGroup": "ownerGroup is required and cannot be removed"}


def test_a_patch_may_not_leave_a_quantity_without_its_unit() -> None:
    changes = validate_patch({"scientificMetadata": {"temperature": {"unit": None}}})
    with pytest.raises(InvalidInput) as error:
        apply_patch(_stored(), changes)
    assert "scientificMetadata.temperature" in _problems(error)


def test_a_patch_repeating_pid_and_type_is_accepted_and_changing_them_is_not() -> None:
    stored = _stored()
    same = validate_patch({"pid": PID, "type": "raw", "description": "patched"}, ApiVersion.V3)
    assert apply_patch(stored, same, merge=False)["description"] == "patched"
    with pytest.raises(InvalidInput) as error:
        apply_patch(stored, validate_patch({"type": "derived"}))
    assert _problems(error) == {"type": "type cannot be changed"}


def test_a_v3_patch_replaces_objects_whole() -> None:
    changes = validate_patch({"scientificMetadata": {"b": 1}}, ApiVersion.V3)
    assert apply_patch(_stored(), changes, merge=False)["scientificMetadata"] == {"b": 1}


def test_a_patch_names_its_bad_fields() -> None:
    with pytest.raises(InvalidInput) as error:
        validate_patch({"size": "big", "colour": "red"})
    assert _problems(error) == {
        "size": "size must be a non-negative integer",
        "colour": "property colour should not exist",
    }


# -- records ------------------------------------------------------------------------------------


def test_a_dataset_becomes_a_record_with_its_pid_access_and_relations() -> None:
    dataset = validate_dataset(
        dict(
            SCITACEAN_V4,
            inputDatasets=["PID/in-1"],
            usedSoftware=["https://git/x"],
            isPublished=True,
            keywords=["neutron"],
        )
    ) | {"pid": PID}
    record = record_of(
        dataset,
        ark="ark:99999/fd1x",
        owner_id="u1",
        created_by="user1",
        inputs={"PID/in-1": "ark:99999/fdin1"},
    )
    assert record.identifiers == {IdentifierScheme.SCICAT_PID.value: PID}
    assert record.kind == "raw"
    assert record.name == "compat raw"
    assert record.keywords == ["neutron"]
    assert record.access.owner_group == "group1"
    assert record.access.access_groups == ["uu"]
    assert record.access.publication is PublicationStatus.PUBLISHED
    assert record.access.group_write is True
    assert Relation(INPUT_DATASET, "ark:99999/fdin1") in record.relations
    assert Relation(USED_SOFTWARE, "https://git/x") in record.relations
    assert record.native is not None
    assert record.native["createdBy"] == "user1"


def test_inputs_found_here_are_links_to_their_arks_and_others_stay_pids() -> None:
    derived = validate_dataset(
        dict(
            SCITACEAN_V4,
            inputDatasets=["PID/here", "PID/elsewhere"],
            usedSoftware=["https://git/x", "ark:99999/tool", "reduce-1.0"],
        )
    ) | {"pid": PID}
    record = record_of(
        derived, ark="ark:99999/fd1x", owner_id="u1", inputs={"PID/here": "ark:99999/fdhere"}
    )
    doc = record.metadata
    expected = [{"@id": "ark:99999/fdhere"}, {"identifier": "PID/elsewhere"}]
    assert doc["isBasedOn"] == expected
    assert doc["usedDataset"] == expected
    assert doc["usedSoftware"] == [
        {"@id": "https://git/x"},
        {"@id": "ark:99999/tool"},
        "reduce-1.0",
    ]
    # relation targets are keys of records (or IRIs), never a pid or a software's name
    assert sorted(record.relations, key=lambda r: r.target) == [
        Relation(INPUT_DATASET, "ark:99999/fdhere"),
        Relation(USED_SOFTWARE, "ark:99999/tool"),
        Relation(USED_SOFTWARE, "https://git/x"),
    ]
    # without the map (nothing found here) every input is a pid
    alone = jsonld_of(derived, "ark:99999/fd1x")
    assert alone["usedDataset"] == [{"identifier": "PID/here"}, {"identifier": "PID/elsewhere"}]


def test_the_rdf_links_a_derived_dataset_to_its_input_ark_in_evi_terms() -> None:
    from rdflib import URIRef

    from fairdepot.core.metadata.rdf import to_graph

    derived = validate_dataset(dict(SCITACEAN_V4, inputDatasets=["PID/here"])) | {"pid": PID}
    doc = jsonld_of(derived, "ark:99999/fd1x", inputs={"PID/here": "ark:99999/fdhere"})
    graph = to_graph(doc)
    subject, target = URIRef("ark:99999/fd1x"), URIRef("ark:99999/fdhere")
    assert (subject, URIRef("https://w3id.org/EVI#usedDataset"), target) in graph
    assert (subject, URIRef("https://schema.org/isBasedOn"), target) in graph


def test_a_change_rebuilds_the_input_links_with_the_map_it_is_given() -> None:
    derived = validate_dataset(dict(SCITACEAN_V4, inputDatasets=["PID/late"])) | {"pid": PID}
    record = record_of(derived, ark="ark:99999/fd1x", owner_id="u1")
    assert record.relations == []
    changes = changes_of(record, derived, inputs={"PID/late": "ark:99999/fdlate"})
    assert changes.relations == (Relation(INPUT_DATASET, "ark:99999/fdlate"),)


def test_a_record_needs_the_pid_of_its_dataset() -> None:
    with pytest.raises(ValueError, match="pid"):
        record_of(validate_dataset(SCITACEAN_V4), ark="ark:99999/fd1x", owner_id=None)


def test_the_jsonld_is_a_schema_org_dataset_the_core_accepts() -> None:
    dataset = validate_dataset(
        dict(
            SCITACEAN_V4,
            description="d",
            keywords=["k"],
            ownerEmail="p@uu.am",
            contactEmail="a@uu.am; b@uu.am",
            startTime="2026-01-01T00:00:00Z",
            techniques=[{"pid": "t", "name": "SANS"}],
            principalInvestigators=["Ponder Stibbons", "Mustrum Ridcully"],
        )
    ) | {"pid": PID}
    doc = jsonld_of(dataset, "ark:99999/fd1x")
    check_metadata(doc)
    assert doc["@type"] == "Dataset"
    assert doc["@id"] == "ark:99999/fd1x"
    assert doc["name"] == "compat raw"
    assert doc["description"] == "d"
    assert doc["dateCreated"] == "2026-11-22T03:13:06.086Z"
    assert doc["creator"] == [{"@type": "Person", "name": "Ponder Stibbons", "email": "p@uu.am"}]
    # the owner, then the principal investigators not named as owner: FAIRSCAPE's `author`
    assert [a["name"] for a in doc["author"]] == ["Ponder Stibbons", "Mustrum Ridcully"]
    assert [c["email"] for c in doc["contactPoint"]] == ["a@uu.am", "b@uu.am"]
    assert doc["identifier"] == [PID]
    assert doc["keywords"] == ["k"]
    # the technique keeps its pid (SciCat's techniques name a vocabulary term by it)
    assert doc["measurementTechnique"] == [
        {"@type": "DefinedTerm", "name": "SANS", "identifier": "t"}
    ]
    assert doc["variableMeasured"] == [
        {"@type": "PropertyValue", "name": "temperature", "value": 123, "unitText": "K"}
    ]


def test_the_dataset_read_back_carries_the_server_fields_and_on_v3_the_aliases() -> None:
    dataset = validate_dataset(SCITACEAN_V4) | {"pid": PID}
    record = record_of(dataset, ark="ark:99999/fd1x", owner_id="u1", created_by="user1")
    record.created_at = record.updated_at = datetime(2026, 1, 2, 3, 4, 5, 678901, tzinfo=UTC)
    v4 = dataset_of(record)
    assert v4["createdAt"] == "2026-01-02T03:04:05.678Z"
    assert v4["version"] == "4"
    assert v4["createdBy"] == "user1"
    assert v4["pid"] == PID
    v3 = dataset_of(record, ApiVersion.V3)
    assert v3["proposalId"] == "p-compat"
    assert v3["principalInvestigator"] == "Ponder Stibbons"
    assert "investigator" not in v3
    assert v3["version"] == "3"


def test_the_published_flag_read_back_follows_the_record_access() -> None:
    record = record_of(_stored(), ark="ark:99999/fd1x", owner_id="u1")
    record.access.publication = PublicationStatus.PUBLISHED  # published through another face
    assert dataset_of(record)["isPublished"] is True


# -- query fields -------------------------------------------------------------------------------


def test_query_fields_are_columns_where_a_column_holds_them_else_native_paths() -> None:
    assert query_field("ownerGroup") == Field(column=Column.OWNER_GROUP)
    assert query_field("type") == Field(column=Column.KIND)
    assert query_field("createdAt") == Field(column=Column.CREATED_AT)
    assert query_field("scientificMetadata.temperature.valueSI") == Field(
        document="native", path=("scientificMetadata", "temperature", "valueSI")
    )
    assert query_field("proposalId") == Field(document="native", path=("proposalIds",))
    assert query_field("_id") == Field(document="native", path=("pid",))


def test_an_unknown_query_field_is_refused_by_name() -> None:
    with pytest.raises(InvalidQuery) as error:
        query_field("colour", "where.colour")
    assert error.value.problems[0].location == "where.colour"


# -- round trips --------------------------------------------------------------------------------

_text = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=20)
_word = st.text("abcdefghijklmnopqrstuvwxyz", min_size=1, max_size=10)
_email = st.builds("{}@{}.org".format, _word, _word)
_time = st.datetimes(
    min_value=datetime(1970, 1, 2), max_value=datetime(2100, 1, 1), timezones=st.just(UTC)
).map(lambda t: t.isoformat())
_leaf = st.one_of(
    _text,
    st.integers(-(10**9), 10**9),
    st.booleans(),
    st.none(),
    st.floats(allow_nan=False, allow_infinity=False, width=32),
)
_quantity = st.fixed_dictionaries(
    {"value": st.integers(-1000, 1000), "unit": st.sampled_from(["K", "mm", "s", "degC", "eV"])}
)
_metadata = st.dictionaries(
    _word, st.one_of(_leaf, _quantity, st.lists(_leaf, max_size=3)), max_size=4
)

_bodies = st.fixed_dictionaries(
    {
        "type": st.sampled_from(["raw", "derived"]),
        "ownerGroup": _word,
        "owner": _word,
        "contactEmail": _email,
        "sourceFolder": st.builds("/{}/{}".format, _word, _word),
        "creationTime": _time,
    },
    optional={
        "datasetName": _text,
        "description": _text,
        "accessGroups": st.lists(_word, max_size=3),
        "keywords": st.lists(_text, max_size=3),
        "isPublished": st.booleans(),
        "size": st.integers(0, 10**12),
        "numberOfFiles": st.integers(0, 10**6),
        "startTime": _time,
        "principalInvestigators": st.lists(_word, max_size=2),
        "proposalIds": st.lists(_word, max_size=2),
        "sampleIds": st.lists(_word, max_size=2),
        "instrumentIds": st.lists(_word, max_size=2),
        "inputDatasets": st.lists(_word, max_size=2),
        "techniques": st.lists(st.fixed_dictionaries({"pid": _word, "name": _text}), max_size=2),
        "scientificMetadata": _metadata,
        "dataQualityMetrics": st.floats(allow_nan=False, allow_infinity=False),
        "sharedWith": st.lists(_email, max_size=2),
    },
)


@settings(max_examples=150, deadline=None)
@given(_bodies)
def test_checking_a_stored_dataset_again_changes_nothing(body: dict) -> None:
    stored = validate_dataset(body)
    assert validate_dataset(copy.deepcopy(stored)) == stored


@settings(max_examples=150, deadline=None)
@given(_bodies, _word)
def test_a_dataset_read_back_from_its_record_is_the_dataset_stored(body: dict, uuid: str) -> None:
    stored = validate_dataset(body) | {"pid": f"PID.prefix/{uuid}"}
    record = record_of(stored, ark="ark:99999/fd1x", owner_id="u")
    read = dataset_of(record)
    assert {k: v for k, v in read.items() if k != "version"} == stored
    check_metadata(record.metadata)
    assert record.access.owner_group == stored["ownerGroup"]
    assert (record.access.publication is PublicationStatus.PUBLISHED) == stored["isPublished"]


@settings(max_examples=100, deadline=None)
@given(_bodies, _word, _word)
def test_v3_singular_fields_come_back_as_they_were_written(
    body: dict, proposal: str, investigator: str
) -> None:
    v3 = {k: v for k, v in body.items() if k not in ("proposalIds", "principalInvestigators")}
    v3 |= {
        "proposalId": proposal,
        "principalInvestigator": investigator,
        "investigator": investigator,
        "creationLocation": "here",
        "inputDatasets": [],
        "usedSoftware": [],
    }
    if v3["type"] == "raw":
        del v3["investigator"]
    else:
        del v3["principalInvestigator"]
    view = v3_view(validate_dataset(v3, ApiVersion.V3))
    assert view["proposalId"] == proposal
    alias = "principalInvestigator" if v3["type"] == "raw" else "investigator"
    assert view[alias] == investigator


@settings(max_examples=50, deadline=None)
@given(_bodies, _bodies)
def test_a_v3_patch_of_every_field_gives_the_dataset_created_from_it(old: dict, new: dict) -> None:
    stored = validate_dataset(old) | {"pid": "PID/x"}
    # a nameless dataset is named on creation only (as on the backend), so a patch keeps ""
    changes = {k: v for k, v in new.items() if k not in ("type", "datasetName")}
    patched = apply_patch(stored, validate_patch(changes), merge=False)
    for name in changes:
        assert patched[name] == validate_dataset(new)[name]


def test_every_field_of_the_reference_is_known() -> None:
    # v4 CreateDatasetDto as listed in the reference (§5), required and optional
    reference = [
        "pid",
        "ownerGroup",
        "contactEmail",
        "sourceFolder",
        "creationTime",
        "datasetName",
        "type",
        "owner",
        "ownerEmail",
        "orcidOfOwner",
        "accessGroups",
        "instrumentGroup",
        "sourceFolderHost",
        "size",
        "packedSize",
        "numberOfFiles",
        "numberOfFilesArchived",
        "validationStatus",
        "keywords",
        "description",
        "classification",
        "license",
        "isPublished",
        "techniques",
        "sharedWith",
        "relationships",
        "datasetlifecycle",
        "scientificMetadata",
        "scientificMetadataSchema",
        "scientificMetadataValid",
        "comment",
        "dataQualityMetrics",
        "principalInvestigators",
        "startTime",
        "endTime",
        "creationLocation",
        "dataFormat",
        "proposalIds",
        "sampleIds",
        "instrumentIds",
        "inputDatasets",
        "usedSoftware",
        "jobParameters",
        "jobLogData",
        "runNumber",
    ]
    assert sorted(FIELDS) == sorted(reference)


def test_the_jsonld_is_rdf_in_schema_org_and_evi_terms() -> None:
    from rdflib import Literal, URIRef

    from fairdepot.core.metadata.rdf import to_graph

    dataset = validate_dataset(dict(SCITACEAN_V4, usedSoftware=["reduce-1.0"])) | {"pid": PID}
    graph = to_graph(jsonld_of(dataset, "ark:99999/fd1x"))
    subject = URIRef("ark:99999/fd1x")
    assert (subject, URIRef("https://schema.org/name"), Literal("compat raw")) in graph
    assert (subject, URIRef("https://w3id.org/EVI#usedSoftware"), Literal("reduce-1.0")) in graph


_json = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(), st.floats(), _text),
    lambda inner: st.one_of(st.lists(inner, max_size=3), st.dictionaries(_text, inner, max_size=3)),
    max_leaves=8,
)


@settings(max_examples=300, deadline=None)
@given(
    st.dictionaries(st.sampled_from([*FIELDS, "proposalId", "investigator", "x"]), _json),
    st.sampled_from(list(ApiVersion)),
)
def test_any_body_is_either_a_dataset_or_invalid_input(body: dict, version: ApiVersion) -> None:
    try:
        dataset = validate_dataset(body, version)
    except InvalidInput:
        pass
    else:
        assert validate_dataset(dataset) == dataset
    try:
        changes = validate_patch(body, version)
        apply_patch(validate_dataset(SCITACEAN_V4) | {"pid": PID}, changes)
    except InvalidInput:
        pass


def test_a_v3_body_whose_type_is_not_a_string_is_invalid_input() -> None:
    with pytest.raises(InvalidInput) as error:
        validate_dataset(dict(PYSCICAT_V3, type=["raw"]), ApiVersion.V3)
    assert "type" in _problems(error)


def test_the_changes_of_an_update_keep_owner_and_moderation_and_follow_the_dataset() -> None:
    from fairdepot.core.crosswalks.scicat import changes_of

    record = record_of(_stored(), ark="ark:99999/fd1x", owner_id="u1", created_by="user1")
    record.access.organization = "facility"
    updated = apply_patch(
        dataset_of(record),
        validate_patch({"ownerGroup": "group9", "isPublished": True, "datasetName": "renamed"}),
    )
    changes = changes_of(record, updated, updated_by="user2")
    assert changes.access.owner_id == "u1"
    assert changes.access.organization == "facility"
    assert changes.access.owner_group == "group9"
    assert changes.access.publication is PublicationStatus.PUBLISHED
    assert changes.metadata.name == "renamed"
    assert changes.metadata.document["name"] == "renamed"
    assert changes.native["updatedBy"] == "user2"
    assert changes.native["createdBy"] == "user1"


@pytest.mark.parametrize(
    ("instant", "text"),
    [
        (datetime(2024, 5, 6, 7, 8, 9, 123456, tzinfo=UTC), "2024-05-06T07:08:09.123Z"),
        (datetime(999, 1, 1, tzinfo=UTC), "0999-01-01T00:00:00.000Z"),
        (datetime(1, 1, 1, tzinfo=UTC), "0001-01-01T00:00:00.000Z"),
        (datetime(2024, 1, 1, 2, tzinfo=timezone(timedelta(hours=2))), "2024-01-01T00:00:00.000Z"),
    ],
)
def test_timestamps_are_emitted_as_javascript_iso_strings(instant: datetime, text: str) -> None:
    """Four-digit years even before 1000: clients' ISO parsers refuse `999-01-01...`."""
    assert format_time(instant) == text


def test_a_where_instant_is_cut_to_the_millisecond_the_text_form_shows() -> None:
    """A `where` compares `millisecond_instant`s, so it must be the instant `format_time`
    writes: UTC, microseconds cut (not rounded), a naive value taken as UTC."""
    given = datetime(2024, 1, 1, 2, 0, 0, 999999, tzinfo=timezone(timedelta(hours=2)))
    cut = millisecond_instant(given)
    assert cut == datetime(2024, 1, 1, 0, 0, 0, 999000, tzinfo=UTC)
    assert cut.utcoffset() == timedelta(0)
    assert format_time(cut) == format_time(given) == "2024-01-01T00:00:00.999Z"
    assert millisecond_instant(datetime(2024, 1, 1, 0, 0, 0, 1500)) == datetime(
        2024, 1, 1, 0, 0, 0, 1000, tzinfo=UTC
    )


# -- the forward mapping, one row of docs/crosswalks.md's dataset table per case -------------

_BASE = {"pid": PID, "type": "raw", "owner": "Ponder Stibbons"}
_PONDER = {"@type": "Person", "name": "Ponder Stibbons"}


@pytest.mark.parametrize(
    ("fields", "key", "expected"),
    [
        ({"pid": "20.500.12269/x"}, "identifier", ["20.500.12269/x"]),
        ({"type": "derived"}, "@type", "Dataset"),
        ({"datasetName": "run 7"}, "name", "run 7"),
        ({"description": "d"}, "description", "d"),
        ({"keywords": ["a", "b"]}, "keywords", ["a", "b"]),
        ({"ownerEmail": "p@uu.am"}, "creator", [{**_PONDER, "email": "p@uu.am"}]),
        (
            {"orcidOfOwner": "0000-0002-1825-0097"},
            "creator",
            [
                {
                    **_PONDER,
                    "identifier": "0000-0002-1825-0097",
                    "@id": "https://orcid.org/0000-0002-1825-0097",
                }
            ],
        ),
        (
            {"orcidOfOwner": "https://orcid.org/0000-0002-1825-009X"},
            "creator",
            [
                {
                    **_PONDER,
                    "identifier": "https://orcid.org/0000-0002-1825-009X",
                    "@id": "https://orcid.org/0000-0002-1825-009X",
                }
            ],
        ),
        # free text is kept as the identifier but never becomes an IRI
        ({"orcidOfOwner": "ponder at uu"}, "creator", [{**_PONDER, "identifier": "ponder at uu"}]),
        (
            {"principalInvestigators": ["Mustrum Ridcully"]},
            "accountablePerson",
            [{"@type": "Person", "name": "Mustrum Ridcully"}],
        ),
        (
            {"principalInvestigators": ["Ponder Stibbons", "Mustrum Ridcully"]},
            "author",
            [_PONDER, {"@type": "Person", "name": "Mustrum Ridcully"}],
        ),
        (
            {"contactEmail": "a@uu.am; ;b@uu.am"},
            "contactPoint",
            [
                {"@type": "ContactPoint", "email": "a@uu.am"},
                {"@type": "ContactPoint", "email": "b@uu.am"},
            ],
        ),
        ({"creationTime": "2026-01-01T00:00:00.000Z"}, "dateCreated", "2026-01-01T00:00:00.000Z"),
        (
            {"startTime": "2026-01-01T00:00:00.000Z", "endTime": "2026-01-02T00:00:00.000Z"},
            "temporalCoverage",
            "2026-01-01T00:00:00.000Z/2026-01-02T00:00:00.000Z",
        ),
        (
            {"startTime": "2026-01-01T00:00:00.000Z"},
            "temporalCoverage",
            "2026-01-01T00:00:00.000Z/..",
        ),
        (
            {"endTime": "2026-01-02T00:00:00.000Z"},
            "temporalCoverage",
            "../2026-01-02T00:00:00.000Z",
        ),
        ({"creationLocation": "UU"}, "locationCreated", "UU"),
        ({"dataFormat": "NeXus"}, "encodingFormat", "NeXus"),
        ({"license": "CC-BY-4.0"}, "license", "CC-BY-4.0"),
        ({"comment": "c"}, "comment", "c"),
        ({"size": 0}, "contentSize", "0 B"),
        ({"size": 12345}, "contentSize", "12345 B"),
        (
            {"techniques": [{"pid": "http://purl.org/pan-science/PaNET/PaNET01217"}]},
            "measurementTechnique",
            [
                {
                    "@type": "DefinedTerm",
                    "identifier": "http://purl.org/pan-science/PaNET/PaNET01217",
                }
            ],
        ),
        ({"inputDatasets": ["p/1"]}, "isBasedOn", [{"identifier": "p/1"}]),
        ({"usedSoftware": ["reduce-1.0"]}, "usedSoftware", ["reduce-1.0"]),
        (
            {"scientificMetadata": {"t": {"value": 3, "unit": "K"}, "mode": "fast", "deep": {}}},
            "variableMeasured",
            [
                {"@type": "PropertyValue", "name": "t", "value": 3, "unitText": "K"},
                {"@type": "PropertyValue", "name": "mode", "value": "fast"},
            ],
        ),
    ],
)
def test_each_dataset_field_maps_to_its_schema_org_property(
    fields: dict, key: str, expected: object
) -> None:
    doc = jsonld_of({**_BASE, **fields}, "ark:99999/fd1x")
    assert doc[key] == expected
    check_metadata(doc)


@pytest.mark.parametrize(
    "fields",
    [
        {"ownerGroup": "g", "accessGroups": ["a"], "isPublished": True},
        {"proposalIds": ["p"], "sampleIds": ["s"], "instrumentIds": ["i"]},
        {"sourceFolder": "/data", "numberOfFiles": 3, "packedSize": 4},
        {"techniques": [{}], "keywords": [], "inputDatasets": []},
    ],
)
def test_fields_without_a_schema_org_property_add_nothing(fields: dict) -> None:
    assert jsonld_of({**_BASE, **fields}, "ark:99999/fd1x") == jsonld_of(_BASE, "ark:99999/fd1x")


def _block(*files: dict, chk_alg: str | None = None) -> dict:
    block: dict = {"dataFileList": list(files), "size": sum(f["size"] for f in files)}
    if chk_alg is not None:
        block["chkAlg"] = chk_alg
    return block


def _file(path: str = "a.nxs", **extra: object) -> dict:
    return {"path": path, "size": 10, "time": "2026-01-01T00:00:00.000Z", **extra}


@pytest.mark.parametrize(
    ("chk_alg", "key", "value"),
    [
        ("sha256", "sha256", "abc"),
        ("SHA-256", "sha256", "abc"),
        ("sha2-256", "sha256", "abc"),
        ("MD5", "md5", "abc"),
        (None, "EVI:checksum", "abc"),
        ("", "EVI:checksum", "abc"),
        (
            "blake2b 256",
            "EVI:checksum",
            {"@type": "PropertyValue", "propertyID": "blake2b 256", "value": "abc"},
        ),
        (
            "sha<256>",
            "EVI:checksum",
            {"@type": "PropertyValue", "propertyID": "sha<256>", "value": "abc"},
        ),
    ],
)
def test_a_files_checksum_takes_the_key_crates_use_or_a_property_value(
    chk_alg: str | None, key: str, value: object
) -> None:
    [part] = files_part([_block(_file(chk="abc"), chk_alg=chk_alg)])
    assert part == {
        "@type": "MediaObject",
        "name": "a.nxs",
        "contentSize": "10 B",
        "dateModified": "2026-01-01T00:00:00.000Z",
        key: value,
    }


def test_a_file_without_time_or_checksum_has_only_name_and_size() -> None:
    [part] = files_part([_block({"path": "x", "size": 0}, chk_alg="sha256")])
    assert part == {"@type": "MediaObject", "name": "x", "contentSize": "0 B"}


def test_a_held_file_gets_a_host_free_download_link_and_the_measured_checksums() -> None:
    held = RecordFile(path="raw/a b.nxs", size=10, sha256="s" * 64, md5="m" * 32, blob_key="k")
    parts = files_part(
        [_block(_file("raw/a b.nxs", chk="c"), _file("facility.nxs"), chk_alg="blake2b")],
        ark="ark:99999/fd1x",
        held={"raw/a b.nxs": held, "facility.nxs": RecordFile(path="facility.nxs", size=10)},
    )
    assert parts[0]["contentUrl"] == "fairdepot:/api/download/ark:99999/fd1x?path=raw/a%20b.nxs"
    assert (parts[0]["sha256"], parts[0]["md5"]) == ("s" * 64, "m" * 32)
    assert parts[0]["EVI:checksum"]["propertyID"] == "blake2b"  # the client's, beside them
    # a file the facility keeps (no bytes here) has no download link
    assert "contentUrl" not in parts[1]
    assert links.render(parts, "https://repo.example/")[0]["contentUrl"] == (
        "https://repo.example/api/download/ark:99999/fd1x?path=raw/a%20b.nxs"
    )


def test_past_the_cap_one_collection_counts_the_rest_and_links_the_blocks() -> None:
    files = [_file(f"f{i}") for i in range(HAS_PART_FILES + 5)]
    parts = files_part([_block(*files[:600]), _block(*files[600:])], pid="20.500/x y")
    assert len(parts) == HAS_PART_FILES + 1
    assert [p["name"] for p in parts[:HAS_PART_FILES]] == [f"f{i}" for i in range(HAS_PART_FILES)]
    assert parts[-1] == {
        "@type": "Collection",
        "name": "5 more files",
        "EVI:numberOfFiles": 5,
        "url": "fairdepot:/api/v3/datasets/20.500%2Fx%20y/origdatablocks",
    }
    assert links.render(parts[-1], "https://repo.example")["url"] == (
        "https://repo.example/api/v3/datasets/20.500%2Fx%20y/origdatablocks"
    )


def test_the_total_counts_files_of_blocks_not_passed() -> None:
    parts = files_part([_block(_file())], total=4)
    assert parts[-1]["EVI:numberOfFiles"] == 3
    assert files_part([_block(_file())], total=1) == files_part([_block(_file())])


def test_a_dataset_with_hostile_checksums_serialises_to_every_rdf_format() -> None:
    from rdflib import Graph, Literal, URIRef

    from fairdepot.core.metadata.rdf import RDF_FORMATS, serialize, to_graph

    blocks = [
        _block(_file("a", chk="1"), chk_alg="blake2b 256"),
        _block(_file("b", chk="2"), chk_alg="sha<256>"),
        _block(_file("c", chk="3"), chk_alg="sha256"),
        _block(_file("d", chk="4")),
    ]
    dataset = {
        **_BASE,
        "orcidOfOwner": "0000-0002-1825-0097",
        "techniques": [{"pid": "not an iri <x>", "name": "SANS"}],
        "startTime": "2026-01-01T00:00:00.000Z",
    }
    doc = links.render(
        jsonld_of(dataset, "ark:99999/fd1x", files_part(blocks, total=9, pid="p")),
        "https://repo.example",
    )
    graph = to_graph(doc)
    owner = URIRef("https://orcid.org/0000-0002-1825-0097")
    assert (URIRef("ark:99999/fd1x"), URIRef("https://schema.org/creator"), owner) in graph
    assert (None, URIRef("https://schema.org/sha256"), Literal("3")) in graph
    assert (None, URIRef("https://schema.org/propertyID"), Literal("sha<256>")) in graph
    for media_type, rdflib_format in RDF_FORMATS.items():
        text = serialize(doc, media_type)
        again = Graph().parse(data=text, format=rdflib_format)
        assert len(again) == len(graph), media_type
