"""SciCat PublishedData on a real server with a DataCite account, DataCite being a real local
HTTP server that records what it is sent (the outside world): create, find, count, register
(datasets become published, a DOI at DataCite), DataCite down -> 503 and nothing changed."""

from __future__ import annotations

import json
import threading
import uuid
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
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
