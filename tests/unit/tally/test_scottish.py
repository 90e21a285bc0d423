"""Scottish STV (SSI 2007/42): quota, transfer values, order of surpluses, exclusions."""

from __future__ import annotations

from decimal import Decimal

from soviet.tally import Number, Profile, count

D = Decimal


def _exact(value: Number) -> Decimal:
    assert isinstance(value, int | Decimal), "Scottish STV counts in decimals"
    return Decimal(value)


def _truncating() -> Profile:
    # 14 ballots, 2 seats: quota 14 // 3 + 1 = 5. a holds 9, a surplus of 4.
    return Profile.from_ballots("abcd", [[0, 1], [0, 2], [1], [2], [3]], [6, 3, 2, 2, 1])


def test_stv_quota_is_the_droop_quota_of_valid_ballots() -> None:
    assert count(_truncating(), "stv", 2).quota == 5
    blank = Profile.from_ballots("ab", [[0], []], [3, 3])
    assert count(blank, "stv", 1).quota == 4


def test_stv_transfer_value_is_truncated_to_five_decimal_places() -> None:
    first, second, *_ = count(_truncating(), "stv", 2).rounds
    assert first.elected == ("a",) and first.transfer == "a" and first.surplus == 4
    # 4/9 = 0.444444… truncated to 0.44444 a paper: 6 and 3 papers.
    assert first.transfers == {"b": D("2.66664"), "c": D("1.33332"), "d": D("0.00000")}
    assert second.votes == {"a": 5, "b": D("4.66664"), "c": D("3.33332"), "d": 1}


def test_stv_surplus_leaves_the_quota_and_truncation_goes_to_the_residual() -> None:
    second = count(_truncating(), "stv", 2).rounds[1]
    assert second.votes["a"] == 5
    assert second.residual == D("0.00004")


def test_stv_elects_the_last_continuing_candidates_when_as_many_as_vacancies() -> None:
    result = count(_truncating(), "stv", 2)
    assert result.winners == ("a", "b")
    assert result.rounds[-1].elected == ("b",)
    assert _exact(result.rounds[-1].votes["b"]) < 5  # elected below the quota, at the end


def test_stv_transfers_the_largest_surplus_first() -> None:
    # quota 21 // 4 + 1 = 6; a 10 and b 9 both elected at the first stage.
    profile = Profile.from_ballots("abcd", [[0, 2], [1, 3], [2], [3]], [10, 9, 1, 1])
    first, second, *_ = count(profile, "stv", 3).rounds
    assert first.elected == ("a", "b")
    assert first.transfer == "a" and second.transfer == "b"


def test_stv_excluded_papers_pass_on_at_their_current_value() -> None:
    # quota 15 // 3 + 1 = 6: a's surplus of 3 reaches c at 0.33333 a paper; c is then
    # excluded and passes those papers to b at the same value.
    profile = Profile.from_ballots("abcd", [[0, 2, 1], [0, 3], [1], [2], [3]], [3, 6, 3, 1, 2])
    rounds = count(profile, "stv", 2).rounds
    exclusion = next(r for r in rounds if r.excluded == ("c",))
    assert exclusion.votes["c"] == D("1.99999")
    assert exclusion.transfers["b"] == D("0.99999")


def test_stv_candidate_reaching_exactly_the_quota_has_no_transfer_stage() -> None:
    # quota 12 // 3 + 1 = 5: a has exactly 5; the next stage excludes the lowest.
    profile = Profile.from_ballots("abcd", [[0, 1], [1], [2], [3]], [5, 3, 2, 2])
    first = count(profile, "stv", 2).rounds[0]
    assert first.elected == ("a",)
    assert first.excluded and first.surplus is None


def test_stv_transfers_skip_candidates_already_elected() -> None:
    # quota 21 // 4 + 1 = 6: a and b elected; a's papers rank b next, so they pass to c
    # at 4/10 a paper.
    profile = Profile.from_ballots("abcd", [[0, 1, 2], [1], [2], [3]], [10, 9, 1, 1])
    first = count(profile, "stv", 3).rounds[0]
    assert first.transfer == "a"
    assert first.transfers == {"c": D("4.00000"), "d": D("0.00000")}


def test_stv_votes_are_conserved_at_every_stage() -> None:
    profile = Profile.from_ballots(
        "abcde", [[0, 1, 2], [0, 3], [1, 4], [2], [3, 0], [4, 2, 1]], [7, 5, 4, 3, 2, 3]
    )
    result = count(profile, "stv", 3)
    for stage in result.rounds:
        assert stage.residual is not None
        held = sum(_exact(v) for v in stage.votes.values())
        assert held + _exact(stage.exhausted) + _exact(stage.residual) == profile.total
