"""The origdatablock query routes (api/scicat/datablock_queries.py) on a real server, through
scicat-sdk-py where it has the method: v3 `fullquery`, `fullquery/files`, `fullfacet`,
`fullfacet/files`; v4 `files`, `files/count`, `fullfacet`, `fullfacet/files` and the `/public`
routes, each for the owner, another group, anonymous callers and published blocks.

Seeded: dataset D1 (group1, published) with block P (published; p1.h5 100 B, p2.h5 200 B;
sha256) and U (unpublished; u.txt 7 B; md5); dataset D2 (group2) with block G (g.dat 5 B;
md5). user1 reads P and U, user2 P and G, anonymous callers and /public P only."""

from __future__ import annotations

import json
from typing import Any

import pytest
import scicat_sdk_py as sdk

from fairdepot.services.runtime import Runtime
from tests.api.scicat.files_seed import seed_dataset
from tests.api.scicat.test_datablocks import block
from tests.support.scicat import Scicat

READERS = {"user1": "PU", "user2": "GP", None: "P"}
"""Who reads which of the seeded blocks (letters, sorted)."""
FILES = {"P": ["p1.h5", "p2.h5"], "U": ["u.txt"], "G": ["g.dat"]}


@pytest.fixture(scope="module")
def seeded(scicat: Scicat, runtime: Runtime) -> dict[str, Any]:
    d1 = seed_dataset(runtime, isPublished=True)
    d2 = seed_dataset(runtime, ownerGroup="group2", accessGroups=[])
    ids = {}
    for letter, user, body in (
        ("P", "user1", block(d1, ("p1.h5", 100), ("p2.h5", 200), chkAlg="sha256")),
        ("U", "user1", block(d1, ("u.txt", 7))),
        ("G", "user2", block(d2, ("g.dat", 5))),
    ):
        # a block without isPublished takes its dataset's: U says it is not, P that it is
        body["isPublished"] = letter == "P"
        made = scicat.request("POST", "/api/v4/origdatablocks", user, json=body)
        assert made.status_code == 201, made.text
        ids[letter] = made.json()["_id"]
    return {"datasets": [d1, d2], "ids": ids}


def sdk_client(scicat: Scicat, user: str | None) -> sdk.ApiClient:
    token = scicat.token(user) if user else None
    return sdk.ApiClient(sdk.Configuration(host=scicat.base_url, access_token=token))


def named(seeded: dict[str, Any], blocks: list[dict[str, Any]]) -> str:
    by_id = {v: k for k, v in seeded["ids"].items()}
    return "".join(sorted(by_id[b["_id"]] for b in blocks if b["_id"] in by_id))


def ours(seeded: dict[str, Any]) -> dict[str, Any]:
    """The seeded datasets' blocks, as a search form field (a list is "any of")."""
    return {"datasetId": seeded["datasets"]}


def ours_where(seeded: dict[str, Any]) -> dict[str, Any]:
    """The same as a filter's `where` (which needs an operator for a list)."""
    return {"datasetId": {"inq": seeded["datasets"]}}


def get(scicat: Scicat, path: str, user: str | None, **params: Any) -> Any:
    encoded = {k: json.dumps(v) for k, v in params.items()}
    response = scicat.request("GET", path, user, params=encoded)
    assert response.status_code == 200, (path, response.text)
    return response.json()


@pytest.mark.parametrize("user", list(READERS), ids=["owner", "other-group", "anonymous"])
def test_v3_fullquery_finds_the_blocks_each_reader_reads(
    scicat: Scicat, seeded: dict[str, Any], user: str | None
) -> None:
    api = sdk.OrigdatablocksApi(sdk_client(scicat, user))
    found = api.orig_datablocks_controller_fullquery_v3(
        fields=json.dumps(ours(seeded)), limits=json.dumps({"order": "size:desc"})
    )
    assert named(seeded, found) == READERS[user]
    assert [b["size"] for b in found] == sorted((b["size"] for b in found), reverse=True)
    assert all("version" not in b for b in found)
    ranged = get(
        scicat,
        "/api/v3/origdatablocks/fullquery",
        user,
        fields={**ours(seeded), "size": {"min": 6, "max": 10}},
    )
    assert named(seeded, ranged) == ("U" if "U" in READERS[user] else "")
    moded = get(
        scicat,
        "/api/v3/origdatablocks/fullquery",
        user,
        fields={"mode": {"dataFileList.path": {"regexp": "^p[0-9]"}}, **ours(seeded)},
    )
    assert named(seeded, moded) == "P"


@pytest.mark.parametrize("user", list(READERS), ids=["owner", "other-group", "anonymous"])
def test_files_routes_give_one_row_per_file(
    scicat: Scicat, seeded: dict[str, Any], user: str | None
) -> None:
    expected = sorted(path for letter in READERS[user] for path in FILES[letter])
    v3 = get(scicat, "/api/v3/origdatablocks/fullquery/files", user, fields=ours(seeded))
    assert sorted(r["dataFileList"]["path"] for r in v3) == expected
    assert all(r["datasetExist"] is True for r in v3)
    api = sdk.OrigdatablocksV4Api(sdk_client(scicat, user))
    where = json.dumps({"where": ours_where(seeded), "order": "size:desc"})
    raw = api.orig_datablocks_v4_controller_find_all_files_v4_without_preload_content(filter=where)
    assert raw.status == 200
    v4 = json.loads(raw.data)
    assert sorted(r["dataFileList"]["path"] for r in v4) == expected
    counted = api.orig_datablocks_v4_controller_count_files_v4(
        filter=json.dumps({"where": ours_where(seeded)})
    )
    assert counted.count == len(expected)
    first_two = get(
        scicat,
        "/api/v4/origdatablocks/files",
        user,
        filter={"where": ours_where(seeded), "order": "size:desc", "skip": 1, "limit": 2},
    )
    assert [r["dataFileList"]["path"] for r in first_two] == [
        r["dataFileList"]["path"] for r in v4[1:3]
    ]
    cut = get(
        scicat,
        "/api/v4/origdatablocks/files",
        user,
        filter={"where": ours_where(seeded), "fields": ["dataFileList.path"]},
    )
    assert all(sorted(r) == ["_id", "dataFileList"] for r in cut)


@pytest.mark.parametrize("user", list(READERS), ids=["owner", "other-group", "anonymous"])
def test_fullfacet_counts_blocks_and_files(
    scicat: Scicat, seeded: dict[str, Any], user: str | None
) -> None:
    readable = READERS[user]
    alg = {"P": "sha256", "U": "md5", "G": "md5"}
    wanted: dict[str, int] = {}
    for letter in readable:
        wanted[alg[letter]] = wanted.get(alg[letter], 0) + 1
    api = sdk.OrigdatablocksV4Api(sdk_client(scicat, user))
    for facets in (
        get(
            scicat, "/api/v3/origdatablocks/fullfacet", user, fields=ours(seeded), facets=["chkAlg"]
        ),
        get(
            scicat, "/api/v4/origdatablocks/fullfacet", user, fields=ours(seeded), facets=["chkAlg"]
        ),
    ):
        [answer] = facets
        assert {c["_id"]: c["count"] for c in answer["chkAlg"]} == wanted
        assert answer["all"] == [{"totalSets": len(readable)}]
    [files] = get(
        scicat, "/api/v4/origdatablocks/fullfacet/files", user, fields=ours(seeded), facets=[]
    )
    assert files["all"] == [{"totalSets": sum(len(FILES[x]) for x in readable)}]
    [via_sdk] = api.orig_datablocks_v4_controller_fullfacet_v4(
        filters=json.dumps({"fields": json.dumps(ours(seeded)), "facets": '["isPublished"]'})
    )
    assert via_sdk.all[0].total_sets == len(readable)
    [v3_files] = get(scicat, "/api/v3/origdatablocks/fullfacet/files", user, fields=ours(seeded))
    assert v3_files["all"] == files["all"]


@pytest.mark.parametrize("user", list(READERS), ids=["owner", "other-group", "anonymous"])
def test_public_routes_give_published_blocks_to_anyone(
    scicat: Scicat, seeded: dict[str, Any], user: str | None
) -> None:
    api = sdk.OrigdatablocksPublicV4Api(sdk_client(scicat, user))
    where = json.dumps({"where": ours_where(seeded)})
    listed = api.orig_datablocks_public_v4_controller_find_all_public_v4_without_preload_content(
        filter=where
    )
    assert named(seeded, json.loads(listed.data)) == "P"
    counted = api.orig_datablocks_public_v4_controller_count_files_public_v4(filter=where)
    assert counted.count == 2
    files = get(
        scicat, "/api/v4/origdatablocks/public/files", user, filter={"where": ours_where(seeded)}
    )
    assert sorted(r["dataFileList"]["path"] for r in files) == FILES["P"]
    [facets] = get(
        scicat,
        "/api/v4/origdatablocks/public/fullfacet",
        user,
        fields=ours(seeded),
        facets=["isPublished"],
    )
    assert facets["isPublished"] == [{"_id": True, "count": 1}]
    assert facets["all"] == [{"totalSets": 1}]
    [file_facets] = get(
        scicat, "/api/v4/origdatablocks/public/fullfacet/files", user, fields=ours(seeded)
    )
    assert file_facets["all"] == [{"totalSets": 2}]
    one = scicat.request("GET", f"/api/v4/origdatablocks/public/{seeded['ids']['P']}", user)
    assert one.status_code == 200
    assert one.json()["_id"] == seeded["ids"]["P"]
    for hidden in (seeded["ids"]["U"], seeded["ids"]["G"], "no-such-block"):
        empty = scicat.request("GET", f"/api/v4/origdatablocks/public/{hidden}", user)
        assert empty.status_code == 200
        assert empty.content == b""


def test_files_of_a_block_past_the_value_index_cap_are_all_counted(
    scicat: Scicat, runtime: Runtime
) -> None:
    """8,000 files are 24,000+ values, past what the value index keeps of a record (20,000):
    the counts read the stored list, so they agree with the listing."""
    pid = seed_dataset(runtime)
    files = [(f"f{i:05d}.dat", 1) for i in range(8000)]
    made = scicat.request("POST", "/api/v4/origdatablocks", "user1", json=block(pid, *files))
    assert made.status_code == 201, made.text[:500]
    where = {"_id": made.json()["_id"]}
    counted = get(scicat, "/api/v4/origdatablocks/files/count", "user1", filter={"where": where})
    assert counted == {"count": 8000}
    facets = get(
        scicat, "/api/v4/origdatablocks/fullfacet/files", "user1", fields={"mode": where}, facets=[]
    )
    assert facets[0]["all"] == [{"totalSets": 8000}]
    last = get(
        scicat, "/api/v4/origdatablocks/files", "user1", filter={"where": where, "skip": 7999}
    )
    assert [r["dataFileList"]["path"] for r in last] == ["f07999.dat"]
