"""The SciCat dataset body the SciCat tests start from, so each names only what it varies."""

from __future__ import annotations

from typing import Any


def raw_dataset(tag: str, **extra: Any) -> dict[str, Any]:
    """A valid v4 raw dataset of group1 named `tag` (its `sourceFolder` under /data/`tag`);
    `extra` adds or replaces fields."""
    return {
        "type": "raw",
        "ownerGroup": "group1",
        "owner": "Ann",
        "contactEmail": "ann@example.org",
        "sourceFolder": f"/data/{tag}",
        "creationTime": "2024-01-01T00:00:00Z",
        "datasetName": tag,
        "principalInvestigators": ["Pat"],
        "creationLocation": "X",
        **extra,
    }
