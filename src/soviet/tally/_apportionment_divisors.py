"""The divisor (highest-averages) methods: every seat after the minimums goes, one at a
time, to the constituency with the highest average for its next seat.

An average is exact: a `Fraction`, or None for an infinite one (Huntington–Hill's first
seat, whose divisor is 0). Huntington–Hill's average `P / sqrt(n (n + 1))` is held
squared, `P² / (n (n + 1))`, which orders the constituencies the same way with no square
root, so a near tie is decided exactly.

Ties are broken by a fixed total order — the larger size first, then the name in code
point order — so the seats given for `S` seats are always among those given for `S + 1`.
Only a tie at the last seat changes the outcome; the run reports it.
"""

from __future__ import annotations

import heapq
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from fractions import Fraction

#: The average of a constituency of size `p` holding `n` seats, for its seat `n + 1`.
Average = Callable[[int, int], Fraction | None]
#: How an average ranks in the heap: infinite ones first, then the highest.
_Rank = tuple[int, Fraction]
_Entry = tuple[int, Fraction, int, int, int, int]


def dhondt(p: int, n: int) -> Fraction:
    """D'Hondt (Jefferson): divisors 1, 2, 3, …"""
    return Fraction(p, n + 1)


def sainte_lague(p: int, n: int) -> Fraction:
    """Sainte-Laguë (Webster): divisors 1, 3, 5, … (the same order as 0.5, 1.5, 2.5, …)."""
    return Fraction(p, 2 * n + 1)


def huntington_hill(p: int, n: int) -> Fraction | None:
    """Huntington–Hill (equal proportions), squared: `P² / (n (n + 1))`; infinite at n = 0."""
    return None if n == 0 else Fraction(p * p, n * (n + 1))


@dataclass(frozen=True)
class DivisorRun:
    """What a divisor method gave: each constituency's seats (in input order), every seat
    after the minimums in the order it was given (index, that constituency's seat number),
    and the tie at the last seat, if there was one (the tied indexes, those given a seat)."""

    seats: tuple[int, ...]
    order: tuple[tuple[int, int], ...]
    tie: tuple[tuple[int, ...], tuple[int, ...]] | None


def run_divisor(
    sizes: Sequence[int],
    names: Sequence[str],
    seats: int,
    average: Average,
    minimum: int,
    maximum: int | None,
) -> DivisorRun:
    """Give `seats` seats: `minimum` to each, then one at a time by highest average, never
    past `maximum`. A constituency of size 0 gets its minimum only. The caller has checked
    that the seats can be given (at least the minimums, at most what the caps allow)."""
    by_name = {name: rank for rank, name in enumerate(sorted(names))}
    held = [minimum] * len(sizes)

    def entry(i: int) -> _Entry:
        n = held[i]
        value = average(sizes[i], n)
        if value is None:
            return (0, Fraction(0), -sizes[i], by_name[names[i]], i, n)
        return (1, -value, -sizes[i], by_name[names[i]], i, n)

    def open_to_more(i: int) -> bool:
        return sizes[i] > 0 and (maximum is None or held[i] < maximum)

    heap = [entry(i) for i in range(len(sizes)) if open_to_more(i)]
    heapq.heapify(heap)
    order: list[tuple[int, int]] = []
    ranks: list[_Rank] = []
    for _ in range(seats - minimum * len(sizes)):
        flag, value, _size, _name, i, n = heapq.heappop(heap)
        held[i] = n + 1
        order.append((i, n + 1))
        ranks.append((flag, value))
        if open_to_more(i):
            heapq.heappush(heap, entry(i))
    return DivisorRun(tuple(held), tuple(order), _tie(order, ranks, heap))


def _tie(
    order: Sequence[tuple[int, int]], ranks: Sequence[_Rank], heap: Sequence[_Entry]
) -> tuple[tuple[int, ...], tuple[int, ...]] | None:
    """The tie at the last seat given: the constituencies whose average equals the last
    seat's, given a seat at it or not, when one of them was left without."""
    if not ranks or not heap:
        return None
    last = ranks[-1]
    if (heap[0][0], heap[0][1]) != last:
        return None
    chosen: list[int] = []
    for (i, _nth), rank in zip(reversed(order), reversed(ranks), strict=True):
        if rank != last:
            break
        chosen.append(i)
    left = [e[4] for e in heap if (e[0], e[1]) == last]
    return tuple(sorted({*chosen, *left})), tuple(sorted(set(chosen)))
