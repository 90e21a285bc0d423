"""The limits of a count: totals past what it holds exactly, and too many candidates, are
refused with a clear error rather than wrapped, rounded or counted for minutes."""

from __future__ import annotations

import numpy as np
import pytest

from soviet.ballots import profile_from_rankings
from soviet.tally import (
    MAX_BALLOTS,
    MAX_CANDIDATES,
    MAX_PAIRWISE_CANDIDATES,
    MAX_STV_BALLOTS,
    Profile,
    ProfileError,
    TallyError,
    count,
)
from soviet.tally.limits import exact_total, first_past

BIG = 999_999_999_999_999_999


def test_a_profile_whose_counts_sum_past_the_limit_is_refused() -> None:
    with pytest.raises(ProfileError, match=r"2\*\*53"):
        Profile.from_ballots(["ann", "bob"], [[0]] * 10 + [[1]], [BIG] * 10 + [1])


def test_a_count_past_int64_is_refused_not_a_numpy_overflow() -> None:
    with pytest.raises(ProfileError, match=r"2\*\*53"):
        Profile.from_ballots(["ann", "bob"], [[0], [1]], [2**62 * 4, 1])


def test_profile_from_rankings_refuses_weights_before_grouping_could_wrap_them() -> None:
    with pytest.raises(ProfileError, match=r"2\*\*53"):
        profile_from_rankings(["ann", "bob"], [[0], [1]], [2**53, 2**53])


def test_a_profile_of_exactly_the_limit_is_counted_exactly() -> None:
    profile = Profile.from_ballots(["ann", "bob"], [[0], [1]], [2**52 + 1, 2**52 - 1])
    assert profile.total == MAX_BALLOTS
    for method in ("plurality", "irv", "schulze"):
        result = count(profile, method)
        assert result.winners == ("ann",)
        assert result.rounds[0].votes == {"ann": 2**52 + 1, "bob": 2**52 - 1}


def test_stv_refuses_more_ballots_than_its_five_decimals_hold_in_64_bits() -> None:
    profile = Profile.from_ballots(["ann", "bob", "cy"], [[0], [1], [2]], [MAX_STV_BALLOTS, 1, 1])
    with pytest.raises(TallyError, match="stv counts at most"):
        count(profile, "stv", 2)


def test_meek_in_fixed_point_counts_exactly_where_scaled_votes_pass_int64() -> None:
    # 2 x 10**10 ballots at 10**9 per vote is 2 x 10**19: past int64.
    profile = Profile.from_ballots(
        ["ann", "bob", "cy"], [[0, 1], [1], [2]], [12 * 10**9, 5 * 10**9, 3 * 10**9]
    )
    result = count(profile, "meek", 2, options={"variant": "prf"})
    assert result.winners == ("ann", "bob")
    first = result.rounds[0].votes
    assert sum(first.values()) <= 20 * 10**9
    assert all(value >= 0 for value in first.values())


def test_a_count_refuses_more_candidates_than_the_limit() -> None:
    names = [f"c{i}" for i in range(MAX_CANDIDATES + 1)]
    profile = Profile.from_ballots(names, [[0], [1]])
    with pytest.raises(TallyError, match=f"at most {MAX_CANDIDATES} candidates"):
        count(profile, "irv")


@pytest.mark.parametrize("method", ["schulze", "ranked-pairs"])
def test_condorcet_methods_refuse_more_candidates_than_their_limit(method: str) -> None:
    names = [f"c{i}" for i in range(MAX_PAIRWISE_CANDIDATES + 1)]
    profile = Profile.from_ballots(names, [[0, 1], [1]])
    with pytest.raises(TallyError, match=f"at most {MAX_PAIRWISE_CANDIDATES} candidates"):
        count(profile, method)


def test_irv_counts_a_thousand_candidates_with_few_ballots() -> None:
    names = [f"c{i:04d}" for i in range(MAX_CANDIDATES)]
    ballots = [[i, (i * 7 + 1) % MAX_CANDIDATES] for i in range(0, MAX_CANDIDATES, 3)]
    result = count(Profile.from_ballots(names, [*ballots, [0]]), "irv")
    assert result.winners == ("c0000",)
    assert len(result.rounds) == MAX_CANDIDATES


def test_exact_total_adds_counts_numpy_would_wrap() -> None:
    counts = np.array([2**62, 2**62, 2**62], dtype=np.int64)
    assert exact_total(counts) == 3 * 2**62


def test_first_past_finds_the_weight_that_takes_the_running_total_past_the_room() -> None:
    weights = np.array([3, 4, 2**62, 2**62, 5], dtype=np.int64)
    assert first_past(weights, 7) == 2
    assert first_past(weights, 6) == 1
    assert first_past(np.array([1, 2, 3], dtype=np.int64), 6) is None
