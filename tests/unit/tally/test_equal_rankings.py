"""Equal rankings in Meek: how a ballot's weight is shared among candidates ranked equal."""

from __future__ import annotations

from fractions import Fraction
from typing import Any

import numpy as np

from soviet.tally._arithmetic import Guarded, Rational
from soviet.tally._equal_rankings import first_shares, share_out, tied_paths, tied_rankings
from soviet.tally._paths import ELECTED, GONE, HOPEFUL
from soviet.tally.profiles import Profile


def test_a_ballot_ranking_two_candidates_equal_shares_its_weight() -> None:
    votes: list[Any] = [Fraction(0)] * 3
    share_out(Rational(), [((0, 1),)], [4], [Fraction(1)] * 3, votes)
    assert votes == [2, 2, 0]


def test_an_elected_candidate_keeps_their_share_of_a_share_and_passes_on_the_rest() -> None:
    # a (elected, kf 1/2) and b ranked equal first, c next: each gets 1/2 of a ballot;
    # a keeps 1/4 and passes 1/4 to c; b, hopeful, keeps all of theirs.
    votes: list[Any] = [Fraction(0)] * 3
    kf = [Fraction(1, 2), Fraction(1), Fraction(1)]
    share_out(Rational(), [((0, 1), (2,))], [4], kf, votes)
    assert votes == [1, 2, 1]


def test_what_each_candidate_passes_on_is_shared_again_on_its_own() -> None:
    # a and b both elected at 1/2: each passes 1/4 on, and each 1/4 is split between c and d.
    votes: list[Any] = [Fraction(0)] * 4
    kf = [Fraction(1, 2), Fraction(1, 2), Fraction(1), Fraction(1)]
    share_out(Rational(), [((0, 1), (2, 3))], [8], kf, votes)
    assert votes == [2, 2, 2, 2]


def test_guarded_shares_are_truncated_before_anyone_keeps_them() -> None:
    a = Guarded(18, 9)
    votes: list[Any] = [0] * 3
    share_out(a, [((0, 1, 2),)], [1], [a.one] * 3, votes)
    third = 10**27 // 3
    assert votes == [third] * 3
    assert sum(votes) == a.one - 1  # the truncation is lost, as droop loses it


def test_a_tied_path_drops_candidates_out_of_the_count_and_passes_over_an_empty_tier() -> None:
    state = np.array([GONE, HOPEFUL, HOPEFUL, GONE, GONE])  # last: padding
    paths, counts = tied_paths([(((0,), (1, 3), (2,)), 3), (((0, 3), (1,)), 2)], state)
    assert dict(zip(paths, counts, strict=True)) == {((1,),): 5}


def test_a_tied_path_runs_through_elected_candidates_to_a_tier_of_hopefuls_only() -> None:
    state = np.array([ELECTED, HOPEFUL, HOPEFUL, HOPEFUL, GONE])
    paths, counts = tied_paths([(((0, 1), (2,), (3,)), 1), (((1,), (0, 2)), 4)], state)
    assert dict(zip(paths, counts, strict=True)) == {((0, 1), (2,)): 1, ((1,),): 4}


def test_rows_that_rank_no_one_equal_are_left_to_the_strict_path() -> None:
    profile = Profile.from_tiers("abc", [[[0], [1]], [[1, 2], [0]]], [3, 2])
    assert profile.tiers is not None
    strict, tied = tied_rankings(profile.rankings, profile.tiers, profile.counts)
    assert strict.tolist() == [True, False]
    assert tied == [(((1, 2), (0,)), 2)]


def test_first_preferences_of_a_tie_are_equal_shares_of_the_first_tier_still_standing() -> None:
    votes: list[Any] = [Fraction(0)] * 3
    state = np.array([GONE, HOPEFUL, HOPEFUL, GONE])
    first_shares(Rational(), [(((0,), (1, 2)), 3)], state, votes)
    assert votes == [0, Fraction(3, 2), Fraction(3, 2)]
