"""Backup and restore of a catalogue in use.

`fairdepot backup` takes one database snapshot and the blobs it refers to while uploads and
deletions go on; `fairdepot restore` puts both into an empty deployment and checks the result.
The manual recipe (pg_dump + `blobs export`) is kept as the scale-out baseline it replaces.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import subprocess
import uuid
import zipfile
from pathlib import Path

import pytest
import sqlalchemy as sa
from botocore.exceptions import ClientError

from fairdepot.config import Settings
from fairdepot.services.backup import take_backup
from fairdepot.services.runtime import build_runtime
from tests.conftest import Api
from tests.support.crates import fresh_copy, plain_crate, zip_folder
from tests.support.deployments import (
    Deployment,
    backend_name,
    create_database,
    delete_bucket,
    drop_database,
    embedded,
    scaleout,
)
from tests.support.server import FAIRDEPOT, ServerProcess, embedded_env, free_port

GRACE = {"FAIRDEPOT_BLOB_DELETION_GRACE_SECONDS": "600"}
NO_GRACE = {"FAIRDEPOT_BLOB_DELETION_GRACE_SECONDS": "0"}


def _libpq(sqlalchemy_url: str) -> str:
    return sa.engine.make_url(sqlalchemy_url).set(drivername="postgresql").render_as_string(False)


def _snapshot(api: Api, arks: list[str]) -> dict[str, object]:
    """What each record serves, its links to the server under test written `{BASE}` (links
    follow the name a deployment is served under: a restore under a new name keeps them)."""
    state: dict[str, object] = {}
    for ark in arks:
        response = api.http.get(f"/{ark}")
        metadata = response.json().get("metadata")
        if metadata is not None:
            metadata = json.loads(json.dumps(metadata).replace(api.server.base_url, "{BASE}"))
        state[ark] = (response.status_code, metadata)
        if response.status_code == 200:
            download = api.http.get(f"/download/{ark}", headers=api.auth("alice"))
            if download.status_code == 200:
                state[f"{ark}#bytes"] = _content_digest(download.content, api.server.base_url)
    return state


def _content_digest(content: bytes, base_url: str) -> object:
    """A download's digest; a crate zip's per member, the links in its metadata file written
    `{BASE}` (the zip is built when served, its ro-crate-metadata.json with the server's links)."""
    if not content.startswith(b"PK"):
        return hashlib.sha256(content).hexdigest()
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        return {
            name: hashlib.sha256(
                archive.read(name).replace(base_url.encode(), b"{BASE}")
                if name.endswith("ro-crate-metadata.json")
                else archive.read(name)
            ).hexdigest()
            for name in archive.namelist()
        }


def _settings(env: dict[str, str]) -> Settings:
    """The settings a deployment's processes run with, for calling services in the test."""
    return Settings(
        **{
            k.removeprefix("FAIRDEPOT_").lower(): v
            for k, v in env.items()
            if k[:10] == "FAIRDEPOT_"
        }
    )


def _deploy(root: Path, request: pytest.FixtureRequest, extra: dict[str, str]) -> Deployment:
    if backend_name() == "scaleout":
        return scaleout(
            root, request.getfixturevalue("seaweedfs"), api_processes=1, workers=1, extra=extra
        )
    return embedded(root, extra)


def _empty_target(
    root: Path, request: pytest.FixtureRequest, source: Deployment
) -> tuple[dict[str, str], list]:
    """Settings of a new, empty deployment (empty database and blob store), nothing running."""
    port = free_port()
    if backend_name() != "scaleout":
        return embedded_env(root / "data", port, GRACE), []
    seaweedfs = request.getfixturevalue("seaweedfs")
    tag = uuid.uuid4().hex[:10]
    database, bucket = f"fairdepot_restore_{tag}", f"fairdepot-restore-{tag}"
    env = embedded_env(
        root / "data",
        port,
        {
            **{k: v for k, v in source.env.items() if k.startswith("FAIRDEPOT_S3_")},
            # the operator kept FAIRDEPOT_SECRET_KEY with the backup, as it told them to
            "FAIRDEPOT_SECRET_KEY": source.env["FAIRDEPOT_SECRET_KEY"],
            "FAIRDEPOT_DATABASE_URL": create_database(database),
            "FAIRDEPOT_STORAGE_URL": f"s3://{bucket}",
            **GRACE,
        },
    )
    return env, [lambda: drop_database(database), lambda: _delete_bucket(seaweedfs, bucket)]


def _delete_bucket(seaweedfs, bucket: str) -> None:
    """A refused restore never created the bucket."""
    with contextlib.suppress(ClientError):
        delete_bucket(seaweedfs, bucket)


def _start(env: dict[str, str], root: Path) -> ServerProcess:
    args = ["--no-worker"] if backend_name() == "scaleout" else []
    port = int(env["FAIRDEPOT_PUBLIC_URL"].rsplit(":", 1)[1])
    return ServerProcess(env, port, root / "restored.log", args).start()


def _revisions(env: dict[str, str]) -> list[tuple[str, int, str]]:
    url = _settings(env).resolved_database_url
    engine = sa.create_engine(url)
    try:
        with engine.connect() as connection:
            rows = connection.execute(
                sa.text(
                    "SELECT r.ark, v.revision, v.metadata FROM record_revisions v "
                    "JOIN records r ON r.pk = v.record_pk ORDER BY r.ark, v.revision"
                )
            ).all()
    finally:
        engine.dispose()
    return [
        (ark, revision, json.dumps(metadata, sort_keys=True)) for ark, revision, metadata in rows
    ]


def _search(api: Api, word: str) -> list[str]:
    return [
        r["@id"] for r in api.http.get("/search/basic", params={"query": word}).json()["results"]
    ]


def _fill(api: Api, tmp_path: Path, fairscape_crate_dir: Path, plain_zip: Path) -> dict:
    """Crates with files, a tombstone, a revised record and a searchable word."""
    crate = api.ingest(
        zip_folder(fresh_copy(fairscape_crate_dir, tmp_path / "c"), tmp_path / "c.zip")
    )
    plain = api.ingest(plain_zip)
    doomed = next(a for a in plain["identifiers"] if a != plain["rocrateIdentifier"])
    assert api.http.delete(f"/{doomed}?force=true", headers=api.auth("alice")).status_code == 200
    revised = next(a for a in crate["identifiers"] if a != crate["rocrateIdentifier"])
    metadata = api.http.get(f"/{revised}").json()["metadata"]
    changed = {**metadata, "description": "revised before the backup"}
    assert api.http.put(f"/{revised}", json=changed, headers=api.auth("alice")).status_code == 200
    word = f"bkp{uuid.uuid4().hex[:8]}"
    software = {"@type": "https://w3id.org/EVI#Software", "name": f"Fitter {word}"}
    posted = api.http.post("/software", json=software, headers=api.auth("alice"))
    assert posted.status_code == 201, posted.text
    return {
        "crate": crate,
        "plain": plain,
        "doomed": doomed,
        "word": word,
        "arks": [*crate["identifiers"], *plain["identifiers"], posted.json()["@id"]],
    }


def test_backup_during_a_force_delete_and_an_upload_restores_every_record_and_byte(
    tmp_path, request, fairscape_crate_dir, plain_zip
) -> None:
    original = _deploy(tmp_path / "a", request, GRACE)
    cleanups: list = []
    try:
        api = Api(original)
        filled = _fill(api, tmp_path, fairscape_crate_dir, plain_zip)
        before = _snapshot(api, filled["arks"])
        assert before[filled["doomed"]][0] == 410
        assert sum(1 for key in before if key.endswith("#bytes")) >= 4
        found_before = _search(api, filled["word"])
        assert len(found_before) == 1
        revisions_before = _revisions(original.env)
        assert revisions_before
        old_token = api.token("alice")
        late: dict = {}

        def meanwhile() -> None:
            """Between the database dump and the blob copy: delete a crate, upload another."""
            root = filled["crate"]["rocrateIdentifier"]
            deleted = api.http.delete(f"/{root}?force=true", headers=api.auth("alice"))
            assert deleted.status_code == 200, deleted.text
            late.update(api.ingest(zip_folder(plain_crate(tmp_path / "p2"), tmp_path / "p2.zip")))

        runtime = build_runtime(_settings(original.env), migrate=False)
        try:
            result = take_backup(runtime, tmp_path / "backup", after_dump=meanwhile)
        finally:
            runtime.close()
        assert result.complete, (result.missing, result.mismatched)
        assert result.manifest["within_grace"] is True
        assert late["status"] == "COMPLETE"
        assert api.http.get(f"/{filled['crate']['rocrateIdentifier']}").status_code == 410
    finally:
        original.stop()

    target_env, cleanups = _empty_target(tmp_path / "b", request, original)
    try:
        restored = subprocess.run(
            [*FAIRDEPOT, "restore", str(tmp_path / "backup")],
            env=target_env,
            capture_output=True,
            text=True,
            check=False,
        )
        assert restored.returncode == 0, restored.stderr
        assert "check passed" in restored.stderr
        server = _start(target_env, tmp_path / "b")
        try:
            again = Api(server)
            assert _snapshot(again, filled["arks"]) == before
            # ... and the links of the restored catalogue name the server it is restored to
            linked = [
                a for a in filled["arks"] if "{BASE}" in str((before[a][1] or {}).get("contentUrl"))
            ]
            assert linked
            for ark in linked:
                served = again.http.get(f"/{ark}").json()["metadata"]["contentUrl"]
                assert served.startswith(f"{server.base_url}/api/"), served
            assert _search(again, filled["word"]) == found_before
            assert _revisions(target_env) == revisions_before
            # the upload that came after the snapshot is not in the backup
            assert all(again.http.get(f"/{a}").status_code == 404 for a in late["identifiers"])
            # the signing key travelled (data folder) or was kept (FAIRDEPOT_SECRET_KEY)
            first_file = next(k.removesuffix("#bytes") for k in before if k.endswith("#bytes"))
            old_login = {"Authorization": f"Bearer {old_token}"}
            assert again.http.get(f"/download/{first_file}", headers=old_login).status_code == 200
        finally:
            server.stop()
        again_check = subprocess.run(
            [*FAIRDEPOT, "check"], env=target_env, capture_output=True, text=True, check=False
        )
        assert again_check.returncode == 0, again_check.stderr
    finally:
        for cleanup in reversed(cleanups):
            cleanup()


def test_without_a_deletion_grace_a_racing_delete_makes_the_backup_incomplete_and_restore_refuses(
    tmp_path, request, fairscape_crate_dir
) -> None:
    """What the grace period prevents: blobs deleted between the dump and the copy."""
    original = _deploy(tmp_path / "a", request, NO_GRACE)
    try:
        api = Api(original)
        crate = api.ingest(
            zip_folder(fresh_copy(fairscape_crate_dir, tmp_path / "c"), tmp_path / "c.zip")
        )

        def meanwhile() -> None:
            root = crate["rocrateIdentifier"]
            assert (
                api.http.delete(f"/{root}?force=true", headers=api.auth("alice")).status_code == 200
            )

        runtime = build_runtime(_settings(original.env), migrate=False)
        try:
            result = take_backup(runtime, tmp_path / "backup", after_dump=meanwhile)
        finally:
            runtime.close()
    finally:
        original.stop()
    assert not result.complete
    assert any(crate["rocrateIdentifier"] in item for item in result.missing), result.missing
    manifest = json.loads((tmp_path / "backup" / "manifest.json").read_text())
    assert manifest["complete"] is False
    target_env, cleanups = _empty_target(tmp_path / "b", request, original)
    try:
        refused = subprocess.run(
            [*FAIRDEPOT, "restore", str(tmp_path / "backup")],
            env=target_env,
            capture_output=True,
            text=True,
            check=False,
        )
        assert refused.returncode == 1
        assert "incomplete" in refused.stderr
        assert "Traceback" not in refused.stderr
    finally:
        for cleanup in reversed(cleanups):
            cleanup()


@pytest.mark.skipif(backend_name() != "scaleout", reason="the PostgreSQL + S3 manual recipe")
def test_dump_and_bucket_restore_into_an_empty_deployment(
    tmp_path, seaweedfs, fairscape_crate_dir, plain_zip
) -> None:
    original = scaleout(tmp_path / "a", seaweedfs, api_processes=1, workers=1)
    try:
        api = Api(original)
        crate = api.ingest(
            zip_folder(fresh_copy(fairscape_crate_dir, tmp_path / "c"), tmp_path / "c.zip")
        )
        plain = api.ingest(plain_zip)
        arks = [*crate["identifiers"], *plain["identifiers"]]
        doomed = next(a for a in plain["identifiers"] if a != plain["rocrateIdentifier"])
        api.http.delete(f"/{doomed}?force=true", headers=api.auth("alice"))
        before = _snapshot(api, arks)
        assert before[doomed][0] == 410

        dump = tmp_path / "fairdepot.dump"
        subprocess.run(
            [
                "pg_dump",
                "--format=custom",
                "--no-owner",
                f"--file={dump}",
                _libpq(original.env["FAIRDEPOT_DATABASE_URL"]),
            ],
            check=True,
        )
        subprocess.run(
            [*FAIRDEPOT, "blobs", "export", str(tmp_path / "bucket")],
            env=original.env,
            check=True,
            capture_output=True,
        )
    finally:
        original.stop()  # drops the database and deletes the bucket

    restored = scaleout(tmp_path / "b", seaweedfs, api_processes=1, workers=1)
    try:
        env = restored.env
        # the documented restore: into an empty database, then the bucket
        engine = sa.create_engine(env["FAIRDEPOT_DATABASE_URL"])
        with engine.begin() as connection:
            connection.exec_driver_sql("DROP SCHEMA public CASCADE; CREATE SCHEMA public")
        engine.dispose()
        subprocess.run(
            [
                "pg_restore",
                "--no-owner",
                "--exit-on-error",
                f"--dbname={_libpq(env['FAIRDEPOT_DATABASE_URL'])}",
                str(dump),
            ],
            check=True,
        )
        subprocess.run(
            [*FAIRDEPOT, "blobs", "import", str(tmp_path / "bucket")],
            env=env,
            check=True,
            capture_output=True,
        )
        subprocess.run([*FAIRDEPOT, "db", "upgrade"], env=env, check=True, capture_output=True)
        after = _snapshot(Api(restored), arks)
        assert after == before
        assert sum(1 for key in before if key.endswith("#bytes")) >= 4
    finally:
        restored.stop()
