"""The rounds' votes as a tie breaker reads them: a `History` decides as a list of rounds does."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from soviet.tally.ties import History, TieBreaker

NAMES = ("ann", "bob", "cy", "dee", "eve")


def _breaker() -> TieBreaker:
    return TieBreaker(NAMES, method="irv", seed=b"seed")


@settings(max_examples=200, deadline=None)
@given(
    rounds=st.lists(
        st.lists(st.integers(0, 3), min_size=len(NAMES), max_size=len(NAMES)),
        min_size=0,
        max_size=6,
    ),
    tied=st.sets(st.integers(0, len(NAMES) - 1), min_size=1),
    lowest=st.booleans(),
)
def test_a_history_breaks_every_tie_as_the_list_of_rounds_does(
    rounds: list[list[int]], tied: set[int], lowest: bool
) -> None:
    votes = [np.array(r, dtype=np.int64) for r in rounds]
    history = History(len(NAMES))
    for row in votes:
        history.append(row)
    by_list, by_history = _breaker(), _breaker()
    chosen = by_list.by_history(sorted(tied), votes, lowest=lowest, purpose="p", round_number=1)
    again = by_history.by_history(sorted(tied), history, lowest=lowest, purpose="p", round_number=1)
    assert chosen == again
    assert by_list.ties == by_history.ties


def test_candidates_who_never_differed_go_to_the_lot_at_once() -> None:
    history = History(3)
    history.append(np.array([0, 0, 4], dtype=np.int64))
    history.append(np.array([0, 0, 6], dtype=np.int64))
    assert history.never_differed([0, 1])
    assert not history.never_differed([0, 2])
    ties = _breaker()
    ties.by_history([0, 1], history, lowest=True, purpose="exclusion", round_number=2)
    assert ties.ties[-1].broken_by == "lot"


def test_a_history_keeps_a_copy_of_each_round() -> None:
    history = History(2)
    votes = np.array([1, 2], dtype=np.int64)
    history.append(votes)
    votes += 5
    history.append(votes)
    assert history.matrix.tolist() == [[1, 2], [6, 7]]
    assert len(history) == 2


def test_a_history_grows_past_its_first_rows() -> None:
    history = History(2)
    for number in range(20):
        history.append(np.array([number, 0], dtype=np.int64))
    assert history.matrix[:, 0].tolist() == list(range(20))
    ties = _breaker()
    assert ties.by_history([0, 1], history, lowest=True, purpose="p", round_number=20) == 1
    assert ties.ties[-1].broken_by == "votes at round 20"
