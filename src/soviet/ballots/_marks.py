"""Marks read off ballots, as integer matrices, and how the rules turn them into rankings.

A *marks* matrix has one row per ballot (or per group of identical ballots) and one column
per rank. A cell holds a candidate number (0-based) or one of the codes below. Everything
here works column by column over all rows at once, never ballot by ballot.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt

from soviet.ballots.rules import BallotRules, Overvote, Repeat

END = -1
"""No more ranks on this ballot (padding)."""
SKIP = -2
"""A rank left blank."""
OVERVOTE = -3
"""Several candidates marked at one rank."""
LOWEST_CODE = OVERVOTE

Marks = npt.NDArray[np.int32]
Weights = npt.NDArray[np.int64]
Keys = npt.NDArray[np.int64]

_HASH_MULTIPLIER = np.uint64(0x9E3779B97F4A7C15)
_BITMASK_LIMIT = 63


def exact_width(base: int, width: int) -> bool:
    """Whether a row of `width` cells, each a digit in `base`, fits in one int64 key."""
    return bool(base**width < 2**63)


def group(
    marks: npt.NDArray[np.signedinteger[Any]], weights: Weights, candidates: int
) -> tuple[Marks, Weights]:
    """Merge identical rows of marks over `candidates` candidates, adding their weights.

    Rows are keyed by one integer each — exact when a row fits in 63 bits, otherwise a hash
    whose groups are then checked cell by cell — so grouping costs one sort of keys.
    """
    rows, width = marks.shape
    if rows <= 1:
        return marks.astype(np.int32, copy=False), weights
    base = candidates - LOWEST_CODE
    if exact_width(base, width):
        key = np.zeros(rows, np.int64)
        for column in marks.T:
            key *= base
            key += column
        # Each cell's digit is its code - LOWEST_CODE: add that shift for every place.
        key -= LOWEST_CODE * sum(base**place for place in range(width))
        return group_keys(key, weights, base, width)
    hashed = np.zeros(rows, np.uint64)
    for column in marks.T:
        # Unsigned arrays wrap on overflow without a warning; that is the point of a hash.
        hashed *= _HASH_MULTIPLIER
        hashed ^= (column.astype(np.int64) - LOWEST_CODE).astype(np.uint64)
        hashed ^= hashed >> np.uint64(29)
    order = np.argsort(hashed)
    starts = _run_starts(hashed[order])
    representatives = order[starts]
    members = np.repeat(representatives, np.diff(np.append(starts, rows)))
    if not np.array_equal(marks[order], marks[members]):
        return _group_exactly(marks, weights)
    counts = np.add.reduceat(weights[order], starts)
    return marks[representatives].astype(np.int32, copy=False), counts


def group_keys(key: Keys, weights: Weights, base: int, width: int) -> tuple[Marks, Weights]:
    """Group rows given as exact keys (digits in `base`, `width` of them) and decode them."""
    if bool((weights == 1).all()):
        ordered = np.sort(key)
        starts = _run_starts(ordered)
        counts = np.diff(np.append(starts, key.size)).astype(np.int64)
        return decode_keys(ordered[starts], base, width), counts
    order = np.argsort(key)
    ordered = key[order]
    starts = _run_starts(ordered)
    return decode_keys(ordered[starts], base, width), np.add.reduceat(weights[order], starts)


def decode_keys(key: Keys, base: int, width: int) -> Marks:
    """The rows of marks that exact keys stand for."""
    marks = np.empty((key.size, width), np.int32)
    rest = key
    for column in range(width - 1, -1, -1):
        rest, digit = np.divmod(rest, base)
        marks[:, column] = digit
    marks += LOWEST_CODE
    return marks


def _run_starts(ordered: npt.NDArray[np.int64] | npt.NDArray[np.uint64]) -> npt.NDArray[np.intp]:
    if not ordered.size:
        return np.zeros(0, np.intp)
    change = np.empty(ordered.size, bool)
    change[0] = True
    np.not_equal(ordered[1:], ordered[:-1], out=change[1:])
    return np.flatnonzero(change)


def _group_exactly(
    marks: npt.NDArray[np.signedinteger[Any]], weights: Weights
) -> tuple[Marks, Weights]:
    unique, inverse = np.unique(marks, axis=0, return_inverse=True)
    counts = np.zeros(unique.shape[0], np.int64)
    np.add.at(counts, inverse.reshape(-1), weights)
    return unique.astype(np.int32, copy=False), counts


def apply_rules(marks: Marks, rules: BallotRules, candidates: int) -> Marks:
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
    seen = np.zeros(rows, np.uint64) if candidates <= _BITMASK_LIMIT else None
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
        if seen is not None:
            bit = np.left_shift(np.uint64(1), np.maximum(cell, 0).astype(np.uint64))
            repeat = take & ((seen & bit) != 0)
            seen |= np.where(take, bit, np.uint64(0))
        else:
            repeat = take & (ranking[:, :rank] == cell[:, None]).any(axis=1)
        if rules.repeat is Repeat.EXHAUST:
            alive &= ~repeat
        take &= ~repeat
        chosen = np.flatnonzero(take)
        ranking[chosen, length[chosen]] = cell[chosen]
        length[chosen] += 1
    return ranking[:, : int(length.max(initial=0))]


def is_plain(marks: Marks, candidates: int) -> bool:
    """Whether rows hold candidates only, each at most once, padded at the end: no rule bites."""
    if not marks.size:
        return True
    if int(marks.min()) < END:
        return False
    padding = marks == END
    if bool((padding[:, :-1] & ~padding[:, 1:]).any()):
        return False
    if candidates > _BITMASK_LIMIT:
        ordered = np.sort(marks, axis=1)
        return not bool(((ordered[:, 1:] == ordered[:, :-1]) & (ordered[:, 1:] >= 0)).any())
    seen = np.zeros(marks.shape[0], np.uint64)
    repeated = np.zeros(marks.shape[0], bool)
    for column in marks.T:
        bit = np.left_shift(np.uint64(1), column.astype(np.uint64))  # END shifts by 2**64-1: 0
        repeated |= (seen & bit) != 0
        seen |= bit
    return not bool(repeated.any())


def rankings_from_marks(
    marks: Marks, weights: Weights, candidates: int, rules: BallotRules
) -> tuple[Marks, Weights, int]:
    """Unique rankings, their counts, and the weight of ballots left with no ranking at all.

    `marks` must already be grouped when it is large; rows that the rules change are
    grouped again with the rest.
    """
    keep = weights > 0
    if not keep.all():
        marks, weights = marks[keep], weights[keep]
    if not is_plain(marks, candidates):
        marks, weights = group(apply_rules(marks, rules, candidates), weights, candidates)
    filled = marks[:, 0] >= 0 if marks.shape[1] else np.zeros(marks.shape[0], bool)
    empty = int(weights[~filled].sum())
    ranking = marks[filled]
    width = int((ranking >= 0).sum(axis=1).max(initial=0))
    return (
        np.ascontiguousarray(ranking[:, :width], dtype=np.int32),
        np.ascontiguousarray(weights[filled], dtype=np.int64),
        empty,
    )
