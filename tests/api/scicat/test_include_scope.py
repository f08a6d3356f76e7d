"""An `include`'s scope (`{"relation", "scope": {"where", "fields", "order", "limit",
"skip"}}`) applied to each dataset's blocks and attachments (services/scicat/includes.py): on
the v3 listing, v4 findOne and the v3 pid GET, its limit and skip per dataset as loopback's,
after each reader's own access; a bad scope is a 400 naming where it is."""

from __future__ import annotations

import json
from typing import Any

import pytest

from fairdepot.services.runtime import Runtime
from tests.api.scicat.files_seed import seed_dataset
from tests.api.scicat.test_attachments import attachment
from tests.api.scicat.test_datablocks import block
from tests.support.scicat import Scicat, pid_path


@pytest.fixture(scope="module")
def datasets(scicat: Scicat, runtime: Runtime) -> list[str]:
    """Two published datasets, each with blocks of 1, 20 and 300 bytes (the 20 unpublished,
    the others published) and two attachments."""
    pids = [seed_dataset(runtime, isPublished=True, keywords=["scoped"]) for _ in range(2)]
    for pid in pids:
        for size, published in ((1, True), (20, False), (300, True)):
            body = block(pid, (f"f{size}.dat", size), isPublished=published)
            made = scicat.request("POST", "/api/v4/origdatablocks", json=body)
            assert made.status_code == 201, made.text
        for caption in ("first plot", "second plot"):
            made = scicat.request(
                "POST", "/api/v4/attachments", json=attachment(pid, caption=caption)
            )
            assert made.status_code == 201, made.text
    return pids


def scoped(
    scicat: Scicat,
    pids: list[str],
    include: list[Any],
    user: str | None = "user1",
    path: str = "/api/v3/datasets",
) -> Any:
    spec = {"where": {"pid": {"inq": pids}}, "include": include, "order": "pid:asc"}
    response = scicat.request("GET", path, user, params={"filter": json.dumps(spec)})
    assert response.status_code == 200, response.text
    return response.json()


def sizes(dataset: dict[str, Any]) -> list[int]:
    return [b["size"] for b in dataset["origdatablocks"]]


def test_a_scope_selects_orders_and_pages_each_datasets_blocks(
    scicat: Scicat, datasets: list[str]
) -> None:
    pids = sorted(datasets)
    biggest = {"where": {"size": {"gt": 1}}, "order": "size:desc", "limit": 1}
    found = scoped(scicat, pids, [{"relation": "origdatablocks", "scope": biggest}])
    assert [d["pid"] for d in found] == pids
    assert [sizes(d) for d in found] == [[300], [300]]  # the limit is per dataset
    second = {"order": "size:asc", "skip": 1, "limit": 1}
    found = scoped(scicat, pids, [{"relation": "origdatablocks", "scope": second}])
    assert [sizes(d) for d in found] == [[20], [20]]
    v4_limits = {"limits": {"sort": {"size": "desc"}, "skip": 1}}
    found = scoped(scicat, pids, [{"relation": "origdatablocks", "scope": v4_limits}])
    assert [sizes(d) for d in found] == [[20, 1], [20, 1]]
    unscoped = scoped(scicat, pids, [{"relation": "origdatablocks"}])
    assert [sorted(sizes(d)) for d in unscoped] == [[1, 20, 300], [1, 20, 300]]


def test_a_scope_cuts_each_block_to_its_fields(scicat: Scicat, datasets: list[str]) -> None:
    scope = {"fields": ["size", "dataFileList.path"], "where": {"size": 1}}
    found = scoped(scicat, datasets, [{"relation": "origdatablocks", "scope": scope}])
    for dataset in found:
        [only] = dataset["origdatablocks"]
        assert sorted(only) == ["_id", "dataFileList", "datasetId", "size"]
        assert only["dataFileList"] == [{"path": "f1.dat"}]


def test_a_scope_ordered_by_a_field_blocks_lack_orders_nothing(
    scicat: Scicat, datasets: list[str]
) -> None:
    """The ingestion document's scope orders blocks by `filename`: Mongo sorts by it as
    missing everywhere, so it is no 400; the blocks come in their own order."""
    scope = {"order": "filename ASC", "limit": 2}
    found = scoped(scicat, datasets, [{"relation": "origdatablocks", "scope": scope}])
    assert [sizes(d) for d in found] == [[1, 20], [1, 20]]


def test_the_limit_counts_what_the_reader_may_read(scicat: Scicat, datasets: list[str]) -> None:
    """Anonymous readers of the published datasets do not see the unpublished 20-byte block:
    the scope's second-smallest is then the 300-byte one."""
    second = {"order": "size:asc", "skip": 1, "limit": 1}
    found = scoped(scicat, datasets, [{"relation": "origdatablocks", "scope": second}], None)
    assert [sizes(d) for d in found] == [[300], [300]]
    public = scoped(
        scicat,
        datasets,
        [{"relation": "origdatablocks", "scope": second}],
        None,
        "/api/v4/datasets/public",
    )
    assert [sizes(d) for d in public] == [[300], [300]]


def test_attachment_scopes_and_two_relations_at_once(scicat: Scicat, datasets: list[str]) -> None:
    include = [
        {"relation": "attachments", "scope": {"where": {"caption": {"like": "second"}}}},
        {"relation": "origdatablocks", "scope": {"limit": 2, "order": "size:desc"}},
    ]
    for dataset in scoped(scicat, datasets, include):
        assert [a["caption"] for a in dataset["attachments"]] == ["second plot"]
        assert sizes(dataset) == [300, 20]


def test_find_one_and_the_pid_get_apply_the_scope(scicat: Scicat, datasets: list[str]) -> None:
    pid = datasets[0]
    include = [{"relation": "origdatablocks", "scope": {"where": {"size": {"lt": 100}}}}]
    spec = {"where": {"pid": pid}, "include": include}
    one = scicat.request(
        "GET", "/api/v4/datasets/findOne", params={"filter": json.dumps(spec)}
    ).json()
    assert sorted(sizes(one)) == [1, 20]
    got = scicat.request(
        "GET",
        f"/api/v3/datasets/{pid_path(pid)}",
        params={"filter": json.dumps({"include": include})},
    )
    assert got.status_code == 200, got.text
    assert sorted(sizes(got.json())) == [1, 20]


@pytest.mark.parametrize(
    ("scope", "location"),
    [
        ({"where": {"size": {"near": 1}}}, "filter.include[0].scope.where.size.near"),
        ({"order": "size:up"}, "filter.include[0].scope.order[0]"),
        ({"limit": 5000}, "filter.include[0].scope.limit"),
        ({"include": ["dataset"]}, "filter.include[0].scope"),
        ("all of them", "filter.include[0].scope"),
    ],
    ids=["operator", "order", "limit", "key", "not-an-object"],
)
def test_a_bad_scope_is_400_naming_where(
    scicat: Scicat, datasets: list[str], scope: Any, location: str
) -> None:
    include = [{"relation": "origdatablocks", "scope": scope}]
    for path in ("/api/v3/datasets", f"/api/v3/datasets/{pid_path(datasets[0])}"):
        response = scicat.request("GET", path, params={"filter": json.dumps({"include": include})})
        assert response.status_code == 400, response.text
        body = response.json()
        assert body["statusCode"] == 400
        assert [e["location"] for e in body["errors"]] == [location]
