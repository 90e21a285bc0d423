"""Plurality, block voting, approval and yes-no."""

from __future__ import annotations

from fractions import Fraction

import pytest

from soviet.tally import Profile, ProfileError, TallyError, count


def _yes_no(yes: int, no: int, blank: int = 0) -> Profile:
    return Profile.from_ballots(("yes", "no"), [[0], [1], []], [yes, no, blank])


def test_plurality_elects_the_candidate_with_most_first_preferences() -> None:
    profile = Profile.from_ballots("abc", [[0, 1], [1, 0], [2, 1]], [4, 5, 3])
    result = count(profile, "plurality")
    assert result.winners == ("b",)
    assert result.rounds[0].votes == {"a": 4, "b": 5, "c": 3}


def test_plurality_with_several_seats_is_block_voting() -> None:
    profile = Profile.from_ballots("abcd", [[0, 1], [2, 3], [0, 2], [3]], [3, 2, 2, 1])
    result = count(profile, "plurality", 2)
    assert result.rounds[0].votes == {"a": 5, "b": 3, "c": 4, "d": 3}
    assert result.winners == ("a", "c")


def test_block_voting_counts_only_the_first_seats_choices_of_a_longer_row() -> None:
    profile = Profile.from_ballots("abc", [[0, 1, 2]], [1])
    assert count(profile, "plurality", 2).rounds[0].votes == {"a": 1, "b": 1, "c": 0}


def test_a_tie_for_the_last_seat_is_drawn_by_lot_and_recorded() -> None:
    profile = Profile.from_ballots("abc", [[0], [1], [2]], [5, 3, 3])
    result = count(profile, "plurality", 2, seed=b"root")
    assert result.winners[0] == "a"
    assert result.winners[1] in {"b", "c"}
    (tie,) = result.ties
    assert tie.between == ("b", "c") and tie.broken_by == "lot" and tie.seed == b"root".hex()
    assert tie.chosen == result.winners[1]


def test_approval_gives_every_approved_candidate_one_vote() -> None:
    profile = Profile.from_ballots("abc", [[0, 1], [1, 2], [1]], [2, 2, 1])
    result = count(profile, "approval")
    assert result.rounds[0].votes == {"a": 2, "b": 5, "c": 2}
    assert result.winners == ("b",)


def test_a_withdrawn_candidate_gets_no_votes_and_the_next_choice_counts() -> None:
    profile = Profile.from_ballots("abc", [[0, 1], [2]], [5, 4], withdrawn=[0])
    result = count(profile, "plurality")
    assert result.rounds[0].votes == {"b": 5, "c": 4}
    assert result.winners == ("b",)


def test_yes_no_passes_on_a_majority_with_the_quorum_met() -> None:
    result = count(_yes_no(6, 4), "yes-no", options={"electorate": 20, "quorum": Fraction(1, 2)})
    assert result.winners == ("yes",)
    assert "quorum met" in result.note


def test_yes_no_fails_when_the_quorum_is_not_met() -> None:
    result = count(_yes_no(6, 3), "yes-no", options={"electorate": 20, "quorum": Fraction(1, 2)})
    assert result.winners == ("no",)
    assert "quorum not met" in result.note


def test_yes_no_fails_on_equal_yes_and_no() -> None:
    assert count(_yes_no(5, 5), "yes-no").winners == ("no",)


def test_yes_no_quorum_is_compared_exactly() -> None:
    third = {"electorate": 3, "quorum": Fraction(1, 3)}
    assert count(_yes_no(1, 0), "yes-no", options=third).winners == ("yes",)
    assert count(_yes_no(1, 0), "yes-no", options={**third, "electorate": 4}).winners == ("no",)


def test_yes_no_blank_ballots_do_not_count_toward_the_quorum() -> None:
    options = {"electorate": 10, "quorum": Fraction(1, 2)}
    assert count(_yes_no(3, 1, blank=4), "yes-no", options=options).winners == ("no",)


def test_yes_no_refuses_a_float_quorum() -> None:
    with pytest.raises(TallyError, match="exact"):
        count(_yes_no(1, 0), "yes-no", options={"electorate": 3, "quorum": 0.5})


def test_yes_no_needs_an_electorate_with_a_quorum() -> None:
    with pytest.raises(TallyError, match="electorate"):
        count(_yes_no(1, 0), "yes-no", options={"quorum": Fraction(1, 2)})


def test_yes_no_needs_the_candidates_yes_and_no() -> None:
    with pytest.raises(ProfileError, match="yes"):
        count(Profile.from_ballots("ab", [[0]]), "yes-no")


def test_yes_no_refuses_a_ranking() -> None:
    with pytest.raises(ProfileError, match="one choice"):
        count(Profile.from_ballots(("yes", "no"), [[0, 1]]), "yes-no")
