"""Results: what a count decided, round by round, and every tie it had to break.

Numbers are exact. Whole numbers are ``int``; fixed-point rules (Scottish STV at five
decimals, Meek at its stated precision) give ``decimal.Decimal`` values carrying exactly
the rule's decimals; rational arithmetic gives ``fractions.Fraction``.

`Result.to_json` turns a result into plain JSON values, deterministically:

- a whole number is a JSON integer (``1300``, not ``1300.00000``);
- a decimal is a JSON number holding exactly the rule's digits (``1035.05847``): a
  binary double whose shortest form is that decimal, so ``json.dumps`` and RFC 8785
  print it back digit for digit. A decimal with more significant digits than a double
  carries (Meek at 18 decimals) is given as a string of its exact decimal form instead;
- a fraction that is not whole is the string ``"p/q"``.

Vote maps keep the candidates' order in the profile.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction

Number = int | Decimal | Fraction
JsonValue = int | float | str | bool | None | list["JsonValue"] | dict[str, "JsonValue"]


@dataclass(frozen=True)
class Tie:
    """One tie the count had to break, how it broke it, and (for a lot) how to redo the draw.

    A lot orders the tied candidates by ``SHA-256(seed || 0x0a || context || 0x0a || name)``
    (UTF-8, ascending digests); the first in that order is chosen.
    """

    between: tuple[str, ...]
    purpose: str
    broken_by: str
    chosen: str
    round: int | None = None
    seed: str | None = None
    context: str | None = None
    draw: tuple[str, ...] = ()

    def to_json(self) -> dict[str, JsonValue]:
        """The tie as JSON: between, for, broken_by, chosen, round (and seed, context, draw)."""
        out: dict[str, JsonValue] = {
            "between": list(self.between),
            "for": self.purpose,
            "broken_by": self.broken_by,
            "chosen": self.chosen,
            "round": self.round,
        }
        if self.seed is not None:
            out["seed"] = self.seed
            out["context"] = self.context
            out["draw"] = list(self.draw)
        return out


@dataclass(frozen=True)
class Round:
    """One round (stage) of a count: the votes at its start, and what happened in it.

    ``votes`` holds the candidates still in the count (continuing or elected) at the start
    of the round. ``exhausted`` is the running total of votes that no longer count for
    anyone (non-transferable papers, blank ballots). ``transfer`` names the candidate whose
    surplus or votes were passed on in this round, and ``transfers`` what each candidate
    received from it. ``residual`` is the running total lost to rounding (fixed point).
    """

    number: int
    votes: Mapping[str, Number]
    elected: tuple[str, ...] = ()
    excluded: tuple[str, ...] = ()
    exhausted: Number = 0
    transfer: str | None = None
    surplus: Number | None = None
    transfers: Mapping[str, Number] = field(default_factory=dict)
    threshold: Number | None = None
    residual: Number | None = None
    keep_factors: Mapping[str, Number] = field(default_factory=dict)
    note: str = ""

    def to_json(self) -> dict[str, JsonValue]:
        """The round as JSON: number, votes, elected, excluded, exhausted, and what it moved."""
        out: dict[str, JsonValue] = {
            "round": self.number,
            "votes": {name: json_number(v) for name, v in self.votes.items()},
            "elected": list(self.elected),
            "excluded": list(self.excluded),
            "exhausted": json_number(self.exhausted),
        }
        if self.transfer is not None:
            out["transfer"] = self.transfer
            out["transfers"] = {name: json_number(v) for name, v in self.transfers.items()}
        if self.surplus is not None:
            out["surplus"] = json_number(self.surplus)
        if self.threshold is not None:
            out["threshold"] = json_number(self.threshold)
        if self.residual is not None:
            out["residual"] = json_number(self.residual)
        if self.keep_factors:
            out["keep_factors"] = {n: json_number(v) for n, v in self.keep_factors.items()}
        if self.note:
            out["note"] = self.note
        return out


@dataclass(frozen=True)
class Result:
    """The outcome of one count: winners in order of election, every round, every tie."""

    method: str
    seats: int
    winners: tuple[str, ...]
    quota: Number | None
    rounds: tuple[Round, ...]
    ties: tuple[Tie, ...] = ()
    ballots: int = 0
    ranking: tuple[str, ...] = ()
    arithmetic: str = ""
    note: str = ""

    def to_json(self) -> dict[str, JsonValue]:
        """The result as plain JSON values (the contract of DESIGN.md), deterministic."""
        out: dict[str, JsonValue] = {
            "method": self.method,
            "seats": self.seats,
            "winners": list(self.winners),
            "quota": None if self.quota is None else json_number(self.quota),
            "ballots": self.ballots,
            "rounds": [r.to_json() for r in self.rounds],
            "ties": [t.to_json() for t in self.ties],
        }
        if self.ranking:
            out["ranking"] = list(self.ranking)
        if self.arithmetic:
            out["arithmetic"] = self.arithmetic
        if self.note:
            out["note"] = self.note
        return out


def json_number(value: Number) -> int | float | str:
    """An exact JSON form of a count's number: int if whole, else a faithful double or a string."""
    if isinstance(value, bool):
        raise TypeError("a vote count is a number, not a bool")
    if isinstance(value, int):
        return value
    if isinstance(value, Fraction):
        if value.denominator == 1:
            return value.numerator
        return f"{value.numerator}/{value.denominator}"
    if value == value.to_integral_value():
        return int(value)
    as_float = float(value)
    if Decimal(repr(as_float)) == value:
        return as_float
    return format(value, "f")
