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
    conversion = _conversion(unit.strip())
    if conversion is None:
        return None
    offset, factor, symbol = conversion
    if factor is None:  # not affine (logarithmic units): ask pint for this value
        converted = _convert(value, unit.strip())
        return None if converted is None else (converted[0], symbol)
    magnitude = offset + factor * value
    return (magnitude, symbol) if math.isfinite(magnitude) else None


@lru_cache(maxsize=4096)  # bounded: unit strings come from users
def _conversion(unit: str) -> tuple[float, float | None, str] | None:
    """(offset, factor, SI symbol) of a unit, so that SI = offset + factor * value; computed by
    pint once per unit (one conversion costs pint about half a millisecond), or None."""
    zero, one, ten = (_convert(x, unit) for x in (0.0, 1.0, 10.0))
    if zero is None or one is None or ten is None:
        return None
    factor = one[0] - zero[0]
    affine = math.isclose(zero[0] + 10 * factor, ten[0], rel_tol=1e-9, abs_tol=1e-12)
    return (zero[0], factor if affine else None, zero[1])


def _convert(value: float, unit: str) -> tuple[float, str] | None:
    try:
        quantity = _registry().Quantity(value, unit).to_base_units()
        magnitude = float(quantity.magnitude)
        symbol = f"{quantity.units:~}".replace(" ", "") or "1"
    except Exception:  # pint raises many kinds of error for text that is not a unit
        return None
    return (magnitude, symbol) if math.isfinite(magnitude) else None
