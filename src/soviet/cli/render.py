"""Output for people (Rich tables, one sentence per event) and for programs (JSON).

Names, ids, reasons and every other value that came from input are plain text: before
Rich sees them, control and direction characters are written as escapes (so a value
prints on one line, in the order it was written) and markup is escaped (so `[bold]` in a
name prints as it is written). JSON output carries values unchanged.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from soviet.domain import events as ev
from soviet.domain.events import Recorded
from soviet.domain.ids import printable

# No emoji codes: a name such as "Anna :fire:" prints as it is written.
console = Console(highlight=False, soft_wrap=True, emoji=False)


def plain(value: object) -> str:
    """A value from input as Rich markup that prints it literally, on one line."""
    return escape(printable(str(value)))


def print_json(value: Any) -> None:
    """One JSON document on stdout."""
    sys.stdout.write(json.dumps(value, ensure_ascii=False, indent=2) + "\n")


def print_json_lines(values: Iterable[Mapping[str, Any]]) -> None:
    """One JSON object per line on stdout."""
    write = sys.stdout.write
    for value in values:
        write(json.dumps(value, ensure_ascii=False, separators=(",", ":")) + "\n")


def _cause(data: Mapping[str, Any]) -> str:
    cause = data.get("cause")
    return f" (caused by #{cause})" if cause is not None else ""


def _roll_size(data: Mapping[str, Any]) -> int:
    """The size of the roll a vote starts with (inline in logs written before rolls were
    committed to)."""
    inline = data.get("roll")
    return len(inline) if isinstance(inline, list) else int(data["roll_size"])


def describe(e: Recorded) -> str:
    """The event as one sentence, as Rich markup that prints every value literally."""
    return plain(_sentence(e))


def _sentence(e: Recorded) -> str:
    d = e.data
    by = e.actor or "the system"
    match e.type:
        case ev.ORGANIZATION_FOUNDED:
            return (
                f"{d['name']} founded: {len(d['bodies'])} bodies, {len(d['offices'])} "
                f"offices; founders {', '.join(d['founders'])}"
            )
        case ev.MEMBER_ADMITTED:
            return f"{by} admitted {d['member']} ({d['name']}) to {', '.join(d['bodies'])}"
        case ev.MEMBER_JOINED:
            return f"{by} added {d['member']} to {d['body']}"
        case ev.MEMBER_LEFT:
            return f"{d['member']} left {d['body']} ({by})"
        case ev.MANDATE_IMPORTED:
            return (
                f"{d['holder']} holds {d['office']} seat {d['seat']} from before the "
                f"charter, without an election (mandate {d['mandate']})"
            )
        case ev.ELECTION_OPENED:
            kind = "by-election" if d.get("cause") is not None else "election"
            return (
                f"{by} opened {kind} {d['election']} for {d['office']} "
                f"({d['seats']} seat{'s' if d['seats'] != 1 else ''}){_cause(d)}"
            )
        case ev.CANDIDATE_NOMINATED:
            return f"{by} nominated {d['candidate']} in {d['election']}"
        case ev.ELECTION_STARTED:
            return (
                f"{by} started the vote in {d['election']}: {_roll_size(d)} electors "
                f"on the roll, {d['seats']} seat(s), voting ends {d['voting_ends']}"
            )
        case ev.BALLOT_CAST:
            return f"{by} voted in {d['election']}: {' > '.join(d['choice'])}"
        case ev.ELECTION_CLOSED:
            winners = ", ".join(d["winners"]) or "nobody"
            return f"{by} closed {d['election']}: elected {winners}"
        case ev.MANDATE_GRANTED:
            return (
                f"{d['holder']} takes {d['office']} seat {d['seat']} "
                f"(mandate {d['mandate']}, until {d['until']})"
            )
        case ev.MANDATE_RECALLED | ev.MANDATE_LAPSED | ev.MANDATE_EXPIRED | ev.MANDATE_RESIGNED:
            status = ev.MANDATE_ENDINGS[e.type]
            reason = d.get("reason") or (
                f"petition {d['petition']}, by {d.get('by')}" if "petition" in d else ""
            )
            return f"mandate {d['mandate']} {status}: {reason}{_cause(d)}"
        case ev.PETITION_OPENED:
            return (
                f"{by} opened petition {d['petition']} to recall mandate {d['mandate']}: "
                f"{d['reason']}"
            )
        case ev.PETITION_SIGNED:
            return f"{by} signed petition {d['petition']}"
        case ev.RECALL_VOTE_OPENED:
            return (
                f"petition {d['petition']} reached its threshold: recall vote open to "
                f"{_roll_size(d)} electors until {d['voting_ends']}{_cause(d)}"
            )
        case ev.RECALL_BALLOT_CAST:
            return f"{by} voted {d['vote']} on petition {d['petition']}"
        case ev.RECALL_CLOSED:
            return f"recall vote on {d['petition']} closed: {d['outcome']}{_cause(d)}"
        case ev.CHECKPOINT_LOGGED:
            size = str(d["checkpoint"]).split("\n")[1] if "\n" in str(d["checkpoint"]) else "?"
            return f"signed checkpoint of the log at size {size} logged{_cause(d)}"
        case _:
            return e.type


def print_events(events: Sequence[Recorded], as_json: bool) -> None:
    """What an act recorded: JSON lines, or one numbered sentence per event."""
    if as_json:
        print_json_lines(e.to_json() for e in events)
        return
    for e in events:
        console.print(f"[dim]#{e.seq}[/dim] {describe(e)}")


def table(title: str, columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
    """A Rich table on stdout."""
    grid = Table(title=title, title_justify="left", header_style="bold")
    for column in columns:
        grid.add_column(column)
    for row in rows:
        grid.add_row(*("" if cell is None else plain(cell) for cell in row))
    console.print(grid)
