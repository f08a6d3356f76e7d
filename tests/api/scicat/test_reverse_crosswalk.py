"""One catalogue through the SciCat face: crates uploaded through the FAIRSCAPE face are found,
counted, faceted and read by SciCat's clients (pyscicat, scicat-sdk-py, scitacean, plain HTTP
v3 and v4) with the reverse crosswalk, only by those who may read them, and are read only
there (docs/api-scicat.md, "FAIRSCAPE crates as datasets")."""

from __future__ import annotations

import json
import time
import uuid
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.api.scicat.test_datasets_clients import _sdk, pyscicat_client
from tests.support.catalogue import insert_private_record
from tests.support.crates import fresh_copy, zip_folder
from tests.support.deployments import Deployment
from tests.support.scicat import USERS, Scicat, pid_path

READ_ONLY_WORDS = "managed by the FAIRSCAPE face"


class Fairscape:
    """The FAIRSCAPE face of the SciCat deployment (same accounts)."""

    def __init__(self, server: Deployment) -> None:
        self.http = httpx.Client(base_url=server.api_url, timeout=60)
        self.token = self.http.post(
            "/login", data={"username": "user1", "password": USERS["user1"][0]}
        ).json()["access_token"]
        self.auth = {"Authorization": f"Bearer {self.token}"}

    def upload(self, zip_path: Path) -> str:
        with zip_path.open("rb") as handle:
            sent = self.http.post(
                "/rocrate/upload-async",
                headers=self.auth,
                files={"crate": (zip_path.name, handle, "application/zip")},
            )
        assert sent.status_code == 202, sent.text
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            job = self.http.get(f"/rocrate/upload/status/{sent.json()['guid']}", headers=self.auth)
            if job.json()["completed"]:
                assert job.json()["success"], job.text
                return str(job.json()["rocrateIdentifier"])
            time.sleep(0.2)
        raise AssertionError("the upload job did not finish")

    def register(self, document: dict[str, Any]) -> str:
        created = self.http.post("/rocrate/metadata", json=document, headers=self.auth)
        assert created.status_code == 201, created.text
        return str(created.json()["rocrate_guid"])


def _with_root(crate: Path, **changes: Any) -> dict[str, Any]:
    document = json.loads((crate / "ro-crate-metadata.json").read_text())
    root_id = document["@graph"][0]["about"]["@id"]
    root = next(e for e in document["@graph"] if e["@id"] == root_id)
    root.update(changes)
    (crate / "ro-crate-metadata.json").write_text(json.dumps(document))
    return document


@pytest.fixture(scope="module")
def crates(
    scicat: Scicat, scicat_server: Deployment, fairscape_crate_dir: Path, tmp_path_factory
) -> dict[str, str]:
    """Crate A (a zip with three files), crate B (metadata only, older), a private crate C;
    all with the tag in their name and keywords."""
    tag = f"rev{uuid.uuid4().hex[:10]}"
    face = Fairscape(scicat_server)
    work = tmp_path_factory.mktemp("reverse")
    first = fresh_copy(fairscape_crate_dir, work / "a")
    _with_root(first, name=f"Crate A {tag}", keywords=[tag, "expression"])
    crate_a = face.upload(zip_folder(first, work / "a.zip"))
    second = fresh_copy(fairscape_crate_dir, work / "b")
    document = _with_root(
        second,
        name=f"Crate B {tag}",
        keywords=[tag, "other"],
        dateCreated="2001-02-03T04:05:06Z",
        usedDataset=[{"@id": "ark:59852/dataset-somewhere-else"}],
    )
    for entity in document["@graph"]:
        if str(entity.get("contentUrl", "")).startswith("file://"):
            entity["contentUrl"] = f"https://data.example.org/{uuid.uuid4().hex}.csv"
    crate_b = face.register(document)
    scicat.token("user1")  # the account exists once it logged in
    crate_c = f"ark:59852/rocrate-private-{tag}"
    insert_private_record(
        scicat_server,
        crate_c,
        "user1",
        "group1",
        {
            "@type": "https://w3id.org/EVI#ROCrate",
            "name": f"Crate C {tag}",
            "keywords": [tag, "private"],
        },
    )
    return {"tag": tag, "a": crate_a, "b": crate_b, "c": crate_c}


def _where(where: dict[str, Any], **rest: Any) -> dict[str, str]:
    return {"filter": json.dumps({"where": where, **rest})}


def test_v4_and_v3_filters_find_a_crate_by_its_name_and_read_it_by_the_reverse_crosswalk(
    scicat: Scicat, crates: dict[str, str]
) -> None:
    tag = crates["tag"]
    for version in ("v4", "v3"):
        found = scicat.request(
            "GET", f"/api/{version}/datasets", params=_where({"datasetName": f"Crate A {tag}"})
        )
        assert found.status_code == 200, found.text
        [dataset] = found.json()
        assert dataset["pid"] == crates["a"]
        assert dataset["type"] == "raw"
        assert dataset["keywords"] == [tag, "expression"]
        assert dataset["ownerGroup"] == "group1"
        assert dataset["owner"] == "Jane Doe"
        assert dataset["numberOfFiles"] == 3
        assert dataset["size"] > 0
        assert dataset["creationTime"] == "2025-01-15T00:00:00.000Z"  # datePublished
        assert dataset["version"] == version[1]


def test_keywords_inq_creation_time_count_and_order_cover_both_crates(
    scicat: Scicat, crates: dict[str, str]
) -> None:
    tag = crates["tag"]
    both = scicat.request(
        "GET",
        "/api/v4/datasets",
        params=_where(
            {"keywords": {"inq": [tag]}, "datasetName": {"like": "^Crate"}},
            limits={"sort": {"datasetName": "desc"}},
        ),
    )
    assert [d["pid"] for d in both.json()] == [crates["c"], crates["b"], crates["a"]]
    recent = scicat.request(
        "GET",
        "/api/v3/datasets",
        params=_where(
            {
                "keywords": tag,
                "datasetName": {"like": "^Crate"},
                "creationTime": {"gt": "2020-01-01T00:00:00Z"},
            }
        ),
    )
    assert [d["pid"] for d in recent.json()] == [crates["a"], crates["c"]]  # C: created now
    derived = scicat.request(
        "GET", "/api/v4/datasets/count", params=_where({"keywords": tag, "type": "derived"})
    )
    assert derived.json() == {"count": 1}
    not_derived = scicat.request(
        "GET",
        "/api/v4/datasets/count",
        params=_where(
            {"keywords": tag, "type": {"neq": "derived"}, "datasetName": {"like": "^Crate"}}
        ),
    )
    assert not_derived.json() == {"count": 2}
    b = scicat.request("GET", f"/api/v4/datasets/{pid_path(crates['b'])}").json()
    assert b["type"] == "derived"
    assert b["inputDatasets"] == ["ark:59852/dataset-somewhere-else"]
    assert b["creationTime"] == "2001-02-03T04:05:06.000Z"


def test_text_search_and_fullfacet_count_crates_with_sciCat_datasets(
    scicat: Scicat, crates: dict[str, str]
) -> None:
    tag = crates["tag"]
    created = scicat.request(
        "POST",
        "/api/v4/datasets",
        json={
            "type": "raw",
            "datasetName": f"SciCat {tag}",
            "ownerGroup": "group1",
            "owner": "Ann Owner",
            "contactEmail": "ann@example.org",
            "sourceFolder": f"/data/{tag}",
            "creationTime": "2024-01-01T00:00:00Z",
            "keywords": [tag],
        },
    )
    assert created.status_code == 201, created.text
    found = scicat.request(
        "GET", "/api/v3/datasets/fullquery", params={"fields": json.dumps({"text": tag})}
    )
    assert {d["pid"] for d in found.json()} >= {crates["a"], crates["b"], created.json()["pid"]}
    facets = scicat.request(
        "GET",
        "/api/v3/datasets/fullfacet",
        params={"fields": json.dumps({"keywords": [tag]}), "facets": '["type", "keywords"]'},
    ).json()[0]
    assert facets["all"] == [{"totalSets": 4}]
    assert {b["_id"]: b["count"] for b in facets["type"]} == {"raw": 3, "derived": 1}
    keywords = {b["_id"]: b["count"] for b in facets["keywords"]}
    assert keywords[tag] == 4
    assert (keywords["expression"], keywords["other"], keywords["private"]) == (1, 1, 1)


def test_a_private_crate_is_seen_by_its_owner_group_only(
    scicat: Scicat, crates: dict[str, str]
) -> None:
    tag = crates["tag"]
    where = _where({"datasetName": f"Crate C {tag}"})
    assert len(scicat.request("GET", "/api/v4/datasets", params=where).json()) == 1
    for user in (None, "user2"):
        assert scicat.request("GET", "/api/v3/datasets", user, params=where).json() == []
        count = scicat.request("GET", "/api/v3/datasets/count", user, params=where).json()
        assert count == {"count": 0}
    assert scicat.request("GET", "/api/v4/datasets/public", None, params=where).json() == []
    hidden = scicat.request("GET", f"/api/v3/datasets/{pid_path(crates['c'])}", "user2")
    assert hidden.status_code == 403
    crates_only = _where({"keywords": tag, "datasetName": {"like": "^Crate"}})
    public = scicat.request("GET", "/api/v4/datasets/public", None, params=crates_only)
    assert {d["pid"] for d in public.json()} == {crates["a"], crates["b"]}  # metadata public


def test_a_crate_is_read_only_through_the_scicat_face(
    scicat: Scicat, crates: dict[str, str]
) -> None:
    path = f"/api/v4/datasets/{pid_path(crates['a'])}"
    for method, user, body in (
        ("PATCH", "user1", {"description": "changed"}),
        ("PUT", "user1", {"description": "changed"}),
        ("DELETE", "archivemanager", None),
    ):
        refused = scicat.request(method, path, user, json=body)
        assert refused.status_code == 403, (method, refused.text)
        assert READ_ONLY_WORDS in refused.json()["message"]
        assert refused.json()["statusCode"] == 403
    block = scicat.request(
        "POST",
        "/api/v4/origdatablocks",
        json={
            "datasetId": crates["a"],
            "size": 1,
            "chkAlg": "sha256",
            "dataFileList": [{"path": "x", "size": 1, "time": "2024-01-01T00:00:00Z"}],
        },
    )
    assert block.status_code == 403, block.text
    assert READ_ONLY_WORDS in str(block.json()["message"])
    again = scicat.request("GET", path).json()
    assert "description" not in again or again["description"] != "changed"
    assert again["numberOfFiles"] == 3


def test_pyscicat_scicat_sdk_and_scitacean_read_a_crate(
    scicat: Scicat, crates: dict[str, str]
) -> None:
    tag = crates["tag"]
    client = pyscicat_client(scicat, "user1")
    assert client.datasets_get_one(crates["a"])["datasetName"] == f"Crate A {tag}"
    many = client.datasets_get_many({"keywords": {"inq": [tag]}, "datasetName": {"like": "^Crate"}})
    assert {d["pid"] for d in many} == {crates["a"], crates["b"], crates["c"]}

    sdk, api = _sdk(scicat, "user1")
    v4 = sdk.DatasetsV4Api(api)
    got = v4.datasets_v4_controller_find_by_id_v4(crates["b"])
    assert got.dataset_name == f"Crate B {tag}"
    listed = v4.datasets_v4_controller_find_all_v4(
        filter=json.dumps({"where": {"datasetName": {"like": f"Crate A {tag}"}}})
    )
    assert [d.pid for d in listed] == [crates["a"]]

    from scitacean import Client

    reader = Client.from_credentials(
        url=f"{scicat.base_url}/api/v3",
        username="user1",
        password=USERS["user1"][0],
        allow_http=True,
    )
    dataset = reader.get_dataset(crates["a"])
    assert dataset.name == f"Crate A {tag}"
    assert dataset.type.value == "raw" if hasattr(dataset.type, "value") else dataset.type == "raw"
    assert dataset.keywords == [tag, "expression"]
    assert str(dataset.pid) == crates["a"]
