"""SciCat PublishedData on a real server with a DataCite account, DataCite being a real local
HTTP server that records what it is sent (the outside world): create, find, count, register
(datasets become published, a DOI at DataCite), DataCite down -> 503 and nothing changed; v3's
PATCH, resync, DELETE and formpopulate, driven by scicat-sdk-py's PublishedDataApi."""

from __future__ import annotations

import json
import threading
import uuid
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
import scicat_sdk_py as sdk
from pyscicat import client as pyscicat

from fairdepot.core import ark as arks
from fairdepot.core.crosswalks.scicat import record_of
from fairdepot.core.crosswalks.scicat_validation import validate_dataset
from fairdepot.services.uow import unit_of_work
from tests.support.catalogue import deployment_runtime, user_id
from tests.support.deployments import Deployment, backend_name, embedded, scaleout
from tests.support.scicat import PID_PREFIX, USERS, Scicat, deployment_settings, pid_path

DOI_PREFIX = "10.5072"


class FakeDatacite:
    """A DataCite REST API on loopback: records every request, answers 201, or 500 when down."""

    def __init__(self) -> None:
        self.requests: list[dict[str, Any]] = []
        self.down = False
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def _answer(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = json.loads(self.rfile.read(length) or b"null")
                fake.requests.append(
                    {
                        "method": self.command,
                        "path": self.path,
                        "body": body,
                        "auth": self.headers.get("Authorization"),
                    }
                )
                status = 500 if fake.down else 201
                payload = json.dumps({"data": body["data"] if body else None}).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/vnd.api+json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            do_POST = _answer
            do_PUT = _answer

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def stop(self) -> None:
        self.server.shutdown()


@pytest.fixture(scope="module")
def datacite() -> Iterator[FakeDatacite]:
    fake = FakeDatacite()
    yield fake
    fake.stop()


@pytest.fixture(scope="module")
def published_server(
    request: pytest.FixtureRequest,
    tmp_path_factory: pytest.TempPathFactory,
    datacite: FakeDatacite,
) -> Iterator[Deployment]:
    root = tmp_path_factory.mktemp("scicat-published")
    extra = {
        **deployment_settings(root / "settings"),
        "FAIRDEPOT_DATACITE_URL": datacite.url,
        "FAIRDEPOT_DATACITE_USERNAME": "repo.account",
        "FAIRDEPOT_DATACITE_PASSWORD": "secret",
        "FAIRDEPOT_DATACITE_PREFIX": DOI_PREFIX,
    }
    if backend_name() == "scaleout":
        deployment = scaleout(root, request.getfixturevalue("seaweedfs"), extra=extra)
    else:
        deployment = embedded(root, extra)
    yield deployment
    deployment.stop()


@pytest.fixture(scope="module")
def client(published_server: Deployment) -> Scicat:
    return Scicat(published_server.base_url)


def make_dataset(server: Deployment, client: Scicat, owner: str = "user1") -> str:
    """A SciCat dataset written through the services' unit of work (not the datasets routes)."""
    client.token(owner)  # the account exists once it has logged in
    pid = f"{PID_PREFIX}/{uuid.uuid4()}"
    body = {
        "pid": pid,
        "type": "raw",
        "ownerGroup": USERS[owner][1],
        "owner": owner,
        "contactEmail": "ponder@uu.am",
        "sourceFolder": "/data/raw",
        "creationTime": "2024-01-01T00:00:00Z",
        "datasetName": "to publish",
    }
    dataset = validate_dataset(body)
    with deployment_runtime(server) as runtime:
        ark = str(arks.mint(runtime.settings.naan, runtime.settings.ark_shoulder))
        owner_id = user_id(runtime, owner)
        with unit_of_work(runtime) as work:
            work.records.insert(record_of(dataset, ark=ark, owner_id=owner_id, created_by=owner))
    return pid


def published_body(pids: list[str], **extra: object) -> dict[str, object]:
    return {
        "creator": ["Ponder Stibbons"],
        "publisher": "Unseen University",
        "publicationYear": 2026,
        "title": f"Thaum flux {uuid.uuid4()}",
        "abstract": "Measurements of thaumic flux",
        "dataDescription": "raw counts",
        "resourceType": "raw",
        "pidArray": pids,
        **extra,
    }


def is_published(server: Deployment, pid: str) -> bool:
    with deployment_runtime(server) as runtime, runtime.reading() as store:
        row = store.row_by_identifier("pid", pid)
        assert row is not None
        return bool(row.publication_status == "PUBLISHED")


def test_create_find_count_and_register(
    published_server: Deployment, client: Scicat, datacite: FakeDatacite
) -> None:
    pid = make_dataset(published_server, client)
    body = published_body([pid])
    created = client.request("POST", "/api/v3/PublishedData", "user1", json=body)
    assert created.status_code == 201, created.text
    out = created.json()
    assert out["doi"].startswith(f"{DOI_PREFIX}/")
    assert out["status"] == "pending_registration"
    path = f"/api/v3/publisheddata/{pid_path(out['doi'])}"
    assert client.request("GET", path, "user1").json()["title"] == body["title"]
    assert client.request("GET", path, None).status_code == 403  # not registered yet
    where = json.dumps({"where": {"title": body["title"]}})
    count = client.request("GET", "/api/v3/publisheddata/count", "user1", params={"filter": where})
    assert count.json() == {"count": 1}
    assert client.request("POST", f"{path}/register", "user2").status_code == 403
    assert not is_published(published_server, pid)
    before = len(datacite.requests)
    registered = client.request("POST", f"{path}/register", "user1")
    assert registered.status_code == 201, registered.text
    assert registered.json()["status"] == "registered"
    assert registered.json()["registeredTime"].endswith("Z")
    assert is_published(published_server, pid)
    sent = datacite.requests[before:]
    assert [r["method"] for r in sent] == ["POST"]
    assert sent[0]["path"] == "/dois"
    attributes = sent[0]["body"]["data"]["attributes"]
    assert attributes["doi"] == out["doi"]
    assert attributes["titles"] == [{"title": body["title"]}]
    assert attributes["creators"] == [{"name": "Ponder Stibbons"}]
    assert attributes["url"].startswith(f"{published_server.base_url}/api/ark:")
    assert sent[0]["auth"].startswith("Basic ")
    anonymous = client.request("GET", path, None)
    assert anonymous.status_code == 200
    assert client.request("POST", f"{path}/register", "user1").status_code == 409
    # pyscicat lists it, anonymously too
    py = pyscicat.ScicatClient(
        base_url=f"{published_server.base_url}/api/v3",
        username="user3",
        password=USERS["user3"][0],
    )
    listed = py.published_data_get_many({"doi": out["doi"]})
    assert [p["doi"] for p in listed or []] == [out["doi"]]


def test_datacite_down_is_503_and_nothing_changes(
    published_server: Deployment, client: Scicat, datacite: FakeDatacite
) -> None:
    pid = make_dataset(published_server, client)
    out = client.request("POST", "/api/v3/publisheddata", "user1", json=published_body([pid]))
    path = f"/api/v3/publisheddata/{pid_path(out.json()['doi'])}"
    datacite.down = True
    try:
        refused = client.request("POST", f"{path}/register", "user1")
    finally:
        datacite.down = False
    assert refused.status_code == 503, refused.text
    assert refused.json()["statusCode"] == 503
    assert not is_published(published_server, pid)
    assert client.request("GET", path, "user1").json()["status"] == "pending_registration"
    retried = client.request("POST", f"{path}/register", "user1")
    assert retried.status_code == 201, retried.text
    assert is_published(published_server, pid)


def test_bad_published_data_is_refused(published_server: Deployment, client: Scicat) -> None:
    missing = client.request("POST", "/api/v3/publisheddata", "user1", json={"title": "x"})
    assert missing.status_code == 400
    assert "pidArray must be an array of strings" in missing.json()["message"]
    unknown = client.request(
        "POST",
        "/api/v3/publisheddata",
        "user1",
        json=published_body([f"{PID_PREFIX}/{uuid.uuid4()}"]),
    )
    assert unknown.status_code == 404
    foreign = make_dataset(published_server, client, owner="user4")
    refused = client.request(
        "POST", "/api/v3/publisheddata", "user1", json=published_body([foreign])
    )
    assert refused.status_code == 403
    anonymous = client.request(
        "POST", "/api/v3/publisheddata", None, json=published_body([foreign])
    )
    assert anonymous.status_code == 403
    absent = client.request("POST", "/api/v3/publisheddata/10.5072%2Fnone/register", "admin")
    assert absent.status_code == 404


def sdk_api(client: Scicat, user: str) -> sdk.PublishedDataApi:
    """scicat-sdk-py's v3 PublishedDataApi as `user`."""
    config = sdk.Configuration(host=client.base_url, access_token=client.token(user))
    return sdk.PublishedDataApi(sdk.ApiClient(config))


def new_v3(published_server: Deployment, client: Scicat, owner: str = "user1") -> tuple[str, str]:
    """A pending v3 PublishedData of `owner`'s (its doi) and its dataset's pid."""
    pid = make_dataset(published_server, client, owner)
    created = client.request("POST", "/api/v3/publisheddata", owner, json=published_body([pid]))
    assert created.status_code == 201, created.text
    return created.json()["doi"], pid


def test_the_sdk_patches_a_v3_one_and_reads_it_back_in_v3s_shape(
    published_server: Deployment, client: Scicat
) -> None:
    doi, pid = new_v3(published_server, client)
    user1 = sdk_api(client, "user1")
    # the SDK's PublishedDataObsoleteDto requires registeredTime, which a pending one has not
    # (the backend leaves it out too): its answer is read raw
    answer = user1.published_data_controller_update_v3_without_preload_content(
        doi,
        sdk.PartialUpdatePublishedDataDto(title="Thaum flux, corrected", url="https://uu.am/x"),
    )
    assert answer.status == 200, answer.data
    changed = json.loads(answer.data)
    assert changed["title"] == "Thaum flux, corrected"
    assert changed["pidArray"] == [pid]
    assert changed["status"] == "pending_registration"
    assert changed["url"] == "https://uu.am/x"
    path = f"/api/v3/publisheddata/{pid_path(doi)}"
    # null removes an optional field; what it read (status, doi, server fields) may come back
    read = client.request("GET", path, "user1").json()
    again = client.request("PATCH", path, "user1", json={**read, "url": None})
    assert again.status_code == 200, again.text
    assert "url" not in again.json()
    assert again.json()["title"] == "Thaum flux, corrected"
    assert again.json()["updatedBy"] == "user1"


def test_a_v3_patch_is_refused_in_scicats_shape_and_changes_nothing(
    published_server: Deployment, client: Scicat
) -> None:
    doi, _ = new_v3(published_server, client)
    path = f"/api/v3/publisheddata/{pid_path(doi)}"
    before = client.request("GET", path, "user1").json()
    foreign = make_dataset(published_server, client, owner="user4")
    for user, body, status, location in (
        ("user1", {"title": None}, 400, "title"),
        ("user1", {"pidArray": []}, 400, "pidArray"),
        ("user1", {"status": "registered"}, 400, "status"),
        ("user1", {"publicationYear": "2026"}, 400, "publicationYear"),
        ("user1", {"nonsense": 1}, 400, "nonsense"),
        ("user1", [], 400, "body"),
        ("user1", {"pidArray": [foreign]}, 403, None),
        ("user2", {"title": "theirs"}, 403, None),
        (None, {"title": "nobody's"}, 403, None),
    ):
        refused = client.request("PATCH", path, user, json=body)
        assert refused.status_code == status, (body, refused.text)
        answer = refused.json()
        assert answer["statusCode"] == status
        assert answer["message"]
        assert answer["error"]
        if location is not None:
            assert location in [e["location"] for e in answer["errors"]], answer
    assert client.request("GET", path, "user1").json() == before
    unknown = client.request("PATCH", "/api/v3/publisheddata/10.5072%2Fnone", "admin", json={})
    assert unknown.status_code == 404, unknown.text
    # once registered its DOI is out in the world
    assert client.request("POST", f"{path}/register", "user1").status_code == 201
    late = client.request("PATCH", path, "user1", json={"title": "too late"})
    assert late.status_code == 409, late.text
    # one made through v4 is changed through v4
    own = make_dataset(published_server, client)
    v4_body = {"title": "v4", "abstract": "a", "datasetPids": [own]}
    v4 = client.request("POST", "/api/v4/publisheddata", "user1", json=v4_body)
    other = f"/api/v3/publisheddata/{pid_path(v4.json()['doi'])}"
    mixed = client.request("PATCH", other, "user1", json={"title": "flat"})
    assert mixed.status_code == 409, mixed.text
    assert "/api/v4/publisheddata" in mixed.json()["message"]


def test_v3_resync_takes_the_whole_dto_and_registers_an_amended_one_again(
    published_server: Deployment, client: Scicat, datacite: FakeDatacite
) -> None:
    doi, pid = new_v3(published_server, client)
    path = f"/api/v3/publisheddata/{pid_path(doi)}"
    partial = client.request("POST", f"{path}/resync", "user1", json={"abstract": "only"})
    assert partial.status_code == 400, partial.text
    assert {"creator", "pidArray"} <= {e["location"] for e in partial.json()["errors"]}
    user1 = sdk_api(client, "user1")
    whole = sdk.UpdatePublishedDataDto.from_dict(published_body([pid], abstract="resynced"))
    assert whole is not None
    assert user1.published_data_controller_resync_v3(doi, whole) is None
    assert client.request("GET", path, "user1").json()["abstract"] == "resynced"
    raw = client.request("POST", f"{path}/resync", "user1", json=published_body([pid]))
    assert raw.status_code == 201, raw.text  # a NestJS POST
    assert raw.json() is None
    assert client.request("POST", f"{path}/resync", None, json={}).status_code == 403
    # registered: amend (v4, administrators) first; then a resync registers it again
    assert client.request("POST", f"{path}/register", "user1").status_code == 201
    body = published_body([pid], abstract="after amend")
    assert client.request("POST", f"{path}/resync", "admin", json=body).status_code == 409
    v4_path = f"/api/v4/publisheddata/{pid_path(doi)}"
    assert client.request("POST", f"{v4_path}/amend", "admin").status_code == 200
    before = len(datacite.requests)
    synced = client.request("POST", f"{path}/resync", "admin", json=body)
    assert synced.status_code == 201, synced.text
    assert synced.json() == {"doi": doi}
    stored = client.request("GET", path, "admin").json()
    assert (stored["status"], stored["abstract"]) == ("registered", "after amend")
    sent = datacite.requests[before:]
    assert sent
    assert sent[-1]["body"]["data"]["attributes"]["doi"] == doi


def test_the_sdk_deletes_a_v3_one_administrators_only(
    published_server: Deployment, client: Scicat
) -> None:
    doi, pid = new_v3(published_server, client)
    path = f"/api/v3/publisheddata/{pid_path(doi)}"
    for user in ("user1", None):
        refused = client.request("DELETE", path, user)
        assert refused.status_code == 403, refused.text
        assert refused.json()["statusCode"] == 403
    answer = sdk_api(client, "admin").published_data_controller_remove_v3_without_preload_content(
        doi
    )
    assert answer.status == 200, answer.data
    gone = json.loads(answer.data)  # pending: no registeredTime, which the SDK's model requires
    assert gone["doi"] == doi
    assert gone["pidArray"] == [pid]
    assert client.request("GET", path, "admin").status_code == 404
    assert client.request("DELETE", path, "admin").status_code == 404
    registered, _ = new_v3(published_server, client)
    kept = f"/api/v3/publisheddata/{pid_path(registered)}"
    assert client.request("POST", f"{kept}/register", "user1").status_code == 201
    assert client.request("DELETE", kept, "admin").status_code == 409


def test_the_sdk_populates_the_v3_form_from_a_dataset(
    published_server: Deployment, client: Scicat
) -> None:
    pid = make_dataset(published_server, client)
    form = sdk_api(client, "user1").published_data_controller_form_populate_v3(pid)
    assert form.resource_type == "raw"
    route = "/api/v3/publisheddata/formpopulate"
    for user, params, status in (
        ("user1", {}, 400),
        ("user1", {"pid": f"{PID_PREFIX}/{uuid.uuid4()}"}, 404),
        ("user2", {"pid": pid}, 403),
    ):
        refused = client.request("GET", route, user, params=params)
        assert refused.status_code == status, refused.text
        assert refused.json()["statusCode"] == status
