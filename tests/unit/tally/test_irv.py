"""Instant-runoff voting."""

from __future__ import annotations

import pytest

from soviet.tally import Profile, TallyError, count


def test_irv_elects_a_majority_winner_in_the_first_round() -> None:
    profile = Profile.from_ballots("abc", [[0, 1], [1], [2]], [6, 3, 2])
    result = count(profile, "irv")
    assert result.winners == ("a",)
    assert len(result.rounds) == 1
    assert result.rounds[0].threshold == 6


def test_irv_excludes_the_fewest_and_passes_their_ballots_on() -> None:
    profile = Profile.from_ballots("abc", [[0], [1], [2, 1]], [4, 3, 2])
    result = count(profile, "irv")
    first, second = result.rounds
    assert first.excluded == ("c",)
    assert first.transfers == {"a": 0, "b": 2}
    assert second.votes == {"a": 4, "b": 5}
    assert result.winners == ("b",)


def test_irv_exhausted_ballots_leave_the_count() -> None:
    # c's ballots rank nobody else: once c is out, 9 continuing votes need 5, not 6.
    profile = Profile.from_ballots("abc", [[0], [1], [2]], [5, 4, 2])
    result = count(profile, "irv")
    first, second = result.rounds
    assert first.threshold == 6 and not first.elected
    assert second.exhausted == 2 and second.threshold == 5
    assert result.winners == ("a",)


def test_irv_blank_ballots_count_as_exhausted_from_the_start() -> None:
    profile = Profile.from_ballots("ab", [[0], [1], []], [3, 2, 4])
    result = count(profile, "irv")
    assert result.rounds[0].exhausted == 4
    assert result.winners == ("a",)


def test_irv_tie_for_fewest_goes_to_the_earlier_round() -> None:
    # Round 1: a 7, b 1, c 3, d 4; b's ballot goes to c, tying c and d at 4, and c
    # had fewer at round 1: c goes.
    ballots = [[0], [1, 2], [2], [3]]
    profile = Profile.from_ballots("abcd", ballots, [7, 1, 3, 4])
    result = count(profile, "irv")
    assert result.rounds[0].excluded == ("b",)
    assert result.rounds[1].votes == {"a": 7, "c": 4, "d": 4}
    assert result.rounds[1].excluded == ("c",)
    assert result.ties[0].broken_by == "votes at round 1"


def test_irv_tie_equal_at_every_round_is_drawn_by_lot_from_the_seed() -> None:
    profile = Profile.from_ballots("abc", [[0], [1], [2]], [4, 2, 2])
    outcomes = set()
    for seed in (b"1", b"2", b"3", b"4", b"5", b"6"):
        result = count(profile, "irv", seed=seed)
        (tie,) = result.ties
        assert tie.broken_by == "lot" and tie.seed == seed.hex()
        assert result.rounds[0].excluded == (tie.chosen,)
        outcomes.add(tie.chosen)
    assert outcomes == {"b", "c"}


def test_irv_skips_a_withdrawn_candidate() -> None:
    profile = Profile.from_ballots("abc", [[2, 0], [1]], [3, 2], withdrawn=[2])
    result = count(profile, "irv")
    assert result.rounds[0].votes == {"a": 3, "b": 2}
    assert result.winners == ("a",)


def test_irv_refuses_several_seats() -> None:
    with pytest.raises(TallyError, match="one seat"):
        count(Profile.from_ballots("ab", [[0]]), "irv", 2)


def test_irv_batch_elimination_excludes_everyone_who_cannot_overtake_the_next() -> None:
    # d (1) + c (2) = 3 < b (10): both go at once; alone, d would go first.
    profile = Profile.from_ballots("abcd", [[0], [1], [2, 1], [3, 2]], [11, 10, 2, 1])
    batched = count(profile, "irv", options={"batch_elimination": True})
    assert batched.rounds[0].excluded == ("d", "c")  # fewest first, as RCTab reports
    plain = count(profile, "irv")
    assert plain.rounds[0].excluded == ("d",)
    assert batched.winners == plain.winners == ("b",)


def test_irv_batch_elimination_falls_back_to_the_single_lowest() -> None:
    # c (4) is not below b (5) when d's 3 joins it: 3 + 4 = 7 >= 5, so only d goes.
    profile = Profile.from_ballots("abcd", [[0], [1], [2], [3, 2]], [9, 5, 4, 3])
    result = count(profile, "irv", options={"batch_elimination": True})
    assert result.rounds[0].excluded == ("d",)


def test_irv_excludes_named_candidates_first_whatever_their_votes() -> None:
    profile = Profile.from_ballots("abc", [[0], [1], [2, 1]], [5, 3, 4])
    result = count(profile, "irv", options={"exclude_first": ["c"]})
    assert result.rounds[0].excluded == ("c",)
    assert result.winners == ("b",)
    with pytest.raises(TallyError, match="names no candidate"):
        count(profile, "irv", options={"exclude_first": ["zed"]})
