"""Instants as the log writes them."""

from __future__ import annotations

import pytest

from soviet.domain.clock import after_days, format_instant, parse_instant
from soviet.errors import ClockError


def test_instants_are_normalised_to_utc_seconds() -> None:
    assert format_instant(parse_instant("2026-05-01T11:00:00.123+02:00")) == "2026-05-01T09:00:00Z"
    assert format_instant(parse_instant("2026-05-01")) == "2026-05-01T00:00:00Z"


def test_a_clock_that_is_not_iso_8601_is_refused_with_an_example() -> None:
    with pytest.raises(ClockError, match="not an ISO 8601 instant"):
        parse_instant("yesterday")


def test_days_are_added_to_an_instant() -> None:
    assert after_days("2026-12-30T09:00:00Z", 7) == "2027-01-06T09:00:00Z"
