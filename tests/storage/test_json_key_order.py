"""JSON columns give back objects with their keys in the order written, on SQLite and on
PostgreSQL (whose JSONB would store shorter keys first): what a client wrote is what it reads."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from fairdepot.storage.db.engine import session_factories
from fairdepot.storage.db.migrate import upgrade
from fairdepot.storage.db.models import JobRow, RecordRevisionRow, RecordRow

WRITTEN: dict[str, Any] = {
    "zeta": 1,
    "alpha": {"bb": 1, "a": [{"yy": 1, "x": 2}]},
    "mid": None,
    "a": "shortest last",
}


def key_order(value: object) -> object:
    if isinstance(value, dict):
        return [(key, key_order(item)) for key, item in value.items()]
    if isinstance(value, list):
        return [key_order(item) for item in value]
    return None


def test_record_revision_and_job_documents_keep_their_key_order(head_engine) -> None:
    upgrade(head_engine)
    _reads, writes = session_factories(head_engine)
    with writes() as session:
        row = RecordRow(
            ark="ark:99999/fd1keyorder",
            ark_key="99999/fd1keyorder",
            kind="dataset",
            face="scicat",
            metadata_doc=WRITTEN,
            native_doc={"scientificMetadata": WRITTEN, "datasetName": "x"},
            extra=WRITTEN,
            tombstone=WRITTEN,
        )
        session.add(row)
        session.flush()
        session.add(
            RecordRevisionRow(
                record_pk=row.pk, revision=1, metadata_doc=WRITTEN, native_doc=WRITTEN
            )
        )
        session.add(JobRow(id="keyorder", kind="crate_ingest", payload=WRITTEN, result=WRITTEN))
        session.commit()
    expected = key_order(WRITTEN)
    with head_engine.connect() as connection:  # no ORM identity map: the database's own text
        records = sa.table(
            "records",
            sa.column("metadata", sa.JSON),
            sa.column("native", sa.JSON),
            sa.column("extra", sa.JSON),
            sa.column("tombstone", sa.JSON),
        )
        stored = connection.execute(sa.select(records)).one()
        assert key_order(stored.metadata) == expected
        assert key_order(stored.native["scientificMetadata"]) == expected
        assert list(stored.native) == ["scientificMetadata", "datasetName"]
        assert key_order(stored.extra) == expected
        assert key_order(stored.tombstone) == expected
        revisions = sa.table(
            "record_revisions", sa.column("metadata", sa.JSON), sa.column("native", sa.JSON)
        )
        revision = connection.execute(sa.select(revisions)).one()
        assert key_order(revision.metadata) == expected
        assert key_order(revision.native) == expected
        jobs = sa.table("jobs", sa.column("payload", sa.JSON), sa.column("result", sa.JSON))
        job = connection.execute(sa.select(jobs)).one()
        assert key_order(job.payload) == expected
        assert key_order(job.result) == expected
