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
