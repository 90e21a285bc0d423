"""The rows of a vote's roll, written when the vote starts.

The log commits to a roll by its size and hash (`soviet.domain.votes`); its members are
the electorate of the vote's office at that moment, which the projections hold: the
members of an assembly, or the deputies seated in a council by active mandates. One
`INSERT … SELECT` copies them, on the live path and on replay alike, without reading a
single member into Python. A log that kept its rolls inline (before they were committed
to) has its rows written from the event as logged.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import String, Table, literal, select

from soviet.storage import schema as t
from soviet.storage.writes import Writes


def write(w: Writes, table: Table, vote: str, office: str, inline: Sequence[str] | None) -> None:
    """Write the roll of the vote `vote` (the key of `table`'s first column) of `office`."""
    key = table.c[0].name
    if inline is not None:
        if inline:
            w.insert(table, [{key: vote, "member": member} for member in inline])
        return
    body = w.execute(
        select(t.bodies.c.id, t.bodies.c.kind)
        .join(t.offices, t.offices.c.body == t.bodies.c.id)
        .where(t.offices.c.id == office)
    ).one()
    write_body(w, table, vote, body.id, body.kind)


def write_body(w: Writes, table: Table, vote: str, body_id: str, kind: str) -> None:
    """Write the roll of a vote of a body (`kind`, assembly or council): its electorate."""
    key = table.c[0].name
    if kind == "assembly":
        electors = select(literal(vote, String), t.memberships.c.member).where(
            t.memberships.c.body == body_id
        )
    else:
        electors = (
            select(literal(vote, String), t.mandates.c.holder)
            .join(t.offices, t.offices.c.id == t.mandates.c.office)
            .where(t.offices.c.seat_in == body_id, t.mandates.c.status == "active")
            .distinct()
        )
    w.execute(table.insert().from_select([key, "member"], electors))


def office_of_election(w: Writes, election: str) -> str:
    """The office an election is for."""
    return str(
        w.execute(select(t.elections.c.office).where(t.elections.c.id == election)).scalar_one()
    )


def office_of_petition(w: Writes, petition: str) -> str:
    """The office of the mandate a petition would recall."""
    return str(
        w.execute(
            select(t.mandates.c.office)
            .join(t.petitions, t.petitions.c.mandate == t.mandates.c.id)
            .where(t.petitions.c.id == petition)
        ).scalar_one()
    )
