"""Fixed-point helpers: exact decimals held as integers scaled by a power of ten."""

from __future__ import annotations

from decimal import Decimal

import numpy as np
import numpy.typing as npt

IntArray = npt.NDArray[np.int64]

_INT64_MAX = (1 << 63) - 1


def to_decimal(scaled: int, places: int) -> Decimal:
    """The decimal a scaled integer stands for, with exactly ``places`` decimals."""
    return Decimal(int(scaled)).scaleb(-places)


def muldiv_floor(values: IntArray, numerator: int, denominator: int) -> IntArray:
    """``floor(values * numerator / denominator)`` element-wise, exactly, for values >= 0.

    int64 products are used when they cannot overflow, Python integers otherwise.
    """
    if values.size == 0:
        return values.copy()
    if numerator == 0:
        return np.zeros_like(values)
    if int(values.max()) <= _INT64_MAX // numerator:
        return (values * numerator) // denominator
    exact = [v * numerator // denominator for v in values.tolist()]
    return np.array(exact, dtype=np.int64)
