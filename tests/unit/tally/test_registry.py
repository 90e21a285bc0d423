"""The registry of methods and the one entry point, `count`."""

from __future__ import annotations

import json

import pytest
import rfc8785

from soviet.errors import InputError
from soviet.tally import METHODS, Profile, TallyError, count

SANITY = Profile.from_ballots(
    "abcd",
    [[0, 1], [1, 0, 3], [2, 3], [3], [0, 2]],
    [8, 6, 5, 3, 2],
    title="sanity",
)
YES_NO = Profile.from_ballots(("yes", "no"), [[0], [1]], [5, 3])


@pytest.mark.parametrize("method", sorted(METHODS))
def test_every_registered_method_counts_a_sanity_profile(method: str) -> None:
    profile = YES_NO if method == "yes-no" else SANITY
    result = count(profile, method, seed=b"sanity")
    expected = "yes" if method == "yes-no" else "a"
    assert result.winners == (expected,)
    assert result.method == method and result.seats == 1
    assert result.rounds
    document = result.to_json()
    assert json.loads(json.dumps(document)) == document
    assert rfc8785.dumps(document) == rfc8785.dumps(count(profile, method).to_json())


@pytest.mark.parametrize("method", sorted(METHODS))
def test_every_registered_method_names_itself_and_says_what_it_is(method: str) -> None:
    assert METHODS[method].name == method
    assert METHODS[method].summary


TIED = Profile.from_tiers("abc", [[[0], [1, 2]], [[1]], [[2]]], [4, 2, 1])


@pytest.mark.parametrize("method", sorted(m for m in METHODS if not METHODS[m].equal_rankings))
def test_a_method_for_strict_rankings_refuses_candidates_ranked_equal(method: str) -> None:
    with pytest.raises(InputError, match=rf"^{method} cannot count ballots that rank .* by meek"):
        count(TIED, method)


def test_meek_is_the_method_that_counts_candidates_ranked_equal() -> None:
    assert [m for m in sorted(METHODS) if METHODS[m].equal_rankings] == ["meek"]
    assert count(TIED, "meek").winners == ("a",)


def test_an_unknown_method_is_an_input_error_naming_the_known_ones() -> None:
    with pytest.raises(InputError, match=r"unknown counting method 'borda'.*irv"):
        count(SANITY, "borda")


@pytest.mark.parametrize("seats", [0, -1])
def test_seats_below_one_are_refused(seats: int) -> None:
    with pytest.raises(TallyError, match="seats"):
        count(SANITY, "stv", seats)


def test_an_option_the_method_does_not_take_is_refused() -> None:
    with pytest.raises(TallyError, match="irv takes no option quorum"):
        count(SANITY, "irv", options={"quorum": 1})


def test_the_registry_cannot_be_changed() -> None:
    with pytest.raises(TypeError):
        METHODS["borda"] = METHODS["irv"]  # type: ignore[index]


def test_a_seed_that_is_not_bytes_is_refused() -> None:
    with pytest.raises(TallyError, match="seed"):
        count(SANITY, "irv", seed="root")  # type: ignore[arg-type]
