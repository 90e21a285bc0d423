"""Candidates ranked equal at one rank (``2=3`` in droop's BLT dialect), read as one mark.

While a file is read, each distinct group of candidates ranked equal is numbered past the
candidates — with n candidates the first group is mark n, the next n + 1 — so a marks
matrix holds a group in one cell and the rules, grouping and all, treat it as one marked
rank. Once the rules have made the rankings, `EqualRanks.spread` opens each group out
into its candidates and gives every position its tier (see `Profile.tiers`).
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np

from soviet.ballots._marks import END, Marks, Weights, group
from soviet.ballots.rules import Repeat


class EqualRanks:
    """The groups of candidates ranked equal met in one file, each numbered as a mark."""

    def __init__(self, candidates: int) -> None:
        self.candidates = candidates
        self.groups: list[tuple[int, ...]] = []
        self._numbers: dict[tuple[int, ...], int] = {}

    @property
    def marks(self) -> int:
        """How many marks a cell may hold: the candidates, then the groups."""
        return self.candidates + len(self.groups)

    def mark(self, members: Iterable[int]) -> int:
        """The mark for these candidates ranked equal (a lone candidate is its own mark)."""
        found = tuple(sorted(set(members)))
        if len(found) == 1:
            return found[0]
        number = self._numbers.get(found)
        if number is None:
            number = self._numbers[found] = len(self.groups)
            self.groups.append(found)
        return self.candidates + number

    def spread(
        self, rankings: Marks, counts: Weights, repeat: Repeat
    ) -> tuple[Marks, Weights, Marks]:
        """The rankings with every group opened into its candidates, their counts, their tiers.

        A candidate ranked before is a repeat wherever they appear again, alone or in a
        group: passed over, or the ballot stops there, as the repeat rule says. Rankings
        that come out the same are merged.
        """
        rows, width = rankings.shape
        spread = rankings >= self.candidates
        tiers = np.where(rankings >= 0, np.arange(width, dtype=np.int32), END).astype(np.int32)
        if not spread.any():
            return rankings, counts, tiers
        opened = [self._open(row, repeat) for row in rankings[spread.any(axis=1)].tolist()]
        wide = max(width, max(sum(map(len, row)) for row in opened))
        out = np.full((rows, wide), END, np.int32)
        levels = np.full((rows, wide), END, np.int32)
        out[:, :width], levels[:, :width] = rankings, tiers
        for index, row in zip(np.flatnonzero(spread.any(axis=1)).tolist(), opened, strict=True):
            flat = [c for tier in row for c in tier]
            out[index], levels[index] = END, END
            out[index, : len(flat)] = flat
            levels[index, : len(flat)] = [t for t, tier in enumerate(row) for _ in tier]
        both, merged = group(np.hstack((out, levels)), counts, self.candidates)
        used = int((both[:, :wide] >= 0).sum(axis=1).max(initial=0))
        return (
            np.ascontiguousarray(both[:, :used]),
            merged,
            np.ascontiguousarray(both[:, wide : wide + used]),
        )

    def _open(self, row: list[int], repeat: Repeat) -> list[tuple[int, ...]]:
        """One ranking's tiers, the groups opened and repeats dealt with."""
        tiers: list[tuple[int, ...]] = []
        seen: set[int] = set()
        for cell in row:
            if cell < 0:
                break
            members = (cell,) if cell < self.candidates else self.groups[cell - self.candidates]
            fresh = tuple(c for c in members if c not in seen)
            if len(fresh) < len(members) and repeat is Repeat.EXHAUST:
                break
            if fresh:
                tiers.append(fresh)
                seen.update(fresh)
        return tiers
