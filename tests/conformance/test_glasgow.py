"""The 21 wards of Glasgow 2007 under `stv`, stage by stage against droop's reports.

Each ward's quota, elected set and every candidate's total at every stage (after the first
count and after each transfer) must equal droop's Scottish STV report exactly.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from _blt import ELECTIONS, read_blt, read_scotland_report

from soviet.tally import Number, Result, count

GLASGOW = ELECTIONS / "glasgow-2007"
WARDS = sorted(p.stem for p in GLASGOW.glob("*.blt")) if GLASGOW.is_dir() else []

pytestmark = pytest.mark.slow


def _same_names(totals: dict[str, Decimal]) -> dict[str, Decimal]:
    # droop's reports print names with runs of spaces collapsed ("Ellen   Hurcombe").
    return {" ".join(name.split()): value for name, value in totals.items()}


def _exact(value: Number) -> Decimal:
    assert isinstance(value, int | Decimal), "Scottish STV counts in decimals"
    return Decimal(value)


def _count(ward: str) -> tuple[list[dict[str, Decimal]], Result]:
    ballots = read_blt(GLASGOW / f"{ward}.blt")
    result = count(ballots.profile, "stv", ballots.seats, options={"tie_order": ballots.tie_order})
    return [_same_names({k: _exact(v) for k, v in r.votes.items()}) for r in result.rounds], result


def _report(ward: str) -> Path:
    return GLASGOW / "reports" / f"{ward}-scotland-fixed-p5-d5.txt"


def test_glasgow_data_is_present() -> None:
    if not GLASGOW.is_dir():
        pytest.skip(f"{GLASGOW} absent: ../shared/data/elections is not available")
    assert len(WARDS) == 21


@pytest.mark.parametrize("ward", WARDS)
def test_ward_quota_elected_and_every_stage_match_droop(ward: str) -> None:
    report = read_scotland_report(_report(ward))
    stages, result = _count(ward)
    assert result.quota == report.quota
    assert {" ".join(w.split()) for w in result.winners} == {
        " ".join(w.split()) for w in report.elected
    }
    expected = [_same_names(stage) for stage in report.stages]
    assert len(stages) == len(expected)
    for number, (ours, theirs) in enumerate(zip(stages, expected, strict=True), start=1):
        assert ours == theirs, f"{ward}: stage {number} differs"
