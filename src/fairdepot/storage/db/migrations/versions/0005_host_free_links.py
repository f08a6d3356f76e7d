"""stored metadata holds no host: download links become host-free (core.links)

Before this revision the worker wrote its own public URL into every `contentUrl` of bytes we
hold. Such a link becomes `fairdepot:/api/...`, which faces render with their public URL:

- a `contentUrl` under the configured public URL (`FAIRDEPOT_PUBLIC_URL` of the process that
  migrates, else the old default `http://127.0.0.1:8000`) is ours, whatever it names;
- a `contentUrl` on any other host is ours only when it is the download route of the entity's
  own ARK and that record holds a stored file (a worker with another PUBLIC_URL, or `serve
  --host/--port`, wrote it); any other link (external data, another server) is kept as given.

Both the current metadata and the kept revisions are rewritten; revisions are not bumped (what
clients are served does not change). The downgrade renders host-free links with the public URL.

Revision ID: 0005
Revises: 0004
"""

import os
from collections.abc import Callable
from typing import Any

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

from fairdepot.core import ark as arks
from fairdepot.core import links

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

_DEFAULT_PUBLIC_URL = "http://127.0.0.1:8000"
_BATCH = 500

_JSON = sa.JSON().with_variant(JSONB(), "postgresql")
_records = sa.table(
    "records",
    sa.column("pk", sa.BigInteger),
    sa.column("ark", sa.String),
    sa.column("ark_key", sa.String),
    sa.column("metadata", _JSON),
)
_revisions = sa.table(
    "record_revisions",
    sa.column("record_pk", sa.BigInteger),
    sa.column("revision", sa.Integer),
    sa.column("metadata", _JSON),
)
_files = sa.table(
    "record_files", sa.column("record_pk", sa.BigInteger), sa.column("blob_key", sa.String)
)


def _public_url() -> str:
    return (os.environ.get("FAIRDEPOT_PUBLIC_URL") or _DEFAULT_PUBLIC_URL).rstrip("/")


def _key(identifier: Any) -> str | None:
    if not isinstance(identifier, str):
        return None
    try:
        return arks.normalise(identifier)
    except arks.InvalidArk:
        return None


def _rewrite(document: Any, own_ark: str | None, change: Callable[[str, str | None], str]) -> Any:
    """`document` with every `contentUrl` string passed through `change(link, ark)`, where
    `ark` is the ARK of the entity the link describes (the record's own at the top)."""
    if isinstance(document, list):
        return [_rewrite(item, None, change) for item in document]
    if not isinstance(document, dict):
        return document
    ark = own_ark or (document["@id"] if isinstance(document.get("@id"), str) else None)
    out = {}
    for name, value in document.items():
        if name == "contentUrl" and isinstance(value, str):
            out[name] = change(value, ark)
        elif name == "contentUrl" and isinstance(value, list):
            out[name] = [change(v, ark) if isinstance(v, str) else v for v in value]
        else:
            out[name] = _rewrite(value, None, change)
    return out


def _apply(change: Callable[[str, str | None], str]) -> None:
    connection = op.get_bind()
    has_link = sa.cast(_records.c.metadata, sa.Text).like("%contentUrl%")
    last = -1
    while True:
        rows = connection.execute(
            sa.select(_records.c.pk, _records.c.ark, _records.c.metadata)
            .where(_records.c.pk > last, has_link)
            .order_by(_records.c.pk)
            .limit(_BATCH)
        ).all()
        if not rows:
            break
        last = rows[-1].pk
        for pk, ark, metadata in rows:
            new = _rewrite(metadata, ark, change)
            if new != metadata:
                connection.execute(
                    _records.update().where(_records.c.pk == pk).values(metadata=new)
                )
            for number, old in connection.execute(
                sa.select(_revisions.c.revision, _revisions.c.metadata).where(
                    _revisions.c.record_pk == pk
                )
            ).all():
                revised = _rewrite(old, ark, change)
                if revised != old:
                    connection.execute(
                        _revisions.update()
                        .where(_revisions.c.record_pk == pk, _revisions.c.revision == number)
                        .values(metadata=revised)
                    )


def _holders() -> set[str]:
    """Normalised ARKs of records whose bytes we store (their download links are ours)."""
    rows = op.get_bind().execute(
        sa.select(_records.c.ark_key)
        .distinct()
        .join(_files, _files.c.record_pk == _records.c.pk)
        .where(_files.c.blob_key.is_not(None))
    )
    return {key for (key,) in rows}


def upgrade() -> None:
    base, holders = _public_url(), _holders()

    def change(link: str, ark: str | None) -> str:
        ours = ark if _key(ark) in holders else None
        return links.stored_form(link, base, ours)

    _apply(change)


def downgrade() -> None:
    base = _public_url()
    _apply(lambda link, _ark: links.render_link(link, base))
