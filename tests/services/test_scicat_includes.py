"""A dataset listing with `include=` embeds the children of every listed dataset in a fixed
number of SQL statements, whatever the number of datasets (no query per dataset), on the
database under test (SQLite, or PostgreSQL in the scale-out pass)."""

from __future__ import annotations

import json
from typing import Any

import pytest

from fairdepot.core.crosswalks.scicat_fields import ApiVersion
from fairdepot.core.policy import Actor
from fairdepot.services import accounts
from fairdepot.services.runtime import Runtime
from fairdepot.services.scicat import attachments, datablocks, datasets
from fairdepot.services.scicat.filters import dataset_filter
from tests.services.test_record_loading import counted
from tests.support.scicat_bodies import raw_dataset

PNG = "data:image/png;base64,iVBORw0KGgo="


def actor(runtime: Runtime) -> Actor:
    user = accounts.add_user(runtime, "user1", "user1@your.site", "pw", ["group1"])
    return accounts.actor_for(user, runtime.settings.facility_groups)


def dataset_with_children(runtime: Runtime, user: Actor, tag: str) -> str:
    created = datasets.create(
        runtime,
        user,
        raw_dataset(tag, keywords=["includes"]),
    )
    pid = str(created["pid"])
    file = {"path": f"{tag}.txt", "size": 3, "time": "2024-01-01T00:00:00Z"}
    for _ in range(2):
        datablocks.create(
            runtime, user, {"datasetId": pid, "size": 3, "dataFileList": [file]}, ApiVersion.V4
        )
    attachments.create(
        runtime,
        user,
        {
            "ownerGroup": "group1",
            "thumbnail": PNG,
            "relationships": [{"targetId": pid, "targetType": "dataset"}],
        },
        ApiVersion.V4,
    )
    return pid


WHOLE: list[Any] = ["all"]
SCOPED: list[Any] = [
    {"relation": "origdatablocks", "scope": {"where": {"size": 3}, "order": "size:desc"}},
    {"relation": "attachments", "scope": {"limit": 5, "fields": ["aid"]}},
    "datablocks",
]
"""Both relations with a scope: one windowed statement each, whatever the page's size."""


def listing(
    runtime: Runtime, user: Actor, include: list[Any] = WHOLE
) -> tuple[list[dict[str, Any]], int]:
    spec = dataset_filter(
        json.dumps({"where": {"keywords": "includes"}, "include": include}), ApiVersion.V4
    )
    with counted(runtime) as statements:
        found = datasets.find(runtime, user, spec)
    return found, len(statements)


@pytest.mark.parametrize("include", [WHOLE, SCOPED], ids=["whole", "scoped"])
def test_include_costs_the_same_statements_for_one_dataset_and_for_five(
    runtime: Runtime, include: list[Any]
) -> None:
    user = actor(runtime)
    first = dataset_with_children(runtime, user, "d0")
    [one], for_one = listing(runtime, user, include)
    assert one["pid"] == first
    assert len(one["origdatablocks"]) == 2
    assert len(one["attachments"]) == 1
    assert one["datablocks"] == []
    for n in range(1, 5):
        dataset_with_children(runtime, user, f"d{n}")
    five, for_five = listing(runtime, user, include)
    assert len(five) == 5
    for dataset in five:
        assert [b["datasetId"] for b in dataset["origdatablocks"]] == [dataset["pid"]] * 2
        assert len(dataset["attachments"]) == 1
    assert for_five == for_one


def block_listing(runtime: Runtime, user: Actor) -> tuple[list[dict[str, Any]], int]:
    raw = json.dumps({"where": {"chkAlg": "include-test"}, "include": ["dataset"]})
    with counted(runtime) as statements:
        found = datablocks.find(runtime, user, raw)
    return found, len(statements)


def test_a_block_page_embeds_its_datasets_in_the_same_statements_for_one_and_for_five(
    runtime: Runtime,
) -> None:
    """A block filter's `include: ["dataset"]` reads the page's datasets together (one
    statement for their rows, load_records' few), not once per block."""
    user = actor(runtime)

    def block_of_new_dataset(tag: str) -> str:
        pid = dataset_with_children(runtime, user, tag)
        file = {"path": "x.txt", "size": 1, "time": "2024-01-01T00:00:00Z"}
        body = {"datasetId": pid, "size": 1, "chkAlg": "include-test", "dataFileList": [file]}
        datablocks.create(runtime, user, body, ApiVersion.V4)
        return pid

    first = block_of_new_dataset("b0")
    [one], for_one = block_listing(runtime, user)
    assert [d["pid"] for d in one["dataset"]] == [first]
    pids = [first] + [block_of_new_dataset(f"b{n}") for n in range(1, 5)]
    five, for_five = block_listing(runtime, user)
    assert [[d["pid"] for d in b["dataset"]] for b in five] == [[pid] for pid in pids]
    assert for_five == for_one
