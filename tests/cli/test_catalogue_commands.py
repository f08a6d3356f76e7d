"""The operator's commands, run as a new user would run them: from a folder, as subprocesses.

They say which catalogue they work on, refuse to create a new empty one unless told `--init`,
never migrate a database as a side effect, and have help that describes every option.
"""

from __future__ import annotations

import os
import subprocess
import sys
import uuid

import pytest
import sqlalchemy as sa
import typer
from typer.testing import CliRunner

from fairdepot import __version__
from fairdepot.cli import app
from fairdepot.storage.db.migrate import head_revision
from tests.support.deployments import backend_name, create_database, drop_database

FAIRDEPOT = [sys.executable, "-m", "fairdepot"]


def _env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("FAIRDEPOT_")}
    env.update(extra)
    return env


def _run(args: list[str], cwd, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*FAIRDEPOT, *args], cwd=cwd, env=env, capture_output=True, text=True, check=False
    )


ADD_BOB = ["user", "add", "bob", "--email", "bob@example.org", "--password", "pw"]


def test_user_add_in_a_folder_without_a_catalogue_refuses_with_a_hint(tmp_path) -> None:
    added = _run(ADD_BOB, tmp_path, _env())
    assert added.returncode == 1
    assert "FAIRDEPOT_DATA_DIR" in added.stderr
    assert "--init" in added.stderr
    assert "user bob added" not in added.stderr + added.stdout
    assert "Traceback" not in added.stderr
    # it said where it looked, and created nothing there
    assert str(tmp_path / "fairdepot-data") in added.stderr
    assert list(tmp_path.iterdir()) == []


def test_init_creates_the_catalogue_that_later_commands_find(tmp_path) -> None:
    created = _run([*ADD_BOB, "--init"], tmp_path, _env())
    assert created.returncode == 0, created.stderr
    assert "user bob added" in created.stderr
    assert (tmp_path / "fairdepot-data" / "fairdepot.db").is_file()
    token = _run(["user", "token", "bob"], tmp_path, _env())
    assert token.returncode == 0, token.stderr
    assert token.stdout.strip().startswith("fdp_")
    assert f"data folder {tmp_path / 'fairdepot-data'}" in token.stderr
    # the same catalogue, named by FAIRDEPOT_DATA_DIR from anywhere else
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    env = _env(FAIRDEPOT_DATA_DIR=str(tmp_path / "fairdepot-data"))
    again = _run(["user", "token", "bob"], elsewhere, env)
    assert again.returncode == 0, again.stderr
    assert list(elsewhere.iterdir()) == []


def test_db_upgrade_of_a_missing_sqlite_catalogue_needs_init(tmp_path) -> None:
    refused = _run(["db", "upgrade"], tmp_path, _env())
    assert refused.returncode == 1
    assert "--init" in refused.stderr
    assert not (tmp_path / "fairdepot-data").exists()
    created = _run(["db", "upgrade", "--init"], tmp_path, _env())
    assert created.returncode == 0, created.stderr
    assert (tmp_path / "fairdepot-data" / "fairdepot.db").is_file()


@pytest.mark.skipif(backend_name() != "scaleout", reason="PostgreSQL (scale-out shape)")
def test_on_a_new_postgresql_database_user_add_refuses_and_db_upgrade_creates_the_schema(
    tmp_path,
) -> None:
    name = f"fairdepot_cli_{uuid.uuid4().hex[:10]}"
    url = create_database(name)
    try:
        env = _env(FAIRDEPOT_DATABASE_URL=url, FAIRDEPOT_DATA_DIR=str(tmp_path / "data"))
        refused = _run(ADD_BOB, tmp_path, env)
        assert refused.returncode == 1
        assert "has no fairdepot schema" in refused.stderr
        assert "--init" in refused.stderr
        upgraded = _run(["db", "upgrade"], tmp_path, env)
        assert upgraded.returncode == 0, upgraded.stderr
        added = _run(ADD_BOB, tmp_path, env)
        assert added.returncode == 0, added.stderr
    finally:
        drop_database(name)


def _revision(database) -> str:
    engine = sa.create_engine(f"sqlite:///{database}")
    try:
        with engine.connect() as connection:
            return connection.exec_driver_sql("SELECT version_num FROM alembic_version").scalar()
    finally:
        engine.dispose()


@pytest.mark.parametrize(
    "command",
    [
        ["blobs", "export", "exported"],
        ["blobs", "import", "to-import"],
        ["user", "token", "bob"],
        ["user", "add", "carol", "--email", "c@example.org", "--password", "pw"],
        ["check"],
        ["backup", "backup-folder"],
    ],
)
def test_commands_other_than_db_upgrade_never_migrate_an_older_schema(tmp_path, command) -> None:
    """They stop with "run `fairdepot db upgrade`" and leave the schema as it was."""
    env = _env(FAIRDEPOT_DATA_DIR=str(tmp_path / "data"))
    old = _run(["db", "upgrade", "0001", "--init"], tmp_path, env)
    assert old.returncode == 0, old.stderr
    (tmp_path / "to-import").mkdir()
    database = tmp_path / "data" / "fairdepot.db"
    assert _revision(database) == "0001" != head_revision()
    done = _run(command, tmp_path, env)
    assert _revision(database) == "0001", done.stderr
    if command[0] == "backup":  # a backup before an upgrade is the most useful one
        assert done.returncode == 0, done.stderr
        return
    assert done.returncode == 1, done.stderr
    assert "fairdepot db upgrade" in done.stderr
    assert "Traceback" not in done.stderr


def test_the_database_password_is_hidden_when_a_command_names_its_catalogue(tmp_path) -> None:
    env = _env(FAIRDEPOT_DATABASE_URL="postgresql+psycopg://fd:s3cret-pw@127.0.0.1:1/nowhere")
    done = _run(["user", "token", "bob"], tmp_path, env)
    assert done.returncode == 1
    assert "postgresql+psycopg://fd:***@127.0.0.1:1/nowhere" in done.stderr
    assert "s3cret-pw" not in done.stderr
    assert "cannot reach the database" in done.stderr
    assert "Traceback" not in done.stderr


def test_version(tmp_path) -> None:
    done = _run(["--version"], tmp_path, _env())
    assert done.returncode == 0
    assert done.stdout.strip() == f"fairdepot {__version__}"


def _command_paths(command, path=()):
    yield path
    for name, sub in getattr(command, "commands", {}).items():
        yield from _command_paths(sub, (*path, name))


def _command_at(root, path):
    command = root
    for name in path:
        command = command.commands[name]
    return command


def test_every_help_describes_each_option_and_argument_without_type_labels() -> None:
    root = typer.main.get_command(app)
    paths = list(_command_paths(root))
    assert ("backup",) in paths
    assert ("user", "add") in paths
    runner = CliRunner()
    for path in paths:
        shown = runner.invoke(app, [*path, "--help"], env={"COLUMNS": "200"})
        assert shown.exit_code == 0, (path, shown.output)
        for label in ("<bool>", "<str>", "<int>", "<path>", "<list"):
            assert label not in shown.output, (path, shown.output)
        command = _command_at(root, path)
        for param in command.params:
            assert getattr(param, "help", None), (path, param.name)
