"""The limits of what a count takes, so that every count it accepts is exact and quick.

- `MAX_BALLOTS`, 2**53: the most ballots (the total weight of a profile) any count takes.
  Votes are whole numbers held in 64-bit integers, and some sums run through float64,
  which adds integers exactly only up to 2**53; past it a count could wrap or round.
- `MAX_STV_BALLOTS`, (2**63 - 1) // 10**5: Scottish STV holds votes to five decimals as
  integers scaled by 10**5, so a count's votes, scaled, must stay below 2**63.
  (Meek counts in Python integers wherever its scaled votes could pass 2**63.)
- `MAX_CANDIDATES`, 1,000: the most candidates a count or a ballot file takes. A count's
  report holds every candidate's votes at every round, and rounds grow with candidates,
  so the work and the output grow as candidates squared: at 1,000 a count takes seconds.
- `MAX_PAIRWISE_CANDIDATES`, 200: the most candidates for schulze and ranked-pairs, which
  compare every pair of candidates and walk paths through them (candidates cubed).
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

MAX_BALLOTS = 2**53
MAX_STV_BALLOTS = (2**63 - 1) // 10**5
MAX_CANDIDATES = 1000
MAX_PAIRWISE_CANDIDATES = 200

_INT64_MAX = 2**63 - 1


def exact_total(counts: npt.NDArray[np.int64]) -> int:
    """The exact sum of non-negative int64 counts, which numpy's own sum could wrap."""
    if not counts.size:
        return 0
    if int(counts.max()) <= _INT64_MAX // counts.size:
        return int(counts.sum())
    return sum(counts.tolist())


def first_past(weights: npt.NDArray[np.int64], room: int) -> int | None:
    """The index of the weight at which a running total of `weights` passes `room`, if any.

    Weights must be non-negative. Once one weight is above `room` nothing past it matters,
    and until then every running total is at most 2 x `room`, so int64 sums are exact up to
    the first index that passes (for `room` up to 2**62).
    """
    if not weights.size:
        return None
    large = np.flatnonzero(weights > room)
    end = int(large[0]) + 1 if large.size else weights.size
    running = np.cumsum(weights[:end])
    past = np.flatnonzero(running > room)
    return int(past[0]) if past.size else None
