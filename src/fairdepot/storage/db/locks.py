"""Cross-process locks held by the database itself, for work N processes may do at the same moment.

Start-up work (migrations in embedded mode, the accounts file) and `fairdepot db upgrade` are
check-then-write sequences: "is the schema there? create it", "is this user there? insert it".
Run by several processes at once they collide (a unique violation, "database is locked"). Rather
than turn each of them into an upsert, the whole sequence runs under one lock taken inside its
transaction, so the check and the write are one step for every process, and whatever is added
to start-up later is covered the same way.

- PostgreSQL: a transaction-scoped advisory lock (`pg_advisory_xact_lock`). It is released at
  commit or rollback, and by the server if the process dies, so it can never be left behind.
- SQLite: a write transaction begun with `BEGIN IMMEDIATE` (our write sessions) already holds the
  database's single writer lock from its first statement, which is the same guarantee.
"""

from __future__ import annotations

import hashlib

import sqlalchemy as sa
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

# Arbitrary, fixed 64-bit keys ("fdp" + a number): advisory locks are per database, so they
# only need to differ from each other and from keys another application might use there.
MIGRATIONS_LOCK = 0x6664_7000_0001
ACCOUNTS_LOCK = 0x6664_7000_0002


def named_lock_key(name: str) -> int:
    """A signed 64-bit advisory-lock key for a lock named by text (e.g. one record's work)."""
    digest = hashlib.blake2b(f"fairdepot:{name}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big", signed=True)


def lock_for_transaction(target: Connection | Session, key: int) -> None:
    """Wait for, then hold until the transaction ends, the lock named `key` (PostgreSQL)."""
    bind = target.get_bind() if isinstance(target, Session) else target
    if bind.dialect.name == "postgresql":
        target.execute(sa.text("SELECT pg_advisory_xact_lock(:key)"), {"key": key})


def hold_named_lock(session: Session, name: str) -> None:
    """Hold, from now until the session's transaction ends, the lock called `name`.

    PostgreSQL: an advisory lock on the name's key, so only work under the same name waits.
    SQLite: one statement opens the write transaction (`BEGIN IMMEDIATE`), which holds the
    database's single writer lock, so all writers wait; either way, once this returns, every
    later read in the transaction sees what the previous holder committed (on PostgreSQL
    because the engine runs READ COMMITTED: each statement sees what was committed before it).
    That holds only if nothing was read before, so the lock must be the transaction's first
    statement; one name per transaction, so that two holders can never wait on each other.
    """
    if session.in_transaction():
        raise RuntimeError("a named lock is taken before the transaction's first statement")
    if session.get_bind().dialect.name == "postgresql":
        lock_for_transaction(session, named_lock_key(name))
    else:
        session.execute(sa.text("SELECT 1"))
