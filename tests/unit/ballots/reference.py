"""A plain reference reader, ballot by ballot, to check the bulk readers against.

It reads the same BLT ballot lines and applies the same rules, the slow and obvious way:
one Python loop per ballot, one per rank. The bulk reader must agree with it exactly.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from typing import TypeVar

from soviet.ballots import BallotRules, Overvote, Repeat

Ranking = tuple[int, ...]


def marks_of(token: str) -> int | str:
    """A BLT rank token as a 0-based candidate, or 'skip' / 'overvote'."""
    if token == "-":
        return "skip"
    if "=" in token:
        return "overvote"
    return int(token) - 1


def ranking(marks: Sequence[int | str], rules: BallotRules) -> Ranking:
    """The ranking a ballot's marks stand for under `rules`, read rank by rank: the tiered
    reading of marks that each name one candidate."""
    return tuple(tier[0] for tier in tiered_ranking(marks, rules))


def read_ballot_lines(lines: list[str], rules: BallotRules) -> tuple[Counter[Ranking], int]:
    """Counts of each non-empty ranking, and the weight of ballots left empty."""
    return _read_lines(lines, lambda tokens: ranking([marks_of(t) for t in tokens], rules))


T = TypeVar("T")


def _read_lines(
    lines: list[str], read: Callable[[list[str]], tuple[T, ...]]
) -> tuple[Counter[tuple[T, ...]], int]:
    """Counts of what `read` makes of each weighted line's rank tokens, and the weight of
    the lines it makes nothing of."""
    counts: Counter[tuple[T, ...]] = Counter()
    empty = 0
    for line in lines:
        tokens = line.split()
        if not tokens or int(tokens[0]) == 0:
            continue
        found = read(tokens[1:-1])
        if found:
            counts[found] += int(tokens[0])
        else:
            empty += int(tokens[0])
    return counts, empty


Tiers = tuple[tuple[int, ...], ...]


def tiered_marks_of(token: str) -> int | str | tuple[int, ...]:
    """A BLT rank token read with equal rankings: a candidate, a group of them, or a code."""
    parts = token.split("=")
    if len(parts) == 1 or "-" in parts:
        return marks_of(token)
    return tuple(sorted({int(part) - 1 for part in parts}))


def tiered_ranking(marks: Sequence[int | str | tuple[int, ...]], rules: BallotRules) -> Tiers:
    """The tiers a ballot's marks stand for under `rules` with equal rankings, rank by rank."""
    out: list[tuple[int, ...]] = []
    seen: set[int] = set()
    last_marked = -1
    limit = rules.max_skipped
    for rank, mark in enumerate(marks):
        if mark == "skip":
            continue
        if limit is not None and rank - last_marked > limit + 1:
            break
        last_marked = rank
        if mark == "overvote":
            if rules.overvote is Overvote.EXHAUST:
                break
            continue
        members = (mark,) if isinstance(mark, int) else mark
        assert isinstance(members, tuple)
        fresh = tuple(c for c in members if c not in seen)
        if len(fresh) < len(members) and rules.repeat is Repeat.EXHAUST:
            break
        if fresh:
            out.append(fresh)
            seen.update(fresh)
    return tuple(out)


def read_tiered_lines(lines: list[str], rules: BallotRules) -> tuple[Counter[Tiers], int]:
    """Counts of each non-empty ranking as tiers, and the weight of ballots left empty."""
    return _read_lines(
        lines, lambda tokens: tiered_ranking([tiered_marks_of(t) for t in tokens], rules)
    )
