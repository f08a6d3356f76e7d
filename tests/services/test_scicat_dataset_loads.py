"""A SciCat dataset request reads its dataset once (issue 7's "one load path"): GET, PATCH and
DELETE of one dataset load its record once, a PublishedData's datasets are looked up in one
statement however many it names, counts and facets read no document, and a listing of SciCat
datasets does not read the JSON-LD it does not render. On the database under test."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from fairdepot.config import Settings
from fairdepot.core.crosswalks.scicat_fields import ApiVersion
from fairdepot.core.policy import Actor
from fairdepot.core.records import Access, Face, Record, RecordFile
from fairdepot.services.runtime import Runtime, build_runtime
from fairdepot.services.scicat import dataset_changes, datasets, published_data
from fairdepot.services.scicat.filters import dataset_filter
from fairdepot.services.scicat.fullquery import full_facet
from tests.services.test_record_loading import counted
from tests.support.catalogue import facility_actor
from tests.support.databases import fresh_database_url
from tests.support.scicat_bodies import raw_dataset

LOADS = re.compile(r"^\s*SELECT\b.*\bFROM relations\b", re.DOTALL)
"""A whole-record load (`load_records`) reads the relations table once, whatever the number
of records; nothing else of these requests reads it. So its SELECTs count the loads."""
DOCUMENTS = re.compile(r"\brecords\.(metadata|native)\b")
"""A statement that selects a record's JSON-LD or native document."""


@pytest.fixture
def facility(tmp_path: Any) -> Iterator[Runtime]:
    with fresh_database_url(tmp_path, "scicat-loads", migrated=True) as url:
        settings = Settings(
            data_dir=tmp_path / "data",
            database_url=url,
            pid_prefix="PID.test/",
            delete_groups=["archivemanager"],
        )
        runtime = build_runtime(settings)
        yield runtime
        runtime.close()


actor = facility_actor


@pytest.fixture
def user1(facility: Runtime) -> Actor:
    return actor(facility, "user1", "group1")


def statements(runtime: Runtime, action: Callable[[], object]) -> list[str]:
    with counted(runtime) as sent:
        action()
    return list(sent)


def loads(sent: list[str]) -> int:
    return sum(1 for s in sent if LOADS.match(s))


def new_pid(runtime: Runtime, user: Actor, tag: str, **extra: Any) -> str:
    body = raw_dataset(tag, scientificMetadata={"t": {"value": 1, "unit": "K"}}, **extra)
    return str(datasets.create(runtime, user, body)["pid"])


def test_a_get_loads_its_dataset_once(facility: Runtime, user1: Actor) -> None:
    pid = new_pid(facility, user1, "get")
    sent = statements(facility, lambda: datasets.get(facility, user1, pid))
    assert loads(sent) == 1, sent
    # the pid lookup, then one load: access groups, relations, identifiers, owner
    assert len(sent) <= 5, sent
    v3 = statements(facility, lambda: datasets.get(facility, user1, pid, ApiVersion.V3))
    assert len(v3) == len(sent)


def test_a_patch_loads_its_dataset_once(facility: Runtime, user1: Actor) -> None:
    pid = new_pid(facility, user1, "patch")
    sent = statements(
        facility, lambda: dataset_changes.update(facility, user1, pid, {"description": "d"})
    )
    assert loads(sent) == 1, sent
    answer = dataset_changes.update(facility, user1, pid, {"description": "again"})
    assert answer == datasets.get(facility, user1, pid)  # the answer is the dataset as stored


def test_a_delete_loads_its_dataset_once(facility: Runtime, user1: Actor) -> None:
    keeper = actor(facility, "keeper", "archivemanager")
    pid = new_pid(facility, user1, "delete")
    before = datasets.get(facility, user1, pid)
    with counted(facility) as sent:
        gone = dataset_changes.delete(facility, keeper, pid)
    assert loads(sent) == 1, sent
    assert gone == before


def publish_body(pids: list[str]) -> dict[str, Any]:
    return {
        "creator": ["Ponder Stibbons"],
        "publisher": "Unseen University",
        "publicationYear": 2026,
        "title": "Thaum flux",
        "abstract": "Measurements of thaumic flux",
        "dataDescription": "raw counts",
        "resourceType": "raw",
        "pidArray": pids,
    }


def test_a_published_data_create_looks_its_datasets_up_in_one_statement(
    facility: Runtime, user1: Actor
) -> None:
    pids = [new_pid(facility, user1, f"pd{i}") for i in range(20)]

    def create(pids: list[str]) -> Callable[[], object]:
        return lambda: published_data.create(facility, user1, publish_body(pids))

    one, twenty = statements(facility, create(pids[:1])), statements(facility, create(pids))
    assert len(twenty) == len(one), (len(one), len(twenty))
    assert loads(twenty) <= 1  # the new PublishedData's answer; no dataset is loaded
    created = published_data.create(facility, user1, publish_body(pids))
    assert created["pidArray"] == pids


def test_counts_and_facets_read_no_document(facility: Runtime, user1: Actor) -> None:
    for i in range(3):
        new_pid(facility, user1, f"c{i}", keywords=["k"])
    spec = dataset_filter('{"where": {"keywords": "k"}}', ApiVersion.V3, count=True)
    sent = statements(facility, lambda: datasets.count(facility, user1, spec))
    assert datasets.count(facility, user1, spec) == 3
    assert not [s for s in sent if DOCUMENTS.search(s)], sent
    query = full_facet('{"keywords": ["k"]}', '["type"]')
    sent = statements(facility, lambda: datasets.facets(facility, user1, query))
    answer = datasets.facets(facility, user1, query)[0]
    assert answer["type"] == [{"_id": "raw", "count": 3}]
    assert answer["all"] == [{"totalSets": 3}]
    assert not [s for s in sent if DOCUMENTS.search(s)], sent


def test_a_listing_of_scicat_datasets_reads_no_json_ld(facility: Runtime, user1: Actor) -> None:
    pids = [new_pid(facility, user1, f"l{i}") for i in range(3)]
    spec = dataset_filter('{"limit": 10}', ApiVersion.V4)
    sent = statements(facility, lambda: datasets.find(facility, user1, spec))
    assert not [s for s in sent if re.search(r"\brecords\.metadata\b", s)], sent
    found = datasets.find(facility, user1, spec)
    assert sorted(d["pid"] for d in found) == sorted(pids)
    assert found == [datasets.get(facility, user1, d["pid"]) for d in found]


def _crate(ark: str, owner_id: str | None) -> Record:
    return Record(
        ark=ark,
        kind="ROCrate",
        face=Face.FAIRSCAPE,
        metadata={"@id": ark, "@type": "Dataset", "name": f"crate {ark[-1]}"},
        access=Access(owner_id=owner_id, owner_group="group1", metadata_public=True),
        name=f"crate {ark[-1]}",
        files=[RecordFile(path="data/a.csv", size=7, blob_key=f"b/{ark}")],
    )


def test_a_listing_reads_the_json_ld_of_its_crates_in_one_statement(
    facility: Runtime, user1: Actor
) -> None:
    """Crates are SciCat datasets too (one catalogue) and are rendered from their JSON-LD:
    the page is read without it, then the crates' is read for all of them at once."""
    new_pid(facility, user1, "beside-crates")
    with facility.writing() as store:
        for ark in ("ark:99999/fd1crate1", "ark:99999/fd1crate2"):
            store.insert(_crate(ark, user1.user_id))
    spec = dataset_filter('{"limit": 10, "order": "datasetName:ASC"}', ApiVersion.V4)
    sent = statements(facility, lambda: datasets.find(facility, user1, spec))
    read = [s for s in sent if re.search(r"\brecords\.metadata\b", s)]
    assert len(read) == 1, read
    assert "LIMIT" not in read[0], read  # not the page's statement: the crates' alone
    found = datasets.find(facility, user1, spec)
    assert [d["datasetName"] for d in found] == ["beside-crates", "crate 1", "crate 2"]
    assert [d["size"] for d in found[1:]] == [7, 7]  # the crates' files, loaded with them
