"""Marks read off ballots, as integer matrices, and how the rules turn them into rankings.

A *marks* matrix has one row per ballot (or per group of identical ballots) and one column
per rank. A cell holds a candidate number (0-based) or one of the codes below. Everything
here works column by column over all rows at once, never ballot by ballot.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from soviet.ballots.rules import BallotRules, Overvote, Repeat

END = -1
"""No more ranks on this ballot (padding)."""
SKIP = -2
"""A rank left blank."""
OVERVOTE = -3
"""Several candidates marked at one rank."""

Marks = npt.NDArray[np.int32]
Weights = npt.NDArray[np.int64]

_LOWEST_CODE = OVERVOTE
_HASH_MULTIPLIER = np.uint64(0x9E3779B97F4A7C15)


def group(marks: Marks, weights: Weights, codes: int) -> tuple[Marks, Weights]:
    """Merge identical rows, adding their weights; `codes` bounds the cell values from above.

    Rows are keyed by one integer each (exact when the rows fit in 63 bits, otherwise a
    hash whose groups are then checked row by row), so grouping costs one sort of keys.
    """
    rows, width = marks.shape
    if rows <= 1:
        return marks, weights
    base = codes - _LOWEST_CODE
    exact = base ** width < 2**63
    key = _keys(marks, base, exact)
    order = np.argsort(key)
    sorted_key = key[order]
    starts = np.flatnonzero(np.concatenate(([True], sorted_key[1:] != sorted_key[:-1])))
    representatives = order[starts]
    if not exact:
        group_of = np.repeat(np.arange(starts.size), np.diff(np.append(starts, rows)))
        if not np.array_equal(marks[order], marks[representatives][group_of]):
            return _group_exactly(marks, weights)
    counts = np.add.reduceat(weights[order], starts)
    return marks[representatives], counts.astype(np.int64, copy=False)


def _keys(marks: Marks, base: int, exact: bool) -> npt.NDArray[np.int64] | npt.NDArray[np.uint64]:
    shifted = marks.astype(np.int64) - _LOWEST_CODE
    if exact:
        key = np.zeros(marks.shape[0], np.int64)
        for column in shifted.T:
            key *= base
            key += column
        return key
    # Arrays wrap on overflow without a warning; that is the point of this hash.
    hashed = np.zeros(marks.shape[0], np.uint64)
    unsigned = shifted.astype(np.uint64)
    for column in unsigned.T:
        hashed *= _HASH_MULTIPLIER
        hashed ^= column
        hashed ^= hashed >> np.uint64(29)
    return hashed


def _group_exactly(marks: Marks, weights: Weights) -> tuple[Marks, Weights]:
    unique, inverse = np.unique(marks, axis=0, return_inverse=True)
    counts = np.zeros(unique.shape[0], np.int64)
    np.add.at(counts, inverse.reshape(-1), weights)
    return unique.astype(np.int32, copy=False), counts


def apply_rules(marks: Marks, rules: BallotRules) -> Marks:
    """The ranking each row of marks stands for: candidates only, in order, padded with END.

    Reads ranks left to right as a tabulator does: a marked rank (a candidate or an
    overvote) after too many blank ones stops the ballot; an overvote stops it or is passed
    over; a repeated candidate stops it or is passed over.
    """
    rows, width = marks.shape
    ranking = np.full((rows, width), END, np.int32)
    length = np.zeros(rows, np.intp)
    alive = np.ones(rows, bool)
    last_marked = np.full(rows, -1, np.intp)
    limit = rules.max_skipped
    for rank in range(width):
        cell = marks[:, rank]
        candidate = cell >= 0
        overvote = cell == OVERVOTE
        marked = candidate | overvote
        if limit is not None:
            alive &= ~(marked & (rank - last_marked > limit + 1))
            last_marked[marked] = rank
        if rules.overvote is Overvote.EXHAUST:
            alive &= ~overvote
        take = alive & candidate
        if rank > 0:
            repeat = take & (ranking[:, :rank] == cell[:, None]).any(axis=1)
            if rules.repeat is Repeat.EXHAUST:
                alive &= ~repeat
            take &= ~repeat
        chosen = np.flatnonzero(take)
        ranking[chosen, length[chosen]] = cell[chosen]
        length[chosen] += 1
    return ranking[:, : int(length.max(initial=0))]


def rankings_from_marks(
    marks: Marks, weights: Weights, candidates: int, rules: BallotRules
) -> tuple[Marks, Weights, int]:
    """Unique rankings, their counts, and the weight of ballots left with no ranking at all."""
    keep = weights > 0
    if not keep.all():
        marks, weights = marks[keep], weights[keep]
    marks, weights = group(marks, weights, candidates)
    ranking = apply_rules(marks, rules)
    changed = ranking.shape != marks.shape or not np.array_equal(ranking, marks)
    if changed:
        ranking, weights = group(ranking, weights, candidates)
    filled = ranking[:, 0] >= 0 if ranking.shape[1] else np.zeros(ranking.shape[0], bool)
    empty = int(weights[~filled].sum())
    return (
        np.ascontiguousarray(ranking[filled], dtype=np.int32),
        np.ascontiguousarray(weights[filled], dtype=np.int64),
        empty,
    )
