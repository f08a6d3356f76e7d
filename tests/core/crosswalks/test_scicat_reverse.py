"""The reverse SciCat crosswalk (a FAIRSCAPE crate → a SciCat dataset), as pure functions:
field by field, raw vs derived, missing fields, and its query rules agreeing with what it
renders (the same `where` matches a crate exactly when it matches the dataset it reads as,
but for the fields compared per author, `PER_AUTHOR`)."""

from __future__ import annotations

import copy
from datetime import UTC, datetime

import pytest

from fairdepot.core.crosswalks.scicat_fields import ApiVersion
from fairdepot.core.crosswalks.scicat_reverse import (
    FAIRSCAPE_CRATES,
    crate_facets,
    crate_filter,
    dataset_from_crate,
)
from fairdepot.core.query import Column, Comparison, FacetRequest, Field, Op
from fairdepot.core.records import Access, Face, PublicationStatus, Record, RecordFile
from fairdepot.services.scicat.where import where_filter
from tests.support.query_oracle import matches, values_of

ARK = "ark:59852/rocrate-example-expression-crate-6xqfytwgbn6"
CREATED = datetime(2026, 3, 4, 5, 6, 7, 891234, tzinfo=UTC)
UPDATED = datetime(2026, 3, 5, 0, 0, tzinfo=UTC)

ROOT = {
    "@id": ARK,
    "@type": ["Dataset", "https://w3id.org/EVI#ROCrate"],
    "name": "Example Expression Crate",
    "description": "Tiny RO-Crate used to test FAIRSCAPE-compatible servers",
    "keywords": ["fairscape", "test", "rocrate"],
    "version": "1.0",
    "datePublished": "2025-01-15",
    "isPartOf": [{"@id": "ark:59852/organization-example-lab-jFkmXAvwhz"}],
    "hasPart": [{"@id": "ark:59852/dataset-input-expression-data-2bfrepiy6js"}],
    "author": "Jane Doe",
    "license": "https://creativecommons.org/licenses/by/4.0/",
}


def crate(metadata: dict | None = None, **access: object) -> Record:
    return Record(
        ark=ARK,
        kind="ROCrate",
        face=Face.FAIRSCAPE,
        metadata=copy.deepcopy(ROOT if metadata is None else metadata),
        access=Access(
            owner_id="u1",
            owner_group=str(access.get("group", "group1")),
            metadata_public=True,
            publication=access.get("publication", PublicationStatus.DRAFT),  # type: ignore[arg-type]
        ),
        types=["Dataset", "ROCrate"],
        name=(metadata or ROOT).get("name"),
        files=[
            RecordFile(path="data/input_data.csv", size=77),
            RecordFile(path="data/summary_stats.csv", size=26),
        ],
        created_at=CREATED,
        updated_at=UPDATED,
        owner_username="user1",
    )


# -- rendering, field by field -------------------------------------------------------------


def test_a_fairscape_cli_crate_reads_as_a_raw_dataset_field_by_field() -> None:
    dataset = dataset_from_crate(crate())
    assert dataset == {
        "pid": ARK,
        "type": "raw",
        "datasetName": "Example Expression Crate",
        "description": "Tiny RO-Crate used to test FAIRSCAPE-compatible servers",
        "keywords": ["fairscape", "test", "rocrate"],
        "license": "https://creativecommons.org/licenses/by/4.0/",
        "owner": "Jane Doe",
        "principalInvestigators": ["Jane Doe"],
        "contactEmail": "",
        "ownerGroup": "group1",
        "accessGroups": [],
        "isPublished": False,
        "sourceFolder": ARK,
        "creationTime": "2025-01-15T00:00:00.000Z",
        "size": 103,
        "numberOfFiles": 2,
        "scientificMetadata": {},
        "inputDatasets": [],
        "usedSoftware": [],
        "createdBy": "user1",
        "updatedBy": "user1",
        "createdAt": "2026-03-04T05:06:07.891Z",
        "updatedAt": "2026-03-05T00:00:00.000Z",
        "version": "4",
    }


def test_a_crate_that_names_its_input_datasets_is_derived() -> None:
    root = {
        **ROOT,
        "usedDataset": [{"@id": "ark:59852/dataset-a"}, "ark:59852/dataset-b"],
        "usedSoftware": [{"@id": "ark:59852/software-s"}],
    }
    dataset = dataset_from_crate(crate(root))
    assert dataset["type"] == "derived"
    assert dataset["inputDatasets"] == ["ark:59852/dataset-a", "ark:59852/dataset-b"]
    assert dataset["usedSoftware"] == ["ark:59852/software-s"]
    assert dataset_from_crate(crate({**ROOT, "usedDataset": []}))["type"] == "raw"
    # software alone is not an input dataset
    assert dataset_from_crate(crate({**ROOT, "usedSoftware": ["s"]}))["type"] == "raw"


def test_persons_licenses_dates_and_properties_take_their_schema_org_shapes() -> None:
    root = {
        **ROOT,
        "author": [
            {"@type": "Person", "name": "Ada", "email": "ada@lab.org"},
            {"@type": "Person", "name": "Bob", "email": "bob@lab.org"},
            {"@id": "https://orcid.org/0000-0002-1825-0097"},
        ],
        "license": {"@id": "https://spdx.org/licenses/MIT"},
        "dateCreated": "2024-06-01T12:30:00+02:00",
        "additionalProperty": [
            {"@type": "PropertyValue", "name": "temperature", "value": 21.5, "unitText": "degC"},
            {"@type": "PropertyValue", "name": "Intended Use", "value": "tests"},
            {"@type": "PropertyValue", "value": "no name: dropped"},
        ],
    }
    dataset = dataset_from_crate(crate(root), ApiVersion.V3)
    assert dataset["owner"] == "Ada"
    assert dataset["principalInvestigators"] == [
        "Ada",
        "Bob",
        "https://orcid.org/0000-0002-1825-0097",
    ]
    assert dataset["principalInvestigator"] == "Ada"  # v3's alias
    assert dataset["contactEmail"] == "ada@lab.org;bob@lab.org"
    assert dataset["ownerEmail"] == "ada@lab.org"
    assert dataset["license"] == "https://spdx.org/licenses/MIT"
    assert dataset["creationTime"] == "2024-06-01T10:30:00.000Z"  # dateCreated first, in UTC
    assert dataset["scientificMetadata"] == {
        "temperature": {"value": 21.5, "unit": "degC"},
        "Intended Use": "tests",
    }
    assert dataset["version"] == "3"


def test_missing_fields_are_left_out_or_take_the_records_own_values() -> None:
    bare = {"@id": ARK, "@type": ["Dataset", "https://w3id.org/EVI#ROCrate"]}
    record = crate(bare, group="")
    record.files = []
    dataset = dataset_from_crate(record)
    for absent in ("description", "license", "owner", "ownerEmail"):
        assert absent not in dataset
    assert dataset["datasetName"] == ARK  # SciCat clients require a name
    assert dataset["contactEmail"] == ""
    assert dataset["creationTime"] == "2026-03-04T05:06:07.891Z"  # the record's creation
    assert dataset["keywords"] == []
    assert (dataset["size"], dataset["numberOfFiles"]) == (0, 0)
    assert dataset["ownerGroup"] == ""


def test_a_metadata_only_crate_counts_the_sizes_its_parts_declare() -> None:
    root = {
        **ROOT,
        "hasPart": [
            {"@id": "a", "contentSize": "1200", "contentUrl": "https://x.org/a"},
            {"@id": "b", "contentSize": 34},
            {"@id": "c"},
        ],
    }
    record = crate(root)
    record.files = []
    dataset = dataset_from_crate(record)
    assert (dataset["size"], dataset["numberOfFiles"]) == (1234, 2)


def test_is_published_is_the_records_publication_state() -> None:
    assert dataset_from_crate(crate(publication=PublicationStatus.PUBLISHED))["isPublished"]
    assert not dataset_from_crate(crate(publication=PublicationStatus.EMBARGOED))["isPublished"]


def test_rendering_does_not_change_the_record() -> None:
    record = crate()
    before = copy.deepcopy(record.metadata)
    dataset_from_crate(record)["keywords"].append("x")
    assert record.metadata == before


# -- queries agree with the rendering --------------------------------------------------------

CRATES = [
    crate(),
    crate({**ROOT, "dateCreated": "2023-02-01T00:00:00Z", "keywords": ["other"]}),
    crate({**ROOT, "usedDataset": [{"@id": "ark:59852/in"}], "author": [{"name": "Ada"}]}),
    crate({k: v for k, v in ROOT.items() if k not in ("datePublished", "license", "name")}),
    crate({**ROOT, "license": {"@id": "https://spdx.org/licenses/MIT"}}, group="group2"),
    crate(publication=PublicationStatus.PUBLISHED),
    crate({**ROOT, "author": [{"name": "Ada", "email": "ada@x.org"}]}),
    crate(
        {
            **ROOT,
            "description": "another",
            "usedSoftware": [{"@id": "https://git/x"}, "reduce 1.0"],
            "author": [{"name": "Ada", "email": "a@x.org"}, {"name": "Bo", "email": "b@x.org"}],
        }
    ),
]

PER_AUTHOR = frozenset({"owner", "ownerEmail", "contactEmail"})
"""Fields a crate renders from its first author (`owner`, `ownerEmail`) or all its authors
joined (`contactEmail`) but a query compares per author (docs/crosswalks.md): on a crate with
several authors a condition holds when it holds for one of them."""

WHERES = [
    {"datasetName": "Example Expression Crate"},
    {"datasetName": {"neq": "Example Expression Crate"}},
    {"datasetName": {"like": "Expression"}},
    {"datasetName": {"nlike": "^Example"}},
    {"datasetName": {"exists": False}},
    {"datasetName": ARK},
    {"datasetName": {"inq": [ARK, "Example Expression Crate"]}},
    {"keywords": {"inq": ["test", "nothing"]}},
    {"keywords": {"nin": ["other"]}},
    {"creationTime": {"gt": "2024-01-01T00:00:00Z"}},
    {"creationTime": {"lt": "2024-01-01T00:00:00Z"}},
    {"creationTime": {"between": ["2025-01-01T00:00:00Z", "2025-12-31T00:00:00Z"]}},
    {"creationTime": {"gte": "2026-03-04T00:00:00Z"}},
    {"type": "raw"},
    {"type": "derived"},
    {"type": {"neq": "derived"}},
    {"type": {"inq": ["raw", "derived"]}},
    {"type": {"like": "der"}},
    {"type": "base"},
    {"license": "https://spdx.org/licenses/MIT"},
    {"license": {"neq": "https://spdx.org/licenses/MIT"}},
    {"owner": "Ada"},
    {"principalInvestigators": {"inq": ["Jane Doe"]}},
    {"pid": ARK},
    {"ownerGroup": "group2"},
    {"isPublished": True},
    {"inputDatasets": "ark:59852/in"},
    {"or": [{"type": "derived"}, {"keywords": "other"}]},
    {"and": [{"ownerGroup": "group1"}, {"creationTime": {"lte": "2025-06-01T00:00:00Z"}}]},
    {"createdAt": {"gt": "2026-01-01T00:00:00Z"}},
    {"updatedAt": {"lt": "2026-03-06T00:00:00Z"}},
    {"updatedAt": {"gte": "2026-03-05T00:00:00Z"}},
    {"description": "another"},
    {"description": {"like": "RO-Crate"}},
    {"description": {"neq": "another"}},
    {"usedSoftware": "https://git/x"},
    {"usedSoftware": {"inq": ["reduce 1.0"]}},
    {"sourceFolder": ARK},
    {"sourceFolder": {"like": "rocrate"}},
    {"contactEmail": "ada@x.org"},
    {"contactEmail": {"like": "x.org"}},
    {"ownerEmail": "ada@x.org"},
    {"ownerEmail": {"exists": True}},
]

PER_AUTHOR_WHERES = [
    {"contactEmail": "a@x.org;b@x.org"},
    {"contactEmail": "a@x.org"},
    {"contactEmail": "b@x.org"},
    {"ownerEmail": "b@x.org"},
    {"ownerEmail": "a@x.org"},
    {"owner": "Bo"},
    {"contactEmail": {"like": "b@"}},
]


def _as_scicat_dataset(record: Record) -> tuple[list, dict]:
    """The rendered dataset as if it were a SciCat dataset's native document and columns."""
    dataset = dataset_from_crate(record)
    columns = {
        "owner_group": dataset["ownerGroup"],
        "kind": dataset["type"],
        "created_at": record.created_at,
        "updated_at": record.updated_at,
        "publication_status": record.access.publication.value,
        "face": "scicat",
    }
    return values_of(dataset, {}), columns


def _as_crate(record: Record) -> tuple[list, dict]:
    columns = {
        "ark": record.ark,
        "face": "fairscape",
        "kind": record.kind,
        "name": record.name,
        "owner_group": record.access.owner_group,
        "created_at": record.created_at,
        "updated_at": record.updated_at,
        "publication_status": record.access.publication.value,
    }
    return values_of(None, record.metadata), columns


@pytest.mark.parametrize("where", WHERES, ids=lambda w: str(w)[:60])
def test_a_where_matches_a_crate_exactly_when_it_matches_the_dataset_it_reads_as(
    where: dict,
) -> None:
    scicat_condition = where_filter(where)
    assert scicat_condition is not None
    on_crates = crate_filter(scicat_condition)
    verdicts = []
    for record in CRATES:
        if where.keys() & PER_AUTHOR and len(_authors_of(record)) > 1:
            continue  # compared per author: test_per_author_fields_match_any_one_author
        expected = matches(scicat_condition, *_as_scicat_dataset(record))
        assert matches(on_crates, *_as_crate(record)) == expected, (where, record.metadata)
        verdicts.append(expected)
    if where not in ({"type": "base"}, {"datasetName": {"exists": False}}):
        assert any(verdicts) or where == {"type": "derived"}


def _authors_of(record: Record) -> list:
    authors = record.metadata.get("author")
    return authors if isinstance(authors, list) else [authors]


@pytest.mark.parametrize("where", PER_AUTHOR_WHERES, ids=lambda w: str(w)[:60])
def test_per_author_fields_match_any_one_author(where: dict) -> None:
    """On a crate with several authors, a positive condition on `owner`, `ownerEmail` or
    `contactEmail` matches when the dataset a crate of that one author reads as matches: the
    `;`-joined text the crate renders as `contactEmail`, or its second author's e-mail as
    `ownerEmail`, do not match, a single author's e-mail does (docs/crosswalks.md)."""
    condition = where_filter(where)
    assert condition is not None
    [record] = [r for r in CRATES if len(_authors_of(r)) > 1]
    alone = [crate({**record.metadata, "author": [a]}) for a in _authors_of(record)]
    expected = any(matches(condition, *_as_scicat_dataset(one)) for one in alone)
    assert matches(crate_filter(condition), *_as_crate(record)) == expected
    rendered = matches(condition, *_as_scicat_dataset(record))
    documented = {
        "{'contactEmail': 'a@x.org;b@x.org'}": (False, True),
        "{'contactEmail': 'a@x.org'}": (True, False),
        "{'contactEmail': 'b@x.org'}": (True, False),
        "{'ownerEmail': 'b@x.org'}": (True, False),
        "{'ownerEmail': 'a@x.org'}": (True, True),
        "{'owner': 'Bo'}": (True, False),
        "{'contactEmail': {'like': 'b@'}}": (True, True),
    }
    assert (expected, rendered) == documented[str(where)]


def test_where_on_a_field_crates_do_not_have_matches_no_crate_but_its_negation_every_one() -> None:
    for positive, negative in (
        ({"size": {"gt": 0}}, {"size": {"neq": 5}}),
        ({"scientificMetadata.temperature.value": 21.5}, {"runNumber": {"exists": False}}),
        ({"accessGroups": "group1"}, {"accessGroups": {"nin": ["group1"]}}),
    ):
        for record in CRATES:
            columns = _as_crate(record)
            assert not matches(crate_filter(where_filter(positive)), *columns)
            assert matches(crate_filter(where_filter(negative)), *columns)


def test_only_crate_roots_are_datasets() -> None:
    assert matches(FAIRSCAPE_CRATES, [], {"face": "fairscape", "kind": "ROCrate"})
    assert not matches(FAIRSCAPE_CRATES, [], {"face": "fairscape", "kind": "Dataset"})
    assert not matches(FAIRSCAPE_CRATES, [], {"face": "scicat", "kind": "raw"})


def test_facets_on_crates_count_the_field_where_the_crate_keeps_it() -> None:
    keywords = crate_facets(FacetRequest(Field(document="native", path=("keywords",))))
    assert [(r.field.dotted, label) for r, label in keywords] == [("metadata.keywords", None)]
    kinds = crate_facets(FacetRequest(Field(column=Column.KIND), name="type"))
    assert [label for _, label in kinds] == ["derived", "raw"]
    derived = kinds[0][0].filter
    assert derived is not None
    assert matches(derived, *_as_crate(CRATES[2]))
    assert not matches(derived, *_as_crate(CRATES[0]))
    assert crate_facets(FacetRequest(Field(document="native", path=("creationLocation",)))) == []
    assert isinstance(FAIRSCAPE_CRATES.parts[0], Comparison)
    assert FAIRSCAPE_CRATES.parts[0].op is Op.EQ
