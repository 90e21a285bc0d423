"""Apportionment: sharing a council's seats among constituencies in proportion to their sizes.

`apportion` is the one entry point, the same for ``soviet apportion FILE`` and for a
charter that sizes a council's delegations; `METHODS` is the registry of methods by name:

- ``huntington-hill`` (equal proportions, the US House's rule since 1941), ``sainte-lague``
  (Webster) and ``dhondt`` (Jefferson): divisor methods (`_apportionment_divisors`);
- ``hamilton``: largest remainders of the Hare quota (`_apportionment_hamilton`).

Every constituency first gets ``minimum`` seats (Huntington–Hill's own rule gives each one
seat, so ``minimum=1`` is its standard form; with ``minimum=0`` its first divisor is 0, so
every constituency of size > 0 gets a seat before any gets a second) and never more than
``maximum``; a constituency of size 0 gets its minimum and no more. Arithmetic is exact
(integers and fractions, never floats). A tie for the last seat is broken by the larger
size, then by the name in code point order, and recorded in the result's ``ties``.

`seats_per` and `apportion_per` are the charter's other rule: one seat per so many members,
rounded half up (the largest-remainder rule for one body), held within bounds.

Every argument an apportionment cannot take raises `ApportionmentError`, a `TallyError`
(bad input: exit 2 at the edges); the results are in `_apportionment_results`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

from soviet.tally._apportionment_divisors import (
    Average,
    dhondt,
    huntington_hill,
    run_divisor,
    sainte_lague,
)
from soviet.tally._apportionment_hamilton import run_hamilton
from soviet.tally._apportionment_results import (
    TIE_RULE,
    Allocation,
    ApportionmentError,
    ApportionmentTie,
    Award,
)

__all__ = [
    "MAX_SEATS",
    "MAX_SIZE",
    "METHODS",
    "TIE_RULE",
    "Allocation",
    "ApportionmentError",
    "ApportionmentMethod",
    "ApportionmentTie",
    "Award",
    "apportion",
    "apportion_per",
    "priority_order",
    "seats_per",
]

#: The most seats an apportionment gives: far above any council, and quick to reach.
MAX_SEATS = 100_000
#: The largest size a constituency may have: what the log and the databases store (2^63 - 1).
MAX_SIZE = 2**63 - 1


@dataclass(frozen=True)
class ApportionmentMethod:
    """A registered apportionment method: its name, what it is, and for a divisor method its
    average (None for Hamilton's largest remainders)."""

    name: str
    summary: str
    average: Average | None

    @property
    def house_monotone(self) -> bool:
        """Whether one more seat never takes a seat from anyone (false for Hamilton: the
        Alabama paradox)."""
        return self.average is not None


METHODS: Mapping[str, ApportionmentMethod] = MappingProxyType(
    {
        m.name: m
        for m in (
            ApportionmentMethod(
                "huntington-hill",
                "equal proportions: divisor sqrt(n(n+1)); the US House since 1941",
                huntington_hill,
            ),
            ApportionmentMethod(
                "sainte-lague", "Sainte-Laguë (Webster): divisors 1, 3, 5, …", sainte_lague
            ),
            ApportionmentMethod("dhondt", "D'Hondt (Jefferson): divisors 1, 2, 3, …", dhondt),
            ApportionmentMethod(
                "hamilton", "largest remainders of the Hare quota (size × seats / total)", None
            ),
        )
    }
)


def apportion(
    sizes: Mapping[str, int],
    seats: int,
    method: str = "huntington-hill",
    minimum: int = 1,
    maximum: int | None = None,
) -> Allocation:
    """Share `seats` seats among the constituencies of `sizes` (name → size) by `method`."""
    spec = _method(method)
    names, values = _checked(sizes, seats, minimum, maximum)
    if spec.average is None:
        given, tie = run_hamilton(values, names, seats, minimum, maximum)
    else:
        run = run_divisor(values, names, seats, spec.average, minimum, maximum)
        given, tie = run.seats, run.tie
    ties: tuple[ApportionmentTie, ...] = ()
    if tie is not None:  # each one chosen won one seat at the tied claim
        between, chosen = tie
        ties = (
            ApportionmentTie(
                tuple(names[i] for i in between), len(chosen), tuple(names[i] for i in chosen)
            ),
        )
    allocation = MappingProxyType(dict(zip(names, given, strict=True)))
    return Allocation(spec.name, seats, allocation, minimum, maximum, ties)


def priority_order(
    sizes: Mapping[str, int],
    seats: int,
    method: str = "huntington-hill",
    minimum: int = 1,
    maximum: int | None = None,
) -> tuple[Award, ...]:
    """Every seat after the minimums, in the order a divisor method gives them, numbered
    in the whole council: with 50 states and a minimum of 1, the first is seat 51."""
    spec = _method(method)
    if spec.average is None:
        raise ApportionmentError(
            f"{spec.name} gives its seats all at once, in no order of priority; "
            "a divisor method has one"
        )
    names, values = _checked(sizes, seats, minimum, maximum)
    run = run_divisor(values, names, seats, spec.average, minimum, maximum)
    first = minimum * len(names)
    return tuple(Award(first + k, names[i], nth) for k, (i, nth) in enumerate(run.order, start=1))


def seats_per(size: int, per: int, minimum: int = 1, maximum: int | None = None) -> int:
    """The seats of a body of `size` members at one seat per `per` members: `size / per`
    rounded half up (the largest-remainder rule for one body), held within the bounds."""
    _whole(per, "per", least=1)
    _whole(size, "a size", least=0, most=MAX_SIZE)
    _bounds(minimum, maximum)
    rounded = (2 * size + per) // (2 * per)
    return max(minimum, rounded if maximum is None else min(maximum, rounded))


def apportion_per(
    sizes: Mapping[str, int], per: int, minimum: int = 1, maximum: int | None = None
) -> Allocation:
    """Every body's seats by `seats_per`; the council's size is their sum (method ``per``)."""
    given = {name: seats_per(size, per, minimum, maximum) for name, size in sizes.items()}
    _names(given)
    return Allocation("per", sum(given.values()), MappingProxyType(given), minimum, maximum)


def _method(name: str) -> ApportionmentMethod:
    spec = METHODS.get(name)
    if spec is None:
        known = ", ".join(METHODS)
        raise ApportionmentError(f"unknown apportionment method {name!r}; choose one of: {known}")
    return spec


def _checked(
    sizes: Mapping[str, int], seats: int, minimum: int, maximum: int | None
) -> tuple[list[str], list[int]]:
    """The names and sizes, once every argument is known to be one an apportionment takes."""
    names = _names(sizes)
    values = [
        _whole(sizes[name], f"the size of {name!r}", least=0, most=MAX_SIZE) for name in names
    ]
    _whole(seats, "seats", least=1, most=MAX_SEATS)
    _bounds(minimum, maximum)
    count = len(names)
    if seats < count * minimum:
        raise ApportionmentError(
            f"{_seats(seats)} cannot give each of the {count} constituencies its minimum of "
            f"{minimum}: that takes {count * minimum}"
        )
    empty = sum(1 for v in values if v == 0)
    room = None if maximum is None else (count - empty) * maximum + empty * minimum
    if empty == count and seats > count * minimum:
        raise ApportionmentError(
            f"every size is 0: there is nothing to share {_seats(seats - count * minimum)} by"
        )
    if room is not None and seats > room:
        zeros = f", {empty} of size 0 only its minimum" if empty else ""
        raise ApportionmentError(
            f"{_seats(seats)} cannot all be given at most {maximum} a constituency: "
            f"{count} constituencies take at most {room}{zeros}"
        )
    return names, values


def _seats(number: int) -> str:
    return f"{number} seat{'s' if number != 1 else ''}"


def _names(sizes: Mapping[str, object]) -> list[str]:
    names = list(sizes)
    if not names:
        raise ApportionmentError("there is no constituency to apportion seats among")
    for name in names:
        if not isinstance(name, str) or not name:
            raise ApportionmentError(f"a constituency's name must be text, not {name!r}")
    return names


def _bounds(minimum: int, maximum: int | None) -> None:
    _whole(minimum, "the minimum", least=0, most=MAX_SEATS)
    if maximum is not None:
        _whole(maximum, "the maximum", least=1, most=MAX_SEATS)
        if maximum < minimum:
            raise ApportionmentError(
                f"the maximum ({maximum}) must be at least the minimum ({minimum})"
            )


def _whole(value: object, what: str, *, least: int, most: int | None = None) -> int:
    """`value`, if it is a whole number within [least, most]."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise ApportionmentError(f"{what} must be a whole number, not {value!r}")
    if value < least or (most is not None and value > most):
        span = f"from {least:,} to {most:,}" if most is not None else f"at least {least:,}"
        raise ApportionmentError(f"{what} must be {span}, not {value:,}")
    return value
