"""Ballot rules: how skipped ranks, overvotes and repeats turn marks into a ranking."""

from __future__ import annotations

import numpy as np
import pytest

from soviet.ballots import BallotRules, Overvote, Repeat, Skipped
from soviet.ballots._marks import END, OVERVOTE, SKIP, apply_rules, group

A, B, C = 0, 1, 2


def ranked(marks: list[int], rules: BallotRules) -> list[int]:
    [row] = apply_rules(np.array([marks], dtype=np.int32), rules, 3).tolist()
    return [c for c in row if c != END]


def test_the_defaults_pass_over_skips_stop_at_overvotes_and_ignore_repeats() -> None:
    rules = BallotRules()
    assert (rules.skipped, rules.overvote, rules.repeat) == (
        Skipped.SKIP,
        Overvote.EXHAUST,
        Repeat.SKIP,
    )
    assert ranked([SKIP, A, SKIP, SKIP, B], rules) == [A, B]
    assert ranked([A, OVERVOTE, B], rules) == [A]
    assert ranked([A, A, B], rules) == [A, B]


@pytest.mark.parametrize(
    ("skipped", "limit", "marks", "expected"),
    [
        (Skipped.SKIP, None, [SKIP, SKIP, SKIP, A], [A]),
        (Skipped.EXHAUST, 0, [A, SKIP, B], [A]),
        (Skipped.EXHAUST, 0, [SKIP, A], []),
        (Skipped.EXHAUST_AT_TWO, 1, [A, SKIP, B, SKIP, SKIP, C], [A, B]),
        (Skipped.EXHAUST_AT_TWO, 1, [SKIP, A, SKIP, B], [A, B]),
        (Skipped.EXHAUST_AT_TWO, 1, [SKIP, SKIP, A], []),
        (Skipped.EXHAUST_AT_TWO, 1, [A, SKIP, SKIP], [A]),
    ],
)
def test_skipped_ranks_stop_a_ballot_only_before_a_later_mark(
    skipped: Skipped, limit: int | None, marks: list[int], expected: list[int]
) -> None:
    rules = BallotRules(skipped=skipped)
    assert rules.max_skipped == limit
    assert ranked(marks, rules) == expected


def test_an_overvote_counts_as_a_marked_rank_for_the_skipped_rank_rule() -> None:
    rules = BallotRules(skipped=Skipped.EXHAUST_AT_TWO, overvote=Overvote.SKIP)
    assert ranked([SKIP, OVERVOTE, SKIP, A], rules) == [A]
    assert ranked([SKIP, SKIP, OVERVOTE, A], rules) == []


def test_a_skipped_overvote_passes_on_to_the_next_rank() -> None:
    assert ranked([OVERVOTE, A, OVERVOTE, B], BallotRules(overvote=Overvote.SKIP)) == [A, B]


def test_a_repeat_can_stop_the_ballot() -> None:
    assert ranked([A, B, A, C], BallotRules(repeat=Repeat.EXHAUST)) == [A, B]


def test_a_repeat_is_found_among_many_candidates_too() -> None:
    marks = np.array([[70, 3, 70, 5]], dtype=np.int32)
    [row] = apply_rules(marks, BallotRules(), 80).tolist()
    assert row == [70, 3, 5]


def test_grouping_merges_identical_rows_and_adds_weights() -> None:
    marks = np.array([[A, B], [B, END], [A, B], [B, END]], dtype=np.int32)
    grouped, weights = group(marks, np.array([1, 2, 3, 4], dtype=np.int64), 3)
    found = {tuple(r): int(w) for r, w in zip(grouped.tolist(), weights.tolist(), strict=True)}
    assert found == {(A, B): 4, (B, END): 6}
