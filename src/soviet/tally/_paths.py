"""Ballot paths for Meek STV: each ranking cut down to what a round's distribution reads.

With every candidate's state fixed for a round, a ballot's share of its value depends only
on the candidates it reaches: those still in the count (elected or hopeful), in its order,
up to and including its first hopeful one, who keeps all that is left. Ballots with the same
path are merged — a few thousand paths stand for any number of ballots — and the round's
iterations run over the paths alone, exactly.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

IntArray = npt.NDArray[np.int64]

HOPEFUL, ELECTED, GONE = 0, 1, 2


def ballot_paths(
    columns: IntArray, counts: IntArray, state: IntArray, n: int
) -> tuple[IntArray, IntArray]:
    """The distinct paths (rows padded with -1) and how many ballots follow each.

    ``columns`` is the profile's rankings transposed (one row per preference position);
    ``state[c]`` is HOPEFUL, ELECTED or GONE for each candidate, with ``state[-1]`` GONE.
    """
    k = columns.shape[1]
    radix = n + 1
    longest = int((state[:n] == ELECTED).sum()) + 1
    if radix**longest >= 2**62:
        return _paths_by_rows(columns, counts, state)
    key = np.zeros(k, dtype=np.int64)
    length = np.zeros(k, dtype=np.int64)
    done = np.zeros(k, dtype=bool)
    powers = radix ** np.arange(longest + 1, dtype=np.int64)
    for column in columns:
        code = state[column]
        take = ~done & (code != GONE) & (column >= 0)
        if not take.any():
            if bool((done | (column < 0)).all()):
                break
            continue
        key[take] += (column[take] + 1) * powers[length[take]]
        length[take] += 1
        done |= take & (code == HOPEFUL)
    used = length > 0
    keys, inverse = np.unique(key[used], return_inverse=True)
    merged = np.zeros(keys.size, dtype=np.int64)
    np.add.at(merged, inverse.reshape(-1), counts[used])
    digits = (keys[:, None] // powers[None, :longest]) % radix
    return digits - 1, merged


def _paths_by_rows(
    columns: IntArray, counts: IntArray, state: IntArray
) -> tuple[IntArray, IntArray]:
    """The same paths, found row by row: for counts too wide to key paths as integers."""
    table = np.ascontiguousarray(columns.T)
    alive = (state[table] != GONE) & (table >= 0)
    order = np.argsort(~alive, axis=1, kind="stable")
    packed = np.take_along_axis(np.where(alive, table, -1), order, axis=1)
    hopeful = (state[packed] == HOPEFUL) & (packed >= 0)
    stop = np.where(hopeful.any(axis=1), hopeful.argmax(axis=1), packed.shape[1] - 1)
    packed[np.arange(packed.shape[1])[None, :] > stop[:, None]] = -1
    width = int((packed >= 0).sum(axis=1).max(initial=0))
    packed = packed[:, :width]
    used = (packed >= 0).any(axis=1)
    if not used.any():
        return np.zeros((0, width), dtype=np.int64), np.zeros(0, dtype=np.int64)
    paths, inverse = np.unique(packed[used], axis=0, return_inverse=True)
    merged = np.zeros(paths.shape[0], dtype=np.int64)
    np.add.at(merged, inverse.reshape(-1), counts[used])
    return paths, merged
