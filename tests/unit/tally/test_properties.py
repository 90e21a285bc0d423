"""Property tests: soviet's counts against pref_voting, and the invariants of STV and Meek."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

from hypothesis import assume, given, settings
from hypothesis import strategies as st
from pref_voting.grade_methods import approval as pv_approval
from pref_voting.grade_profiles import GradeProfile
from pref_voting.iterative_methods import instant_runoff as pv_instant_runoff
from pref_voting.margin_based_methods import beat_path as pv_schulze
from pref_voting.margin_based_methods import ranked_pairs_tb as pv_ranked_pairs_tb
from pref_voting.profiles import Profile as PvProfile
from pref_voting.scoring_methods import plurality as pv_plurality

from soviet.tally import Number, Profile, Result, count
from soviet.tally.condorcet import pairwise

NAMES = "abcdefg"


@st.composite
def full_rankings(draw: st.DrawFn) -> tuple[int, list[list[int]], list[int]]:
    """A few distinct complete rankings of 3 to 6 candidates, with counts."""
    n = draw(st.integers(3, 6))
    rows = draw(st.lists(st.permutations(range(n)), min_size=1, max_size=8, unique_by=tuple))
    counts = draw(st.lists(st.integers(1, 500), min_size=len(rows), max_size=len(rows)))
    return n, [list(r) for r in rows], counts


@st.composite
def truncated_rankings(draw: st.DrawFn) -> tuple[int, list[list[int]], list[int]]:
    """Rankings that may stop early or be blank, of 2 to 7 candidates, with counts."""
    n = draw(st.integers(2, 7))
    rows = draw(
        st.lists(
            st.permutations(range(n)).flatmap(
                lambda p: st.integers(0, len(p)).map(lambda k: list(p[:k]))
            ),
            min_size=1,
            max_size=10,
        )
    )
    counts = draw(st.lists(st.integers(1, 30), min_size=len(rows), max_size=len(rows)))
    return n, rows, counts


def _both(case: tuple[int, list[list[int]], list[int]]) -> tuple[Profile, PvProfile]:
    n, rows, counts = case
    ours = Profile.from_ballots(NAMES[:n], rows, counts)
    return ours, PvProfile(rows, rcounts=counts)


def _name_numbers(result: Result) -> list[int]:
    return [NAMES.index(w) for w in result.winners]


@settings(max_examples=80, deadline=None)
@given(full_rankings())
def test_irv_agrees_with_pref_voting_when_no_tie_is_broken(
    case: tuple[int, list[list[int]], list[int]],
) -> None:
    ours, theirs = _both(case)
    result = count(ours, "irv")
    if not result.ties:
        assert _name_numbers(result) == pv_instant_runoff(theirs)


@settings(max_examples=80, deadline=None)
@given(full_rankings())
def test_plurality_agrees_with_pref_voting(case: tuple[int, list[list[int]], list[int]]) -> None:
    ours, theirs = _both(case)
    result = count(ours, "plurality")
    expected = pv_plurality(theirs)
    assert _name_numbers(result)[0] in expected
    if len(expected) == 1:
        assert not result.ties


@settings(max_examples=80, deadline=None)
@given(full_rankings())
def test_schulze_agrees_with_pref_voting(case: tuple[int, list[list[int]], list[int]]) -> None:
    ours, theirs = _both(case)
    result = count(ours, "schulze")
    expected = pv_schulze(theirs)
    assert _name_numbers(result)[0] in expected
    level = next((t for t in result.ties if t.purpose == "schulze place 1"), None)
    top = {result.winners[0]} if level is None else set(level.between)
    assert {NAMES.index(c) for c in top} == set(expected)


@settings(max_examples=80, deadline=None)
@given(full_rankings())
def test_ranked_pairs_agrees_with_pref_voting_under_the_same_tie_breaking_ranking(
    case: tuple[int, list[list[int]], list[int]],
) -> None:
    ours, theirs = _both(case)
    margins = pairwise(ours) - pairwise(ours).T
    # pref_voting locks in zero margins too; with none, the two rules are the same.
    assume(int((margins == 0).sum()) == ours.n_candidates)
    order = list(ours.candidates)
    result = count(ours, "ranked-pairs", options={"tie_order": order})
    assert [_name_numbers(result)[0]] == pv_ranked_pairs_tb(theirs)


@settings(max_examples=80, deadline=None)
@given(
    st.integers(2, 6).flatmap(
        lambda n: st.tuples(
            st.just(n),
            st.lists(st.sets(st.integers(0, n - 1)), min_size=1, max_size=10),
        )
    ),
    st.data(),
)
def test_approval_agrees_with_pref_voting(
    case: tuple[int, list[set[int]]], data: st.DataObject
) -> None:
    n, sets = case
    counts = data.draw(st.lists(st.integers(1, 20), min_size=len(sets), max_size=len(sets)))
    ours = Profile.from_ballots(NAMES[:n], [sorted(s) for s in sets], counts)
    grades = [{c: int(c in s) for c in range(n)} for s in sets]
    expected = pv_approval(GradeProfile(grades, [0, 1], gcounts=counts))
    result = count(ours, "approval")
    assert _name_numbers(result)[0] in expected
    if len(expected) == 1:
        assert not result.ties


@settings(max_examples=80, deadline=None)
@given(truncated_rankings())
def test_stv_for_one_seat_elects_the_irv_winner(
    case: tuple[int, list[list[int]], list[int]],
) -> None:
    n, rows, counts = case
    profile = Profile.from_ballots(NAMES[:n], rows, counts)
    stv, irv = count(profile, "stv"), count(profile, "irv")
    if not stv.ties and not irv.ties:
        assert stv.winners == irv.winners


def _decimal(value: Number) -> Decimal:
    assert isinstance(value, int | Decimal)
    return Decimal(value)


@settings(max_examples=100, deadline=None)
@given(truncated_rankings(), st.integers(1, 4))
def test_stv_conserves_votes_and_elects_below_quota_only_at_the_end(
    case: tuple[int, list[list[int]], list[int]], seats: int
) -> None:
    n, rows, counts = case
    profile = Profile.from_ballots(NAMES[:n], rows, counts)
    result = count(profile, "stv", seats)
    assert result.quota == profile.total // (seats + 1) + 1
    assert len(result.winners) == min(seats, n)
    assert len(set(result.winners)) == len(result.winners)
    for stage in result.rounds:
        assert stage.residual is not None
        held = sum(_decimal(v) for v in stage.votes.values())
        assert held + _decimal(stage.exhausted) + _decimal(stage.residual) == profile.total
        # Truncation loses less than 0.00001 a paper at each transfer.
        assert _decimal(stage.residual) < Decimal("0.00001") * profile.total * stage.number
        for name in stage.elected:
            assert result.quota is not None
            below = _decimal(stage.votes[name]) < _decimal(result.quota)
            assert not below or (stage is result.rounds[-1] and "deemed" in stage.note)


def _fraction(value: Number) -> Fraction:
    return Fraction(value)


@settings(max_examples=60, deadline=None)
@given(
    truncated_rankings(),
    st.integers(1, 3),
    st.sampled_from([{}, {"arithmetic": "fixed"}, {"variant": "prf"}]),
)
def test_meek_conserves_votes_up_to_its_rounding_and_respects_the_quota(
    case: tuple[int, list[list[int]], list[int]], seats: int, options: dict[str, object]
) -> None:
    n, rows, counts = case
    profile = Profile.from_ballots(NAMES[:n], rows, counts)
    result = count(profile, "meek", seats, options=options)
    places = 9 if options else 18
    unit = Fraction(1, 10**places)
    blank = sum(c for r, c in zip(rows, counts, strict=True) if not r)
    assert len(result.winners) == min(seats, n)
    assert len(set(result.winners)) == len(result.winners)
    for r in result.rounds:
        held = sum(_fraction(v) for v in r.votes.values())
        assert abs(held + _fraction(r.exhausted) - profile.total) <= (n + 1) * unit
        assert _fraction(r.exhausted) >= blank - (n + 1) * unit
        assert r.threshold is not None
        for name in r.elected:
            reached = _fraction(r.votes[name]) >= _fraction(r.threshold) - unit
            assert reached or (r is result.rounds[-1] and "deemed" in r.note)
