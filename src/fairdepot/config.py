"""All operator settings in one place: typed, defaulted, documented (docs/configuration.md).

Every setting can be given as an environment variable with the `FAIRDEPOT_` prefix. With no
settings at all, fairdepot runs embedded: SQLite and blobs under `./fairdepot-data`.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import tempfile
from functools import cached_property
from pathlib import Path
from typing import Annotated, Any

from pydantic import Field, PrivateAttr, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from fairdepot.core.policy import FacilityGroups

GIB = 1024**3

GroupList = Annotated[list[str], NoDecode]
"""A list of group names, given in the environment as `a,b,c`."""


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="FAIRDEPOT_", extra="ignore")
    _generated_key: str | None = PrivateAttr(default=None)

    data_dir: Path = Field(
        Path("fairdepot-data"), description="Folder for SQLite, blobs, secret key."
    )
    database_url: str = Field("", description="SQLAlchemy URL; empty means SQLite in DATA_DIR.")
    storage_url: str = Field("", description="file:///path, a path, or s3://bucket[/prefix].")
    naan: str = Field("99999", description="Name Assigning Authority Number of minted ARKs.")
    ark_shoulder: str = Field("fd1", description="Primordinal shoulder of minted ARKs.")
    public_url: str = Field(
        "http://127.0.0.1:8000", description="Base URL clients reach; used in contentUrl links."
    )
    secret_key: str = Field("", description="Signs login tokens; generated into DATA_DIR if empty.")
    accounts_file: Path | None = Field(None, description="functionalAccounts.json loaded at start.")
    blob_deletion_grace_seconds: int = Field(
        86_400,
        ge=0,
        description="A blob no record needs any more is deleted only this long after; "
        "keep it longer than a backup takes (`fairdepot backup`).",
    )
    admin_groups: GroupList = Field(
        ["admin"], description="Members of any of these groups may do anything."
    )
    admin_group: str | None = Field(
        None,
        description="The former single admin group (before ADMIN_GROUPS); still honoured, "
        "added to ADMIN_GROUPS, so that an upgraded deployment keeps its administrators.",
    )
    delete_groups: GroupList = Field(
        [], description="Members may delete (trash) and purge any record (SciCat DELETE_GROUPS)."
    )
    create_with_pid_groups: GroupList = Field(
        [],
        description="Members may create records with an identifier of their own choosing "
        "(SciCat CREATE_DATASET_WITH_PID_GROUPS).",
    )
    create_privileged_groups: GroupList = Field(
        [],
        description="Members may create records for any owner group, with their own "
        "identifiers too (SciCat CREATE_DATASET_PRIVILEGED_GROUPS).",
    )
    proposal_groups: GroupList = Field(
        [],
        description="Members may create SciCat proposals, besides administrators (SciCat "
        "PROPOSAL_GROUPS; by default administrators only).",
    )
    update_dataset_lifecycle_groups: GroupList = Field(
        [],
        description="Members may read any SciCat dataset by its pid and change its "
        "datasetlifecycle (SciCat UPDATE_DATASET_LIFECYCLE_GROUPS; archive systems).",
    )
    datacite_url: str | None = Field(
        None,
        description="DataCite REST API (e.g. https://api.test.datacite.org); with the account "
        "below, a registered SciCat PublishedData gets its DOI there. Unset: no DOI is minted.",
    )
    datacite_username: str | None = Field(None, description="DataCite repository account.")
    datacite_password: str | None = Field(None, description="DataCite repository password.")
    datacite_prefix: str | None = Field(
        None, description="DOI prefix of the DataCite account (e.g. 10.5072)."
    )
    pid_prefix: str = Field(
        "fairdepot",
        min_length=1,
        description="SciCat dataset PIDs are PREFIX/uuid4 (SciCat PID_PREFIX; a trailing '/' "
        "is dropped).",
    )
    token_ttl_seconds: int = Field(24 * 3600, description="Lifetime of login tokens.")
    login_max_failures_per_account: int = Field(
        10, ge=0, description="Failed logins of one login name per window before 429; 0: off."
    )
    login_account_window_seconds: int = Field(
        900, ge=1, description="Window of the per-account failed-login limit."
    )
    login_max_failures_per_address: int = Field(
        100, ge=0, description="Failed logins from one client address per window; 0: off."
    )
    login_address_window_seconds: int = Field(
        900, ge=1, description="Window of the per-address failed-login limit."
    )
    redis_url: str = Field("", description="redis://host:port/db for shared login counters.")
    redis_key_prefix: str = Field("fairdepot:", description="Prefix of every key in Redis.")

    max_upload_bytes: int = Field(20 * GIB, description="Largest accepted upload (413 above).")
    zip_max_entries: int = Field(10_000, description="Most members a crate zip may have.")
    zip_max_total_bytes: int = Field(50 * GIB, description="Largest total uncompressed size.")
    zip_max_member_bytes: int = Field(20 * GIB, description="Largest uncompressed member.")
    zip_max_ratio: float = Field(200.0, description="Largest uncompressed/compressed ratio.")
    zip_max_metadata_bytes: int = Field(64 * 1024**2, description="Largest ro-crate-metadata.json.")
    json_max_depth: int = Field(
        256, ge=2, le=384, description="Deepest nesting of arrays/objects in accepted JSON."
    )
    json_max_body_bytes: int = Field(
        32 * 1024**2,
        ge=1024,
        description="Largest JSON request body (413 above); read no further than that.",
    )
    json_max_number_length: int = Field(
        100, ge=20, le=4000, description="Most characters of one number in accepted JSON."
    )

    worker_poll_seconds: float = Field(1.0, description="How often an idle worker looks for jobs.")
    job_lease_seconds: int = Field(60, description="A claimed job returns to the queue after this.")
    job_max_attempts: int = Field(3, description="Interrupted runs before a job fails for good.")
    job_max_retries: int = Field(
        12, description="Retries of a job after a dependency outage before it fails for good."
    )
    job_retry_base_seconds: float = Field(
        2.0, description="First retry delay; doubles with each retry (with jitter)."
    )
    job_retry_max_seconds: float = Field(300.0, description="Longest delay between retries.")
    representation_cache_bytes: int = Field(
        64 * 1024**2,
        ge=0,
        description="Bytes of serialised records (JSON, JSON-LD, RDF) each API process keeps "
        "per record revision; 0: serialise every request.",
    )

    gcat_enforce_max_occurs: bool = Field(
        False,
        description="gCat items: refuse more values of a profile field than its maxOccurs "
        "allows (off: gCat 1.3.0, which parses maxOccurs and ignores it).",
    )

    s3_endpoint_url: str | None = Field(None, description="Overrides AWS_ENDPOINT_URL.")
    s3_region: str | None = Field(None, description="Overrides AWS_REGION.")
    s3_access_key_id: str | None = Field(None, description="Overrides AWS_ACCESS_KEY_ID.")
    s3_secret_access_key: str | None = Field(None, description="Overrides AWS_SECRET_ACCESS_KEY.")
    s3_connect_timeout_seconds: float = Field(5.0, description="S3 connect timeout per try.")
    s3_read_timeout_seconds: float = Field(20.0, description="S3 read timeout per try.")
    s3_max_attempts: int = Field(3, description="S3 tries per call, the first included.")
    unavailable_retry_after_seconds: int = Field(
        5, description="Retry-After of a 503; how long a failed blob store is not asked again."
    )
    readiness_timeout_seconds: float = Field(
        2.0, description="How long /readyz waits for the database and the blob store."
    )

    @field_validator(
        "admin_groups",
        "delete_groups",
        "create_with_pid_groups",
        "create_privileged_groups",
        "proposal_groups",
        "update_dataset_lifecycle_groups",
        mode="before",
    )
    @classmethod
    def _comma_separated(cls, value: Any) -> Any:
        if isinstance(value, str):
            return [group.strip() for group in value.split(",") if group.strip()]
        return value

    @cached_property
    def facility_groups(self) -> FacilityGroups:
        """The group lists the policy reads from every actor."""
        return FacilityGroups(
            admin=frozenset(self.admin_groups)
            | (frozenset({self.admin_group}) if self.admin_group else frozenset()),
            delete=frozenset(self.delete_groups),
            create_with_pid=frozenset(self.create_with_pid_groups),
            create_for_any_owner_group=frozenset(self.create_privileged_groups),
        )

    @cached_property
    def resolved_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite:///{self.data_dir.resolve() / 'fairdepot.db'}"

    @property
    def base_url(self) -> str:
        return self.public_url.rstrip("/")

    def signing_key(self) -> str:
        """The configured secret, or one generated once and kept in the data folder.

        Kept on disk (mode 0600) so that tokens survive restarts and every process sharing the
        data folder signs with the same key. It is written to a temporary file and linked into
        place, so a process starting at the same moment reads the whole key or none.
        """
        if self.secret_key:
            return self.secret_key
        if self._generated_key is None:
            self._generated_key = _stored_key(self.data_dir / "secret_key")
        return self._generated_key


def _stored_key(path: Path) -> str:
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".secret-")
        try:
            with os.fdopen(fd, "w") as handle:
                handle.write(secrets.token_urlsafe(48))
            os.chmod(tmp, 0o600)
            with contextlib.suppress(FileExistsError):  # another process was first: use theirs
                os.link(tmp, path)
        finally:
            os.unlink(tmp)
    key = path.read_text().strip()
    if not key:
        raise RuntimeError(f"{path} is empty; delete it or set FAIRDEPOT_SECRET_KEY")
    return key
