"""One database transaction with every repository on its session, and driver errors mapped.

The unit of work (`services/uow.py`) opens this; what SQLAlchemy raises when a write clashes
with another becomes a core error here, so no service needs to know the driver:
a unique violation is `Conflict`, a lost optimistic-concurrency race is `PreconditionFailed`
(outages are already `DependencyUnavailable`, see engine.py).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.orm.exc import StaleDataError

from fairdepot.core.errors import Conflict, PreconditionFailed
from fairdepot.storage.db.accounts import AccountRepository
from fairdepot.storage.db.blob_outbox import BlobOutbox
from fairdepot.storage.db.jobs import JobRepository
from fairdepot.storage.db.locks import hold_named_lock
from fairdepot.storage.db.namespaces import NamespaceRepository
from fairdepot.storage.db.organizations import CollectionRepository, OrganizationRepository
from fairdepot.storage.db.profiles import ProfileRepository
from fairdepot.storage.db.records import RecordStore, StaleRevision
from fairdepot.storage.db.staged_files import StagedFileStore
from fairdepot.storage.search import SearchIndex

STALE = "the record was changed by someone else meanwhile; reload it and try again"
CLASH = "a concurrent change conflicts with this one; try again"


@dataclass
class Repositories:
    """The repositories of one session; all of them see and write the same transaction."""

    session: Session
    records: RecordStore
    accounts: AccountRepository
    jobs: JobRepository
    outbox: BlobOutbox
    organizations: OrganizationRepository
    collections: CollectionRepository
    staged_files: StagedFileStore
    namespaces: NamespaceRepository
    profiles: ProfileRepository
    """Organizations' gCat item profiles."""

    def serialise(self, name: str) -> None:
        """Wait for, then hold until this transaction ends, the lock called `name`.

        Units of work that take the same name run one after the other, so a read-then-write
        sequence (is there a graph? rebuild it : create it) sees what the previous one committed
        instead of losing an optimistic-concurrency race to it (see locks.py).
        """
        hold_named_lock(self.session, name)


def repositories(session: Session, search: SearchIndex) -> Repositories:
    return Repositories(
        session,
        RecordStore(session, search),
        AccountRepository(session),
        JobRepository(session),
        BlobOutbox(session),
        OrganizationRepository(session),
        CollectionRepository(session),
        StagedFileStore(session),
        NamespaceRepository(session),
        ProfileRepository(session),
    )


@contextmanager
def transaction(sessions: sessionmaker[Session], search: SearchIndex) -> Iterator[Repositories]:
    """Commit when the block ends, roll back on any error; clashes become core errors."""
    session = sessions()
    try:
        repos = repositories(session, search)
        yield repos
        session.commit()
    except (StaleDataError, StaleRevision) as exc:
        session.rollback()
        raise PreconditionFailed(STALE) from exc
    except IntegrityError as exc:
        session.rollback()
        raise Conflict(CLASH) from exc
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


@contextmanager
def reading(sessions: sessionmaker[Session], search: SearchIndex) -> Iterator[Repositories]:
    """The repositories over a read session (nothing is committed)."""
    with sessions() as session:
        yield repositories(session, search)
