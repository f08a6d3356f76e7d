"""Every endpoint scicat-sdk-py 5.3.3 has (data/scicat-sdk-endpoints.txt, a copy of its
endpoint list) is either answered by the running server, or listed in UNSUPPORTED with why
(docs/api-scicat.md repeats the list).

An answered endpoint is called as the administrator, with the ids of objects that exist
(a dataset, its block and attachment, a proposal, sample, instrument and PublishedData) and an
empty body where it takes one; it must not be 404 (no such route, or an id not found), 405 or
5xx. A GET must answer 2xx (every one does with the list's parameters and these objects); a
write may answer 2xx, or 4xx in SciCat's error shape (a 400 for the empty body, a 401/403/409
of a rule). DELETEs get an object of their own, so the objects
the other endpoints use stay.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tests.support.scicat import Scicat, pid_path

LIST = Path(__file__).parent / "data" / "scicat-sdk-endpoints.txt"

JOBS = (
    "SciCat jobs (archive, retrieve, publish workflows) are not built; fairdepot's job "
    "queue runs its own work"
)
USERS = (
    "accounts are fairdepot's (functionalAccounts.json, API tokens): SciCat's user store, "
    "identities, settings, passwords and custom JWTs are not built"
)
LOGINS = "only local accounts log in (auth/login); LDAP, MS AD and OIDC logins are not built"
POLICIES = "access is fairdepot's core policy; SciCat's per-group policy collection is not built"
HISTORY = "record revisions are kept, but not served in SciCat's history shape"
EVENTS = "server-sent events are not built"
LOGBOOKS = "SciLog logbooks are not integrated"
FRONTEND = "the SciCat frontend's configuration, theme and runtime settings are not served"
V3_BLOCKS = (
    "v3 clients create blocks under their dataset (/datasets/{pid}/origdatablocks); "
    "the top-level create is v4's"
)
DATABLOCKS = "archived datablocks (an archive system's) are not built, only origdatablocks"
METADATA_KEYS_COLLECTION = (
    "v4's MetadataKeys collection is not built: its objects are one per (dataset or sample, "
    "top-level key), with id, humanReadableName (the key's human_name), userGroups, sourceId, "
    "and a where/fields/limits over them, which the record query layer (a page of records) "
    "cannot answer; /datasets/metadataKeys lists the keys"
)
OBJECT_ATTACHMENTS = (
    "attachments are children of a dataset here; attachments of proposals and samples are not built"
)
OBJECT_DATASETS = (
    "a proposal's or sample's datasets are found with a datasets filter (proposalIds, "
    "sampleIds); the sub-route is not built"
)
AUTHORIZATION = (
    "authorization checks are answered by the routes themselves (403); the probe routes "
    "are not built"
)
OBJECT_QUERIES = (
    "fullquery/fullfacet of proposals and samples are not built (their filter and count are)"
)
IS_VALID = "isValid exists for datasets, blocks and attachments; proposals are checked when created"

UNSUPPORTED: dict[tuple[str, str], str] = {
    ("GET", "/api/v3/admin/config"): FRONTEND,
    ("GET", "/api/v3/admin/theme"): FRONTEND,
    ("POST", "/api/v3/auth/ldap"): LOGINS,
    ("POST", "/api/v3/auth/msad"): LOGINS,
    ("GET", "/api/v3/auth/oidc"): LOGINS,
    ("GET", "/api/v3/auth/oidc/callback"): LOGINS,
    ("POST", "/api/v3/auth/oidc/token"): LOGINS,
    ("GET", "/api/v3/datablocks"): DATABLOCKS,
    ("POST", "/api/v3/datablocks"): DATABLOCKS,
    ("GET", "/api/v3/datablocks/count"): DATABLOCKS,
    ("DELETE", "/api/v3/datablocks/{id}"): DATABLOCKS,
    ("GET", "/api/v3/datablocks/{id}"): DATABLOCKS,
    ("PATCH", "/api/v3/datablocks/{id}"): DATABLOCKS,
    ("DELETE", "/api/v3/datasets/{pid}/datablocks"): DATABLOCKS,
    ("GET", "/api/v3/datasets/{pid}/datablocks"): DATABLOCKS,
    ("POST", "/api/v3/datasets/{pid}/datablocks"): DATABLOCKS,
    ("GET", "/api/v3/datasets/{pid}/datablocks/count"): DATABLOCKS,
    ("DELETE", "/api/v3/datasets/{pid}/datablocks/{did}"): DATABLOCKS,
    ("PATCH", "/api/v3/datasets/{pid}/datablocks/{did}"): DATABLOCKS,
    ("GET", "/api/v3/datasets/{pid}/logbook"): LOGBOOKS,
    ("GET", "/api/v3/events/connections"): EVENTS,
    ("GET", "/api/v3/events/stream"): EVENTS,
    ("POST", "/api/v3/events/ticket"): EVENTS,
    ("GET", "/api/v3/history"): HISTORY,
    ("GET", "/api/v3/history/collection/{subsystem}"): HISTORY,
    ("GET", "/api/v3/history/count"): HISTORY,
    ("GET", "/api/v3/jobs"): JOBS,
    ("POST", "/api/v3/jobs"): JOBS,
    ("GET", "/api/v3/jobs/datasetDetails"): JOBS,
    ("GET", "/api/v3/jobs/fullfacet"): JOBS,
    ("GET", "/api/v3/jobs/fullquery"): JOBS,
    ("DELETE", "/api/v3/jobs/{id}"): JOBS,
    ("GET", "/api/v3/jobs/{id}"): JOBS,
    ("PATCH", "/api/v3/jobs/{id}"): JOBS,
    ("GET", "/api/v3/logbooks"): LOGBOOKS,
    ("GET", "/api/v3/logbooks/{name}"): LOGBOOKS,
    ("POST", "/api/v3/origdatablocks"): V3_BLOCKS,
    ("GET", "/api/v3/policies"): POLICIES,
    ("POST", "/api/v3/policies"): POLICIES,
    ("GET", "/api/v3/policies/count"): POLICIES,
    ("POST", "/api/v3/policies/updateWhere"): POLICIES,
    ("DELETE", "/api/v3/policies/{id}"): POLICIES,
    ("GET", "/api/v3/policies/{id}"): POLICIES,
    ("PATCH", "/api/v3/policies/{id}"): POLICIES,
    ("GET", "/api/v3/proposals/fullfacet"): OBJECT_QUERIES,
    ("GET", "/api/v3/proposals/fullquery"): OBJECT_QUERIES,
    ("POST", "/api/v3/proposals/isValid"): IS_VALID,
    ("GET", "/api/v3/proposals/{pid}/attachments"): OBJECT_ATTACHMENTS,
    ("POST", "/api/v3/proposals/{pid}/attachments"): OBJECT_ATTACHMENTS,
    ("DELETE", "/api/v3/proposals/{pid}/attachments/{aid}"): OBJECT_ATTACHMENTS,
    ("PATCH", "/api/v3/proposals/{pid}/attachments/{aid}"): OBJECT_ATTACHMENTS,
    ("GET", "/api/v3/proposals/{pid}/authorization"): AUTHORIZATION,
    ("GET", "/api/v3/proposals/{pid}/datasets"): OBJECT_DATASETS,
    ("GET", "/api/v3/runtime-config/{id}"): FRONTEND,
    ("PUT", "/api/v3/runtime-config/{id}"): FRONTEND,
    ("GET", "/api/v3/samples/fullquery"): OBJECT_QUERIES,
    ("GET", "/api/v3/samples/{id}/attachments"): OBJECT_ATTACHMENTS,
    ("POST", "/api/v3/samples/{id}/attachments"): OBJECT_ATTACHMENTS,
    ("DELETE", "/api/v3/samples/{id}/attachments/{fk}"): OBJECT_ATTACHMENTS,
    ("GET", "/api/v3/samples/{id}/attachments/{fk}"): OBJECT_ATTACHMENTS,
    ("GET", "/api/v3/samples/{id}/authorization"): AUTHORIZATION,
    ("GET", "/api/v3/samples/{id}/datasets"): OBJECT_DATASETS,
    ("GET", "/api/v3/useridentities/findOne"): USERS,
    ("GET", "/api/v3/useridentities/isValidEmail"): USERS,
    ("GET", "/api/v3/users"): USERS,
    ("POST", "/api/v3/users/jwt"): USERS,
    ("POST", "/api/v3/users/logout"): USERS,
    ("GET", "/api/v3/users/my/identity"): USERS,
    ("GET", "/api/v3/users/my/self"): USERS,
    ("GET", "/api/v3/users/my/settings"): USERS,
    ("POST", "/api/v3/users/password"): USERS,
    ("GET", "/api/v3/users/{id}"): USERS,
    ("GET", "/api/v3/users/{id}/authorization/dataset/create"): USERS,
    ("POST", "/api/v3/users/{id}/jwt"): USERS,
    ("PATCH", "/api/v3/users/{id}/password"): USERS,
    ("DELETE", "/api/v3/users/{id}/settings"): USERS,
    ("GET", "/api/v3/users/{id}/settings"): USERS,
    ("PATCH", "/api/v3/users/{id}/settings"): USERS,
    ("POST", "/api/v3/users/{id}/settings"): USERS,
    ("PUT", "/api/v3/users/{id}/settings"): USERS,
    ("PATCH", "/api/v3/users/{id}/settings/external"): USERS,
    ("GET", "/api/v3/users/{id}/userIdentity"): USERS,
    ("GET", "/api/v4/datasets/{pid}/logbook"): LOGBOOKS,
    ("GET", "/api/v4/jobs"): JOBS,
    ("POST", "/api/v4/jobs"): JOBS,
    ("GET", "/api/v4/jobs/datasetDetails"): JOBS,
    ("GET", "/api/v4/jobs/fullfacet"): JOBS,
    ("GET", "/api/v4/jobs/fullquery"): JOBS,
    ("DELETE", "/api/v4/jobs/{id}"): JOBS,
    ("GET", "/api/v4/jobs/{id}"): JOBS,
    ("PATCH", "/api/v4/jobs/{id}"): JOBS,
    ("GET", "/api/v4/metadatakeys"): METADATA_KEYS_COLLECTION,
}
"""(method, path) -> why the server does not answer it (docs/api-scicat.md repeats it)."""


@dataclass(frozen=True)
class Endpoint:
    method: str
    path: str
    query: tuple[str, ...]
    body: bool

    @property
    def key(self) -> tuple[str, str]:
        return (self.method, self.path)


def endpoints() -> list[Endpoint]:
    found = []
    for line in LIST.read_text().splitlines():
        parts = line.split()
        if len(parts) < 4:
            continue
        _, method, path, _ = parts[:4]
        rest = line.split(" q=", 1)[1]
        names = rest.split("]", 1)[0].strip("[").replace("'", "").replace(" ", "")
        found.append(
            Endpoint(method, path, tuple(n for n in names.split(",") if n), " BODY " in line)
        )
    return found


ENDPOINTS = endpoints()


class Objects:
    """One object of each kind the endpoints name, made through the API."""

    def __init__(self, scicat: Scicat) -> None:
        self.scicat = scicat
        self.pid = self.dataset()
        self.block = self.origdatablock(self.pid)
        self.aid = self.attachment(self.pid)
        self.proposal = self.made("/api/v3/proposals", "proposalId", self.proposal_body())
        self.sample = self.new_sample()
        self.instrument = self.new_instrument()
        self.doi = self.published(self.pid)

    def new_sample(self) -> str:
        return self.made("/api/v3/samples", "sampleId", {"ownerGroup": "group1"})

    def new_instrument(self) -> str:
        body = {"uniqueName": f"i-{uuid.uuid4()}", "name": "i"}
        return self.made("/api/v3/instruments", "pid", body)

    def made(self, path: str, key: str, body: dict[str, Any]) -> str:
        created = self.scicat.request("POST", path, "admin", json=body)
        assert created.status_code == 201, created.text
        return str(created.json()[key])

    def dataset(self) -> str:
        body = {
            "type": "raw",
            "datasetName": f"coverage {uuid.uuid4()}",
            "owner": "Ponder",
            "ownerGroup": "group1",
            "contactEmail": "p@uu.am",
            "creationLocation": "UU",
            "principalInvestigators": ["Ponder"],
            "sourceFolder": "/coverage",
            "creationTime": "2026-01-01T00:00:00Z",
        }
        return self.made("/api/v4/datasets", "pid", body)

    def origdatablock(self, pid: str) -> str:
        body = {
            "datasetId": pid,
            "size": 1,
            "chkAlg": "md5",
            "dataFileList": [{"path": "a.dat", "size": 1, "time": "2026-01-01T00:00:00Z"}],
        }
        return self.made("/api/v4/origdatablocks", "_id", body)

    def attachment(self, pid: str) -> str:
        body = {
            "caption": "c",
            "ownerGroup": "group1",
            "relationships": [{"targetId": pid, "targetType": "dataset"}],
        }
        return self.made("/api/v4/attachments", "aid", body)

    def published(self, pid: str) -> str:
        body = {"title": "t", "abstract": "a", "datasetPids": [pid]}
        return self.made("/api/v4/publisheddata", "doi", body)

    @staticmethod
    def proposal_body() -> dict[str, Any]:
        return {
            "proposalId": f"p-{uuid.uuid4()}",
            "email": "p@uu.am",
            "title": "t",
            "ownerGroup": "group1",
        }

    def ids(self, path: str, fresh: bool) -> dict[str, str]:
        """The values of `path`'s placeholders; `fresh`: objects of their own (a DELETE; a
        dataset of its own too when the DELETE takes all of one's blocks or attachments)."""
        takes_all = path.endswith(("{pid}", "{pid}/origdatablocks", "{pid}/attachments"))
        pid = self.dataset() if fresh and takes_all else self.pid
        ids = {
            "pid": pid,
            "aid": self.attachment(pid) if fresh else self.aid,
            "oid": self.origdatablock(pid) if fresh else self.block,
        }
        if "/proposals/" in path:
            ids["pid"] = (
                self.made("/api/v3/proposals", "proposalId", self.proposal_body())
                if fresh and path.endswith("{pid}")
                else self.proposal
            )
        kind = path.split("/")[3]
        ids["id"] = {
            "origdatablocks": lambda: self.origdatablock(pid) if fresh else self.block,
            "attachments": lambda: self.aid,
            "publisheddata": lambda: self.published(pid) if fresh else self.doi,
            "samples": lambda: self.new_sample() if fresh else self.sample,
            "instruments": lambda: self.new_instrument() if fresh else self.instrument,
        }.get(kind, lambda: "unknown")()
        if kind == "attachments":
            ids["aid"] = self.attachment(pid) if fresh else self.aid
        return ids


@pytest.fixture(scope="module")
def objects(scicat: Scicat) -> Objects:
    return Objects(scicat)


def test_the_endpoint_list_is_read_whole() -> None:
    assert len(ENDPOINTS) == len([ln for ln in LIST.read_text().splitlines() if ln.strip()])
    assert len({e.key for e in ENDPOINTS}) == len(ENDPOINTS)
    listed = {e.key for e in ENDPOINTS}
    assert set(UNSUPPORTED) <= listed, set(UNSUPPORTED) - listed
    assert all(reason.strip() for reason in UNSUPPORTED.values())


def _scicat_error(response: Any) -> None:
    """A 4xx in SciCat's error shape, its statusCode the answer's."""
    answer = response.json()
    assert answer["statusCode"] == response.status_code, answer
    assert answer["message"], answer
    assert isinstance(answer["error"], str), answer
    problems = answer.get("errors", [])  # where in the body, when it is the body's
    assert all(p["message"] for p in problems), answer


@pytest.mark.parametrize(
    "endpoint",
    [e for e in ENDPOINTS if e.key not in UNSUPPORTED],
    ids=lambda e: f"{e.method} {e.path}",
)
def test_a_supported_endpoint_answers(scicat: Scicat, objects: Objects, endpoint: Endpoint) -> None:
    """A read of objects that exist answers 2xx as the administrator; a write with an empty
    body answers 2xx, or 4xx in SciCat's error shape; nothing is 404/405 or 5xx."""
    ids = objects.ids(endpoint.path, fresh=endpoint.method == "DELETE")
    path = endpoint.path
    for name, value in ids.items():
        path = path.replace("{" + name + "}", pid_path(value))
    params = {"pid": objects.pid} if "pid" in endpoint.query else None
    body = {} if endpoint.body else None
    if endpoint.path.endswith("/auth/login") or endpoint.path.endswith("/users/login"):
        body = {"username": "nobody", "password": "wrong"}
    response = scicat.request(endpoint.method, path, "admin", params=params, json=body)
    assert response.status_code not in (404, 405), (path, response.text[:500])
    assert response.status_code < 500, (path, response.text[:500])
    if endpoint.method == "GET":
        assert 200 <= response.status_code < 300, (path, response.text[:500])
    elif response.status_code >= 400:
        _scicat_error(response)
