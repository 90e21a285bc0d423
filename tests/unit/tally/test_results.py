"""Results as JSON: exact numbers, deterministic, serialisable by json and RFC 8785."""

from __future__ import annotations

import json
from decimal import Decimal
from fractions import Fraction

import rfc8785

from soviet.tally import Profile, count
from soviet.tally.results import json_number


def test_whole_numbers_are_json_integers() -> None:
    assert json_number(Decimal("1300.00000")) == 1300
    assert json_number(Fraction(6, 3)) == 2
    assert isinstance(json_number(Decimal("1300.00000")), int)


def test_a_five_place_decimal_is_a_double_that_prints_its_exact_digits() -> None:
    value = json_number(Decimal("1035.05847"))
    assert isinstance(value, float)
    assert json.dumps(value) == "1035.05847"
    assert rfc8785.dumps(value) == b"1035.05847"


def test_a_decimal_a_double_cannot_hold_is_a_string_of_its_exact_digits() -> None:
    assert json_number(Decimal("2.000000000000000001")) == "2.000000000000000001"


def test_a_fraction_is_the_string_p_over_q() -> None:
    assert json_number(Fraction(7, 3)) == "7/3"


def test_result_json_is_deterministic_and_canonicalisable() -> None:
    profile = Profile.from_ballots("abcd", [[0, 1], [1, 0], [2, 3], [3, 2], [0]], [7, 5, 4, 3, 2])
    first = count(profile, "stv", 2, seed=b"s").to_json()
    second = count(profile, "stv", 2, seed=b"s").to_json()
    assert first == second
    assert rfc8785.dumps(first) == rfc8785.dumps(second)
    assert json.loads(json.dumps(first)) == first
    assert set(first) >= {"method", "seats", "winners", "quota", "rounds", "ties"}
    rounds = first["rounds"]
    assert isinstance(rounds, list) and isinstance(rounds[0], dict)
    assert set(rounds[0]) >= {"votes", "elected", "excluded", "exhausted"}
