"""A ballot file once read: the profile to count, and what the file said around it."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from soviet.ballots._marks import Marks, Weights, group, rankings_from_marks
from soviet.ballots.rules import BallotRules
from soviet.tally.profiles import Profile


@dataclass(frozen=True)
class BallotFile:
    """The profile read from a ballot file, with the seats and ballot totals it declared.

    `ballots` is the total weight of the ballots in the file; `empty` the part of it left
    with no countable preference (blank, or stopped by the rules before a first choice —
    an overvote at the first rank, say), which the profile leaves out.
    """

    profile: Profile
    source: str
    seats: int | None
    ballots: int
    empty: int


def assemble(
    candidates: Sequence[str],
    marks: Marks,
    weights: Weights,
    rules: BallotRules,
    *,
    title: str,
    withdrawn: frozenset[int],
    seats: int | None,
    source: str,
    grouped: bool = False,
) -> BallotFile:
    """Apply the rules to marks read from a file and group them into a profile.

    `grouped` says that identical rows of `marks` have already been merged.
    """
    ballots = int(weights.sum())
    if not grouped:
        marks, weights = group(marks, weights, len(candidates))
    rankings, counts, empty = rankings_from_marks(marks, weights, len(candidates), rules)
    profile = Profile(
        candidates=tuple(candidates),
        rankings=rankings,
        counts=counts,
        title=title,
        withdrawn=withdrawn,
    )
    return BallotFile(profile=profile, source=source, seats=seats, ballots=ballots, empty=empty)
