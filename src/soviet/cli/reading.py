"""Commands that read: show and log."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, Any

import typer

from soviet.bootstrap import Settings, Soviet
from soviet.cli import app
from soviet.cli._options import MAX_SEQ, Db, Json
from soviet.cli.render import console, describe, print_json, print_json_lines, table


class What(StrEnum):
    bodies = "bodies"
    offices = "offices"
    mandates = "mandates"
    elections = "elections"
    petitions = "petitions"
    members = "members"


COLUMNS: dict[What, tuple[str, ...]] = {
    What.bodies: ("id", "name", "kind", "parent", "members", "deputies"),
    What.offices: ("id", "body", "title", "seats", "method", "seat_in", "holders"),
    What.mandates: ("id", "office", "holder", "seat", "status", "election", "since", "until"),
    What.elections: ("id", "office", "status", "seats", "candidates", "ballots", "winners"),
    What.petitions: ("id", "mandate", "opener", "status", "signatures", "votes", "reason"),
    What.members: ("id", "name", "bodies"),
}


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    if isinstance(value, dict):
        return ", ".join(f"{k} {v}" for k, v in value.items())
    return str(value)


@app.command()
def show(
    what: Annotated[What, typer.Argument(help="What to list.")],
    db: Db = None,
    as_json: Json = False,
) -> None:
    """List bodies, offices, mandates, elections, petitions or members."""
    with Soviet(Settings.from_env(db)) as soviet, soviet.reading() as reads:
        rows = reads.view(what.value)
    if as_json:
        print_json(rows)
        return
    columns = COLUMNS[what]
    table(what.value.capitalize(), columns, ([_cell(r[c]) for c in columns] for r in rows))


@app.command("log")
def show_log(
    since: Annotated[
        int, typer.Option("--since", help="First seq to print.", min=1, max=MAX_SEQ)
    ] = 1,
    db: Db = None,
    as_json: Json = False,
) -> None:
    """The log, event by event (--json: one event per line)."""
    with Soviet(Settings.from_env(db)) as soviet, soviet.reading() as reads:
        events = reads.events(since)
        if as_json:
            print_json_lines(e.to_json() for e in events)
        else:
            for e in events:
                console.print(f"[dim]#{e.seq} {e.at}[/dim] {describe(e)}")
