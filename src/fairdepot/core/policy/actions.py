"""What an actor can ask to do. Every face's operations map onto these, and only these."""

from __future__ import annotations

from enum import StrEnum


class Action(StrEnum):
    CREATE = "create"
    """Create a record with the owner group and organization asked for (target: CreateRequest)."""
    READ_METADATA = "read_metadata"
    READ_FILES = "read_files"
    UPDATE = "update"
    DELETE = "delete"
    """Move to the trash (FAIRSCAPE's delete, which tombstones at once, asks for this too)."""
    PURGE = "purge"
    """Remove for good (a tombstone); frees the record's names."""
    PUBLISH = "publish"
    MODERATE = "moderate"
    """Approve or reject a record submitted to a moderated organization."""
    MANAGE = "manage"
    """Members, profiles and groups of an organization (target: OrganizationTarget)."""


RECORD_ACTIONS = (
    Action.READ_METADATA,
    Action.READ_FILES,
    Action.UPDATE,
    Action.DELETE,
    Action.PURGE,
    Action.PUBLISH,
    Action.MODERATE,
)
"""Actions whose target is an existing record (its Access)."""

READ_ACTIONS = (Action.READ_METADATA, Action.READ_FILES)
"""Actions a read scope can be produced for."""
