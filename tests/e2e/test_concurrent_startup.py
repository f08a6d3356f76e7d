"""Processes started at the same moment on a new catalogue all come up, with every account.

An orchestrator starts replicas together; everything a process does at start-up (migrations in
embedded mode, the accounts file, the generated signing key) must be safe when N processes do it
at once. Each test repeats the start a few times: a race shows only on some tries.
"""

from __future__ import annotations

import subprocess
import uuid
from pathlib import Path

import httpx
import pytest

from tests.support.deployments import backend_name, create_database, drop_database
from tests.support.server import ACCOUNTS, FAIRDEPOT, ServerProcess, embedded_env, free_port

PROCESSES, ROUNDS = 3, 3

needs_postgresql = pytest.mark.skipif(
    backend_name() != "scaleout", reason="needs PostgreSQL (FAIRDEPOT_TEST_BACKEND=scaleout)"
)
embedded_only = pytest.mark.skipif(
    backend_name() == "scaleout", reason="the embedded shape is tested in the embedded pass"
)


def _start_together(env: dict[str, str], root: Path, args: list[str]) -> list[ServerProcess]:
    servers = [
        ServerProcess(env, free_port(), root / f"api-{index}.log", args).launch()
        for index in range(PROCESSES)
    ]
    try:
        for server in servers:
            server.wait_until_healthy()
    except BaseException:
        for server in servers:
            server.stop()
        raise
    return servers


def _token(server: ServerProcess, username: str, password: str) -> str:
    response = httpx.post(
        f"{server.api_url}/login", data={"username": username, "password": password}, timeout=30
    )
    assert response.status_code == 200, (server.port, username, response.text)
    return str(response.json()["access_token"])


def _every_account_works_on_every_process(servers: list[ServerProcess]) -> None:
    """Each account logs in (on each process in turn), and its token works on another process."""
    for index, account in enumerate(ACCOUNTS):
        server, other = servers[index % len(servers)], servers[(index + 1) % len(servers)]
        user = account["user"]
        token = _token(server, user["username"], user["password"])
        listed = httpx.get(f"{other.api_url}/rocrate", headers={"Authorization": f"Bearer {token}"})
        assert listed.status_code == 200, (other.port, user["username"], listed.text)
    for server in servers:
        assert server.process is not None
        assert server.process.poll() is None, server.log_path.read_text()[-3000:]


@needs_postgresql
def test_api_processes_started_together_on_a_new_postgresql_database_all_come_up(
    tmp_path: Path,
) -> None:
    for attempt in range(ROUNDS):
        root = tmp_path / f"round-{attempt}"
        name = f"fairdepot_startup_{uuid.uuid4().hex[:10]}"
        env = embedded_env(
            root / "data",
            free_port(),
            {
                "FAIRDEPOT_DATABASE_URL": create_database(name),
                "FAIRDEPOT_SECRET_KEY": uuid.uuid4().hex,
            },
        )
        try:
            subprocess.run([*FAIRDEPOT, "db", "upgrade"], env=env, check=True, capture_output=True)
            servers = _start_together(env, root, ["--no-worker"])
            try:
                _every_account_works_on_every_process(servers)
            finally:
                for server in servers:
                    server.stop()
        finally:
            drop_database(name)


@needs_postgresql
def test_db_upgrades_run_together_on_a_new_postgresql_database_all_succeed(
    tmp_path: Path,
) -> None:
    for _ in range(ROUNDS):
        name = f"fairdepot_upgrade_{uuid.uuid4().hex[:10]}"
        env = embedded_env(
            tmp_path / "data", free_port(), {"FAIRDEPOT_DATABASE_URL": create_database(name)}
        )
        try:
            upgrades = [
                subprocess.Popen(
                    [*FAIRDEPOT, "db", "upgrade"],
                    env=env,
                    stdout=subprocess.PIPE,
                    stderr=subprocess.STDOUT,
                )
                for _ in range(PROCESSES)
            ]
            outputs = [upgrade.communicate(timeout=120)[0].decode() for upgrade in upgrades]
            failed = [
                out for upgrade, out in zip(upgrades, outputs, strict=True) if upgrade.returncode
            ]
            assert not failed, failed[0][-3000:]
        finally:
            drop_database(name)


@embedded_only
def test_embedded_processes_sharing_a_new_data_folder_all_come_up(tmp_path: Path) -> None:
    """SQLite migrations, the accounts file and the generated secret key, three at once."""
    for attempt in range(ROUNDS):
        root = tmp_path / f"round-{attempt}"
        env = embedded_env(root / "data", free_port())
        servers = _start_together(env, root, ["--no-worker"])
        try:
            _every_account_works_on_every_process(servers)
        finally:
            for server in servers:
                server.stop()
        assert (root / "data" / "secret_key").stat().st_mode & 0o077 == 0
