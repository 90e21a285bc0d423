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


#: The marker of an event recorded under a set clock (SOVIET_NOW): `"clock": "set"` in its
#: log entry, absent from every other.
SET_CLOCK = "set"


def clock_allowed(raw: str | None) -> bool:
    """Whether SOVIET_ALLOW_CLOCK lets acts run under a set clock: "1" does; unset, empty
    or "0" does not; anything else is a ClockError, so that a typo is not taken for no."""
    value = (raw or "").strip()
    if value in ("", "0", "1"):
        return value == "1"
    raise ClockError(
        f"SOVIET_ALLOW_CLOCK={raw!r} is neither 1 nor 0: set SOVIET_ALLOW_CLOCK=1 to act "
        "under SOVIET_NOW, or unset it"
    )


def set_clock_refused(now: str) -> ClockError:
    """Why an act under SOVIET_NOW without SOVIET_ALLOW_CLOCK=1 is refused."""
    return ClockError(
        f"SOVIET_NOW={now} sets the clock, which is for tests, rehearsals and replays: to "
        "act under it set SOVIET_ALLOW_CLOCK=1 as well (the events are then marked as "
        "recorded under a set clock), or unset SOVIET_NOW to act at the real time; nothing "
        "was written"
    )


def behind_the_log(now: str, seq: int, at: str, *, real: bool, marked: bool) -> ClockError:
    """Why an act at `now` is refused when the log's last event, seq `seq`, lies ahead of
    it at `at`: on a clock that was set, it went backwards; on the real clock, the log ran
    ahead of it under SOVIET_NOW (`marked`) or on a clock that ran fast."""
    if not real:
        return ClockError(
            f"the clock ({now}) is earlier than the log's last event (seq {seq}, recorded at "
            f"{at}); time in the log never goes backwards: set SOVIET_NOW to {at} or later"
        )
    how = "under SOVIET_NOW" if marked else "on a clock ahead of this one (or under SOVIET_NOW)"
    return ClockError(
        f"the log's last event (seq {seq}) was recorded at {at}, ahead of the real clock "
        f"({now}), {how}; acts are refused until the real clock passes it — to go on "
        "rehearsing, set SOVIET_NOW to that instant or later with SOVIET_ALLOW_CLOCK=1"
    )
