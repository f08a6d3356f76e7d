"""scitacean 26.2 (SciCat's legacy v3 code path) runs the whole notebook flow against us.

26.2 calls `{url}` = `.../api/v3` directly: login at `api/v3/auth/login`, `POST datasets` with
the v3 raw/derived DTOs, the nested `datasets/{pid}/origdatablocks` and
`datasets/{pid}/attachments` routes, `GET datasets/{pid}`. It cannot be imported beside 26.10,
so a driver script runs under a second virtual environment (tests/support/legacy_scitacean.py)
and prints what it saw as JSON.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

import pytest

from tests.support.deployments import Deployment
from tests.support.legacy_scitacean import legacy_python
from tests.support.scicat import USERS, Scicat, pid_path

DRIVER = Path(__file__).with_name("legacy_scitacean_driver.py")


@pytest.fixture(scope="module")
def legacy_flow(scicat_server: Deployment, tmp_path_factory: pytest.TempPathFactory) -> Any:
    python = legacy_python()
    work = tmp_path_factory.mktemp("legacy-scitacean")
    args = {
        "url": f"{scicat_server.base_url}/api/v3",
        "username": "user1",
        "password": USERS["user1"][0],
        "work": str(work),
    }
    run = subprocess.run(
        [str(python), str(DRIVER), json.dumps(args)], capture_output=True, text=True, timeout=240
    )
    assert run.returncode == 0, run.stderr[-4000:]
    return json.loads(run.stdout.strip().splitlines()[-1])


def test_the_driver_ran_scitacean_26_2(legacy_flow: Any) -> None:
    assert legacy_flow["scitacean"].startswith("26.2.")


def test_legacy_upload_reads_back_with_files_and_attachment(legacy_flow: Any) -> None:
    got = legacy_flow["got"]
    assert got["name"] == "Spellpower of the Three Witches"
    assert got["type"] == "raw"
    assert got["number_of_files"] == 2
    assert got["files"] == ["broom.bin", "witchcraft.dat"]
    assert got["size"] == len("7.9 13 666") + 256 * 16
    assert got["attachments"] == [{"caption": "Scitacean logo", "mime": "image/png"}]
    assert got["thumbnail_bytes_equal"] is True


def test_legacy_download_is_byte_identical(legacy_flow: Any) -> None:
    assert legacy_flow["download"] == legacy_flow["originals"]


def test_legacy_derive_uploads_a_derived_dataset_pointing_at_its_input(legacy_flow: Any) -> None:
    derived = legacy_flow["derived"]
    assert derived["type"] == "derived"
    assert derived["input_datasets"] == [legacy_flow["pid"]]
    assert derived["number_of_files"] == 1
    assert derived["pid"] != legacy_flow["pid"]


def test_legacy_anonymous_client_reads_the_published_dataset(legacy_flow: Any) -> None:
    anonymous = legacy_flow["anonymous"]
    assert anonymous["name"] == "Spellpower of the Three Witches"
    assert anonymous["is_published"] is True
    # the attachment was not published (isPublished defaults to false): each child is read by
    # its own access, so an anonymous reader sees none
    assert anonymous["attachments"] == 0


def test_legacy_upload_is_stored_as_v3_on_the_server(legacy_flow: Any, scicat: Scicat) -> None:
    """What the server holds, read with plain HTTP: the v3 create path filled the record."""
    pid = legacy_flow["pid"]
    dataset = scicat.request("GET", f"/api/v3/datasets/{pid_path(pid)}").json()
    assert dataset["pid"] == pid
    assert dataset["sourceFolder"] == legacy_flow["source_folder"]
    blocks = scicat.request("GET", f"/api/v3/datasets/{pid_path(pid)}/origdatablocks").json()
    assert sorted(f["path"] for b in blocks for f in b["dataFileList"]) == [
        "broom.bin",
        "witchcraft.dat",
    ]
    assert all(f.get("chk") for b in blocks for f in b["dataFileList"])
