"""Backup and restore as docs/deployment.md describes them: a PostgreSQL dump plus the bucket,
restored into an empty deployment, give back every record, ARK and file byte-identical."""

from __future__ import annotations

import hashlib
import subprocess

import pytest
import sqlalchemy as sa

from tests.conftest import Api
from tests.support.crates import fresh_copy, zip_folder
from tests.support.deployments import backend_name, scaleout
from tests.support.server import FAIRDEPOT

pytestmark = pytest.mark.skipif(
    backend_name() != "scaleout", reason="PostgreSQL + S3 backup (FAIRDEPOT_TEST_BACKEND=scaleout)"
)


def _libpq(sqlalchemy_url: str) -> str:
    return sa.engine.make_url(sqlalchemy_url).set(drivername="postgresql").render_as_string(False)


def _snapshot(api: Api, arks: list[str]) -> dict[str, object]:
    state: dict[str, object] = {}
    for ark in arks:
        response = api.http.get(f"/{ark}")
        state[ark] = (response.status_code, response.json().get("metadata"))
        if response.status_code == 200:
            download = api.http.get(f"/download/{ark}", headers=api.auth("alice"))
            if download.status_code == 200:
                state[f"{ark}#bytes"] = hashlib.sha256(download.content).hexdigest()
    return state


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
