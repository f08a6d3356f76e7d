"""Looking into (and seeding) a running deployment's catalogue from a test, on either backend.

Some states cannot be reached through the FAIRSCAPE face (every record it creates has public
metadata), so tests that need a private record write it with the services the server runs,
on the deployment's own database, and then look at it over HTTP.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from unittest import mock

from fairdepot.config import Settings
from fairdepot.core.policy import Actor
from fairdepot.core.records import Access, Face, Record
from fairdepot.core.relations import extract_relations
from fairdepot.services import accounts
from fairdepot.services.runtime import Runtime, build_runtime
from fairdepot.storage.db.models import UserRow


@contextmanager
def deployment_runtime(server) -> Iterator[Runtime]:
    """A runtime on the deployment's database and blob store (no migrations: it is live)."""
    env = {k: v for k, v in server.env.items() if k.startswith(("FAIRDEPOT_", "AWS_"))}
    with mock.patch.dict(os.environ, env):
        runtime = build_runtime(Settings(), migrate=False)
    try:
        yield runtime
    finally:
        runtime.close()


def user_id(runtime: Runtime, username: str) -> str:
    with runtime.database.read_sessions() as session:
        row = session.query(UserRow).filter_by(username=username).one()
        return row.id


def insert_private_record(server, ark: str, owner: str, group: str | None, metadata: dict) -> None:
    """A record only its owner (and `group`) may read, as another face could create it."""
    document = {"@id": ark, **metadata}
    with deployment_runtime(server) as runtime:
        record = Record(
            ark=ark,
            kind=str(document.get("@type", "Dataset")).rsplit("#", 1)[-1],
            face=Face.FAIRSCAPE,
            metadata=document,
            access=Access(
                owner_id=user_id(runtime, owner), owner_group=group, metadata_public=False
            ),
            types=[str(document.get("@type", "Dataset"))],
            name=document.get("name"),
            relations=extract_relations(document),
        )
        with runtime.writing() as store:
            store.insert(record)


def stored_revisions(server, ark: str) -> dict[int, dict]:
    """The earlier versions of a record's metadata kept in the catalogue, by revision number."""
    from fairdepot.core import ark as arks
    from fairdepot.storage.db.models import RecordRevisionRow, RecordRow

    with deployment_runtime(server) as runtime, runtime.database.read_sessions() as session:
        row = session.query(RecordRow).filter_by(ark_key=arks.normalise(ark)).one()
        kept = session.query(RecordRevisionRow).filter_by(record_pk=row.pk).all()
        return {r.revision: r.metadata_doc for r in kept}


def facility_actor(runtime: Runtime, name: str, group: str) -> Actor:
    """A new account in `group`, as the policy sees it with the runtime's facility lists."""
    user = accounts.add_user(runtime, name, f"{name}@your.site", "pw", [group])
    return accounts.actor_for(user, runtime.settings.facility_groups)
