"""Meek STV: keep factors, a quota that follows the votes, its arithmetics and options."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import pytest

from soviet.tally import Profile, TallyError, count

# droop's "42": Castor has 4 first preferences (then Pollux), Helen 2; two seats.
CASTOR = Profile.from_ballots(["Castor", "Pollux", "Helen"], [[0, 1], [2]], [4, 2])


def _spread() -> Profile:
    return Profile.from_ballots(
        "abcde",
        [[0, 1, 2], [0, 2], [1, 3], [2, 4, 1], [3, 0], [4, 3, 2], [1]],
        [12, 7, 6, 5, 4, 3, 2],
    )


def test_meek_elects_on_the_quota_and_passes_on_the_surplus() -> None:
    result = count(CASTOR, "meek", 2, seed=b"s")
    first, second = result.rounds
    assert first.elected == ("Castor",)
    assert first.votes == {"Castor": 4, "Pollux": 0, "Helen": 2}
    assert second.votes["Castor"] == Decimal(2)
    assert second.votes["Pollux"] == Decimal(2)
    assert second.keep_factors["Castor"] == Decimal("0.5")


def test_meek_candidates_level_within_the_surplus_go_to_a_lot() -> None:
    result = count(CASTOR, "meek", 2, seed=b"s")
    (tie,) = result.ties
    assert set(tie.between) == {"Pollux", "Helen"} and tie.broken_by == "lot"
    assert result.rounds[-1].excluded == (tie.chosen,)
    assert set(result.winners) == {"Castor", "Pollux", "Helen"} - {tie.chosen}


def test_meek_quota_follows_the_votes_still_held() -> None:
    profile = Profile.from_ballots("abcd", [[0], [1], [2], [3], [0, 1]], [5, 4, 3, 2, 4])
    result = count(profile, "meek", 2, options={"arithmetic": "rational"})
    assert result.rounds[0].threshold == Fraction(18, 3)
    later = [r.threshold for r in result.rounds[1:]]
    assert all(q is not None and q < 6 for q in later)  # exhausted votes lower the quota


def test_meek_rational_arithmetic_reports_exact_fractions() -> None:
    result = count(_spread(), "meek", 2, options={"arithmetic": "rational"})
    values = [v for r in result.rounds for v in r.votes.values()]
    assert all(isinstance(v, int | Fraction) for v in values)
    document = result.to_json()
    assert document["arithmetic"] == "rational (exact fractions), omega 10^-10"


def test_meek_fixed_arithmetic_reports_decimals_at_its_precision() -> None:
    result = count(_spread(), "meek", 2, options={"arithmetic": "fixed", "precision": 6})
    for r in result.rounds[1:]:
        for value in r.votes.values():
            assert isinstance(value, Decimal)
            assert value == value.quantize(Decimal("0.000001"))


@pytest.mark.parametrize(
    "options",
    [
        {},
        {"arithmetic": "fixed"},
        {"arithmetic": "rational"},
        {"variant": "prf"},
        {"defeat_batch": "none"},
    ],
)
def test_meek_arithmetics_agree_on_a_clear_count(options: dict[str, object]) -> None:
    assert set(count(_spread(), "meek", 2, options=options).winners) == {"a", "b"}


def test_meek_variant_prf_fixes_its_arithmetic() -> None:
    with pytest.raises(TallyError, match="variant prf"):
        count(CASTOR, "meek", 2, options={"variant": "prf", "precision": 12})


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"arithmetic": "float"}, "arithmetic"),
        ({"precision": -1}, "precision"),
        ({"guard": 0}, "guard"),
        ({"defeat_batch": "all"}, "defeat_batch"),
        ({"variant": "nz"}, "variant"),
    ],
)
def test_meek_refuses_options_it_cannot_count_with(
    options: dict[str, object], message: str
) -> None:
    with pytest.raises(TallyError, match=message):
        count(CASTOR, "meek", 2, options=options)


def test_meek_with_no_more_hopefuls_than_seats_elects_them_all_at_once() -> None:
    result = count(CASTOR, "meek", 3)
    assert set(result.winners) == {"Castor", "Pollux", "Helen"}
    assert len(result.rounds) == 1


def test_meek_shares_a_ballot_among_candidates_ranked_equal() -> None:
    # droop's meek/eq1: the one ballot ranking b and c equal gives each half of it.
    profile = Profile.from_tiers("abc", [[[0], [1]], [[1, 2]], [[2]]], [5, 1, 3])
    (first,) = count(profile, "meek", 2).rounds
    assert first.votes == {"a": Decimal(5), "b": Decimal("0.5"), "c": Decimal("3.5")}
    assert first.elected == ("a", "c")


def test_meek_passes_an_elected_candidates_surplus_on_to_candidates_ranked_equal() -> None:
    # 8 ballots a, then b=c; 1 b; 3 c. Quota 4: a is elected on 8 and keeps half of each
    # ballot; the other half is shared between b and c, a quarter each: b 1 + 2, c 3 + 2.
    profile = Profile.from_tiers("abc", [[[0], [1, 2]], [[1]], [[2]]], [8, 1, 3])
    first, second = count(profile, "meek", 2).rounds
    assert first.votes == {"a": Decimal(8), "b": Decimal(1), "c": Decimal(3)}
    assert first.elected == ("a",)
    assert second.votes == {"a": Decimal(4), "b": Decimal(3), "c": Decimal(5)}
    assert second.keep_factors["a"] == Decimal("0.5")
    assert second.elected == ("c",)


def test_meek_passes_over_a_tier_whose_candidates_are_all_out() -> None:
    # a is defeated first; the ballots ranking a, then b=c, go on to b and c in halves.
    profile = Profile.from_tiers("abc", [[[1]], [[2]], [[0], [1, 2]]], [4, 3, 2])
    first, second = count(profile, "meek", 1, options={"arithmetic": "rational"}).rounds
    assert first.excluded == ("a",)
    assert second.votes == {"b": 5, "c": 4}
    assert second.elected == ("b",)


def test_meek_counts_a_ranking_without_ties_alike_given_as_tiers_or_as_a_ranking() -> None:
    ballots = [[0, 1, 2], [0, 2], [1, 3], [2, 4, 1], [3, 0], [4, 3, 2], [1]]
    weights = [12, 7, 6, 5, 4, 3, 2]
    tiered = Profile.from_tiers("abcde", [[[c] for c in b] for b in ballots], weights)
    plain = Profile.from_ballots("abcde", ballots, weights)
    assert count(tiered, "meek", 2).to_json() == count(plain, "meek", 2).to_json()


def test_meek_with_equal_rankings_and_no_more_hopefuls_than_seats_reports_shares() -> None:
    profile = Profile.from_tiers("ab", [[[0, 1]], [[0]]], [1, 2])
    (only,) = count(profile, "meek", 2).rounds
    assert only.votes == {"a": Decimal("2.5"), "b": Decimal("0.5")}
    assert only.exhausted == 0


def test_meek_variant_prf_refuses_equal_rankings() -> None:
    profile = Profile.from_tiers("abc", [[[0, 1]], [[2]]], [2, 1])
    with pytest.raises(TallyError, match=r"prf .* defines no equal rankings"):
        count(profile, "meek", 1, options={"variant": "prf"})
