"""Apportionment: textbook examples with their published answers, the paradoxes each method
is known to have or to avoid, and the divisor methods against a naive table of averages."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from fractions import Fraction
from math import ceil, floor, isqrt

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from soviet.errors import InputError
from soviet.tally.apportionment import (
    MAX_SEATS,
    METHODS,
    TIE_RULE,
    ApportionmentError,
    apportion,
    apportion_per,
    priority_order,
    seats_per,
)
from soviet.tally.errors import TallyError

DIVISOR_METHODS = sorted(name for name, spec in METHODS.items() if spec.house_monotone)
#: Wikipedia's example for D'Hondt and Sainte-Laguë: four parties, eight seats.
PARTIES = {"A": 100_000, "B": 80_000, "C": 30_000, "D": 20_000}


def seats_of(
    sizes: Mapping[str, int],
    seats: int,
    method: str,
    *,
    minimum: int = 1,
    maximum: int | None = None,
) -> dict[str, int]:
    return dict(apportion(sizes, seats, method, minimum, maximum).allocation)


# --- textbook examples ---------------------------------------------------------------


def test_dhondt_gives_the_published_seats_of_the_textbook_example() -> None:
    # Averages: A 100k 50k 33.3k 25k | B 80k 40k 26.7k | C 30k | D 20k: the eighth is 25k.
    assert seats_of(PARTIES, 8, "dhondt", minimum=0) == {"A": 4, "B": 3, "C": 1, "D": 0}


def test_sainte_lague_gives_the_published_seats_of_the_textbook_example() -> None:
    # Averages (divisors 1, 3, 5): A 100k 33.3k 20k | B 80k 26.7k 16k | C 30k | D 20k.
    result = apportion(PARTIES, 8, "sainte-lague", minimum=0)
    assert dict(result.allocation) == {"A": 3, "B": 3, "C": 1, "D": 1}
    assert result.ties == ()  # A and D tie at 20k, but both get that seat


def test_hamilton_gives_the_published_seats_of_the_textbook_example() -> None:
    # Quotas 4.7 1.6 1.58 1.2 0.61 0.31: seven whole seats, three to .7, .61 and .6.
    parties = {"A": 47_000, "B": 16_000, "C": 15_800, "D": 12_000, "E": 6_100, "F": 3_100}
    assert seats_of(parties, 10, "hamilton", minimum=0) == {
        "A": 5,
        "B": 2,
        "C": 1,
        "D": 1,
        "E": 1,
        "F": 0,
    }


def test_huntington_hill_gives_one_seat_each_then_seats_by_priority() -> None:
    # After a seat each: A 100k/√2 = 70.7k, B 56.6k, then A 100k/√6 = 40.8k, B 32.7k.
    assert seats_of(PARTIES, 8, "huntington-hill") == {"A": 3, "B": 3, "C": 1, "D": 1}
    order = priority_order(PARTIES, 8)
    assert [(award.seat, award.name, award.nth) for award in order] == [
        (5, "A", 2),
        (6, "B", 2),
        (7, "A", 3),
        (8, "B", 3),
    ]


def test_huntington_hill_decides_a_near_tie_exactly() -> None:
    # After A 1, B 2 seats the next is A's if P_A²/2 > P_B²/6, i.e. if P_B² < 3 P_A²: a
    # difference of one person in 1.7 × 10^15, past what a float carries.
    a = 10**15
    b = isqrt(3 * a * a)  # b² < 3a² < (b + 1)²
    assert seats_of({"A": a, "B": b}, 4, "huntington-hill") == {"A": 2, "B": 2}
    assert seats_of({"A": a, "B": b + 1}, 4, "huntington-hill") == {"A": 1, "B": 3}


def test_hamilton_shows_the_alabama_paradox() -> None:
    # Quotas for 10 seats: 4.29 4.29 1.43 (C takes the remaining seat); for 11: 4.71
    # 4.71 1.57 (A and B take both): one more seat in the house, and C loses one.
    states = {"A": 6, "B": 6, "C": 2}
    assert seats_of(states, 10, "hamilton") == {"A": 4, "B": 4, "C": 2}
    assert seats_of(states, 11, "hamilton") == {"A": 5, "B": 5, "C": 1}
    assert not METHODS["hamilton"].house_monotone
    for method in DIVISOR_METHODS:
        before, after = seats_of(states, 10, method), seats_of(states, 11, method)
        assert all(after[name] >= before[name] for name in states), method


# --- ties, bounds, the per-member rule -------------------------------------------------


def test_a_tie_for_the_last_seat_goes_to_the_larger_then_by_name_and_is_recorded() -> None:
    result = apportion({"small": 10, "big": 20}, 2, "dhondt", minimum=0)
    assert dict(result.allocation) == {"small": 0, "big": 2}  # big's 10 ties small's 10
    (tie,) = result.ties
    assert (tie.between, tie.seats, tie.chosen, tie.broken_by) == (
        ("small", "big"),
        1,
        ("big",),
        TIE_RULE,
    )
    even = apportion({"b": 1, "a": 1}, 1, "hamilton", minimum=0)
    assert dict(even.allocation) == {"b": 0, "a": 1}
    assert even.to_json()["ties"] == [
        {"between": ["b", "a"], "seats": 1, "chosen": ["a"], "broken_by": TIE_RULE}
    ]


def test_huntington_hill_without_a_minimum_gives_a_first_seat_to_every_size_first() -> None:
    result = apportion({"a": 5, "b": 1000, "c": 7}, 2, "huntington-hill", minimum=0)
    assert dict(result.allocation) == {"a": 0, "b": 1, "c": 1}
    assert result.ties[0].between == ("a", "b", "c") and result.ties[0].chosen == ("b", "c")


def test_a_maximum_caps_a_constituency_and_its_seats_go_to_the_others() -> None:
    for method in METHODS:
        assert seats_of(PARTIES, 8, method, minimum=1, maximum=2) == {
            "A": 2,
            "B": 2,
            "C": 2,
            "D": 2,
        }
        capped = seats_of({"big": 1000, "a": 10, "b": 5}, 6, method, minimum=0, maximum=3)
        assert capped["big"] == 3 and sum(capped.values()) == 6, method


def test_a_constituency_of_size_zero_gets_its_minimum_only() -> None:
    for method in METHODS:
        assert seats_of({"a": 0, "b": 10}, 5, method, minimum=1) == {"a": 1, "b": 4}
        assert seats_of({"a": 0, "b": 0}, 4, method, minimum=2) == {"a": 2, "b": 2}


def test_the_json_of_an_allocation_keeps_the_input_order() -> None:
    document = apportion({"z": 3, "a": 1}, 4, "dhondt").to_json()
    assert list(document) == ["method", "seats", "allocation", "ties"]
    assert list(document["allocation"]) == ["z", "a"]  # type: ignore[arg-type]
    assert document == {"method": "dhondt", "seats": 4, "allocation": {"z": 3, "a": 1}, "ties": []}


def test_seats_per_members_round_half_up_within_the_bounds() -> None:
    assert [seats_per(n, 100, 1, 10) for n in (0, 49, 50, 149, 150, 250, 251, 999, 5000)] == [
        1,
        1,
        1,
        1,
        2,
        3,
        3,
        10,
        10,
    ]
    assert seats_per(0, 100, minimum=0) == 0
    council = apportion_per({"depot": 420, "works": 1250, "office": 12}, 100, 1, 10)
    assert dict(council.allocation) == {"depot": 4, "works": 10, "office": 1}
    assert (council.method, council.seats) == ("per", 15)


# --- bad input -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("call", "says"),
    [
        (lambda: apportion(PARTIES, 8, "borda"), "unknown apportionment method 'borda'"),
        (lambda: apportion(PARTIES, 0), "seats must be from 1 to 100,000, not 0"),
        (lambda: apportion(PARTIES, MAX_SEATS + 1), "seats must be from 1"),
        (lambda: apportion(PARTIES, True), "seats must be a whole number"),
        (
            lambda: apportion(PARTIES, 3),
            "3 seats cannot give each of the 4 constituencies its minimum of 1: that takes 4",
        ),
        (lambda: apportion(PARTIES, 9, maximum=2), "9 seats cannot all be given at most 2"),
        (lambda: apportion({"a": 0, "b": 0}, 3), "every size is 0"),
        (lambda: apportion({"a": -1}, 3), "the size of 'a' must be from 0"),
        (lambda: apportion({"a": 1.5}, 3), "the size of 'a' must be a whole number"),  # type: ignore[dict-item]
        (lambda: apportion({}, 3), "no constituency"),
        (lambda: apportion(PARTIES, 8, minimum=3, maximum=2), "the maximum (2) must be at least"),
        (lambda: apportion(PARTIES, 8, minimum=-1), "the minimum must be from 0"),
        (lambda: priority_order(PARTIES, 8, "hamilton"), "hamilton gives its seats all at once"),
        (lambda: seats_per(10, 0), "per must be at least 1"),
    ],
)
def test_an_apportionment_that_cannot_be_made_is_refused_naming_why(
    call: Callable[[], object], says: str
) -> None:
    with pytest.raises(ApportionmentError) as refused:
        call()
    assert says in str(refused.value)
    assert isinstance(refused.value, TallyError) and isinstance(refused.value, InputError)


def test_every_method_is_registered_with_a_summary() -> None:
    assert list(METHODS) == ["huntington-hill", "sainte-lague", "dhondt", "hamilton"]
    assert all(spec.name == name and spec.summary for name, spec in METHODS.items())


# --- properties ------------------------------------------------------------------------

Problem = tuple[dict[str, int], int, int, int | None]


@st.composite
def problems(draw: st.DrawFn, *, tied: bool = False) -> Problem:
    """Up to six constituencies, seats and bounds; some sizes small, so that ties happen
    (`tied`: only sizes that tie often)."""
    size = st.sampled_from([1, 2, 3, 4, 6, 12]) | st.integers(0, 30) | st.integers(0, 10**7)
    sizes = draw(
        st.dictionaries(
            st.text("abcdefgh", min_size=1, max_size=2),
            st.sampled_from([0, 1, 2, 3, 6]) if tied else size,
            min_size=1,
            max_size=6,
        )
    )
    minimum = draw(st.integers(0, 2))
    maximum = draw(st.none() | st.integers(max(minimum, 1), max(minimum, 1) + 6))
    count, empty = len(sizes), sum(1 for size in sizes.values() if size == 0)
    least, most = max(1, count * minimum), count * minimum + 30
    if maximum is not None:
        most = min(most, (count - empty) * maximum + empty * minimum)
    if empty == count:
        most = count * minimum
    assume(least <= most)
    return sizes, draw(st.integers(least, most)), minimum, maximum


@given(problems(), st.sampled_from(sorted(METHODS)))
def test_the_seats_sum_to_the_council_and_each_is_within_its_bounds(
    problem: Problem, method: str
) -> None:
    sizes, seats, minimum, maximum = problem
    given_seats = apportion(sizes, seats, method, minimum, maximum).allocation
    assert list(given_seats) == list(sizes)
    assert sum(given_seats.values()) == seats
    for name, held in given_seats.items():
        assert held >= minimum
        assert maximum is None or held <= maximum
        assert sizes[name] > 0 or held == minimum


@given(problems(), st.sampled_from(DIVISOR_METHODS))
def test_a_divisor_method_is_house_monotone(problem: Problem, method: str) -> None:
    sizes, seats, minimum, maximum = problem
    try:
        bigger = seats_of(sizes, seats + 1, method, minimum=minimum, maximum=maximum)
    except ApportionmentError:  # the bounds take no more
        return
    smaller = seats_of(sizes, seats, method, minimum=minimum, maximum=maximum)
    assert all(bigger[name] >= smaller[name] for name in sizes)
    order = priority_order(sizes, seats + 1, method, minimum, maximum)
    assert order[-1].seat == seats + 1 and bigger[order[-1].name] == smaller[order[-1].name] + 1


@given(problems(), st.sampled_from(DIVISOR_METHODS), st.data())
def test_a_divisor_method_is_population_monotone(
    problem: Problem, method: str, data: st.DataObject
) -> None:
    sizes, seats, minimum, maximum = problem
    grows = data.draw(st.sampled_from(sorted(sizes)))
    larger = {**sizes, grows: sizes[grows] + data.draw(st.integers(1, 10**6))}
    before = seats_of(sizes, seats, method, minimum=minimum, maximum=maximum)
    after = seats_of(larger, seats, method, minimum=minimum, maximum=maximum)
    assert after[grows] >= before[grows]


@given(problems(), st.sampled_from(DIVISOR_METHODS), st.data())
def test_no_divisor_method_moves_a_seat_against_a_shift_of_population(
    problem: Problem, method: str, data: st.DataObject
) -> None:
    sizes, seats, minimum, maximum = problem
    assume(len(sizes) >= 2)
    gains, loses = data.draw(st.permutations(sorted(sizes)))[:2]
    shifted = {**sizes, gains: sizes[gains] + data.draw(st.integers(0, 1000))}
    shifted[loses] = data.draw(st.integers(0, sizes[loses]))
    try:
        after = seats_of(shifted, seats, method, minimum=minimum, maximum=maximum)
    except ApportionmentError:  # the new sizes cannot take the seats
        return
    before = seats_of(sizes, seats, method, minimum=minimum, maximum=maximum)
    assert not (after[gains] < before[gains] and after[loses] > before[loses])


@given(problems())
def test_hamilton_gives_each_the_whole_part_of_its_quota_or_one_more(problem: Problem) -> None:
    sizes, seats, _minimum, _maximum = problem
    total = sum(sizes.values())
    assume(total > 0)
    given_seats = seats_of(sizes, seats, "hamilton", minimum=0)
    for name, size in sizes.items():
        quota = Fraction(size * seats, total)
        assert floor(quota) <= given_seats[name] <= ceil(quota)


# The divisor methods by their textbook definition: list every average, highest first,
# and give the seats after the minimums to the highest ones.
def _dhondt(p: int, n: int) -> tuple[int, Fraction]:
    return 1, Fraction(p) / (n + 1)


def _sainte_lague(p: int, n: int) -> tuple[int, Fraction]:
    return 1, Fraction(p) / (n + Fraction(1, 2))


def _huntington_hill(p: int, n: int) -> tuple[int, Fraction]:
    # p / sqrt(n (n + 1)), compared squared; the first seat's divisor is 0: infinite
    return (2, Fraction(0)) if n == 0 else (1, Fraction(p * p, n * (n + 1)))


AVERAGES = {"dhondt": _dhondt, "sainte-lague": _sainte_lague, "huntington-hill": _huntington_hill}


@given(problems() | problems(tied=True), st.sampled_from(DIVISOR_METHODS))
def test_a_divisor_method_gives_the_highest_averages_of_its_table(
    problem: Problem, method: str
) -> None:
    sizes, seats, minimum, maximum = problem
    average = AVERAGES[method]
    table = sorted(
        (
            (average(size, n), name)
            for name, size in sizes.items()
            if size
            for n in range(minimum, seats if maximum is None else maximum)
        ),
        key=lambda entry: entry[0],
        reverse=True,
    )
    free = seats - minimum * len(sizes)
    expected = dict.fromkeys(sizes, minimum)
    for _, name in table[:free]:
        expected[name] += 1
    result = apportion(sizes, seats, method, minimum, maximum)
    tied = 0 < free < len(table) and table[free - 1][0] == table[free][0]
    assert bool(result.ties) == tied
    if not tied:
        assert dict(result.allocation) == expected
        return
    # A tie at the last seat: any of the tied may take it, but no other seat moves, and
    # the lowest average given is still at least the highest one not given.
    given_seats = result.allocation
    held_back = [
        average(sizes[name], held)
        for name, held in given_seats.items()
        if sizes[name] and (maximum is None or held < maximum)
    ]
    taken = [average(sizes[name], held - 1) for name, held in given_seats.items() if held > minimum]
    assert min(taken) >= max(held_back)
    (tie,) = result.ties
    assert sum(given_seats[name] - expected[name] for name in tie.between) == 0
    assert all(given_seats[name] == expected[name] for name in sizes if name not in tie.between)
