"""The arithmetics of Meek STV: fixed point, guarded fixed point, rational.

Each works on scalars and on numpy arrays alike (int64 where products cannot overflow,
Python integers or fractions in object arrays otherwise), so one Meek count serves all.

- ``fixed``: decimals held as integers scaled by 10**p; products and quotients are
  truncated or, where asked, rounded up.
- ``guarded``: fixed point with p + g decimals, truncated; two values closer than half a
  unit of the p-th decimal compare equal, so guard digits absorb truncation errors and the
  count behaves as an exact one would.
- ``rational``: exact fractions.
"""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction
from typing import Any

import numpy as np

Array = Any  # a numpy array of int64, Python int or Fraction, matching the arithmetic


class Arithmetic:
    """Fixed-point arithmetic with ``places`` decimals: the base of the three."""

    exact = False

    def __init__(self, places: int, shown: int) -> None:
        self.places = places
        self.shown = shown
        self.scale = 10**places
        self.one: Any = self.scale
        self.zero: Any = 0
        self.epsilon: Any = 1
        self.dtype: Any = np.int64 if places <= 9 else object

    def of(self, n: int) -> Any:
        """The value of the whole number ``n``."""
        return n * self.scale

    def array(self, values: list[Any]) -> Array:
        """A numpy array holding ``values`` in this arithmetic's representation."""
        return np.array(values, dtype=self.dtype)

    def mul(self, a: Any, b: Any, up: bool = False) -> Any:
        """``a * b``, truncated or rounded up to the last place."""
        if up:
            return -((-(a * b)) // self.scale)
        return (a * b) // self.scale

    def div(self, a: Any, b: Any, up: bool = False) -> Any:
        """``a / b``, truncated or rounded up to the last place."""
        if up:
            return -((-(a * self.scale)) // b)
        return (a * self.scale) // b

    def div_int(self, a: Any, n: int) -> Any:
        """``a / n`` for a whole number ``n``, truncated."""
        return a // n

    def cmp(self, a: Any, b: Any) -> int:
        """-1, 0 or 1 as ``a`` is less than, equal to or greater than ``b``."""
        return int(a > b) - int(a < b)

    def spent(self, weights: Array) -> Array:
        """Which ballot weights are used up (no longer above zero)."""
        return np.asarray(weights <= 0, dtype=bool)

    def number(self, value: Any) -> Decimal | Fraction | int:
        """A value as the count reports it: a decimal with the shown places."""
        return Decimal(int(value)).scaleb(-self.places)

    def describe(self) -> str:
        return f"fixed point, {self.places} decimal places"


class Guarded(Arithmetic):
    """Fixed point with guard digits; values within half a unit of precision are equal."""

    exact = True

    def __init__(self, precision: int, guard: int) -> None:
        super().__init__(precision + guard, precision)
        self.precision = precision
        self.guard = guard
        self.tolerance = max(10**guard // 2, 1)
        self.dtype = object

    def mul(self, a: Any, b: Any, up: bool = False) -> Any:
        return (a * b) // self.scale

    def div(self, a: Any, b: Any, up: bool = False) -> Any:
        return (a * self.scale) // b

    def cmp(self, a: Any, b: Any) -> int:
        if abs(a - b) < self.tolerance:
            return 0
        return 1 if a > b else -1

    def spent(self, weights: Array) -> Array:
        return np.asarray(weights < self.tolerance, dtype=bool)

    def number(self, value: Any) -> Decimal | Fraction | int:
        unit = 10**self.guard
        rounded = (int(value) + unit // 2) // unit
        return Decimal(rounded).scaleb(-self.precision)

    def describe(self) -> str:
        return f"guarded fixed point, {self.precision}+{self.guard} decimal places"


class Rational(Arithmetic):
    """Exact fractions."""

    exact = True

    def __init__(self) -> None:
        super().__init__(0, 0)
        self.one = Fraction(1)
        self.zero = Fraction(0)
        self.epsilon = Fraction(0)
        self.dtype = object

    def of(self, n: int) -> Any:
        return Fraction(n)

    def mul(self, a: Any, b: Any, up: bool = False) -> Any:
        return a * b

    def div(self, a: Any, b: Any, up: bool = False) -> Any:
        return a / b

    def div_int(self, a: Any, n: int) -> Any:
        return a / n

    def number(self, value: Any) -> Decimal | Fraction | int:
        return Fraction(value)

    def describe(self) -> str:
        return "rational (exact fractions)"
