"""A ballot file once read: the profile to count, and what the file said around it."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from soviet.ballots._equal import EqualRanks
from soviet.ballots._marks import END, Marks, Weights, group, rankings_from_marks
from soviet.ballots.rules import BallotRules
from soviet.errors import BallotFileError, BallotFileWarning
from soviet.tally.errors import ProfileError
from soviet.tally.limits import MAX_BALLOTS, exact_total
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
    #: What the reader read by a lenient rule, for the user to look at (`read_file` warns).
    warnings: tuple[BallotFileWarning, ...] = ()

    def counted_choices(self) -> list[tuple[int, tuple[str, ...]]]:
        """Every distinct choice, by the candidates' names in order, with how many ballots
        carry it; the ballots with no countable preference last, as an empty choice.
        BallotFileError for a file that ranks candidates equal (`b=c`)."""
        profile = self.profile
        if profile.tiers is not None:
            raise BallotFileError(self.source, None, "ranks candidates equal: give one order")
        names = profile.candidates
        rows = [
            (int(count), tuple(names[number] for number in row if number >= 0))
            for row, count in zip(profile.rankings.tolist(), profile.counts.tolist(), strict=True)
            if count
        ]
        if self.empty:
            rows.append((self.empty, ()))
        return rows


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
    equal: EqualRanks | None = None,
) -> BallotFile:
    """Apply the rules to marks read from a file and group them into a profile.

    `grouped` says that identical rows of `marks` have already been merged; `equal` holds
    the groups of candidates ranked equal that marks past the candidates stand for.
    """
    ballots = int(weights.sum())
    marked = len(candidates) if equal is None else equal.marks
    if not grouped:
        marks, weights = group(marks, weights, marked)
    rankings, counts, empty = rankings_from_marks(marks, weights, marked, rules)
    tiers = None
    if equal is not None and equal.groups:
        rankings, counts, tiers = equal.spread(rankings, counts, rules.repeat)
    try:
        profile = Profile(
            candidates=tuple(candidates),
            rankings=rankings,
            counts=counts,
            title=title,
            withdrawn=withdrawn,
            tiers=tiers,
        )
    except ProfileError as error:  # the readers check first; this names the file if not
        raise BallotFileError(source, None, str(error)) from None
    return BallotFile(profile=profile, source=source, seats=seats, ballots=ballots, empty=empty)


def profile_from_rankings(
    candidates: Sequence[str],
    rankings: npt.ArrayLike,
    counts: npt.ArrayLike | None = None,
    *,
    title: str = "",
    withdrawn: frozenset[int] = frozenset(),
) -> Profile:
    """A profile from one ranking per row (candidate numbers, padded with -1), grouped in bulk.

    The bulk counterpart of `Profile.from_ballots`: identical rows are merged by sorting
    one integer key per row, so a million ballots cost a few numpy passes. `counts`, if
    given, weighs each row.
    """
    matrix = np.asarray(rankings)
    if matrix.ndim != 2:
        raise ValueError(f"rankings must be a 2-D matrix, not of shape {matrix.shape}")
    if matrix.size and not (int(matrix.min()) >= END and int(matrix.max()) < len(candidates)):
        raise ValueError(f"rankings must hold candidate numbers 0..{len(candidates) - 1} or -1")
    marks = matrix.astype(np.int32, copy=False)
    weights = np.ones(marks.shape[0], np.int64) if counts is None else _weights_of(counts)
    if weights.size and int(weights.min()) < 0:
        raise ProfileError(f"row {int(np.argmin(weights))}: a count must not be negative")
    if exact_total(weights) > MAX_BALLOTS:
        # Checked before grouping, whose int64 sums would wrap.
        raise ProfileError(
            f"the ballots number {exact_total(weights)} in all, more than the {MAX_BALLOTS} "
            "(2**53) a count takes exactly"
        )
    grouped, totals = group(marks, weights, len(candidates))
    return Profile(
        candidates=tuple(candidates),
        rankings=grouped,
        counts=totals,
        title=title,
        withdrawn=withdrawn,
    )


def _weights_of(counts: npt.ArrayLike) -> Weights:
    try:
        return np.asarray(counts, dtype=np.int64).reshape(-1)
    except OverflowError:
        raise ProfileError(
            f"a count is more than the {MAX_BALLOTS} (2**53) ballots a count takes exactly"
        ) from None
