"""A block write and a dataset change cost the same with one block on the dataset or many
(docs/performance.md "SciCat block writes"): the totals are summed in SQL, only the blocks
`hasPart` lists are read, and a change that keeps what `hasPart` depends on reads none.
On the database under test (SQLite, or PostgreSQL in the scale-out pass)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from fairdepot.config import Settings
from fairdepot.core.crosswalks.scicat_fields import ApiVersion
from fairdepot.core.crosswalks.scicat_parts import HAS_PART_FILES
from fairdepot.core.policy import Actor
from fairdepot.services import accounts
from fairdepot.services.runtime import Runtime, build_runtime
from fairdepot.services.scicat import datablocks, dataset_changes, datasets
from fairdepot.services.scicat.dataset_lookup import dataset_by_pid
from tests.services.test_record_loading import counted
from tests.support.block_reads import count_block_documents
from tests.support.databases import fresh_database_url
from tests.support.scicat_bodies import raw_dataset


@pytest.fixture
def facility(tmp_path: Any) -> Iterator[Runtime]:
    with fresh_database_url(tmp_path, "scicat-blocks", migrated=True) as url:
        runtime = build_runtime(Settings(data_dir=tmp_path / "data", database_url=url))
        yield runtime
        runtime.close()


@pytest.fixture
def user1(facility: Runtime) -> Actor:
    user = accounts.add_user(facility, "user1", "user1@your.site", "pw", ["group1"])
    return accounts.actor_for(user, facility.settings.facility_groups)


def new_dataset(runtime: Runtime, actor: Actor, tag: str, **extra: Any) -> str:
    return str(datasets.create(runtime, actor, raw_dataset(tag, **extra))["pid"])


def post_block(
    runtime: Runtime, actor: Actor, pid: str, tag: str, files: int, **extra: Any
) -> None:
    entries = [
        {"path": f"{tag}/f{i}", "size": 10, "time": "2024-01-01T00:00:00Z"} for i in range(files)
    ]
    body = {"datasetId": pid, "size": 10 * files, "dataFileList": entries, **extra}
    datablocks.create(runtime, actor, body, ApiVersion.V4)


def json_ld(runtime: Runtime, pid: str) -> dict[str, Any]:
    with runtime.reading() as store:
        row = dataset_by_pid(store, pid)
        assert row is not None
        return dict(store.load([row], with_files=False)[0].metadata)


def statements_of(runtime: Runtime, action: Any) -> int:
    with counted(runtime) as statements:
        action()
    return len(statements)


@pytest.fixture
def blocks_read(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """What a write decodes in Python (tests/support/block_reads.py)."""
    return count_block_documents(monkeypatch)


def test_a_block_post_s_statements_do_not_grow_with_the_blocks(
    facility: Runtime, user1: Actor, blocks_read: list[int]
) -> None:
    few, many = new_dataset(facility, user1, "few"), new_dataset(facility, user1, "many")
    post_block(facility, user1, few, "a", 3)
    for i in range(30):
        post_block(facility, user1, many, f"b{i}", 3)
    costs = {
        pid: statements_of(facility, lambda pid=pid: post_block(facility, user1, pid, "z", 3))
        for pid in (few, many)
    }
    assert costs[few] == costs[many], costs
    blocks_read.clear()
    post_block(facility, user1, many, "y", 3)
    # the new block itself (the answer) and, for hasPart, those its first files are in:
    # all 32 here, as they hold fewer than HAS_PART_FILES files; never twice
    assert sum(blocks_read) <= 1 + 32, blocks_read
    with facility.reading() as store:
        row = dataset_by_pid(store, many)
        assert row is not None
        native = store.load([row], with_files=False)[0].native or {}
    assert (native["size"], native["numberOfFiles"]) == (32 * 30, 32 * 3)


def test_a_one_field_patch_reads_no_block_and_keeps_has_part(
    facility: Runtime, user1: Actor, blocks_read: list[int]
) -> None:
    few, many = new_dataset(facility, user1, "few"), new_dataset(facility, user1, "many")
    post_block(facility, user1, few, "a", 2)
    for i in range(30):
        post_block(facility, user1, many, f"b{i}", 2)
    before = json_ld(facility, many)["hasPart"]
    blocks_read.clear()
    costs = {
        pid: statements_of(
            facility,
            lambda pid=pid: dataset_changes.update(facility, user1, pid, {"description": "d"}),
        )
        for pid in (few, many)
    }
    assert costs[few] == costs[many], costs
    assert sum(blocks_read) == 0, blocks_read
    after = json_ld(facility, many)
    assert after["hasPart"] == before
    assert after["description"] == "d"


def test_a_patch_that_publishes_rebuilds_has_part_for_its_new_readers(
    facility: Runtime, user1: Actor
) -> None:
    pid = new_dataset(facility, user1, "pub")
    post_block(facility, user1, pid, "open", 1, isPublished=True)
    post_block(facility, user1, pid, "hidden", 1)
    names = {p["name"] for p in json_ld(facility, pid)["hasPart"]}
    assert names == {"open/f0", "hidden/f0"}  # every reader of the draft reads both blocks
    dataset_changes.update(facility, user1, pid, {"isPublished": True})
    assert [p["name"] for p in json_ld(facility, pid)["hasPart"]] == ["open/f0"]


def test_has_part_lists_a_bounded_number_of_files_and_points_to_the_rest(
    facility: Runtime, user1: Actor, blocks_read: list[int]
) -> None:
    pid = new_dataset(facility, user1, "big")
    post_block(facility, user1, pid, "one", HAS_PART_FILES - 1)
    post_block(facility, user1, pid, "two", 5)
    post_block(facility, user1, pid, "three", 7)
    blocks_read.clear()
    post_block(facility, user1, pid, "four", 1)
    assert sum(blocks_read) == 1 + 2, blocks_read  # the new block, and the two hasPart lists
    parts = json_ld(facility, pid)["hasPart"]
    assert len(parts) == HAS_PART_FILES + 1
    assert [p["name"] for p in parts[HAS_PART_FILES - 2 : HAS_PART_FILES]] == [
        f"one/f{HAS_PART_FILES - 2}",
        "two/f0",
    ]
    rest = parts[-1]
    assert rest["@type"] == "Collection"
    assert rest["EVI:numberOfFiles"] == 12
    assert rest["url"].endswith("/origdatablocks")
    dataset_changes.update(facility, user1, pid, {"description": "d"})
    assert json_ld(facility, pid)["hasPart"] == parts
