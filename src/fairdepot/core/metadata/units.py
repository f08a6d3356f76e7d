"""Values with a unit (`{"value": 5, "unit": "mm"}`) in SI units, for SciCat's valueSI/unitSI.

Conversion is pint's (its default registry, loaded once on first use). A unit pint does not know
gives no SI value: the record is still stored and found by its own value and unit.
"""

from __future__ import annotations

import math
from functools import cache, lru_cache
from typing import Any

MAX_UNIT_LENGTH = 64


@cache
def _registry() -> Any:
    import pint  # imported on first use: building the registry takes a noticeable moment

    return pint.UnitRegistry()


def to_si(value: float, unit: str) -> tuple[float, str] | None:
    """`value unit` in SI base units as (magnitude, unit symbol), or None if not convertible."""
    if not unit or len(unit) > MAX_UNIT_LENGTH or not math.isfinite(value):
        return None
    try:
        quantity = _registry().Quantity(value, unit.strip()).to_base_units()
        magnitude = float(quantity.magnitude)
        symbol = f"{quantity.units:~}".replace(" ", "") or "1"
    except Exception:
        return None
    return (magnitude, symbol) if math.isfinite(magnitude) else None
