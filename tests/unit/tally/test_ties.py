"""Ties: the earlier-round rule, and a lot anyone can redraw from the seed."""

from __future__ import annotations

import hashlib

import numpy as np
import pytest

from soviet.tally import TallyError
from soviet.tally.ties import TieBreaker


def _breaker(seed: bytes = b"seed", order: list[str] | None = None) -> TieBreaker:
    return TieBreaker(["ann", "bob", "cy", "dee"], method="irv", seed=seed, tie_order=order)


def test_a_lot_is_the_same_for_the_same_seed() -> None:
    assert _breaker().draw([0, 1, 2], "exclusion", 2) == _breaker().draw([0, 1, 2], "exclusion", 2)


def test_a_lot_can_be_redrawn_by_hand_from_its_record() -> None:
    ties = _breaker(b"\x01\x02")
    ties.lot([1, 3, 0], "exclusion", 4)
    tie = ties.ties[0]
    assert tie.seed == "0102" and tie.context is not None
    digests = {
        name: hashlib.sha256(b"\x01\x02\n" + tie.context.encode() + b"\n" + name.encode()).digest()
        for name in tie.between
    }
    assert list(tie.draw) == sorted(tie.between, key=digests.__getitem__)
    assert tie.chosen == tie.draw[0]
    assert tie.broken_by == "lot"


def test_different_seeds_draw_different_orders() -> None:
    chosen = {_breaker(bytes([i])).lot([0, 1], "exclusion", 1) for i in range(16)}
    assert chosen == {0, 1}


def test_earlier_round_rule_chooses_fewest_at_the_most_recent_round_they_differed() -> None:
    history = [np.array([5, 3, 9, 0]), np.array([6, 7, 9, 0]), np.array([7, 7, 9, 0])]
    ties = _breaker()
    chosen = ties.by_history([0, 1], history, lowest=True, purpose="exclusion", round_number=3)
    assert chosen == 0
    assert ties.ties[0].broken_by == "votes at round 2"


def test_earlier_round_rule_chooses_most_for_a_surplus() -> None:
    history = [np.array([5, 3, 9, 0]), np.array([8, 8, 9, 0])]
    ties = _breaker()
    chosen = ties.by_history([0, 1], history, lowest=False, purpose="surplus", round_number=2)
    assert chosen == 0


def test_earlier_round_rule_narrows_a_three_way_tie_round_by_round() -> None:
    history = [np.array([1, 2, 0, 0]), np.array([1, 1, 2, 0]), np.array([3, 3, 3, 0])]
    ties = _breaker()
    chosen = ties.by_history([0, 1, 2], history, lowest=True, purpose="exclusion", round_number=3)
    assert chosen == 0


def test_candidates_equal_at_every_round_are_drawn_by_lot() -> None:
    history = [np.array([1, 1, 0, 0]), np.array([2, 2, 0, 0])]
    ties = _breaker()
    ties.by_history([0, 1], history, lowest=True, purpose="exclusion", round_number=2)
    assert ties.ties[-1].broken_by == "lot"


def test_a_tie_order_replaces_the_lot() -> None:
    ties = _breaker(order=["dee", "cy", "bob", "ann"])
    assert ties.lot([0, 1, 2], "exclusion", 1) == 2
    assert ties.ties[0].broken_by == "order given"


def test_a_tie_order_must_name_every_candidate_once() -> None:
    with pytest.raises(TallyError, match="tie_order"):
        _breaker(order=["ann", "bob"])
