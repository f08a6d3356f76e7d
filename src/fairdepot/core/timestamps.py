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


def millisecond_instant(value: datetime) -> datetime:
    """The instant as SciCat keeps it: UTC (a naive value is UTC), cut to whole milliseconds,
    the precision of a Mongo Date. A `where` on a dataset's time field compares this, so a
    client's microseconds match what was stored from them."""
    utc = value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
    return utc.replace(microsecond=utc.microsecond // 1000 * 1000)


def format_time(value: datetime) -> str:
    """`millisecond_instant` as text: UTC ISO 8601 with millisecond precision and a `Z`,
    JavaScript's `toISOString`, the form SciCat's backend gives every Date back in (always a
    four-digit year: strftime's `%Y` does not pad years before 1000 on glibc, which clients'
    ISO parsers refuse)."""
    return millisecond_instant(value).isoformat(timespec="milliseconds").replace("+00:00", "Z")
