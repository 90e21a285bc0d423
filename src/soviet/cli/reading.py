"""Commands that read: show (listings, one record, a turnout) and log."""

from __future__ import annotations

import sys
from enum import StrEnum
from typing import Annotated, Any

import typer

from soviet.bootstrap import Settings, Soviet
from soviet.cli import app
from soviet.cli._listings import (
    Facts,
    Filters,
    Output,
    check,
    check_status,
    keep,
    refuse_on_one,
    write_csv,
)
from soviet.cli._options import MAX_SEQ, Db, Json, ReadDb
from soviet.cli._output import tell
from soviet.cli._records import ID_FIELDS, LISTING, print_record, print_turnout
from soviet.cli.render import cell, console, describe, print_json, print_json_lines, table
from soviet.errors import InputError, NotFound
from soviet.storage import database, views
from soviet.storage.reading import SqlReading


class What(StrEnum):
    """What `show` shows: a listing, one record by its id, or the turnout of a vote."""

    bodies = "bodies"
    offices = "offices"
    mandates = "mandates"
    elections = "elections"
    petitions = "petitions"
    members = "members"
    motions = "motions"
    decisions = "decisions"
    breaches = "breaches"
    body = "body"
    office = "office"
    mandate = "mandate"
    election = "election"
    petition = "petition"
    member = "member"
    motion = "motion"
    turnout = "turnout"


#: The record of each listing, by the listing's name.
RECORD = {listing: kind for kind, listing in LISTING.items()}

COLUMNS: dict[str, tuple[str, ...]] = {
    "bodies": ("id", "name", "kind", "parent", "members", "deputies"),
    "offices": ("id", "body", "title", "seats", "method", "seat_in", "holders"),
    "mandates": ("id", "office", "holder", "seat", "status", "election", "since", "until"),
    "elections": ("id", "office", "status", "seats", "candidates", "ballots", "winners"),
    "petitions": ("id", "mandate", "opener", "status", "signatures", "votes", "reason"),
    "members": ("id", "name", "bodies"),
    "motions": ("id", "body", "kind", "title", "status", "votes", "decision"),
    "decisions": ("body", "number", "motion", "title", "adopted_at"),
    "breaches": ("motion", "member", "body", "instruction", "vote", "on_breach"),
}


@app.command()
def show(
    what: Annotated[
        What,
        typer.Argument(
            help="A listing (bodies, offices, mandates, elections, petitions, members, "
            "motions, decisions, breaches); one record by its id (body, office, mandate, "
            "election, petition, member, motion); or "
            "turnout: who on a vote's roll has voted.",
            show_default=False,
        ),
    ],
    ident: Annotated[
        str | None,
        typer.Argument(
            metavar="ID",
            help="The record's id (a mandate also as OFFICE:HOLDER), or the election or "
            "petition of a turnout.",
            show_default=False,
        ),
    ] = None,
    office: Annotated[
        str | None,
        typer.Option("--office", help="Only those of this office.", show_default=False),
    ] = None,
    body: Annotated[
        str | None,
        typer.Option(
            "--body",
            help="Only those of this body (its offices', or members of this assembly).",
            show_default=False,
        ),
    ] = None,
    status: Annotated[
        str | None,
        typer.Option("--status", help="Only those of this status.", show_default=False),
    ] = None,
    holder: Annotated[
        str | None,
        typer.Option(
            "--holder",
            help="Only the mandates of this member (petitions: against them).",
            show_default=False,
        ),
    ] = None,
    db: Db = None,
    read_db: ReadDb = None,
    as_json: Json = False,
    as_csv: Annotated[
        bool, typer.Option("--csv", help="Print CSV: a header row, then one row per record.")
    ] = False,
) -> None:
    """List bodies, offices, mandates, elections, petitions, members, motions, decisions or
    breaches, or show one.

    `show KIND ID` shows one record in detail; `show turnout VOTE` who has voted in a
    vote and who has not.

    Example: soviet show mandates --office foundry.deputy --status active
    """
    if as_json and as_csv:
        raise InputError("--json and --csv are two forms of the same output: give one")
    filters = Filters(office=office, body=body, status=status, holder=holder)
    form = Output.JSON if as_json else Output.CSV if as_csv else Output.TABLE
    if what.value in COLUMNS:
        if ident is not None:
            one = RECORD.get(what.value)
            hint = f"; for one, `show {one} {ident}`" if one else ""
            raise InputError(f"`show {what.value}` lists them all and takes no id{hint}")
        _listing(Settings.from_env(db, read=read_db), what.value, filters, form)
        return
    if ident is None:
        raise InputError(f"`show {what.value}` needs an id: {_EXAMPLES[what.value]}")
    refuse_on_one(f"{what.value} {ident}", filters)
    with Soviet(Settings.from_env(db, read=read_db)) as soviet, soviet.reading() as reads:
        served_by(soviet, reads)
        if what is What.turnout:
            seen = views.turnout(reads.conn, ident)
            if seen is None:
                raise NotFound("petition" if ident.upper().startswith("P") else "election", ident)
            print_turnout(seen, form)
            return
        kind = what.value
        found = reads.record(LISTING[kind], ident)
        if kind == "mandate":
            ident = views.mandate_id(reads.conn, ident)
        if found is None:
            raise NotFound(kind, ident)
        if form is Output.JSON:
            print_json(found)
        elif form is Output.CSV:
            write_csv(sys.stdout, views.FIELDS[LISTING[kind]], [found])
        else:
            print_record(kind, found, reads.conn)


_EXAMPLES = {
    "body": "`show body foundry`",
    "office": "`show office foundry.deputy`",
    "mandate": "`show mandate M3` or `show mandate foundry.deputy:ada`",
    "election": "`show election E4`",
    "petition": "`show petition P1`",
    "member": "`show member ada`",
    "motion": "`show motion R2`",
    "turnout": "`show turnout E4` (an election) or `show turnout P1` (a recall vote)",
}


def served_by(soviet: Soviet, reads: SqlReading) -> None:
    """Given replicas, say on standard error which database served the read and the log
    size it reflects: a replica may be behind the primary."""
    if not soviet.replicas:
        return
    where = database.shown(reads.conn.engine.url)
    if reads.conn.engine is soviet.engine:
        where = f"--db {where}, as no --read-db answered"
    tell(f"note: read at log size {reads.size():,} from {where}")


def _listing(settings: Settings, listing: str, filters: Filters, form: Output) -> None:
    """One listing, kept to the records the filters name."""
    check(listing, filters)
    with Soviet(settings) as soviet, soviet.reading() as reads:
        served_by(soviet, reads)
        rows = reads.view(listing)
        if filters.given():
            rows = _filtered(reads, listing, rows, filters)
    if form is Output.JSON:
        print_json(rows)
        return
    if form is Output.CSV:
        write_csv(sys.stdout, views.FIELDS[listing], rows)
        return
    columns = COLUMNS[listing]
    table(
        listing.capitalize(),
        columns,
        ([cell(r[c]) for c in columns] for r in rows),
        ids=ID_FIELDS,
    )


def _filtered(
    reads: SqlReading, listing: str, rows: list[dict[str, Any]], filters: Filters
) -> list[dict[str, Any]]:
    """The rows the filters keep; a filter naming no office, body or member is refused."""
    offices = reads.view("offices")
    if filters.office is not None and filters.office not in {o["id"] for o in offices}:
        raise NotFound("office", filters.office)
    if filters.body is not None and filters.body not in {b["id"] for b in reads.view("bodies")}:
        raise NotFound("body", filters.body)
    if filters.holder is not None and views.record(reads.conn, "members", filters.holder) is None:
        raise NotFound("member", filters.holder)
    if filters.status is not None:
        check_status(listing, filters.status, rows)
    mandates = reads.view("mandates") if listing == "petitions" else []
    facts = Facts(
        office_body={o["id"]: o["body"] for o in offices},
        mandates={m["id"]: (m["office"], m["holder"]) for m in mandates},
    )
    return [dict(row) for row in keep(listing, rows, filters, facts)]


@app.command("log")
def show_log(
    since: Annotated[
        int, typer.Option("--since", help="First seq to print.", min=1, max=MAX_SEQ)
    ] = 1,
    db: Db = None,
    read_db: ReadDb = None,
    as_json: Json = False,
) -> None:
    """The log, event by event (--json: one event per line).

    Example: soviet log --since 32
    """
    with Soviet(Settings.from_env(db, read=read_db)) as soviet, soviet.reading() as reads:
        served_by(soviet, reads)
        events = reads.events(since)
        if as_json:
            print_json_lines(e.to_json() for e in events)
        else:
            for e in events:
                console.print(f"[dim]#{e.seq} {e.at}[/dim] {describe(e)}")
