"""fairscape-cli's own `publish fairscape` command, unchanged, against our server."""

from __future__ import annotations

import re
import subprocess

from tests.support.crates import FAIRSCAPE_CLI, fresh_copy, zip_folder


def _publish(api, target) -> str:
    done = subprocess.run(
        [
            FAIRSCAPE_CLI,
            "publish",
            "fairscape",
            "--rocrate",
            str(target),
            "--username",
            "alice",
            "--password",
            "alice-pw",
            "--api-url",
            api.url,
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    match = re.search(r"Transaction ID: ([0-9a-f-]{36})", done.stdout)
    assert match, done.stdout
    return match.group(1)


def test_publish_fairscape_uploads_a_crate_folder(api, fairscape_crate_dir, tmp_path) -> None:
    crate = fresh_copy(fairscape_crate_dir, tmp_path / "crate")
    job = api.wait(_publish(api, crate))
    assert job["status"] == "COMPLETE", job
    crate_ark = job["rocrateIdentifier"]
    resolved = api.http.get(f"/{crate_ark}").json()
    assert resolved["metadata"]["name"] == "Example Expression Crate"
    assert job["identifiersMinted"] == 5  # the crate, two datasets, the script, the computation


def test_publish_fairscape_uploads_a_zip_with_a_top_level_folder(
    api, fairscape_crate_dir, tmp_path
) -> None:
    crate = fresh_copy(fairscape_crate_dir, tmp_path / "crate")
    archive = zip_folder(crate, tmp_path / "crate.zip", top_folder=True)
    job = api.wait(_publish(api, archive))
    assert job["status"] == "COMPLETE", job


def test_client_minted_arks_are_kept_and_files_are_checksummed(api, fresh_fairscape_zip) -> None:
    job = api.ingest(fresh_fairscape_zip)
    dataset = next(i for i in job["identifiers"] if "/dataset-input-expression" in i)
    assert dataset.startswith("ark:59852/dataset-input-expression-data-")
    metadata = api.http.get(f"/{dataset}").json()["metadata"]
    content = api.http.get(f"/dataset/download/{dataset}", headers=api.auth("alice"))
    assert content.status_code == 200
    import hashlib

    assert metadata["sha256"] == hashlib.sha256(content.content).hexdigest()
    assert metadata["md5"] == hashlib.md5(content.content).hexdigest()
    assert metadata["contentSize"] == str(len(content.content))
    assert metadata["encodingFormat"] == "text/csv"
    assert metadata["contentUrl"] == f"{api.url}/dataset/download/{dataset}"
