"""Minneapolis ranked-choice elections: the cast vote records, read under RCTab's rules.

Each contest's `*_config.json` holds the rules RCTab applied; `rctab_rules` maps them to
`BallotRules`, and `*_expected_detailed_report.json` is RCTab's round-by-round count.

Two RCTab rules are not ballot rules but counting rules, which `irv` takes as options:

- undeclared write-ins (`UWI` in the records) are excluded in round 1, before anyone else,
  whatever their votes;
- batch elimination: every candidate who could not overtake the next one even with all
  the votes of those below is excluded in the same round.

With both (`exclude_first`, `batch_elimination`) every round equals RCTab's to the vote.
Without them the rounds are still checked where the rules coincide: round 1; with `UWI`
withdrawn (which is what excluding it first amounts to from round 2 on), every round up
to RCTab's first batch elimination; and the final round.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import replace
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from soviet.ballots import BallotFile, BallotRules, Overvote, Repeat, Skipped, read_cvr
from soviet.tally import Profile, Result, count

DATA = Path(__file__).resolve().parents[2].parent / "shared" / "data"
MINNEAPOLIS = DATA / "elections" / "minneapolis"
UNDECLARED = "Undeclared Write-ins"  # RCTab's name for the UWI label in its reports

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        not MINNEAPOLIS.is_dir(),
        reason=f"the real election data is not there: {MINNEAPOLIS} is missing",
    ),
]


def rctab_rules(config: Mapping[str, Any]) -> BallotRules:
    """The ballot rules an RCTab contest config sets."""
    rules = config["rules"]
    overvote = {
        "exhaustImmediately": Overvote.EXHAUST,
        "alwaysSkipToNextRank": Overvote.SKIP,
    }[rules["overvoteRule"]]
    allowed, ranks = rules["maxSkippedRanksAllowed"], int(rules["maxRankingsAllowed"])
    if allowed == "unlimited" or int(allowed) >= ranks - 1:
        skipped = Skipped.SKIP  # no ballot has that many blank ranks before a mark
    else:
        skipped = {0: Skipped.EXHAUST, 1: Skipped.EXHAUST_AT_TWO}[int(allowed)]
    repeat = Repeat.EXHAUST if rules["exhaustOnDuplicateCandidate"] else Repeat.SKIP
    return BallotRules(skipped=skipped, overvote=overvote, repeat=repeat)


@cache
def config(contest: str) -> dict[str, Any]:
    text = (MINNEAPOLIS / f"{contest}_config.json").read_text(encoding="utf-8")
    settings: dict[str, Any] = json.loads(text)
    return settings


@cache
def ballots(contest: str) -> BallotFile:
    """The contest's cast vote records, with the candidates and rules of its config."""
    settings = config(contest)
    [source] = settings["cvrFileSources"]
    names = [c["name"] for c in settings["candidates"]] + [source["undeclaredWriteInLabel"]]
    data = (MINNEAPOLIS / f"{contest}_cvr.csv").read_bytes()
    return read_cvr(data, f"{contest}_cvr.csv", rctab_rules(settings), candidates=names)


@cache
def rctab_rounds(contest: str) -> list[dict[str, Decimal]]:
    report = json.loads(
        (MINNEAPOLIS / f"{contest}_expected_detailed_report.json").read_text(encoding="utf-8")
    )
    return [
        {name: Decimal(votes) for name, votes in stage["tally"].items()}
        for stage in report["results"]
    ]


def votes(result: Result, index: int) -> dict[str, Decimal]:
    """Round `index` of a count, named as in RCTab's reports."""
    return {
        UNDECLARED if name == "UWI" else name: Decimal(str(number))
        for name, number in result.rounds[index].votes.items()
    }


def without_undeclared(profile: Profile) -> Profile:
    return replace(profile, withdrawn=frozenset({profile.candidates.index("UWI")}))


def test_rctab_rules_map_to_ballot_rules() -> None:
    assert rctab_rules(config("2013_minneapolis_mayor")) == BallotRules(
        skipped=Skipped.EXHAUST_AT_TWO, overvote=Overvote.EXHAUST, repeat=Repeat.SKIP
    )
    assert rctab_rules(config("2013_minneapolis_park")) == BallotRules(
        skipped=Skipped.SKIP, overvote=Overvote.SKIP, repeat=Repeat.SKIP
    )
    assert rctab_rules(config("2017_minneapolis_mayor")) == BallotRules(
        skipped=Skipped.EXHAUST_AT_TWO, overvote=Overvote.SKIP, repeat=Repeat.SKIP
    )


def test_2013_mayor_ballots_that_count_for_nobody_match_rctab() -> None:
    # 639 blank, 103 overvoted at rank 1, 47 with two blank ranks before their mark.
    read = ballots("2013_minneapolis_mayor")
    assert (read.ballots, read.empty, read.profile.total) == (80101, 639 + 103 + 47, 79312)


@pytest.mark.parametrize(
    ("contest", "winner"),
    [("2013_minneapolis_mayor", "BETSY HODGES"), ("2017_minneapolis_mayor", "Jacob Frey")],
)
def test_mayor_elections_elect_the_official_winner_with_rctab_first_and_final_rounds(
    contest: str, winner: str
) -> None:
    result = count(ballots(contest).profile, "irv")
    expected = rctab_rounds(contest)
    assert result.winners == (winner,)
    assert votes(result, 0) == expected[0]
    assert votes(result, -1) == expected[-1]


def test_2013_mayor_rounds_equal_rctab_up_to_its_first_batch_elimination() -> None:
    # RCTab's round 1 excludes UWI; from round 2, that is UWI withdrawn. RCTab's round 31
    # is its first batch elimination (two candidates at once): rounds 2..31 must agree.
    result = count(without_undeclared(ballots("2013_minneapolis_mayor").profile), "irv")
    expected = rctab_rounds("2013_minneapolis_mayor")
    assert [votes(result, k - 2) for k in range(2, 32)] == expected[1:31]
    assert votes(result, -1) == expected[-1]


def test_2017_mayor_second_round_equals_rctab_once_uwi_has_left() -> None:
    result = count(without_undeclared(ballots("2017_minneapolis_mayor").profile), "irv")
    assert votes(result, 0) == rctab_rounds("2017_minneapolis_mayor")[1]


@pytest.mark.parametrize("contest", ["2013_minneapolis_mayor", "2017_minneapolis_mayor"])
def test_mayor_rounds_all_equal_rctab_with_its_counting_options(contest: str) -> None:
    options = {"exclude_first": ["UWI"], "batch_elimination": True}
    result = count(ballots(contest).profile, "irv", options=options)
    expected = rctab_rounds(contest)
    assert [votes(result, k) for k in range(len(result.rounds))] == expected


def test_2013_park_board_elects_the_official_winners_by_stv() -> None:
    # Minneapolis counted by its own fractional STV; the Scottish rules must at least
    # agree on who is elected, from the same first preferences and the same quota.
    result = count(ballots("2013_minneapolis_park").profile, "stv", 3)
    assert set(result.winners) == {"JOHN ERWIN", "ANNIE YOUNG", "MEG FORNEY"}
    assert votes(result, 0) == rctab_rounds("2013_minneapolis_park")[0]
    assert result.quota == 14866
