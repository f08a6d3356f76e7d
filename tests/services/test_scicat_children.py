"""A dataset's blocks and attachments, listed or counted for one reader, are paged, scoped and
counted in SQL: only the page's readable children are loaded (v3's ten attachments of many),
a count loads none and costs the same statements for one child as for many, and an `include`
without a scope loads no child its reader may not read. On the database under test."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest

from fairdepot.core.crosswalks.scicat_fields import ApiVersion
from fairdepot.core.policy import ANONYMOUS, Actor
from fairdepot.services.runtime import Runtime
from fairdepot.services.scicat import attachments, datablocks, datasets
from fairdepot.services.scicat.filters import dataset_filter
from fairdepot.storage.db.records import RecordStore
from tests.services.test_record_loading import counted
from tests.services.test_scicat_includes import PNG, actor
from tests.support.scicat_bodies import raw_dataset

FILE = {"path": "f.txt", "size": 1, "time": "2024-01-01T00:00:00Z"}


@contextmanager
def loaded_records(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[int]]:
    """How many records each `RecordStore.load` call loads, while the block runs."""
    sizes: list[int] = []
    original = RecordStore.load

    def load(self: RecordStore, rows: Any, **options: bool) -> Any:
        sizes.append(len(rows))
        return original(self, rows, **options)

    with monkeypatch.context() as patch:
        patch.setattr(RecordStore, "load", load)
        yield sizes


def published_dataset(runtime: Runtime, user: Actor, tag: str) -> str:
    created = datasets.create(
        runtime,
        user,
        raw_dataset(tag, keywords=["children"], isPublished=True),
    )
    return str(created["pid"])


def add_children(runtime: Runtime, user: Actor, pid: str, n: int, *, published: bool) -> None:
    for _ in range(n):
        body = {"datasetId": pid, "size": 1, "dataFileList": [FILE], "isPublished": published}
        datablocks.create(runtime, user, body, ApiVersion.V4)
        attachment = {
            "ownerGroup": "group1",
            "thumbnail": PNG,
            "isPublished": published,
            "relationships": [{"targetId": pid, "targetType": "dataset"}],
        }
        attachments.create(runtime, user, attachment, ApiVersion.V4)


def test_v3_attachments_load_only_their_page_of_ten(
    runtime: Runtime, monkeypatch: pytest.MonkeyPatch
) -> None:
    user = actor(runtime)
    pid = published_dataset(runtime, user, "page")
    add_children(runtime, user, pid, 12, published=True)
    with loaded_records(monkeypatch) as sizes:
        page = attachments.of_dataset(runtime, user, pid)
    assert len(page) == 10
    assert sizes == [10]


def test_a_count_loads_nothing_and_costs_the_same_for_one_child_and_for_many(
    runtime: Runtime, monkeypatch: pytest.MonkeyPatch
) -> None:
    user = actor(runtime)
    pid = published_dataset(runtime, user, "count")
    add_children(runtime, user, pid, 1, published=True)

    def counts() -> tuple[list[dict[str, int]], int, list[int]]:
        with loaded_records(monkeypatch) as sizes, counted(runtime) as statements:
            found = [
                datablocks.count_of_dataset(runtime, user, pid),
                attachments.count_of_dataset(runtime, user, pid),
            ]
        return found, len(statements), sizes

    one, for_one, loads_one = counts()
    assert one == [{"count": 1}, {"count": 1}]
    add_children(runtime, user, pid, 11, published=True)
    many, for_many, loads_many = counts()
    assert many == [{"count": 12}, {"count": 12}]
    assert for_many == for_one
    assert loads_one == loads_many == []


def test_an_anonymous_reader_loads_none_of_a_published_datasets_unpublished_children(
    runtime: Runtime, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The read scope is in the statement: the rows of children the reader may not read are
    never fetched, listed, counted or embedded (not fetched and then dropped)."""
    user = actor(runtime)
    pid = published_dataset(runtime, user, "hidden")
    add_children(runtime, user, pid, 3, published=False)
    add_children(runtime, user, pid, 1, published=True)
    with loaded_records(monkeypatch) as sizes:
        blocks = datablocks.of_dataset(runtime, ANONYMOUS, pid, ApiVersion.V3)
        shown = attachments.of_dataset(runtime, ANONYMOUS, pid, limit=None)
    assert [len(blocks), len(shown)] == [1, 1]
    assert sizes == [1, 1]
    assert datablocks.count_of_dataset(runtime, ANONYMOUS, pid) == {"count": 1}
    assert attachments.count_of_dataset(runtime, ANONYMOUS, pid) == {"count": 1}
    spec = dataset_filter(
        json.dumps({"where": {"keywords": "children"}, "include": ["all"]}), ApiVersion.V4
    )
    with loaded_records(monkeypatch) as sizes:
        [found] = datasets.find(runtime, ANONYMOUS, spec)
    assert [len(found["origdatablocks"]), len(found["attachments"])] == [1, 1]
    assert 8 not in sizes  # not all 8 children
    assert 2 in sizes  # the 2 readable ones
    owner = datasets.find(runtime, user, spec)[0]
    assert [len(owner["origdatablocks"]), len(owner["attachments"])] == [4, 4]
