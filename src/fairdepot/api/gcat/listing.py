"""A listing's answer as gCat gives it: a JSON array of names, or `{"count": N}`."""

from __future__ import annotations

from typing import Any

from fairdepot.services.gcat.listing import Listed


def listed(answer: Listed) -> Any:
    return {"count": answer} if isinstance(answer, int) else answer
