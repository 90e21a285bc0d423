"""Output for people (Rich tables, one sentence per event) and for programs (JSON).

Names, ids, reasons and every other value that came from input are plain text: before
Rich sees them, control and direction characters are written as escapes (so a value
prints on one line, in the order it was written) and markup is escaped (so `[bold]` in a
name prints as it is written). JSON output carries values unchanged.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Collection, Iterable, Mapping, Sequence
from typing import Any

from rich.cells import cell_len
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


def _cause(cause: int | None) -> str:
    return f" (caused by #{cause})" if cause is not None else ""


def _electors(roll: tuple[str, ...] | None, size: int | None) -> str:
    """How many electors a vote's roll holds, the roll inline or committed to by its size."""
    return str(len(roll)) if roll is not None else "?" if size is None else str(size)


def describe(e: Recorded) -> str:
    """The event as one sentence, as Rich markup that prints every value literally."""
    return plain(_sentence(e))


def _sentence(e: Recorded) -> str:
    from soviet.domain import catalogue as c  # a command that prints no event needs none

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
        case c.ElectionOpened(
            election=election, office=office, seats=seats, cause=cause, kind=logged, reason=why
        ):
            known = logged or ("by-election" if cause is not None else "election")
            kind = "regular election" if known == "regular" else known
            term = " (a term ended)" if why == "term" else ""
            return (
                f"{by} opened {kind} {election} for {office} "
                f"({seats} seat{'s' if seats != 1 else ''}){term}{_cause(cause)}"
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
        case c.BallotsImported(election=election, tellers=tellers, paper_voters=voters):
            return (
                f"{', '.join(tellers)} entered {voters} paper ballot(s) in {election}, "
                "counted by them as tellers"
            )
        case c.ElectionClosed(election=election, winners=winners):
            return f"{by} closed {election}: elected {', '.join(winners) or 'nobody'}"
        case c.MandateGranted(mandate=mandate, office=office, holder=holder, seat=seat, until=u):
            return f"{holder} takes {office} seat {seat} (mandate {mandate}, until {u})"
        case c.MandateRecalled(mandate=mandate, by="breach", motion=motion, cause=cause):
            return (
                f"mandate {mandate} recalled at once: its holder voted against their "
                f"instruction on motion {motion}{_cause(cause)}"
            )
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
        case c.PetitionOpened(petition=petition, mandate=mandate, reason=reason, cause=cause):
            return (
                f"{by} opened petition {petition} to recall mandate {mandate}: {reason}"
                f"{_cause(cause)}"
            )
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
        case c.MotionProposed(motion=motion, body=body, kind=kind, title=title):
            return f"{by} proposed {kind} motion {motion} in {body}: {title}"
        case c.MotionSeconded(motion=motion):
            return f"{by} seconded motion {motion}"
        case c.MotionReferred(motion=motion):
            return f"{by} referred motion {motion} down: the bodies below may instruct"
        case c.MotionStarted(motion=motion, voting_ends=ends, roll_size=counted):
            return (
                f"{by} started the vote on motion {motion}: {counted} electors on the roll, "
                f"voting ends {ends}"
            )
        case c.MotionVoteCast(motion=motion, vote=vote):
            return f"{by} voted {vote} on motion {motion}"
        case c.MotionClosed(motion=motion, outcome=outcome, result=result):
            counts = ", ".join(f"{result.get(k, 0)} {k}" for k in ("yes", "no", "abstain"))
            return f"{by} closed the vote on motion {motion}: {outcome} ({counts})"
        case c.DecisionAdopted(body=body, number=number, motion=motion, title=title):
            return f"decision {number} of {body} (motion {motion}): {title}"
        case c.InstructionBreached(
            motion=motion, member=member, body=body, instruction=told, vote=vote, on_breach=act
        ):
            return (
                f"breach: {member} voted {vote} on motion {motion}, instructed {told} by "
                f"{body} ({act})"
            )
        case c.CharterAmended(body=body, decision=number, bodies=added, offices=changed, rules=r):
            parts = [f"bodies added: {', '.join(b.id for b in added)}"] if added else []
            if changed:
                parts.append(f"offices added or changed: {', '.join(o.id for o in changed)}")
            if r is not None:
                parts.append("the rules")
            return f"the charter amended by decision {number} of {body}: {'; '.join(parts)}"
        case c.OfficeReapportioned(
            office=office, seats=now_seats, was=was, constituency=members, cause=cause
        ):
            return (
                f"{office} re-apportioned: {now_seats} seat(s), was {was}, for a constituency of "
                f"{members} members{_cause(cause)}"
            )
        case c.BodyDissolved(body=body, offices=gone, cause=cause):
            their = f" with its offices {', '.join(gone)}" if gone else ""
            return f"{body} dissolved{their}{_cause(cause)}"
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


def cell(value: Any) -> str:
    """A JSON value as the text of a table's cell: a list as its items, an object as its
    keys and values."""
    if value is None:
        return ""
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    if isinstance(value, dict):
        return ", ".join(f"{k} {v}" for k, v in value.items())
    return str(value)


def table(
    title: str,
    columns: Sequence[str],
    rows: Iterable[Sequence[Any]],
    ids: Collection[str] = (),
) -> None:
    """A Rich table on stdout. The columns named in `ids` hold ids (or lists of them),
    which are never cut: such a column is at least as wide as its longest id, even when
    the table is then wider than the terminal. In other columns a short word is never
    cut either, and longer text folds onto further lines."""
    cells = [["" if cell is None else printable(str(cell)) for cell in row] for row in rows]
    grid = Table(title=plain(title), title_justify="left", header_style="bold")
    least = 1  # the table's narrowest width: each column's least, its padding and border
    for index, column in enumerate(columns):
        widest = _longest_word([column, *(row[index] for row in cells)])
        keep = widest if column in ids else min(widest, _SHORT_WORD)
        grid.add_column(column, overflow="fold", min_width=keep or None)
        least += max(keep, 1) + 3
    for row in cells:
        grid.add_row(*(escape(cell) for cell in row))
    _print_at_least(grid, least)


def record(title: str, fields: Sequence[tuple[str, Any]], ids: Collection[str] = ()) -> None:
    """One record as a table of its fields and their values; the values of the fields
    named in `ids` are never cut (see `table`)."""
    values = [(field, "" if value is None else printable(str(value))) for field, value in fields]
    grid = Table(title=plain(title), title_justify="left", show_header=False)
    grid.add_column("field", style="bold", no_wrap=True)
    widest = _longest_word([value for field, value in values if field in ids])
    grid.add_column("value", overflow="fold", min_width=widest or None)
    for field, value in values:
        grid.add_row(escape(field), escape(value))
    _print_at_least(grid, max((cell_len(f) for f, _ in values), default=1) + max(widest, 1) + 7)


def _print_at_least(grid: Table, least: int) -> None:
    """A table at the terminal's width, or wider where its ids need it: the terminal then
    wraps its lines, where Rich would squeeze a column out of sight."""
    grid.width = least if least > console.width else None
    console.print(grid)


#: The longest word a table keeps whole in a column of text (a status, a method, a count).
_SHORT_WORD = 12


def _longest_word(texts: Iterable[str]) -> int:
    """The width of the longest run of text without a space: an id, in a list of ids."""
    return max((cell_len(word) for text in texts for word in text.split()), default=0)
