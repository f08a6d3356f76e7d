"""Consistent database dumps while the catalogue is in use, and their restore.

PostgreSQL: a REPEATABLE READ transaction exports its snapshot, `pg_dump --snapshot` dumps
exactly that snapshot, and the caller reads the same snapshot through the open connection (so
the list of blobs a backup copies is the list the dump refers to). SQLite: the online backup API
copies the database in one read transaction (WAL mode lets writers go on meanwhile); the copy
is then read for its blob list.

The password of the database URL goes to pg_dump / pg_restore through PGPASSWORD, never on
their command line (which other users of the machine can read).
"""

from __future__ import annotations

import os
import re
import shutil
import sqlite3
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.engine import URL, Connection, Engine


class DumpError(RuntimeError):
    """A dump or restore tool is missing, too old, or failed; the message says which."""


@dataclass(frozen=True)
class DumpFacts:
    dialect: str
    file: str
    tool: str  # e.g. "pg_dump 15.20" or "sqlite 3.40.1 online backup"
    server_version: str


def _libpq(url: URL) -> tuple[str, dict[str, str]]:
    """A libpq URL without the password, and the environment that carries the password."""
    env = dict(os.environ)
    if url.password:
        env["PGPASSWORD"] = str(url.password)
    plain = url.set(drivername="postgresql", password=None)
    return plain.render_as_string(hide_password=False), env


def _tool_major(tool: str) -> tuple[int, str]:
    path = shutil.which(tool)
    if path is None:
        raise DumpError(f"{tool} is not installed (it comes with the PostgreSQL client)")
    # the tool's absolute path from PATH, and fixed arguments: nothing here comes from users
    output = subprocess.run(  # noqa: S603
        [path, "--version"], capture_output=True, text=True, check=True
    ).stdout.strip()
    match = re.search(r"(\d+)(?:\.(\d+))?", output)
    if not match:
        raise DumpError(f"cannot read the version of {tool}: {output!r}")
    return int(match.group(1)), f"{tool} {match.group(0)}"


def server_version(connection: Connection) -> tuple[int, str]:
    number = int(connection.exec_driver_sql("SHOW server_version_num").scalar_one())
    text = str(connection.exec_driver_sql("SHOW server_version").scalar_one()).split()[0]
    return number // 10000, text


@contextmanager
def postgresql_snapshot(engine: Engine, target: Path) -> Iterator[tuple[Connection, DumpFacts]]:
    """Dump one snapshot to `target` (custom format); yield a connection reading that snapshot."""
    tool_major, tool = _tool_major("pg_dump")
    with engine.connect() as connection:
        connection = connection.execution_options(isolation_level="REPEATABLE READ")
        with connection.begin():
            connection.exec_driver_sql("SET TRANSACTION READ ONLY")
            server_major, version = server_version(connection)
            if tool_major < server_major:
                raise DumpError(
                    f"{tool} cannot dump a PostgreSQL {version} server; install the "
                    f"PostgreSQL {server_major} client tools"
                )
            snapshot = connection.exec_driver_sql("SELECT pg_export_snapshot()").scalar_one()
            url, env = _libpq(engine.url)
            _run(
                [
                    "pg_dump",
                    "--format=custom",
                    f"--snapshot={snapshot}",
                    f"--file={target}",
                    f"--dbname={url}",
                ],
                env,
            )
            yield connection, DumpFacts("postgresql", target.name, tool, version)


def restore_postgresql(engine: Engine, dump: Path, dumped_with: str) -> str:
    """pg_restore `dump` into the (empty) database of `engine` as its URL's role.

    `--no-owner --no-privileges`: the restoring role owns every object, and no GRANT names a
    role the target cluster may not have.
    """
    tool_major, tool = _tool_major("pg_restore")
    match = re.search(r"(\d+)", dumped_with)
    if match and int(match.group(1)) > tool_major:
        raise DumpError(
            f"the dump was made with {dumped_with}; {tool} cannot read it: install the "
            f"PostgreSQL {match.group(1)} client tools"
        )
    with engine.connect() as connection:
        server_major, version = server_version(connection)
    if server_major > tool_major:
        raise DumpError(f"{tool} is older than the PostgreSQL {version} server it restores into")
    url, env = _libpq(engine.url)
    _run(
        [
            "pg_restore",
            "--no-owner",
            "--no-privileges",
            "--exit-on-error",
            "--single-transaction",
            f"--dbname={url}",
            str(dump),
        ],
        env,
    )
    return version


@contextmanager
def sqlite_snapshot(database: Path, target: Path) -> Iterator[tuple[Connection, DumpFacts]]:
    """Copy the live SQLite database to `target` with the online backup API; read the copy."""
    source = sqlite3.connect(database, timeout=30)
    copy = sqlite3.connect(target)
    try:
        source.backup(copy)  # one step: a single read transaction, so one consistent state
        copy.execute("PRAGMA journal_mode=DELETE")  # one self-contained file, no -wal beside it
    finally:
        copy.close()
        source.close()
    engine = sa.create_engine(f"sqlite:///{target}")
    try:
        with engine.connect() as connection:
            facts = DumpFacts(
                "sqlite", target.name, f"sqlite {sqlite3.sqlite_version} online backup", ""
            )
            yield connection, facts
    finally:
        engine.dispose()


def restore_sqlite(dump: Path, database: Path) -> None:
    """Put the copied database in place; refuses to replace an existing one."""
    if database.exists():
        raise DumpError(f"{database} exists; restore only into an empty catalogue")
    database.parent.mkdir(parents=True, exist_ok=True)
    partial = database.with_name(database.name + ".restoring")
    shutil.copyfile(dump, partial)
    os.replace(partial, database)


def _run(command: list[str], env: dict[str, str]) -> None:
    # an argument list (no shell), built here from the configured database URL
    result = subprocess.run(command, env=env, capture_output=True, text=True, check=False)  # noqa: S603
    if result.returncode != 0:
        tail = "\n".join(result.stderr.strip().splitlines()[-5:])
        raise DumpError(f"{command[0]} failed (exit {result.returncode}): {tail}")
