"""An empty catalogue database of the backend under test, for tests below the HTTP faces.

The scale-out pass gets a fresh PostgreSQL database per test (dropped afterwards), the embedded
pass a SQLite file, so every test that touches storage proves its point on both databases.

A test that wants a catalogue at the schema's head (`migrated=True`) gets a copy of one
template database, migrated once per test session: `CREATE DATABASE ... TEMPLATE` copies it
in a fraction of the time that running every migration again per test takes. Tests of the
migrations themselves ask for a truly empty database (the default).
"""

from __future__ import annotations

import atexit
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from fairdepot.storage.db.engine import create_engine
from fairdepot.storage.db.migrate import upgrade
from tests.support.deployments import backend_name, create_database, drop_database

_template: str | None = None


@contextmanager
def fresh_database_url(
    folder: Path, purpose: str = "unit", migrated: bool = False
) -> Iterator[str]:
    """The URL of a new database: PostgreSQL in the scale-out pass, SQLite otherwise.

    Empty, or (`migrated`) at the schema's head; SQLite files are migrated by their user.
    """
    if backend_name() == "scaleout":
        name = f"fairdepot_{purpose}_{uuid.uuid4().hex[:10]}"
        url = create_database(name, template=_head_template() if migrated else None)
        try:
            yield url
        finally:
            drop_database(name)
    else:
        yield f"sqlite:///{folder / 'fresh.db'}"


def _head_template() -> str:
    """A PostgreSQL database at the schema's head, made on first use, dropped at exit."""
    global _template
    if _template is None:
        name = f"fairdepot_template_{uuid.uuid4().hex[:10]}"
        engine = create_engine(create_database(name))
        try:
            upgrade(engine)
        except BaseException:
            engine.dispose()
            drop_database(name)  # a half-migrated template is nobody's
            raise
        engine.dispose()  # a template must have no connections when it is copied
        atexit.register(drop_database, name)
        _template = name
    return _template
