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

from soviet.domain import catalogue as c
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


def _cause(cause: int | None) -> str:
    return f" (caused by #{cause})" if cause is not None else ""


def _electors(roll: tuple[str, ...] | None, size: int | None) -> str:
    """How many electors a vote's roll holds, the roll inline or committed to by its size."""
    return str(len(roll)) if roll is not None else "?" if size is None else str(size)


def describe(e: Recorded) -> str:
    """The event as one sentence, as Rich markup that prints every value literally."""
    return plain(_sentence(e))


def _sentence(e: Recorded) -> str:
    try:
        payload = c.decode(e.type, e.data)
    except c.EventFormatError as error:
        # An unknown type is named as it is; data that does not fit its type, by what
        # does not fit, so that a tampered log still prints.
        return e.type if e.type not in c.CATALOGUE else str(error)
    by = e.actor or "the system"
    match payload:
        case c.OrganizationFounded(name=name, bodies=bodies, offices=offices, founders=founders):
            return (
                f"{name} founded: {len(bodies)} bodies, {len(offices)} offices; "
                f"founders {', '.join(founders)}"
            )
        case c.MemberAdmitted(member=member, name=name, bodies=bodies):
            return f"{by} admitted {member} ({name}) to {', '.join(bodies)}"
        case c.MemberJoined(member=member, body=body):
            return f"{by} added {member} to {body}"
        case c.MemberLeft(member=member, body=body):
            return f"{member} left {body} ({by})"
        case c.MandateImported(mandate=mandate, office=office, holder=holder, seat=seat):
            return (
                f"{holder} holds {office} seat {seat} from before the charter, without an "
                f"election (mandate {mandate})"
            )
        case c.ElectionOpened(election=election, office=office, seats=seats, cause=cause):
            kind = "by-election" if cause is not None else "election"
            return (
                f"{by} opened {kind} {election} for {office} "
                f"({seats} seat{'s' if seats != 1 else ''}){_cause(cause)}"
            )
        case c.CandidateNominated(election=election, candidate=candidate):
            return f"{by} nominated {candidate} in {election}"
        case c.ElectionStarted(
            election=election, seats=seats, voting_ends=ends, roll=roll, roll_size=counted
        ):
            return (
                f"{by} started the vote in {election}: {_electors(roll, counted)} electors "
                f"on the roll, {seats} seat(s), voting ends {ends}"
            )
        case c.BallotCast(election=election, choice=choice):
            return f"{by} voted in {election}: {' > '.join(choice)}"
        case c.ElectionClosed(election=election, winners=winners):
            return f"{by} closed {election}: elected {', '.join(winners) or 'nobody'}"
        case c.MandateGranted(mandate=mandate, office=office, holder=holder, seat=seat, until=u):
            return f"{holder} takes {office} seat {seat} (mandate {mandate}, until {u})"
        case c.MandateRecalled(mandate=mandate, petition=petition, by=means, cause=cause):
            return (
                f"mandate {mandate} {ev.MANDATE_ENDINGS[e.type]}: petition {petition}, "
                f"by {means}{_cause(cause)}"
            )
        case (
            c.MandateLapsed(mandate=mandate, reason=reason, cause=cause)
            | c.MandateExpired(mandate=mandate, reason=reason, cause=cause)
            | c.MandateResigned(mandate=mandate, reason=reason, cause=cause)
        ):
            return f"mandate {mandate} {ev.MANDATE_ENDINGS[e.type]}: {reason}{_cause(cause)}"
        case c.PetitionOpened(petition=petition, mandate=mandate, reason=reason):
            return f"{by} opened petition {petition} to recall mandate {mandate}: {reason}"
        case c.PetitionSigned(petition=petition):
            return f"{by} signed petition {petition}"
        case c.RecallVoteOpened(
            petition=petition, voting_ends=ends, cause=cause, roll=roll, roll_size=counted
        ):
            return (
                f"petition {petition} reached its threshold: recall vote open to "
                f"{_electors(roll, counted)} electors until {ends}{_cause(cause)}"
            )
        case c.RecallBallotCast(petition=petition, vote=vote):
            return f"{by} voted {vote} on petition {petition}"
        case c.RecallClosed(petition=petition, outcome=outcome, cause=cause):
            return f"recall vote on {petition} closed: {outcome}{_cause(cause)}"
        case c.CheckpointLogged(checkpoint=note, cause=cause):
            size = note.split("\n")[1] if "\n" in note else "?"
            return f"signed checkpoint of the log at size {size} logged{_cause(cause)}"
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
