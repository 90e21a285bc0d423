"""Hamilton's method (largest remainders, Hare quota), in exact fractions, with bounds.

Each constituency's quota is its share of the seats, `size × seats / total`. With bounds,
the quotas are scaled by one common factor `λ` and each is held within them,
`clamp(λ × size, minimum, maximum)`, with `λ` chosen so that the held quotas sum to the
seats; without bounds that is the plain quota (`λ = seats / total`). Each constituency
gets the whole part of its quota, and the seats left over go to the largest fractional
parts — ties by the larger size, then the name in code point order. A constituency of
size 0 gets its minimum.
"""

from __future__ import annotations

from collections.abc import Sequence
from fractions import Fraction
from math import floor


def quotas(sizes: Sequence[int], seats: int, minimum: int, maximum: int | None) -> list[Fraction]:
    """Every constituency's quota held within its bounds, summing to `seats` (the caller
    has checked that the bounds allow it)."""
    return [
        _clamp(factor * p, minimum, maximum) if p else Fraction(minimum)
        for factor in [_factor(sizes, seats, minimum, maximum)]
        for p in sizes
    ]


def _factor(sizes: Sequence[int], seats: int, minimum: int, maximum: int | None) -> Fraction:
    """The common factor `λ` that makes the held quotas sum to `seats`.

    The sum grows with `λ` piecewise linearly: a constituency of size `p` is held at its
    minimum up to `λ = minimum / p`, free (`λ × p`) up to `maximum / p`, then held at its
    maximum. One sweep over those bends finds the piece that reaches the seats.
    """
    held = minimum * len(sizes)  # the seats of those held at a bound (all at first)
    if held == seats:
        return Fraction(0)
    free = 0  # the sizes of those free
    bends: list[tuple[Fraction, int, int]] = []  # where a constituency frees or stops: Δheld, Δfree
    for p in (p for p in sizes if p):
        if minimum:
            bends.append((Fraction(minimum, p), -minimum, p))
        else:
            free += p
        if maximum is not None:
            bends.append((Fraction(maximum, p), maximum, -p))
    bends.sort(key=lambda bend: bend[0])
    for at, more_held, more_free in bends:
        if free and held + at * free >= seats:
            break
        held += more_held
        free += more_free
    return (seats - held) / Fraction(free)


def _clamp(value: Fraction, minimum: int, maximum: int | None) -> Fraction:
    if value < minimum:
        return Fraction(minimum)
    if maximum is not None and value > maximum:
        return Fraction(maximum)
    return value


def run_hamilton(
    sizes: Sequence[int],
    names: Sequence[str],
    seats: int,
    minimum: int,
    maximum: int | None,
) -> tuple[tuple[int, ...], tuple[tuple[int, ...], tuple[int, ...]] | None]:
    """Each constituency's seats (in input order), and the tie for the last seat if there
    was one (the tied indexes, those given a seat)."""
    shares = quotas(sizes, seats, minimum, maximum)
    given = [floor(q) for q in shares]
    left = seats - sum(given)
    by_name = {name: rank for rank, name in enumerate(sorted(names))}
    parts = [q - g for q, g in zip(shares, given, strict=True)]
    queue = sorted(range(len(sizes)), key=lambda i: (-parts[i], -sizes[i], by_name[names[i]]))
    for i in queue[:left]:
        given[i] += 1
    tie = None
    if 0 < left < len(queue) and parts[queue[left - 1]] == parts[queue[left]]:
        last = parts[queue[left - 1]]
        tied = tuple(sorted(i for i in queue if parts[i] == last))
        tie = tied, tuple(sorted(i for i in queue[:left] if parts[i] == last))
    return tuple(given), tie
