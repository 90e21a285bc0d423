"""Instants as the log writes them: ISO 8601 in UTC, to the second (`2026-11-26T17:55:34Z`)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from soviet.errors import ClockError

FORMAT = "%Y-%m-%dT%H:%M:%SZ"


def parse_instant(text: str, what: str = "SOVIET_NOW") -> datetime:
    """Read an ISO 8601 instant; one without a zone is taken as UTC."""
    try:
        value = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError:
        raise ClockError(
            f"{what}={text!r} is not an ISO 8601 instant (e.g. 2026-05-01T09:00:00Z)"
        ) from None
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    try:
        return value.astimezone(UTC).replace(microsecond=0)
    except OverflowError:  # an offset that carries it out of the years 1 to 9999
        raise ClockError(
            f"{what}={text!r} is outside the years 0001 to 9999 once taken to UTC"
        ) from None


def format_instant(value: datetime) -> str:
    """The log's text for an instant."""
    return value.astimezone(UTC).strftime(FORMAT)


def after_days(instant: str, days: int) -> str:
    """The instant `days` days after another, as the log writes it; a ClockError if that
    is past the last instant the log can write (the end of the year 9999)."""
    try:
        return format_instant(parse_instant(instant, "instant") + timedelta(days=days))
    except OverflowError:
        raise ClockError(
            f"{days} days after {instant} is past the year 9999, the last the log can "
            "write; check SOVIET_NOW"
        ) from None
