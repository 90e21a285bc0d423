"""The cursor over unique rankings, and exact grouped sums."""

from __future__ import annotations

import numpy as np

from soviet.tally import Profile
from soviet.tally._cursor import Cursor, sum_by


def test_cursor_starts_at_each_rankings_first_open_preference() -> None:
    profile = Profile.from_ballots("abc", [[0, 1], [2, 0], []], withdrawn=[2])
    assert Cursor(profile).top.tolist() == [0, 0, -1]


def test_advancing_moves_only_past_closed_candidates_and_then_exhausts() -> None:
    profile = Profile.from_ballots("abc", [[0, 1, 2], [0], [1, 0]])
    cursor = Cursor(profile)
    rows = cursor.rows_at(0)
    cursor.close([0, 1])
    cursor.advance(rows)
    assert cursor.top.tolist() == [2, -1, 1]  # row 2 stays until it is advanced


def test_grouped_sums_are_exact_beyond_double_precision() -> None:
    big = np.array([2**60, 1, 2**60], dtype=np.int64)
    index = np.array([0, 0, 1], dtype=np.int64)
    assert sum_by(index, big, 2).tolist() == [2**60 + 1, 2**60]


def test_grouped_sums_skip_exhausted_rows() -> None:
    index = np.array([-1, 1, 1], dtype=np.int64)
    assert sum_by(index, np.array([5, 2, 3], dtype=np.int64), 3).tolist() == [0, 5, 0]
