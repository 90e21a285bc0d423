"""Profiles: unique rankings with their counts, checked on the way in."""

from __future__ import annotations

import numpy as np
import pytest

from soviet.errors import InputError
from soviet.tally import Profile, ProfileError


def test_from_ballots_groups_identical_rows_in_order_of_first_appearance() -> None:
    profile = Profile.from_ballots("abc", [[0, 1], [2], [0, 1], [2], [0, 1]])
    assert profile.rankings.tolist() == [[0, 1], [2, -1]]
    assert profile.counts.tolist() == [3, 2]
    assert profile.rankings.dtype == np.int32
    assert profile.counts.dtype == np.int64


def test_from_ballots_adds_the_counts_given_for_each_ballot() -> None:
    profile = Profile.from_ballots("ab", [[0], [1], [0]], [5, 2, 1])
    assert profile.counts.tolist() == [6, 2]
    assert profile.total == 8


def test_total_counts_blank_ballots() -> None:
    profile = Profile.from_ballots("ab", [[0], []], [3, 2])
    assert profile.total == 5


def test_a_candidate_number_out_of_range_is_refused() -> None:
    with pytest.raises(ProfileError, match="row 0: 2 is not a candidate"):
        Profile.from_ballots("ab", [[0, 2]])


def test_a_candidate_ranked_twice_is_refused() -> None:
    with pytest.raises(ProfileError, match="more than once"):
        Profile.from_ballots("abc", [[1, 0, 1]])


def test_a_preference_after_a_blank_position_is_refused() -> None:
    with pytest.raises(ProfileError, match="follows a blank"):
        Profile(("a", "b"), np.array([[-1, 0]]), np.array([1]))


def test_duplicate_candidate_names_are_refused() -> None:
    with pytest.raises(ProfileError, match="distinct"):
        Profile.from_ballots(["a", "a"], [[0]])


def test_negative_counts_are_refused() -> None:
    with pytest.raises(ProfileError, match="negative"):
        Profile.from_ballots("ab", [[0]], [-1])


def test_withdrawn_candidates_must_be_candidates() -> None:
    with pytest.raises(ProfileError, match="withdrawn"):
        Profile.from_ballots("ab", [[0]], withdrawn=[5])


def test_profile_errors_are_input_errors() -> None:
    assert issubclass(ProfileError, InputError)


def test_profile_arrays_cannot_be_changed_in_place() -> None:
    profile = Profile.from_ballots("ab", [[0, 1]])
    with pytest.raises(ValueError):
        profile.rankings[0, 0] = 1
    with pytest.raises(ValueError):
        profile.counts[0] = 9


def test_a_candidate_ranked_twice_is_refused_among_many_candidates() -> None:
    names = [f"c{i}" for i in range(70)]
    with pytest.raises(ProfileError, match="row 1: a candidate appears more than once"):
        Profile.from_ballots(names, [[0, 69], [69, 3, 69]])


def test_rankings_must_hold_whole_numbers() -> None:
    with pytest.raises(ProfileError, match="candidate numbers"):
        Profile(("a", "b"), np.array([[0.5, 1.0]]), np.array([1]))


def test_a_profile_built_from_rankings_is_strict_and_has_no_tiers() -> None:
    profile = Profile.from_ballots("abc", [[0, 1], [2]])
    assert profile.strict and profile.tiers is None


def test_from_tiers_gives_every_position_the_preference_it_stands_at() -> None:
    profile = Profile.from_tiers("abcd", [[[0], [1, 2], [3]], [[2, 3]]], [5, 2])
    assert profile.rankings.tolist() == [[0, 1, 2, 3], [2, 3, -1, -1]]
    assert profile.tiers is not None
    assert profile.tiers.tolist() == [[0, 1, 1, 2], [0, 0, -1, -1]]
    assert profile.tiers.dtype == np.int32
    assert not profile.strict and profile.total == 7


def test_from_tiers_groups_ballots_that_order_a_tier_differently() -> None:
    profile = Profile.from_tiers("abc", [[[2, 1]], [[1, 2]], [[0], [], [2]]])
    assert profile.rankings.tolist() == [[1, 2], [0, 2]]
    assert profile.counts.tolist() == [2, 1]


def test_from_tiers_with_no_candidates_ranked_equal_makes_a_strict_profile() -> None:
    tiered = Profile.from_tiers("abc", [[[0], [1]], [[2]]], [3, 1])
    plain = Profile.from_ballots("abc", [[0, 1], [2]], [3, 1])
    assert tiered.strict
    assert tiered.rankings.tolist() == plain.rankings.tolist()
    assert tiered.counts.tolist() == plain.counts.tolist()


@pytest.mark.parametrize(
    ("tiers", "problem"),
    [
        ([[0, 0, 2]], "rise by 0 .ranked equal. or 1"),
        ([[1, 1, 2]], "start at 0"),
        ([[0, 0, -1]], "-1 exactly where the ranking is padded"),
        ([[0, 0]], "shape of the rankings"),
    ],
)
def test_tiers_that_do_not_read_as_preferences_are_refused(
    tiers: list[list[int]], problem: str
) -> None:
    with pytest.raises(ProfileError, match=problem):
        Profile(("a", "b", "c"), np.array([[0, 1, 2]]), np.array([1]), tiers=np.array(tiers))


def test_tiers_cannot_be_changed_in_place() -> None:
    profile = Profile.from_tiers("ab", [[[0, 1]]])
    assert profile.tiers is not None
    with pytest.raises(ValueError):
        profile.tiers[0, 0] = 1
