"""Real US instant-runoff elections, 2006–2011, read by `soviet.ballots` and counted by `irv`.

The published facts (see the data folder's README) are checked to the vote: winners,
Burlington 2009's first round, San Francisco 2011 mayor's first and final rounds, and
Burlington 2009's Condorcet winner. For the other contests the only reference is
`computed_irv_summary.tsv`, a plain IRV count made by whoever converted the files — not
an official source — so those checks are a cross-check of reader and count, no more.
"""

from __future__ import annotations

import ast
import csv
import re
from collections.abc import Mapping
from pathlib import Path

import pytest

from soviet.ballots import BallotFile, BallotRules, Overvote, read_blt, read_file
from soviet.errors import BallotFileError
from soviet.tally import Result, count

DATA = Path(__file__).resolve().parents[2].parent / "shared" / "data"
US_IRV = DATA / "elections" / "us-irv"

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        not US_IRV.is_dir(), reason=f"the real election data is not there: {US_IRV} is missing"
    ),
]

PUBLISHED_WINNERS = {
    "2006-Burlington-Mayor.blt": "Bob Kiss",
    "2007-San_Francisco-Mayor.blt": "GAVIN NEWSOM",
    "2009-Burlington-Mayor.blt": "Bob Kiss",
    "2010-Oakland-Mayor.blt": "JEAN QUAN",
    "2011-San_Francisco-DA.blt": "GEORGE GASCÓN",
    "2011-San_Francisco-Mayor.blt": "ED LEE",
    "2011-San_Francisco-Sheriff.blt": "ROSS MIRKARIMI",
}
# Its ballots rank a candidate 8 that the header (7 candidates) does not declare.
UNDECLARED_CANDIDATE = "2010-San_Francisco-Board_of_Supervisors-D2.blt"


def summary() -> dict[str, dict[str, str]]:
    if not US_IRV.is_dir():
        return {}
    with (US_IRV / "computed_irv_summary.tsv").open(encoding="utf-8") as file:
        return {row["file"]: row for row in csv.DictReader(file, delimiter="\t")}


SUMMARY = summary()
SINGLE_SEAT = sorted(name for name, row in SUMMARY.items() if row["seats_in_header"] == "1")


def ballots_of(name: str) -> BallotFile:
    if name != UNDECLARED_CANDIDATE:
        return read_file(US_IRV / name)
    # The summary's count reads the undeclared 8 as a blank rank; so does this repair.
    text = (US_IRV / name).read_text(encoding="utf-8")
    ballots, end, names = text.partition("\n0\n")
    return read_blt(re.sub(r"(?<= )8(?= )", "-", ballots) + end + names, name)


def irv(name: str) -> Result:
    return count(ballots_of(name).profile, "irv")


def ordered(votes: Mapping[str, object], top: int) -> list[tuple[str, int]]:
    pairs = [(name, int(str(v))) for name, v in votes.items()]
    return sorted(pairs, key=lambda pair: -pair[1])[:top]


@pytest.mark.parametrize(("name", "winner"), sorted(PUBLISHED_WINNERS.items()))
def test_irv_elects_the_published_winner(name: str, winner: str) -> None:
    assert irv(name).winners == (winner,)


def test_burlington_2009_first_round_equals_the_published_tally() -> None:
    result = irv("2009-Burlington-Mayor.blt")
    assert dict(result.rounds[0].votes) == {
        "Kurt Wright": 2951,
        "Bob Kiss": 2585,
        "Andy Montroll": 2063,
        "Dan Smith": 1306,
        "Write-in": 36,
        "James Simpson": 35,
    }


def test_burlington_2009_had_8980_valid_ballots_four_of_them_overvoted_at_first_rank() -> None:
    path = US_IRV / "2009-Burlington-Mayor.blt"
    ballots = read_file(path)
    assert (ballots.ballots, ballots.empty, ballots.profile.total) == (8984, 8, 8976)
    # Passing over overvotes keeps those four in the count: only the 4 blank lines drop.
    kept = read_file(path, rules=BallotRules(overvote=Overvote.SKIP))
    assert kept.ballots - kept.empty == 8980


@pytest.mark.parametrize("method", ["schulze", "ranked-pairs"])
def test_burlington_2009_condorcet_methods_elect_montroll(method: str) -> None:
    profile = read_file(US_IRV / "2009-Burlington-Mayor.blt").profile
    assert count(profile, method).winners == ("Andy Montroll",)


def test_san_francisco_2011_mayor_first_and_final_rounds_equal_the_published_tallies() -> None:
    result = irv("2011-San_Francisco-Mayor.blt")
    first, final = result.rounds[0].votes, result.rounds[-1].votes
    assert (first["ED LEE"], first["JOHN AVALOS"]) == (59775, 37445)
    assert dict(final) == {"ED LEE": 84457, "JOHN AVALOS": 57160}


def test_a_ballot_naming_an_undeclared_candidate_is_refused_with_its_line() -> None:
    with pytest.raises(BallotFileError, match=r":444: candidate 8 out of range 1\.\.7"):
        read_file(US_IRV / UNDECLARED_CANDIDATE)


@pytest.mark.parametrize("name", SINGLE_SEAT)
def test_every_single_seat_count_agrees_with_the_computed_summary(name: str) -> None:
    row = SUMMARY[name]
    result = irv(name)
    assert result.winners == (row["winner_seq_IRV"],)
    assert len(result.rounds) == int(row["rounds_seq_IRV"])
    assert ordered(result.rounds[0].votes, 3) == ast.literal_eval(row["round1_top3"])
    assert ordered(result.rounds[-1].votes, 2) == ast.literal_eval(row["final_round_top2"])
