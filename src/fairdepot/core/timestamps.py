"""Times as the catalogue keeps and shows them: always UTC, shown as ISO 8601 with a `Z`."""

from __future__ import annotations

from datetime import UTC, datetime


def utcnow() -> datetime:
    return datetime.now(UTC)


def as_utc(value: datetime | None) -> datetime | None:
    """SQLite hands back naive datetimes; everything we store is UTC."""
    if value is not None and value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value


def isoformat_z(value: datetime | None) -> str | None:
    """UTC ISO 8601 with a `Z`, the form every face emits."""
    value = as_utc(value)
    return value.isoformat().replace("+00:00", "Z") if value else None
