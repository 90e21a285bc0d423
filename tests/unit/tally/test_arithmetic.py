"""Meek's arithmetics: fixed point rounding, guarded equality, exact fractions."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import numpy as np

from soviet.tally._arithmetic import Arithmetic, Guarded, Rational
from soviet.tally._fixed import muldiv_floor, to_decimal


def test_fixed_point_truncates_unless_asked_to_round_up() -> None:
    a = Arithmetic(3, 3)
    third = a.div(a.one, a.of(3))
    assert third == 333
    assert a.div(a.one, a.of(3), up=True) == 334
    assert a.mul(third, third) == 110 and a.mul(third, third, up=True) == 111


def test_fixed_point_rounding_works_on_arrays() -> None:
    a = Arithmetic(3, 3)
    values = a.array([333, 500])
    assert a.mul(values, values, up=True).tolist() == [111, 250]


def test_guarded_values_within_half_a_unit_of_precision_are_equal() -> None:
    g = Guarded(4, 2)  # 6 places held, 4 shown; equal within 50 millionths
    assert g.cmp(1_000_000, 1_000_049) == 0
    assert g.cmp(1_000_000, 1_000_050) == -1
    assert g.number(1_234_550) == Decimal("1.2346")


def test_rational_arithmetic_is_exact() -> None:
    r = Rational()
    assert r.div(r.one, r.of(3)) * 3 == 1
    assert r.number(Fraction(2, 3)) == Fraction(2, 3)


def test_scaled_integers_read_as_decimals_with_their_places() -> None:
    assert to_decimal(130_000_000, 5) == Decimal("1300.00000")
    assert str(to_decimal(103_505_847, 5)) == "1035.05847"


def test_muldiv_floor_is_exact_even_past_int64_products() -> None:
    # A transfer value: value x surplus / total, where the product passes 2**63.
    values = np.array([10**5, 3], dtype=np.int64)
    surplus, total = 10**17, 10**17 + 3
    expected = [10**5 * surplus // total, 3 * surplus // total]
    assert muldiv_floor(values, surplus, total).tolist() == expected
