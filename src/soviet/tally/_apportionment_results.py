"""What an apportionment gives: each constituency's seats, the tie for the last seat if
there was one, and (for a divisor method) the order in which the seats were given.

Errors::

    TallyError                (soviet.tally.errors)
     └── ApportionmentError   an apportionment that cannot be made as asked
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from soviet.tally.errors import TallyError
from soviet.tally.results import JsonValue

#: How a tie for the last seat is broken, as a result records it.
TIE_RULE = "larger size, then name order"


class ApportionmentError(TallyError):
    """An apportionment that cannot be made as asked; the message names the argument."""


@dataclass(frozen=True)
class ApportionmentTie:
    """A tie for the last seat: `between` had equal claims to `seats` seats, which went to
    `chosen` by `broken_by`."""

    between: tuple[str, ...]
    seats: int
    chosen: tuple[str, ...]
    broken_by: str = TIE_RULE

    def to_json(self) -> dict[str, JsonValue]:
        return {
            "between": list(self.between),
            "seats": self.seats,
            "chosen": list(self.chosen),
            "broken_by": self.broken_by,
        }


@dataclass(frozen=True)
class Allocation:
    """The seats each constituency gets (`allocation`, in the order the sizes were given)."""

    method: str
    seats: int
    allocation: Mapping[str, int]
    minimum: int = 0
    maximum: int | None = None
    ties: tuple[ApportionmentTie, ...] = ()

    def to_json(self) -> dict[str, JsonValue]:
        """`{"method", "seats", "allocation": {name: seats}, "ties": [...]}`."""
        return {
            "method": self.method,
            "seats": self.seats,
            "allocation": dict(self.allocation),
            "ties": [tie.to_json() for tie in self.ties],
        }


@dataclass(frozen=True)
class Award:
    """One seat given after the minimums: its number in the whole council (seat 51 is the
    first after the 50 states' first seats), to whom, and that constituency's how-manyth."""

    seat: int
    name: str
    nth: int
