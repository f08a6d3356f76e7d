"""The curl commands of the SciCat ingestion document (scicat-dataset-ingestion.txt), run as
written through a real `curl` against the running server.

The commands below are copied from the document character for character; only the host (and
port) and the token are substituted: `${URL}` is the server's `host:port` (the document's
`http://"${URL}"` and `curl -G "${URL}/..."` both read it so), the literal
`http://localhost:3000` and `'https://${URL}'` (single-quoted, so never expanded) become the
server's base URL. The document's POSTs carry no token and its bodies hold the Swagger
placeholders ("string"): each is run as written (anonymous: 403), with the token added
(the placeholders: 400 naming each bad field), and with the placeholders filled in (201 and
the object the backend answers). The first command ends at its third line (no trailing
backslash), so its `Authentication` lines are not part of it: as written it is anonymous.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from typing import Any
from urllib.parse import urlsplit

import pytest

from tests.support.deployments import Deployment
from tests.support.scicat import PID_PREFIX, Scicat, pid_path

pytestmark = pytest.mark.skipif(shutil.which("curl") is None, reason="needs curl")


GET_DATASET = r"""curl -X "GET" \
"http://"${URL}"/api/v4/datasets/${pid}" \
-H "accept: application/json"
"""

GET_ORIGDATABLOCK_IDS = r"""FILTER_JSON='{
"where": { "pid": "'${pid}'" },
"include": [
{
"relation": "origdatablocks",
"scope": {
"fields": ["_id"],
"limit": 20,
"order": "filename ASC"
}
}
],
"fields": ["datasetName"],
"limit": 10
}'
curl -G "${URL}/api/v4/datasets" \
--data-urlencode "filter=${FILTER_JSON}" \
-H "Accept: application/json" \
-H "Authorization: Bearer ${TOKEN}"
"""

CREATE_DATASET = r"""curl -X 'POST' \
'https://${URL}/api/v4/datasets' \
-H 'accept: application/json' \
-H 'Content-Type: application/json' \
-d '{
"ownerGroup": "string",
"accessGroups": [
"string"
],
"instrumentGroup": "string",
"owner": "string",
"ownerEmail": "user@example.com",
"orcidOfOwner": "string",
"contactEmail": "string",
"sourceFolder": "string",
"sourceFolderHost": "string",
"size": 0,
"packedSize": 0,
"numberOfFiles": 0,
"numberOfFilesArchived": 0,
"creationTime": "2026-04-22T10:54:53.642Z",
"validationStatus": "string",
"keywords": [
"string"
],
"description": "string",
"datasetName": "string",
"classification": "string",
"license": "string",
"isPublished": false,
"techniques": [],
"sharedWith": [],
"relationships": [],
"datasetlifecycle": {},
"scientificMetadata": {},
"scientificMetadataSchema": "string",
"scientificMetadataValid": true,
"comment": "string",
"dataQualityMetrics": 0,
"principalInvestigators": [
"string"
],
"startTime": "2026-04-22T10:54:53.642Z",
"endTime": "2026-04-22T10:54:53.642Z",
"creationLocation": "string",
"dataFormat": "string",
"proposalIds": [
"string"
],
"sampleIds": [
"string"
],
"instrumentIds": [
"string"
],
"inputDatasets": [
"string"
],
"usedSoftware": [
"string"
],
"jobParameters": {},
"jobLogData": "string",
"runNumber": "string",
"pid": "string",
"type": "string"
}'
"""

ADD_DATAFILES = r"""curl -X 'POST' \
'http://localhost:3000/api/v4/origdatablocks' \
-H 'accept: application/json' \
-H 'Content-Type: application/json' \
-d '{
"ownerGroup": "string",
"accessGroups": [
"string"
],
"instrumentGroup": "string",
"size": 0,
"chkAlg": "string",
"dataFileList": [
{
"path": "string",
"size": 0,
"time": "2026-04-22T11:28:56.870Z",
"chk": "string",
"uid": "string",
"gid": "string",
"perm": "string",
"type": "string"
}
],
"isPublished": true,
"datasetId": "string"
}'
"""

ADD_ATTACHMENT = r"""curl -X 'POST' \
'http://localhost:3000/api/v4/attachments' \
-H 'accept: application/json' \
-H 'Content-Type: application/json' \
-d '{
"ownerGroup": "string",
"accessGroups": [
"string"
],
"instrumentGroup": "string",
"thumbnail": "string",
"caption": "string",
"relationships": [
{
"targetId": "string",
"targetType": "dataset",
"relationType": "is attached to"
}
],
"isPublished": true,
"aid": "string"
}'
"""


THUMBNAIL = "data:image/png;base64,iVBORw0KGgo="


class Document:
    """Runs the document's commands against one server, as a shell would."""

    def __init__(self, base_url: str, scicat: Scicat) -> None:
        self.base_url = base_url
        self.scicat = scicat

    def run(
        self, command: str, *, token: str = "", pid: str = "", body: Any = None, auth: bool = False
    ) -> tuple[int, Any]:
        """(status, JSON answer) of `command` with host and token substituted; `body`, if
        given, replaces the command's `-d` body; `auth` adds the header the POSTs lack."""
        text = command.strip()
        text = text.replace("http://localhost:3000", self.base_url)
        text = text.replace("'https://${URL}", f"'{self.base_url}")
        if body is not None:
            head, _, _ = text.partition("-d '")
            text = f"{head}-d '{json.dumps(body)}'"
        if auth:
            text += ' \\\n-H "Authorization: Bearer ${TOKEN}"'
        text += " \\\n-s -w '\\n%{http_code}'"
        env = {
            "URL": urlsplit(self.base_url).netloc,
            "TOKEN": token,
            "pid": pid,
            "PATH": "/usr/bin:/bin",
        }
        done = subprocess.run(
            ["bash", "-c", text], env=env, capture_output=True, text=True, timeout=60
        )
        assert done.returncode == 0, done.stderr
        answer, _, status = done.stdout.rpartition("\n")
        return int(status), json.loads(answer) if answer else None


def body_of(command: str) -> dict[str, Any]:
    """The JSON a command sends with `-d '...'`."""
    return json.loads(command.strip().partition("-d '")[2].rstrip("'"))


def assert_scicat_error(answer: Any, status: int) -> None:
    assert answer["statusCode"] == status
    assert isinstance(answer["error"], str)
    assert answer["message"]


@pytest.fixture(scope="module")
def document(scicat_server: Deployment, scicat: Scicat) -> Document:
    return Document(scicat_server.base_url, scicat)


@pytest.fixture(scope="module")
def dataset(document: Document) -> dict[str, Any]:
    """A dataset created by the document's own create command, placeholders filled in."""
    body = body_of(CREATE_DATASET)
    body.pop("pid")
    body.update(
        type="raw",
        ownerGroup="group1",
        accessGroups=["group2"],
        contactEmail="ponder@uu.am",
        ownerEmail="ponder@uu.am",
        datasetName="ingestion document",
        sourceFolderHost="https://fileserver.uu.am",
    )
    status, answer = document.run(
        CREATE_DATASET, token=document.scicat.token("user1"), body=body, auth=True
    )
    assert status == 201, answer
    return answer


def test_create_dataset_as_written_is_anonymous_and_forbidden(document: Document) -> None:
    before = document.scicat.request("GET", "/api/v3/datasets/count").json()["count"]
    status, answer = document.run(CREATE_DATASET)
    assert status == 403
    assert_scicat_error(answer, 403)
    assert document.scicat.request("GET", "/api/v3/datasets/count").json()["count"] == before


def test_create_dataset_with_the_placeholders_names_each_bad_field(document: Document) -> None:
    status, answer = document.run(CREATE_DATASET, token=document.scicat.token("user1"), auth=True)
    assert status == 400
    assert_scicat_error(answer, 400)
    locations = {e["location"] for e in answer["errors"]}
    assert {"type", "contactEmail"} <= locations


def test_create_dataset_filled_in_answers_the_stored_dataset(dataset: dict[str, Any]) -> None:
    assert dataset["pid"].startswith(f"{PID_PREFIX}/")
    assert dataset["datasetName"] == "ingestion document"
    assert dataset["ownerGroup"] == "group1"
    assert dataset["keywords"] == ["string"]
    assert dataset["createdBy"] == "user1"
    assert dataset["version"] == "4"
    for server_field in ("createdAt", "updatedAt"):
        assert dataset[server_field].endswith("Z")


def test_get_dataset_as_written_is_anonymous_and_forbidden_on_v4(
    document: Document, dataset: dict[str, Any]
) -> None:
    status, answer = document.run(GET_DATASET, pid=pid_path(dataset["pid"]))
    assert status == 403
    assert_scicat_error(answer, 403)


def test_get_dataset_with_the_token_answers_the_dataset(
    document: Document, dataset: dict[str, Any]
) -> None:
    status, answer = document.run(
        GET_DATASET, pid=pid_path(dataset["pid"]), token=document.scicat.token("user2"), auth=True
    )
    assert status == 200
    assert answer["pid"] == dataset["pid"]
    assert answer["datasetName"] == "ingestion document"


def test_add_datafiles_as_written_is_forbidden(document: Document) -> None:
    status, answer = document.run(ADD_DATAFILES)
    assert status == 403
    assert_scicat_error(answer, 403)


def test_add_datafiles_with_the_placeholders_names_the_unknown_dataset(
    document: Document,
) -> None:
    """`datasetId: "string"` names no dataset: 404 before the owner group is looked at."""
    status, answer = document.run(ADD_DATAFILES, token=document.scicat.token("user1"), auth=True)
    assert status == 404
    assert_scicat_error(answer, status)


def test_add_datafiles_filled_in_lists_the_files(
    document: Document, dataset: dict[str, Any]
) -> None:
    body = body_of(ADD_DATAFILES)
    body.update(datasetId=dataset["pid"], ownerGroup="group1", size=7, chkAlg="sha256")
    body["dataFileList"][0].update(path="raw/witchcraft.dat", size=7)
    status, answer = document.run(
        ADD_DATAFILES, token=document.scicat.token("user1"), body=body, auth=True
    )
    assert status == 201, answer
    assert answer["datasetId"] == dataset["pid"]
    assert answer["_id"]
    assert [f["path"] for f in answer["dataFileList"]] == ["raw/witchcraft.dat"]
    assert answer["isPublished"] is True


def test_add_attachment_as_written_is_forbidden(document: Document) -> None:
    status, answer = document.run(ADD_ATTACHMENT)
    assert status == 403
    assert_scicat_error(answer, 403)


def test_add_attachment_with_the_placeholders_refuses_the_thumbnail(document: Document) -> None:
    before = document.scicat.request("GET", "/api/v4/attachments").json()
    status, answer = document.run(ADD_ATTACHMENT, token=document.scicat.token("user1"), auth=True)
    assert status in (400, 403, 404)
    assert_scicat_error(answer, status)
    assert document.scicat.request("GET", "/api/v4/attachments").json() == before


def test_add_attachment_filled_in_answers_the_attachment(
    document: Document, dataset: dict[str, Any]
) -> None:
    body = body_of(ADD_ATTACHMENT)
    body.update(ownerGroup="group1", thumbnail=THUMBNAIL, caption="logo", aid="logo-1")
    body["relationships"][0]["targetId"] = dataset["pid"]
    status, answer = document.run(
        ADD_ATTACHMENT, token=document.scicat.token("user1"), body=body, auth=True
    )
    assert status == 201, answer
    assert answer["caption"] == "logo"
    assert answer["thumbnail"] == THUMBNAIL
    assert answer["relationships"][0]["targetId"] == dataset["pid"]


def test_get_origdatablock_ids_embeds_the_blocks_of_the_dataset(
    document: Document, dataset: dict[str, Any]
) -> None:
    """The document's filter: `fields` leaves the pid out, `include` still finds the blocks
    by it (this was a 500: the embedding looked the pid up in the cut dataset)."""
    test_add_datafiles_filled_in_lists_the_files(document, dataset)
    status, answer = document.run(
        GET_ORIGDATABLOCK_IDS, pid=dataset["pid"], token=document.scicat.token("user1")
    )
    assert status == 200, answer
    assert len(answer) == 1
    (found,) = answer
    assert set(found) == {"datasetName", "origdatablocks"}
    assert found["datasetName"] == "ingestion document"
    assert found["origdatablocks"]
    assert all(
        block["_id"] and block["datasetId"] == dataset["pid"] for block in found["origdatablocks"]
    )
