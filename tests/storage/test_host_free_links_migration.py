"""Migration 0005 takes hosts out of stored links, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
import sqlalchemy as sa

from fairdepot.storage.db.migrate import upgrade

NOW = datetime(2026, 1, 1, tzinfo=UTC)
HELD = "ark:59852/held-1"  # a record whose bytes we store
REFERENCE = "ark:59852/ref-2"  # a record that only points at data elsewhere


def _tables(engine: sa.engine.Engine) -> dict[str, sa.Table]:
    metadata = sa.MetaData()
    names = ("records", "record_files", "record_revisions")
    return {name: sa.Table(name, metadata, autoload_with=engine) for name in names}


def _record(pk: int, ark: str, metadata: dict[str, Any]) -> dict[str, Any]:
    return {
        "pk": pk,
        "ark": ark,
        "ark_key": ark.replace("-", ""),
        "kind": "Dataset",
        "face": "fairscape",
        "types": ["Dataset"],
        "keywords": [],
        "metadata": metadata,
        "extra": {},
        "metadata_public": True,
        "group_write": False,
        "publication_status": "DRAFT",
        "state": "active",
        "revision": 2,
        "created_at": NOW,
        "updated_at": NOW,
    }


def _metadata(engine: sa.engine.Engine, table: sa.Table, **where: Any) -> Any:
    with engine.connect() as connection:
        query = sa.select(table.c.metadata).where(*(table.c[k] == v for k, v in where.items()))
        return connection.execute(query).scalar_one()


@pytest.fixture
def old_catalogue(empty_engine, monkeypatch) -> sa.engine.Engine:
    """A catalogue at 0004 whose worker baked its PUBLIC_URL into links, as before."""
    monkeypatch.setenv("FAIRDEPOT_PUBLIC_URL", "https://data.example.org/depot/")
    upgrade(empty_engine, "0004")
    tables = _tables(empty_engine)
    held = {
        "@id": HELD,
        "name": "held",
        "contentUrl": f"http://127.0.0.1:8000/api/dataset/download/{HELD}",
    }
    reference = {
        "@id": REFERENCE,
        "contentUrl": [
            "https://data.example.org/depot/api/download/ark:59852/other",
            "http://elsewhere.example/data.csv",
            f"http://old-name:9000/api/download/{REFERENCE}",
        ],
        "@graph": [{"@id": HELD, "contentUrl": f"http://old-name:9000/api/download/{HELD}"}],
        "url": "https://data.example.org/depot/api/search",
    }
    with empty_engine.begin() as connection:
        connection.execute(
            tables["records"].insert(), [_record(1, HELD, held), _record(2, REFERENCE, reference)]
        )
        connection.execute(
            tables["record_files"].insert(),
            [{"record_pk": 1, "path": "data/x.csv", "size": 3, "blob_key": "crates/j/1/ab"}],
        )
        connection.execute(
            tables["record_revisions"].insert(),
            [
                {
                    "record_pk": 1,
                    "revision": 1,
                    "metadata": {**held, "contentUrl": f"http://worker:8000/api/download/{HELD}"},
                    "created_at": NOW,
                }
            ],
        )
    return empty_engine


def test_links_with_the_configured_or_a_worker_s_host_become_host_free(old_catalogue) -> None:
    upgrade(old_catalogue, "0005")
    tables = _tables(old_catalogue)
    held = _metadata(old_catalogue, tables["records"], pk=1)
    # the old default URL and a worker's own host both named the bytes this record holds
    assert held["contentUrl"] == f"fairdepot:/api/dataset/download/{HELD}"
    earlier = _metadata(old_catalogue, tables["record_revisions"], record_pk=1, revision=1)
    assert earlier["contentUrl"] == f"fairdepot:/api/download/{HELD}"
    reference = _metadata(old_catalogue, tables["records"], pk=2)
    assert reference["contentUrl"] == [
        "fairdepot:/api/download/ark:59852/other",  # under the configured URL
        "http://elsewhere.example/data.csv",  # someone else's
        # an unknown host naming a record that holds no bytes: not known to be ours, kept
        f"http://old-name:9000/api/download/{REFERENCE}",
    ]
    # a nested entity holding bytes here is ours on any host; other properties are not links
    assert reference["@graph"][0]["contentUrl"] == f"fairdepot:/api/download/{HELD}"
    assert reference["url"] == "https://data.example.org/depot/api/search"
    with old_catalogue.connect() as connection:
        revisions = connection.execute(sa.select(tables["records"].c.revision)).scalars().all()
    assert revisions == [2, 2]  # what clients are served does not change


def test_the_downgrade_renders_host_free_links_with_the_public_url(old_catalogue) -> None:
    from alembic import command

    from fairdepot.storage.db.migrate import alembic_config

    upgrade(old_catalogue, "0005")
    config = alembic_config(old_catalogue)
    with old_catalogue.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, "0004")
    held = _metadata(old_catalogue, _tables(old_catalogue)["records"], pk=1)
    assert held["contentUrl"] == f"https://data.example.org/depot/api/dataset/download/{HELD}"
