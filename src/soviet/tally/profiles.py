"""Profiles: the ballots of one contest, as unique rankings with their counts.

The representation is pref_voting's: candidates are the integers ``0..n-1`` with a tuple
of names, and each unique ballot is one row of an int32 matrix, padded with -1, with the
number of ballots that carry it in a parallel int64 vector. Counting methods work on the
unique rows with numpy, so a million ballots with a few thousand distinct rankings cost
what the few thousand rows cost.

For ranked methods a row lists candidates in order of preference; for approval and block
voting it lists the approved candidates. A row of only -1 is a blank ballot: it counts in
`Profile.total` (and so in a quota) but gives no vote to anyone.

A profile may rank candidates equal (droop's BLT dialect writes ``b=c``): then ``tiers``,
a matrix shaped like ``rankings``, gives each position the preference it stands at —
0, 1, 2, … along a row, a position sharing the number of the one before it being ranked
equal with it, -1 under padding. ``tiers`` is None when every ranking is strict, so the
strict path costs nothing more; only methods registered to take equal rankings (meek)
count a profile that has them.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from soviet.tally.errors import ProfileError
from soviet.tally.limits import MAX_BALLOTS, exact_total

IntArray = npt.NDArray[np.int64]
RankArray = npt.NDArray[np.int32]


@dataclass(frozen=True, eq=False)
class Profile:
    """Unique rankings with their counts, over candidates 0..n-1 (pref_voting's representation)."""

    candidates: tuple[str, ...]
    rankings: RankArray
    counts: IntArray
    title: str = ""
    withdrawn: frozenset[int] = field(default_factory=frozenset)
    tiers: RankArray | None = None

    def __post_init__(self) -> None:
        candidates = tuple(self.candidates)
        if len(set(candidates)) != len(candidates):
            raise ProfileError(f"candidate names must be distinct: {list(candidates)}")
        if any(not isinstance(name, str) or not name for name in candidates):
            raise ProfileError("every candidate needs a non-empty name")
        raw = np.asarray(self.rankings)
        if raw.size and not np.issubdtype(raw.dtype, np.integer):
            raise ProfileError(f"rankings must hold candidate numbers, not {raw.dtype}")
        if raw.ndim == 1 and raw.size == 0:
            raw = raw.reshape(0, 0)
        if raw.ndim != 2:
            raise ProfileError(f"rankings must be a 2-D matrix, got shape {raw.shape}")
        if raw.dtype != np.int32 and raw.size:
            low, high = int(raw.min()), int(raw.max())
            if low < -1 or high >= len(candidates):
                _check_rows(raw.astype(np.int64), np.zeros(0, np.int64), len(candidates))
        rankings = np.array(raw, dtype=np.int32, copy=True)
        counts = _counts_of(self.counts)
        if counts.shape[0] != rankings.shape[0]:
            raise ProfileError(
                f"{rankings.shape[0]} rankings but {counts.shape[0]} counts; give one count a row"
            )
        _check_rows(rankings, counts, len(candidates))
        total = exact_total(counts)
        if total > MAX_BALLOTS:
            raise ProfileError(
                f"the ballots number {total} in all, more than the {MAX_BALLOTS} "
                "(2**53) a count takes exactly"
            )
        withdrawn = frozenset(int(c) for c in self.withdrawn)
        if any(not 0 <= c < len(candidates) for c in withdrawn):
            raise ProfileError(f"withdrawn candidates {sorted(withdrawn)} are not all candidates")
        tiers = None if self.tiers is None else _checked_tiers(self.tiers, rankings)
        rankings.setflags(write=False)
        counts.setflags(write=False)
        object.__setattr__(self, "tiers", tiers)
        object.__setattr__(self, "candidates", candidates)
        object.__setattr__(self, "rankings", rankings)
        object.__setattr__(self, "counts", counts)
        object.__setattr__(self, "withdrawn", withdrawn)

    @classmethod
    def from_ballots(
        cls,
        candidates: Sequence[str],
        ballots: Iterable[Sequence[int]],
        counts: Iterable[int] | None = None,
        *,
        title: str = "",
        withdrawn: Iterable[int] = (),
    ) -> Profile:
        """Group identical ballots into unique rows, in order of first appearance."""
        grouped: dict[tuple[int, ...], int] = {}
        rows = [tuple(int(c) for c in ballot) for ballot in ballots]
        weights = [1] * len(rows) if counts is None else [int(n) for n in counts]
        if len(weights) != len(rows):
            raise ProfileError(f"{len(rows)} ballots but {len(weights)} counts")
        for row, weight in zip(rows, weights, strict=True):
            grouped[row] = grouped.get(row, 0) + weight
        width = max((len(row) for row in grouped), default=0)
        matrix = np.full((len(grouped), width), -1, dtype=np.int64)
        for i, row in enumerate(grouped):
            matrix[i, : len(row)] = row
        return cls(
            candidates=tuple(candidates),
            rankings=matrix.astype(np.int32),
            counts=_counts_of(list(grouped.values())),
            title=title,
            withdrawn=frozenset(withdrawn),
        )

    @classmethod
    def from_tiers(
        cls,
        candidates: Sequence[str],
        ballots: Iterable[Sequence[Sequence[int]]],
        counts: Iterable[int] | None = None,
        *,
        title: str = "",
        withdrawn: Iterable[int] = (),
    ) -> Profile:
        """Group ballots given as tiers — each a group of candidates ranked equal — best first.

        ``[[0], [1, 2]]`` ranks candidate 0 first and 1 and 2 equal second. The order within
        a tier does not matter (it is sorted), and empty tiers are dropped; if no tier holds
        two candidates the profile is strict, as `from_ballots` would make it.
        """
        grouped: dict[tuple[tuple[int, ...], ...], int] = {}
        rows = [
            tuple(tuple(sorted(int(c) for c in tier)) for tier in ballot if len(tier))
            for ballot in ballots
        ]
        weights = [1] * len(rows) if counts is None else [int(n) for n in counts]
        if len(weights) != len(rows):
            raise ProfileError(f"{len(rows)} ballots but {len(weights)} counts")
        for row, weight in zip(rows, weights, strict=True):
            grouped[row] = grouped.get(row, 0) + weight
        width = max((sum(map(len, row)) for row in grouped), default=0)
        matrix = np.full((len(grouped), width), -1, dtype=np.int64)
        levels = np.full((len(grouped), width), -1, dtype=np.int64)
        for i, row in enumerate(grouped):
            flat = [c for tier in row for c in tier]
            matrix[i, : len(flat)] = flat
            levels[i, : len(flat)] = [t for t, tier in enumerate(row) for _ in tier]
        return cls(
            candidates=tuple(candidates),
            rankings=matrix.astype(np.int32),
            counts=_counts_of(list(grouped.values())),
            title=title,
            withdrawn=frozenset(withdrawn),
            tiers=levels.astype(np.int32),
        )

    @property
    def strict(self) -> bool:
        """Whether every ranking is strict: no two candidates ranked equal."""
        return self.tiers is None

    @property
    def total(self) -> int:
        """The number of ballots, blank ones included."""
        return int(self.counts.sum())

    @property
    def n_candidates(self) -> int:
        """How many candidates the profile names (withdrawn ones included)."""
        return len(self.candidates)


def _counts_of(raw: npt.ArrayLike) -> IntArray:
    """The counts as an int64 vector; a count past int64 is refused, not wrapped."""
    try:
        counts = np.array(raw, dtype=np.int64, copy=True).reshape(-1)
    except OverflowError:
        raise ProfileError(
            f"a count is more than the {MAX_BALLOTS} (2**53) ballots a count takes exactly"
        ) from None
    return counts


def _checked_tiers(raw: npt.ArrayLike, rankings: RankArray) -> RankArray | None:
    """The tiers of `rankings`, checked; None if they rank no two candidates equal."""
    tiers = np.array(raw, dtype=np.int64, copy=True)
    if tiers.ndim == 1 and tiers.size == 0:
        tiers = tiers.reshape(rankings.shape)
    if tiers.shape != rankings.shape:
        raise ProfileError(
            f"tiers must have the shape of the rankings, {rankings.shape}, not {tiers.shape}"
        )
    filled = rankings >= 0
    if bool((filled != (tiers >= 0)).any()):
        row = int(np.argwhere(filled != (tiers >= 0))[0][0])
        raise ProfileError(f"row {row}: tiers must be -1 exactly where the ranking is padded")
    if not tiers.size:
        return None
    steps = np.diff(tiers, axis=1, prepend=-1)
    wrong = filled & (steps != 0) & (steps != 1)
    wrong[:, 0] = filled[:, 0] & (tiers[:, 0] != 0)
    if wrong.any():
        row = int(np.argwhere(wrong)[0][0])
        raise ProfileError(
            f"row {row}: tiers must start at 0 and rise by 0 (ranked equal) or 1 along a row"
        )
    if not bool((filled & (steps == 0)).any()):
        return None
    checked = tiers.astype(np.int32)
    checked.setflags(write=False)
    return checked


def _check_rows(rankings: npt.NDArray[np.integer], counts: IntArray, n: int) -> None:
    """Reject entries out of range, gaps before padding, repeated candidates, negative counts."""
    if counts.size and int(counts.min()) < 0:
        row = int(np.argmin(counts))
        raise ProfileError(f"row {row}: count {int(counts[row])} is negative")
    if rankings.size == 0:
        return
    if int(rankings.min()) < -1 or int(rankings.max()) >= n:
        bad = (rankings < -1) | (rankings >= n)
        row, col = (int(i) for i in np.argwhere(bad)[0])
        raise ProfileError(
            f"row {row}: {int(rankings[row, col])} is not a candidate number 0..{n - 1}"
        )
    blank = rankings < 0
    gap = blank[:, :-1] & ~blank[:, 1:]
    if gap.any():
        row = int(np.argwhere(gap)[0][0])
        raise ProfileError(f"row {row}: a preference follows a blank (-1) position")
    if n <= 56 and rankings.shape[1] <= n:
        # A row's candidates are distinct exactly when the sum of their bits has as many
        # bits set as the row has candidates (a repeated bit carries; no sum reaches 2**62).
        bits = np.left_shift(np.int64(1), rankings & 63, dtype=np.int64)
        bits[blank] = 0
        repeated = np.bitwise_count(bits.sum(axis=1)) != (~blank).sum(axis=1)
    else:
        ordered = np.sort(rankings, axis=1)
        pairs = (ordered[:, 1:] == ordered[:, :-1]) & (ordered[:, 1:] >= 0)
        repeated = pairs.any(axis=1)
    if repeated.any():
        row = int(np.flatnonzero(repeated)[0])
        raise ProfileError(f"row {row}: a candidate appears more than once")
