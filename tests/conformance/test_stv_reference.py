"""droop's synthetic reference cases under `stv` (Scottish rules) and `meek`.

Scottish STV: the quota, the elected set and every candidate's total at every stage equal
droop's ``*-scotland-fixed-p5-d5`` reports. Meek: the elected set and every round's
settled totals, as printed at the report's display precision, equal droop's
``*-meek-*`` reports for guarded (o9, p18, g9), rational (o10) and the PR Foundation
reference rule (prf: fixed, p9, o6).

The ballot files sit beside the reports, in droop's BLT dialect (``a=b`` ranks a and b
equal: ``meek/eq1`` and ``meek/eq2``); where one is absent the case is skipped.
droop's lots follow the ballot file's candidate order (or its ``[tie]`` line); the
``tie_order`` option reproduces that.
"""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

import numpy as np
import pytest
from _blt import (
    ELECTIONS,
    BltFile,
    read_blt,
    read_meek_report,
    read_scotland_report,
    shown,
)

from soviet.ballots import BallotRules, read_file
from soviet.tally import Number, Profile, count

REFERENCE = ELECTIONS / "stv-reference"
REPORTS = REFERENCE / "reports"

pytestmark = pytest.mark.slow


def _reports(pattern: str) -> list[str]:
    if not REPORTS.is_dir():
        return []
    found = [p for p in REPORTS.rglob(pattern) if p.is_file()]
    return sorted(str(p.relative_to(REPORTS)) for p in found)


def _ballots(report: str) -> BltFile:
    if not REFERENCE.is_dir():
        pytest.skip(f"{REFERENCE} absent: ../shared/data/elections is not available")
    base = Path(report).name.split("-")[0]
    path = REFERENCE / Path(report).parent / f"{base}.blt"
    if not path.is_file():
        pytest.skip(f"{path} absent: the reference ballot file is not in ../shared/data")
    return read_blt(path, equal_rankings=True)


def _exact(value: Number) -> Decimal:
    assert isinstance(value, int | Decimal), "Scottish STV counts in decimals"
    return Decimal(value)


def test_reference_reports_are_present() -> None:
    if not REPORTS.is_dir():
        pytest.skip(f"{REPORTS} absent: ../shared/data/elections is not available")
    assert _reports("*-scotland-*") and _reports("*-meek-*")


@pytest.mark.parametrize("report", _reports("*-scotland-fixed-p5-d5.txt"))
def test_scottish_stv_matches_droop_at_every_stage(report: str) -> None:
    ballots = _ballots(report)
    expected = read_scotland_report(REPORTS / report)
    result = count(ballots.profile, "stv", ballots.seats, options={"tie_order": ballots.tie_order})
    assert result.quota == expected.quota
    assert set(result.winners) == expected.elected
    stages = [{name: _exact(v) for name, v in r.votes.items()} for r in result.rounds]
    assert stages == list(expected.stages)


def _meek_options(report: str) -> tuple[dict[str, object], int]:
    match = re.fullmatch(r".+?-meek-(.+)-d(\d+)\.txt", Path(report).name)
    assert match is not None, report
    spec, places = match.group(1), int(match.group(2))
    if spec.startswith("prf"):
        return {"variant": "prf"}, places
    if "rational" in spec:
        return {"arithmetic": "rational", "omega": int(spec.split("-")[0][1:])}, places
    omega, _, precision, guard = spec.split("-")
    options: dict[str, object] = {
        "arithmetic": "guarded",
        "precision": int(precision[1:]),
        "guard": int(guard[1:]),
        "omega": int(omega[1:]),
    }
    return options, places


@pytest.mark.parametrize("report", _reports("*-meek-*.txt"))
def test_meek_matches_droop_round_by_round(report: str) -> None:
    ballots = _ballots(report)
    options, places = _meek_options(report)
    expected = read_meek_report(REPORTS / report)
    result = count(
        ballots.profile,
        "meek",
        ballots.seats,
        options={**options, "tie_order": ballots.tie_order},
    )
    assert set(result.winners) == expected.elected
    rounds = []
    for r in result.rounds:
        # droop lists a candidate it defeats with no votes among the earlier defeated.
        first_out = r.excluded[0] if r.excluded else None
        rounds.append(
            {
                name: shown(v, places)
                for name, v in r.votes.items()
                if not (name == first_out and v == 0)
            }
        )
    assert rounds == list(expected.rounds)


def _tiers(profile: Profile) -> set[tuple[tuple[tuple[int, ...], ...], int]]:
    """A profile's rankings as tiers of candidate numbers, with counts, in no order."""
    levels = profile.tiers
    if levels is None:
        width = profile.rankings.shape[1]
        levels = np.where(profile.rankings >= 0, np.arange(width), -1).astype(np.int32)
    found = set()
    for row, level, n in zip(
        profile.rankings.tolist(), levels.tolist(), profile.counts.tolist(), strict=True
    ):
        placed = [(t, c) for c, t in zip(row, level, strict=True) if c >= 0]
        tiers = tuple(tuple(sorted(c for t, c in placed if t == k)) for k in range(max(level) + 1))
        found.add((tiers, n))
    return found


@pytest.mark.parametrize("report", _reports("meek/eq*-meek-*.txt"))
def test_the_ballot_reader_reads_droops_equal_rankings_as_droop_does(report: str) -> None:
    reference = _ballots(report)
    path = REFERENCE / "meek" / f"{Path(report).name.split('-')[0]}.blt"
    read = read_file(path, rules=BallotRules(equal_rankings=True))
    assert read.profile.candidates == reference.profile.candidates
    assert read.seats == reference.seats and read.empty == 0
    assert not read.profile.strict
    assert _tiers(read.profile) == _tiers(reference.profile)
