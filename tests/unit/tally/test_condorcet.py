"""Condorcet methods: the pairwise matrix, Schulze and ranked pairs."""

from __future__ import annotations

from pathlib import Path

import pytest

from soviet.tally import Profile, count
from soviet.tally.condorcet import pairwise

ROOT = Path(__file__).resolve().parents[3]
BURLINGTON = ROOT.parent / "shared" / "data" / "elections" / "us-irv" / "2009-Burlington-Mayor.blt"

# Wikipedia's Schulze example: 45 voters, E wins, ranking E > A > C > B > D.
SCHULZE_EXAMPLE = Profile.from_ballots(
    "ABCDE",
    [
        [0, 2, 1, 4, 3],
        [0, 3, 4, 2, 1],
        [1, 4, 3, 0, 2],
        [2, 0, 1, 4, 3],
        [2, 0, 4, 1, 3],
        [2, 1, 0, 3, 4],
        [3, 2, 4, 1, 0],
        [4, 1, 0, 3, 2],
    ],
    [5, 5, 8, 3, 7, 2, 7, 8],
)

# A cycle: A beats B by 30, B beats C by 50, C beats A by 20.
CYCLE = Profile.from_ballots("ABC", [[0, 1, 2], [1, 2, 0], [2, 0, 1]], [40, 35, 25])


def test_pairwise_prefers_a_ranked_candidate_to_an_unranked_one() -> None:
    profile = Profile.from_ballots("abc", [[0], [1, 2]], [3, 2])
    assert pairwise(profile).tolist() == [[0, 3, 3], [2, 0, 2], [2, 0, 0]]


def test_pairwise_leaves_out_withdrawn_candidates() -> None:
    profile = Profile.from_ballots("abc", [[2, 0, 1]], [4], withdrawn=[2])
    assert pairwise(profile).tolist() == [[0, 4, 0], [0, 0, 0], [0, 0, 0]]


def test_schulze_follows_the_strongest_beat_paths() -> None:
    result = count(SCHULZE_EXAMPLE, "schulze")
    assert result.winners == ("E",)
    assert result.ranking == ("E", "A", "C", "B", "D")
    assert not result.ties


def test_schulze_winners_are_the_top_of_its_ranking() -> None:
    result = count(SCHULZE_EXAMPLE, "schulze", 2)
    assert result.winners == ("E", "A")


def test_ranked_pairs_skips_the_pair_that_would_close_a_cycle() -> None:
    result = count(CYCLE, "ranked-pairs")
    assert result.ranking == ("A", "B", "C")
    assert result.winners == ("A",)


def test_schulze_resolves_the_same_cycle() -> None:
    assert count(CYCLE, "schulze").ranking == ("A", "B", "C")


def test_equal_margins_in_ranked_pairs_are_ordered_by_a_recorded_lot() -> None:
    # A perfect three-way cycle: every margin is 1.
    profile = Profile.from_ballots("ABC", [[0, 1, 2], [1, 2, 0], [2, 0, 1]])
    result = count(profile, "ranked-pairs", seed=b"lot")
    assert result.ties and result.ties[0].broken_by == "lot"
    assert result.ties[0].seed == b"lot".hex()
    assert sorted(result.ranking) == ["A", "B", "C"]


def test_candidates_level_under_schulze_are_ordered_by_lot() -> None:
    profile = Profile.from_ballots("ABC", [[0, 1, 2], [1, 0, 2]])
    result = count(profile, "schulze", seed=b"x")
    assert set(result.ranking[:2]) == {"A", "B"} and result.ranking[2] == "C"
    (tie,) = result.ties
    assert set(tie.between) == {"A", "B"} and tie.chosen == result.winners[0]


def test_condorcet_methods_skip_withdrawn_candidates() -> None:
    profile = Profile.from_ballots("ABC", [[0, 1, 2], [1, 2, 0]], [3, 2], withdrawn=[0])
    for method in ("schulze", "ranked-pairs"):
        result = count(profile, method)
        assert result.ranking == ("B", "C")


def _read_us_irv(path: Path) -> Profile:
    """Just enough of the US IRV BLT files: '-' skips a rank, 'a=b' ends the ballot."""
    lines = [ln for ln in path.read_text().splitlines() if ln and not ln.startswith("#")]
    n = int(lines[0].split()[0])
    end = lines.index("0")
    ballots: list[list[int]] = []
    for line in lines[1:end]:
        ranking: list[int] = []
        for token in line.split()[1:-1]:
            if "=" in token:
                break
            if token != "-" and int(token) - 1 not in ranking:
                ranking.append(int(token) - 1)
        ballots.append(ranking)
    names = [ln.strip().strip('"') for ln in lines[end + 1 : end + 1 + n]]
    return Profile.from_ballots(names, ballots)


@pytest.mark.parametrize("method", ["schulze", "ranked-pairs"])
def test_burlington_2009_elects_the_condorcet_winner_montroll(method: str) -> None:
    if not BURLINGTON.is_file():
        pytest.skip(f"{BURLINGTON} absent: ../shared/data/elections is not available")
    profile = _read_us_irv(BURLINGTON)
    assert count(profile, method).winners == ("Andy Montroll",)
    assert count(profile, "irv").winners == ("Bob Kiss",)
