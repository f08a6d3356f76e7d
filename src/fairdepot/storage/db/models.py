"""Tables of the catalogue. One model for SQLite and PostgreSQL; Alembic migrations follow it.

JSON columns are PostgreSQL `json`, which keeps the text as written (JSONB would reorder object
keys, shorter first, and a client reads back what it wrote: migration 0014); SQLite stores JSON
as text too. Queries never look inside these columns: paths are queried through the derived
`record_values` table. Records have an integer key for joins and the
full-text index, and their ARK key (normalised, hyphen-free) as the identity users see.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, ClassVar

import sqlalchemy as sa
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from fairdepot.core.timestamps import as_utc, isoformat_z, utcnow

__all__ = ["as_utc", "isoformat_z", "utcnow"]  # kept importable from here for storage code

JSONType = sa.JSON()
BigIntPK = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


class Base(DeclarativeBase):
    metadata = sa.MetaData(
        naming_convention={
            "ix": "ix_%(table_name)s_%(column_0_N_name)s",
            "uq": "uq_%(table_name)s_%(column_0_N_name)s",
            "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
            "pk": "pk_%(table_name)s",
            "ck": "ck_%(table_name)s_%(constraint_name)s",
        }
    )


class UserRow(Base):
    __tablename__ = "users"

    id: Mapped[str] = mapped_column(sa.String(36), primary_key=True)
    username: Mapped[str] = mapped_column(sa.String(200), unique=True)
    email: Mapped[str] = mapped_column(sa.String(320), unique=True)
    full_name: Mapped[str | None] = mapped_column(sa.String(400))
    password_hash: Mapped[str | None] = mapped_column(sa.String(400))
    groups: Mapped[list[str]] = mapped_column(JSONType, default=list)
    is_admin: Mapped[bool] = mapped_column(sa.Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)
    about: Mapped[str | None] = mapped_column(sa.Text)
    active: Mapped[bool] = mapped_column(sa.Boolean, default=True, server_default=sa.true())
    # Loaded only where an actor is built (`options(selectinload(...))`); anywhere else a read
    # raises rather than quietly costing a query per user.
    memberships: Mapped[list[MembershipRow]] = relationship(lazy="raise", viewonly=True)


class OrganizationRow(Base):
    """gCat's context / CKAN organization; a SciCat owner group can map to one."""

    __tablename__ = "organizations"

    name: Mapped[str] = mapped_column(sa.String(100), primary_key=True)
    title: Mapped[str | None] = mapped_column(sa.String(400))
    moderated: Mapped[bool] = mapped_column(sa.Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)
    # CKAN's fields (migration 0015): a uuid, what its page shows, and its state
    uuid: Mapped[str | None] = mapped_column(sa.String(36), unique=True, index=True)
    description: Mapped[str] = mapped_column(sa.Text, default="", server_default="")
    image_url: Mapped[str] = mapped_column(sa.String(2048), default="", server_default="")
    state: Mapped[str] = mapped_column(sa.String(16), default="active", server_default="active")
    extras: Mapped[list[dict[str, str]]] = mapped_column(
        JSONType, default=list, server_default="[]"
    )


class MembershipRow(Base):
    """One role of a user in an organization (user x organization x role)."""

    __tablename__ = "memberships"

    user_id: Mapped[str] = mapped_column(
        sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    organization: Mapped[str] = mapped_column(
        sa.ForeignKey("organizations.name", ondelete="CASCADE"), primary_key=True, index=True
    )
    role: Mapped[str] = mapped_column(sa.String(16), primary_key=True)


class CollectionRow(Base):
    """A named group of records (CKAN/gCat groups, SciCat collections), optionally in an
    organization."""

    __tablename__ = "collections"
    __table_args__ = (sa.UniqueConstraint("name"),)

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True, autoincrement=True)
    name: Mapped[str] = mapped_column(sa.String(100))
    title: Mapped[str | None] = mapped_column(sa.String(400))
    organization: Mapped[str | None] = mapped_column(
        sa.ForeignKey("organizations.name", ondelete="SET NULL"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)
    uuid: Mapped[str | None] = mapped_column(sa.String(36), unique=True, index=True)
    description: Mapped[str] = mapped_column(sa.Text, default="", server_default="")
    image_url: Mapped[str] = mapped_column(sa.String(2048), default="", server_default="")
    state: Mapped[str] = mapped_column(sa.String(16), default="active", server_default="active")
    extras: Mapped[list[dict[str, str]]] = mapped_column(
        JSONType, default=list, server_default="[]"
    )


class NamespaceRow(Base):
    """One of the facility's namespaces (gCat's `categoryref`s), in the operator's order."""

    __tablename__ = "namespaces"

    id: Mapped[str] = mapped_column(sa.String(100), primary_key=True)
    position: Mapped[int] = mapped_column(sa.Integer)
    title: Mapped[str] = mapped_column(sa.String(400), default="")
    description: Mapped[str] = mapped_column(sa.Text, default="")


class ItemProfileRow(Base):
    """One gCat item profile of an organization (gCat: of a context): its XML as uploaded.

    `name` is the profile's `type`, what items name in `system:type` (the service checks
    they are equal); the text is kept verbatim and parsed again when an item needs it.
    """

    __tablename__ = "item_profiles"

    organization: Mapped[str] = mapped_column(
        sa.ForeignKey("organizations.name", ondelete="CASCADE"), primary_key=True
    )
    name: Mapped[str] = mapped_column(sa.String(400), primary_key=True)
    xml: Mapped[str] = mapped_column(sa.Text)
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)


class CollectionRecordRow(Base):
    __tablename__ = "collection_records"

    collection_id: Mapped[int] = mapped_column(
        sa.ForeignKey("collections.id", ondelete="CASCADE"), primary_key=True
    )
    record_pk: Mapped[int] = mapped_column(
        sa.ForeignKey("records.pk", ondelete="CASCADE"), primary_key=True, index=True
    )


class ApiTokenRow(Base):
    __tablename__ = "api_tokens"

    id: Mapped[str] = mapped_column(sa.String(36), primary_key=True)
    user_id: Mapped[str] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    label: Mapped[str | None] = mapped_column(sa.String(200))
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))


class RecordRow(Base):
    __tablename__ = "records"
    __table_args__ = (sa.Index("ix_records_face_kind_state", "face", "kind", "state"),)

    pk: Mapped[int] = mapped_column(BigIntPK, primary_key=True, autoincrement=True)
    ark: Mapped[str] = mapped_column(sa.String(512))
    ark_key: Mapped[str] = mapped_column(sa.String(512), unique=True)
    kind: Mapped[str] = mapped_column(sa.String(64), index=True)
    face: Mapped[str] = mapped_column(sa.String(16), index=True)
    types: Mapped[list[str]] = mapped_column(JSONType, default=list)
    name: Mapped[str | None] = mapped_column(sa.Text)
    description: Mapped[str | None] = mapped_column(sa.Text)
    keywords: Mapped[list[str]] = mapped_column(JSONType, default=list)
    metadata_doc: Mapped[dict[str, Any]] = mapped_column("metadata", JSONType)
    native_doc: Mapped[dict[str, Any] | None] = mapped_column("native", JSONType)
    extra: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    owner_id: Mapped[str | None] = mapped_column(sa.ForeignKey("users.id"), index=True)
    owner_group: Mapped[str | None] = mapped_column(sa.String(200), index=True)
    organization: Mapped[str | None] = mapped_column(
        sa.ForeignKey("organizations.name"), index=True
    )
    metadata_public: Mapped[bool] = mapped_column(sa.Boolean, default=False, index=True)
    group_write: Mapped[bool] = mapped_column(sa.Boolean, default=False)
    publication_status: Mapped[str] = mapped_column(sa.String(16), default="DRAFT", index=True)
    state: Mapped[str] = mapped_column(sa.String(16), default="active", index=True)
    parent_pk: Mapped[int | None] = mapped_column(
        sa.ForeignKey("records.pk", ondelete="SET NULL"), index=True
    )
    archive_blob_key: Mapped[str | None] = mapped_column(sa.String(1024))
    archive_layout: Mapped[list[dict[str, str]] | None] = mapped_column(JSONType)
    revision: Mapped[int] = mapped_column(sa.Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)
    deleted_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    # when it went to the trash (state "trashed"); a crate's members trashed with it share it
    trashed_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    moderation_state: Mapped[str] = mapped_column(
        sa.String(16), default="none", server_default="none", index=True
    )
    moderation_message: Mapped[str | None] = mapped_column(sa.Text)
    moderated_by: Mapped[str | None] = mapped_column(sa.String(36))
    moderated_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    tombstone: Mapped[dict[str, Any] | None] = mapped_column(JSONType)
    # Bumped by database triggers whenever the row, its access groups or its owner's e-mail
    # change (migration 0010); never written by the application. The resolver's access cache
    # is revalidated against it (docs/performance.md).
    change_stamp: Mapped[int] = mapped_column(sa.Integer, server_default="0")

    # Every ORM flush of a record is conditional on the revision it read (optimistic locking);
    # the services set the next revision themselves.
    __mapper_args__: ClassVar[dict[str, Any]] = {
        "version_id_col": revision,
        "version_id_generator": False,
    }


class RecordIdentifierRow(Base):
    """Other identifiers that also find a record: SciCat pid, gCat name/id, a crate's own @id."""

    __tablename__ = "record_identifiers"
    __table_args__ = (sa.UniqueConstraint("scheme", "value"),)

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True, autoincrement=True)
    record_pk: Mapped[int] = mapped_column(
        sa.ForeignKey("records.pk", ondelete="CASCADE"), index=True
    )
    scheme: Mapped[str] = mapped_column(sa.String(32))
    value: Mapped[str] = mapped_column(sa.String(1024))


class RecordValueRow(Base):
    """Every value inside a record's native document and metadata, typed, one row per value
    (core/document_values.py): path queries are B-tree range scans on (path, value) on every
    database. Written with the record, in its transaction; rebuilt on every update."""

    __tablename__ = "record_values"
    __table_args__ = (
        # (path, typed value, record): a path condition is a range scan, a sort by a path
        # walks it in order (keyset pages seek in it), a facet counts from the index alone
        sa.Index("ix_record_values_path_number_record_pk", "path", "number", "record_pk"),
        sa.Index("ix_record_values_path_text_record_pk", "path", "text", "record_pk"),
        sa.Index("ix_record_values_path_time_record_pk", "path", "time", "record_pk"),
        sa.Index("ix_record_values_path_boolean_record_pk", "path", "boolean", "record_pk"),
        sa.Index("ix_record_values_record_pk_path", "record_pk", "path"),
    )

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True, autoincrement=True)
    record_pk: Mapped[int] = mapped_column(sa.ForeignKey("records.pk", ondelete="CASCADE"))
    path: Mapped[str] = mapped_column(sa.String(1000))
    number: Mapped[float | None] = mapped_column(sa.Double)
    text: Mapped[str | None] = mapped_column(sa.String(1000))
    boolean: Mapped[bool | None] = mapped_column(sa.Boolean)
    time: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))


class RecordAccessGroupRow(Base):
    """One row per access group so that group filters are indexed joins on every database."""

    __tablename__ = "record_access_groups"

    record_pk: Mapped[int] = mapped_column(
        sa.ForeignKey("records.pk", ondelete="CASCADE"), primary_key=True
    )
    group_name: Mapped[str] = mapped_column(sa.String(200), primary_key=True, index=True)


class RecordRevisionRow(Base):
    """Every earlier version of a record, kept when it is updated."""

    __tablename__ = "record_revisions"

    record_pk: Mapped[int] = mapped_column(
        sa.ForeignKey("records.pk", ondelete="CASCADE"), primary_key=True
    )
    revision: Mapped[int] = mapped_column(sa.Integer, primary_key=True)
    metadata_doc: Mapped[dict[str, Any]] = mapped_column("metadata", JSONType)
    native_doc: Mapped[dict[str, Any] | None] = mapped_column("native", JSONType)
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)
    created_by: Mapped[str | None] = mapped_column(sa.String(36))


class RelationRow(Base):
    """A typed link from a record to an identifier; target_key is a normalised ARK or an IRI."""

    __tablename__ = "relations"

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True, autoincrement=True)
    source_pk: Mapped[int] = mapped_column(
        sa.ForeignKey("records.pk", ondelete="CASCADE"), index=True
    )
    predicate: Mapped[str] = mapped_column(sa.String(128))
    target_key: Mapped[str] = mapped_column(sa.String(1024), index=True)


class RecordFileRow(Base):
    __tablename__ = "record_files"
    __table_args__ = (sa.UniqueConstraint("record_pk", "path"),)

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True, autoincrement=True)
    record_pk: Mapped[int] = mapped_column(
        sa.ForeignKey("records.pk", ondelete="CASCADE"), index=True
    )
    path: Mapped[str] = mapped_column(sa.String(2048))
    size: Mapped[int] = mapped_column(sa.BigInteger)
    sha256: Mapped[str | None] = mapped_column(sa.String(64))
    md5: Mapped[str | None] = mapped_column(sa.String(32))
    media_type: Mapped[str | None] = mapped_column(sa.String(255))
    blob_key: Mapped[str | None] = mapped_column(sa.String(1024), index=True)
    external_url: Mapped[str | None] = mapped_column(sa.Text)
    client_checksum: Mapped[str | None] = mapped_column(sa.String(512))
    client_checksum_alg: Mapped[str | None] = mapped_column(sa.String(64))


class StagedFileRow(Base):
    """A file a SciCat client uploaded before its dataset exists (scitacean uploads first).

    Keyed by the account that staged it, the dataset's future `sourceFolder` and the file's
    path in it; an origdatablock that lists the path moves the blob into the dataset's files
    and removes this row (services/scicat/staging.py).
    """

    __tablename__ = "scicat_staged_files"
    __table_args__ = (sa.UniqueConstraint("owner_id", "source_folder", "path"),)

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True, autoincrement=True)
    owner_id: Mapped[str] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"))
    source_folder: Mapped[str] = mapped_column(sa.String(1024), index=True)
    path: Mapped[str] = mapped_column(sa.String(1024))
    blob_key: Mapped[str] = mapped_column(sa.String(1024), unique=True)
    size: Mapped[int] = mapped_column(sa.BigInteger)
    sha256: Mapped[str] = mapped_column(sa.String(64))
    md5: Mapped[str | None] = mapped_column(sa.String(32))
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)


class JobRow(Base):
    """Work that outlives a request: PENDING -> PROCESSING -> COMPLETE | FAILED."""

    __tablename__ = "jobs"
    __table_args__ = (sa.Index("ix_jobs_state_created", "state", "created_at"),)

    id: Mapped[str] = mapped_column(sa.String(36), primary_key=True)
    kind: Mapped[str] = mapped_column(sa.String(32))
    state: Mapped[str] = mapped_column(sa.String(16), default="PENDING")
    stage: Mapped[str | None] = mapped_column(sa.String(200))
    owner_id: Mapped[str | None] = mapped_column(sa.ForeignKey("users.id"), index=True)
    payload: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    result: Mapped[dict[str, Any] | None] = mapped_column(JSONType)
    error: Mapped[Any | None] = mapped_column(JSONType)
    attempts: Mapped[int] = mapped_column(sa.Integer, default=0)
    # runs that ended because a dependency was unavailable (not crashes): counted apart from
    # interrupted attempts, and the job is not claimed again before `not_before`
    retries: Mapped[int] = mapped_column(sa.Integer, default=0, server_default="0")
    not_before: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    lease_owner: Mapped[str | None] = mapped_column(sa.String(200))
    lease_expires_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)
    started_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    finished_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))


class BlobDeletionRow(Base):
    """Outbox of blobs to remove once the transaction that orphaned them has committed."""

    __tablename__ = "blob_deletions"

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True, autoincrement=True)
    blob_key: Mapped[str] = mapped_column(sa.String(1024))
    is_prefix: Mapped[bool] = mapped_column(sa.Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)


class LoginAttemptRow(Base):
    """A counter of failed logins (per account or per client address) and when its window ends.

    Used when no Redis is configured (storage/login_attempts/sql.py). Keys never hold what the
    user typed as a login name (it may be a mistyped password): those are hashed.
    """

    __tablename__ = "login_attempts"

    key: Mapped[str] = mapped_column(sa.String(200), primary_key=True)
    attempts: Mapped[int] = mapped_column(sa.Integer)
    window_ends_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), index=True)
