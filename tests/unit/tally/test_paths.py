"""Ballot paths for Meek: keyed as integers or found row by row, the same paths."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from soviet.tally._paths import ELECTED, GONE, HOPEFUL, _paths_by_rows, ballot_paths


def _columns(rows: list[list[int]], width: int) -> np.ndarray:
    table = np.full((len(rows), width), -1, dtype=np.int64)
    for i, row in enumerate(rows):
        table[i, : len(row)] = row
    return np.ascontiguousarray(table.T)


def _as_set(paths: np.ndarray, counts: np.ndarray) -> set[tuple[tuple[int, ...], int]]:
    return {
        (tuple(int(c) for c in path if c >= 0), int(m))
        for path, m in zip(paths, counts, strict=True)
    }


def test_a_path_runs_through_elected_candidates_to_the_first_hopeful() -> None:
    state = np.array([ELECTED, GONE, HOPEFUL, HOPEFUL, GONE])  # last: padding
    columns = _columns([[0, 1, 2, 3], [1, 3], [1], [0, 2]], 4)
    paths, counts = ballot_paths(columns, np.array([2, 5, 7, 1]), state, 4)
    assert _as_set(paths, counts) == {((0, 2), 3), ((3,), 5)}


@settings(max_examples=100, deadline=None)
@given(
    st.lists(st.permutations(range(6)).map(list), min_size=1, max_size=12),
    st.lists(st.sampled_from([HOPEFUL, ELECTED, GONE]), min_size=6, max_size=6),
    st.data(),
)
def test_keyed_paths_equal_paths_found_row_by_row(
    rankings: list[list[int]], states: list[int], data: st.DataObject
) -> None:
    rows = [r[: data.draw(st.integers(0, 6))] for r in rankings]
    counts = np.array(
        data.draw(st.lists(st.integers(1, 9), min_size=len(rows), max_size=len(rows)))
    )
    state = np.array([*states, GONE])
    columns = _columns(rows, 6)
    fast = _as_set(*ballot_paths(columns, counts, state, 6))
    slow = _as_set(*_paths_by_rows(columns, counts, state))
    assert fast == slow
