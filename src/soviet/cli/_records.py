"""One record of `soviet show` in detail, for people, and the turnout of a vote in every
form: who on its roll has voted and who has not, by id and name, never a choice."""

from __future__ import annotations

import sys
from collections.abc import Mapping
from typing import Any

from sqlalchemy import Connection

from soviet.cli._listings import Output, write_csv
from soviet.cli._results import print_result
from soviet.cli.render import cell, console, plain, print_json, record, table
from soviet.storage import views

#: The fields of a record that hold ids (or lists of them), which a table never cuts.
ID_FIELDS = frozenset(
    {
        "id",
        "body",
        "parent",
        "office",
        "seat_in",
        "holder",
        "holders",
        "deputies",
        "election",
        "candidates",
        "winners",
        "mandate",
        "opener",
        "bodies",
    }
)
#: The listing of each kind of record, by the kind's name (`show election E4`).
LISTING: dict[str, str] = {
    "body": "bodies",
    "office": "offices",
    "mandate": "mandates",
    "election": "elections",
    "petition": "petitions",
    "member": "members",
    "motion": "motions",
}
#: The columns of `show turnout --csv`.
TURNOUT_FIELDS = ("id", "name", "voted")


def print_record(kind: str, found: Mapping[str, Any], conn: Connection) -> None:
    """One record as a table of its fields, then what belongs with it: an election's
    outcome and count, the petitions against a mandate, a member's mandates."""
    fields = [(f, cell(found.get(f))) for f in views.FIELDS[LISTING[kind]] if f != "result"]
    if kind == "petition":
        mandate = views.record(conn, "mandates", found["mandate"])
        if mandate is not None:
            fields += [("office", mandate["office"]), ("holder", mandate["holder"])]
    if kind == "election":
        fields += _outcome(views.closing(conn, found["id"]))
    record(f"{kind.capitalize()} {found['id']}", fields, ids=ID_FIELDS)
    if kind == "election" and found.get("result"):
        result = found["result"]
        console.print()
        print_result(
            result,
            title=f"Count of {found['id']}",
            ballots=int(result.get("ballots", 0)),
            console=console,
        )
    elif kind == "mandate":
        against = [p for p in views.petitions(conn) if p["mandate"] == found["id"]]
        if against:
            columns = ("id", "opener", "status", "signatures", "votes", "reason")
            rows = ([cell(p[c]) for c in columns] for p in against)
            table(f"Petitions to recall {found['id']}", columns, rows, ids=ID_FIELDS)
    elif kind == "member":
        held = [m for m in views.mandates(conn) if m["holder"] == found["id"]]
        if held:
            columns = ("id", "office", "seat", "status", "since", "until")
            rows = ([cell(m[c]) for c in columns] for m in held)
            table(f"Mandates of {found['id']}", columns, rows, ids=ID_FIELDS)


def _outcome(closed: Mapping[str, Any] | None) -> list[tuple[str, str]]:
    """What the close of an election decided, and why nobody was elected if nobody was."""
    if closed is None:
        return []
    fields = [("outcome", str(closed.get("outcome") or "elected"))]
    if closed.get("reason"):
        fields.append(("reason", str(closed["reason"])))
    seen = closed.get("turnout")
    if isinstance(seen, Mapping):
        fields.append(("turnout", turnout_words(seen)))
    return fields


def turnout_words(seen: Mapping[str, Any]) -> str:
    """A close's turnout in words: who voted of the roll, the blank ballots, abstentions."""
    words = f"{seen.get('voted')} of {seen.get('roll')} voted"
    extra = [f"{seen[k]} {k}" for k in ("blank", "abstained") if seen.get(k)]
    return f"{words} ({', '.join(extra)})" if extra else words


def print_closed(data: Mapping[str, Any]) -> None:
    """After `election close`: the count as tables round by round, or, when nobody was
    counted (returned unopposed, or void), why."""
    result = data.get("result")
    if not result:
        if data.get("reason"):
            console.print(f"{plain(data.get('outcome') or 'closed')}: {plain(data['reason'])}")
        return
    console.print()
    print_result(
        result,
        title=f"Count of {data['election']}",
        ballots=int(result.get("ballots", 0)),
        console=console,
    )


def print_turnout(seen: Mapping[str, Any], form: Output) -> None:
    """Who on a vote's roll has voted and who has not."""
    if form is Output.JSON:
        print_json(dict(seen))
        return
    voted, not_voted = seen["voted"], seen["not_voted"]
    if form is Output.CSV:
        rows = [{**e, "voted": "yes"} for e in voted] + [{**e, "voted": "no"} for e in not_voted]
        write_csv(sys.stdout, TURNOUT_FIELDS, rows)
        return
    vote = f"{'recall vote on ' if seen['kind'] == 'petition' else 'election '}{seen['vote']}"
    if not seen["roll"]:
        console.print(f"The {plain(vote)} has no roll: its vote has not started.")
        return
    console.print(
        f"Turnout of the {plain(vote)} ({plain(seen['status'])}): "
        f"{len(voted)} of {seen['roll']} on the roll have voted."
    )
    for title, electors in (("Voted", voted), ("Not voted", not_voted)):
        if electors:
            listed = ([e["id"], e["name"]] for e in electors)
            table(f"{title} ({len(electors)})", ("id", "name"), listed, ids={"id"})
