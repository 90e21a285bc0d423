"""SOVIET_NOW sets the clock for tests, rehearsals and replays: acts under it need
SOVIET_ALLOW_CLOCK=1, and a log that ran ahead of the real clock says so."""

from __future__ import annotations

import pytest

from soviet.domain.clock import behind_the_log, clock_allowed, set_clock_refused
from soviet.errors import ClockError


def test_only_one_allows_acts_under_a_set_clock() -> None:
    assert clock_allowed("1")
    assert clock_allowed(" 1 ")
    for no in (None, "", "0"):
        assert not clock_allowed(no)


def test_an_allowance_that_is_neither_one_nor_zero_is_refused_naming_it() -> None:
    with pytest.raises(ClockError, match=r"SOVIET_ALLOW_CLOCK='yes' is neither 1 nor 0"):
        clock_allowed("yes")


def test_the_refusal_of_an_act_under_a_set_clock_names_both_variables_and_the_instant() -> None:
    message = str(set_clock_refused("2031-01-01T00:00:00Z"))
    assert "SOVIET_NOW=2031-01-01T00:00:00Z" in message
    assert "SOVIET_ALLOW_CLOCK=1" in message
    assert "nothing was written" in message
    assert "\n" not in message


def test_a_set_clock_behind_the_log_is_told_to_go_forward_to_the_last_event() -> None:
    message = str(
        behind_the_log("2026-01-01T00:00:00Z", 41, "2026-02-01T00:00:00Z", real=False, marked=True)
    )
    assert message.startswith("the clock (2026-01-01T00:00:00Z) is earlier than the log's")
    assert "seq 41" in message
    assert "set SOVIET_NOW to 2026-02-01T00:00:00Z or later" in message


def test_the_real_clock_behind_a_rehearsed_log_says_when_acts_resume_and_how_to_go_on() -> None:
    message = str(
        behind_the_log("2026-12-02T19:40:00Z", 41, "2031-01-01T00:00:00Z", real=True, marked=True)
    )
    assert message == (
        "the log's last event (seq 41) was recorded at 2031-01-01T00:00:00Z, ahead of the "
        "real clock (2026-12-02T19:40:00Z), under SOVIET_NOW; acts are refused until the real "
        "clock passes it — to go on rehearsing, set SOVIET_NOW to that instant or later with "
        "SOVIET_ALLOW_CLOCK=1"
    )


def test_an_unmarked_event_ahead_of_the_real_clock_may_be_a_fast_clock() -> None:
    message = str(
        behind_the_log("2026-12-02T19:40:00Z", 9, "2027-01-01T00:00:00Z", real=True, marked=False)
    )
    assert "on a clock ahead of this one (or under SOVIET_NOW)" in message
    assert "acts are refused until the real clock passes it" in message
