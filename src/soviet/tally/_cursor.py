"""Where each unique ranking stands: its top continuing preference, moved only when needed.

Ranked counts (IRV, Scottish STV) spend their time finding, for every ballot, the first
candidate on it who is still in the count. `Cursor` keeps that answer for every unique
row of a profile and, when candidates leave, moves forward only the rows that pointed at
them — a few numpy passes over the affected rows, never a loop over ballots.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import numpy.typing as npt

from soviet.tally.profiles import Profile

IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]

#: Below this total a float64 bincount adds integers exactly (2**53).
_EXACT_FLOAT_SUM = 1 << 53


class Cursor:
    """For each unique ranking, the position and number of its top continuing preference.

    ``top[row]`` is -1 once the row has no continuing preference left (exhausted).
    """

    def __init__(self, profile: Profile) -> None:
        k, width = profile.rankings.shape
        n = profile.n_candidates
        self.table = np.full((k, width + 1), -1, dtype=np.int64)
        self.table[:, :width] = profile.rankings
        # alive[-1] is the padding column's entry: padding stops a row (it is exhausted).
        self.alive = np.ones(n + 1, dtype=np.bool_)
        for c in profile.withdrawn:
            self.alive[c] = False
        self.pos = np.zeros(k, dtype=np.int64)
        self.top: IntArray = self.table[:, 0].copy()
        self.advance(np.arange(k, dtype=np.int64))

    def close(self, candidates: Iterable[int]) -> None:
        """Stop ``candidates`` from receiving ballots; rows at them stay until advanced."""
        for c in candidates:
            self.alive[c] = False

    def rows_at(self, candidate: int) -> IntArray:
        """The rows whose top preference is ``candidate``."""
        return np.flatnonzero(self.top == candidate)

    def advance(self, rows: IntArray) -> None:
        """Move ``rows`` forward to their next preference still open (or to exhaustion)."""
        rows = rows[~self.alive[self.top[rows]]]
        while rows.size:
            self.pos[rows] += 1
            self.top[rows] = self.table[rows, self.pos[rows]]
            rows = rows[~self.alive[self.top[rows]]]


def sum_by(index: IntArray, weights: IntArray, n: int) -> IntArray:
    """Exact integer sums of ``weights`` grouped by ``index`` in 0..n-1 (index -1 skipped)."""
    keep = index >= 0
    idx = index[keep]
    w = weights[keep]
    if w.size == 0:
        return np.zeros(n, dtype=np.int64)
    if int(w.sum()) < _EXACT_FLOAT_SUM and int(w.min()) >= 0:
        return np.bincount(idx, weights=w, minlength=n).astype(np.int64)
    out = np.zeros(n, dtype=np.int64)
    np.add.at(out, idx, w)
    return out
