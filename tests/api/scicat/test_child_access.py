"""Every child route of a dataset (its origdatablocks and attachments: v3 nested and v4,
reads, counts, creates, changes, deletes, isValid) answers as the backend's
checkPermissionsForDatasetExtended: the dataset is looked up first (404 `dataset: <pid> not
found` when there is none), then 403 "Unauthorized access" to a caller who may not do the
route's action on it, logged in or anonymous (an anonymous write is the guard's 403
"Forbidden resource"), never a 404 that hides an existing dataset, in SciCat's error shape."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import httpx
import pytest

from fairdepot.services.runtime import Runtime
from tests.api.scicat.files_seed import seed_dataset
from tests.api.scicat.test_attachments import attachment
from tests.api.scicat.test_datablocks import block
from tests.support.scicat import PID_PREFIX, Scicat, pid_path


@dataclass(frozen=True)
class Private:
    """group1's unpublished dataset with one block and one attachment of user1's."""

    pid: str
    block_id: str
    aid: str


@dataclass(frozen=True)
class Route:
    method: str
    path: str  # {pid}, {oid}, {aid} filled in
    body: Callable[[str], Any] | None = None
    write: bool = False

    @property
    def nested_child(self) -> bool:
        """Names a child too: an unknown dataset is the child's own 404 wording."""
        return "{oid}" in self.path or "{aid}" in self.path


V3 = "/api/v3/datasets/{pid}"
ROUTES = [
    Route("GET", V3 + "/origdatablocks"),
    Route("GET", V3 + "/origdatablocks/count"),
    Route("GET", V3 + "/attachments"),
    Route("GET", V3 + "/attachments/count"),
    Route("POST", V3 + "/origdatablocks", lambda pid: block(None, ("x.txt", 1)), write=True),
    Route("POST", V3 + "/origdatablocks/isValid", lambda pid: block(None), write=True),
    Route("DELETE", V3 + "/origdatablocks", write=True),
    Route("PATCH", V3 + "/origdatablocks/{oid}", lambda pid: {"size": 5}, write=True),
    Route("DELETE", V3 + "/origdatablocks/{oid}", write=True),
    Route("POST", "/api/v4/origdatablocks", lambda pid: block(pid, ("x.txt", 1)), write=True),
    Route("POST", "/api/v4/origdatablocks/isValid", lambda pid: block(pid), write=True),
    Route("POST", V3 + "/attachments", lambda pid: attachment(pid), write=True),
    Route("DELETE", V3 + "/attachments", write=True),
    Route("PUT", V3 + "/attachments/{aid}", lambda pid: attachment(pid), write=True),
    Route("DELETE", V3 + "/attachments/{aid}", write=True),
    Route("POST", "/api/v4/attachments", lambda pid: attachment(pid), write=True),
    Route("POST", "/api/v4/attachments/isValid", lambda pid: attachment(pid), write=True),
]


@pytest.fixture(scope="module")
def private(scicat: Scicat, runtime: Runtime) -> Private:
    pid = seed_dataset(runtime)
    made = scicat.request("POST", "/api/v4/origdatablocks", "user1", json=block(pid, ("a", 1)))
    assert made.status_code == 201, made.text
    attached = scicat.request("POST", "/api/v4/attachments", "user1", json=attachment(pid))
    assert attached.status_code == 201, attached.text
    return Private(pid, made.json()["_id"], attached.json()["aid"])


def call(scicat: Scicat, route: Route, user: str | None, pid: str, dataset: Private) -> Any:
    path = route.path.format(pid=pid_path(pid), oid=dataset.block_id, aid=dataset.aid)
    body = route.body(pid) if route.body is not None else None
    return scicat.request(route.method, path, user, json=body)


def refused(answer: httpx.Response, status: int) -> str:
    """The answer's message, after checking it is `status` in SciCat's error shape."""
    assert answer.status_code == status, answer.text
    error = answer.json()
    assert error["statusCode"] == status, error
    assert isinstance(error["error"], str), error
    assert error["message"], error
    assert all(p["message"] for p in error.get("errors", [])), error
    return str(error["message"])


def ids(route: Route) -> str:
    return f"{route.method} {route.path}"


@pytest.mark.parametrize("route", ROUTES, ids=ids)
def test_a_foreign_user_is_403_unauthorized_access(
    scicat: Scicat, private: Private, route: Route
) -> None:
    message = refused(call(scicat, route, "user2", private.pid, private), 403)
    assert message == "Unauthorized access"
    assert "ark:" not in message


@pytest.mark.parametrize("route", ROUTES, ids=ids)
def test_anonymous_is_403_reading_as_writing(
    scicat: Scicat, private: Private, route: Route
) -> None:
    """Reads pass the backend's guard and are refused by the dataset's check; writes by the
    guard."""
    message = refused(call(scicat, route, None, private.pid, private), 403)
    if route.write:
        assert message.startswith("Forbidden resource"), message
    else:
        assert message == "Unauthorized access"


@pytest.mark.parametrize("route", ROUTES, ids=ids)
def test_an_unknown_dataset_is_404_dataset_not_found(
    scicat: Scicat, private: Private, route: Route
) -> None:
    user = "archivemanager" if route.method == "DELETE" and not route.nested_child else "user1"
    unknown = f"{PID_PREFIX}/no-such-dataset"
    message = refused(call(scicat, route, user, unknown, private), 404)
    if not route.nested_child:
        assert message == f"dataset: {unknown} not found"


@pytest.mark.parametrize(
    "route",
    [r for r in ROUTES if r.method == "POST" and not r.path.endswith("isValid")],
    ids=ids,
)
def test_a_published_foreign_dataset_takes_no_children_and_names_no_ark(
    scicat: Scicat, runtime: Runtime, private: Private, route: Route
) -> None:
    """user2 reads group1's published dataset but may not add to it: the backend's words,
    not ours naming the dataset's ARK."""
    published = seed_dataset(runtime, isPublished=True)
    answer = call(scicat, route, "user2", published, private)
    assert refused(answer, 403) == "Unauthorized access"


def test_the_owner_still_reads_lists_and_counts(scicat: Scicat, private: Private) -> None:
    base = V3.format(pid=pid_path(private.pid))
    blocks = scicat.request("GET", f"{base}/origdatablocks", "user1")
    assert [b["_id"] for b in blocks.json()] == [private.block_id]
    assert scicat.request("GET", f"{base}/origdatablocks/count", "user1").json() == {"count": 1}
    assert scicat.request("GET", f"{base}/attachments/count", "user1").json() == {"count": 1}


@pytest.mark.parametrize("user", ["user2", None], ids=["foreign", "anonymous"])
def test_scicat_sdk_py_sees_forbidden_not_not_found(
    scicat: Scicat, private: Private, user: str | None
) -> None:
    """scicat-sdk-py's reads of a dataset's children raise its ForbiddenException (403), as
    against the backend, and its NotFoundException only for a dataset that does not exist."""
    import scicat_sdk_py as sdk
    from scicat_sdk_py.exceptions import ForbiddenException, NotFoundException

    from tests.api.scicat.test_child_extras import sdk_client

    with sdk_client(scicat, user) as client:
        api = sdk.DatasetsApi(client)
        for read in (
            api.datasets_controller_find_all_orig_datablocks_v3,
            api.datasets_controller_find_all_attachments_v3,
            api.datasets_controller_attachments_count_v3,
        ):
            with pytest.raises(ForbiddenException):
                read(private.pid)
            with pytest.raises(NotFoundException):
                read(f"{PID_PREFIX}/no-such-dataset")
