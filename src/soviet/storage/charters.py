"""The charter as it stands, read from the projections of one snapshot, and the decisions
that amended it.

The same charter `soviet.domain.charter.standing.charter_of` reads from a state in
memory: the name and `[rules]` the founding logged (the `organization` row keeps them),
the days an enrollment code is good for as they stand, the bodies and offices in their
charter order, the founders, and every member with the assemblies they belong to now —
members read in two queries, not two for each member.
"""

from __future__ import annotations

import dataclasses
import json
from typing import Any

from sqlalchemy import Connection, select

from soviet.domain.charter.standing import founding_rules, standing
from soviet.domain.model import Charter, Member
from soviet.errors import DatabaseError
from soviet.storage import schema as t
from soviet.storage.workspace import body_from_row, office_from_row


def charter_in(conn: Connection) -> Charter:
    """The charter as it stands in the database; DatabaseError if none was adopted."""
    o = t.organization.c
    row = conn.execute(select(o.name, o.origin, o.rules, o.founders, o.enrollment_days)).first()
    if row is None:
        raise DatabaseError("this database holds no organization yet: adopt a charter first")
    rules = founding_rules(json.loads(row.rules))
    if row.enrollment_days is not None:
        rules = dataclasses.replace(rules, enrollment_days=int(row.enrollment_days))
    bodies = [
        body_from_row(r)
        for r in conn.execute(
            select(t.bodies).where(t.bodies.c.dissolved_at.is_(None)).order_by(t.bodies.c.position)
        )
    ]
    offices = [
        office_from_row(r)
        for r in conn.execute(
            select(t.offices)
            .where(t.offices.c.dissolved_at.is_(None))
            .order_by(t.offices.c.position)
        )
    ]
    belongs: dict[str, list[str]] = {}
    for member, body in conn.execute(select(t.memberships.c.member, t.memberships.c.body)):
        belongs.setdefault(member, []).append(body)
    members = [
        Member(r.id, r.name, tuple(belongs.get(r.id, ())))
        for r in conn.execute(select(t.members.c.id, t.members.c.name))
    ]
    return standing(
        name=row.name,
        origin=row.origin,
        rules=rules,
        bodies=bodies,
        offices=offices,
        founders=json.loads(row.founders),
        members=members,
    )


def amendments_of(conn: Connection) -> list[dict[str, Any]]:
    """The decisions that amended the charter since its founding, oldest first: the
    motion, the body and the number of its decision, when it was adopted, its title and
    its fragment of the charter (the amendment motions adopted, from `motions`)."""
    m = t.motions.c
    adopted = (
        select(m.id, m.body, m.decision, m.closed_at, m.title, m.charter)
        .where(m.kind == "amendment", m.decision.is_not(None))
        .order_by(m.number)
    )
    return [
        {
            "motion": r.id,
            "body": r.body,
            "decision": r.decision,
            "adopted_at": r.closed_at,
            "title": r.title,
            "fragment": r.charter,
        }
        for r in conn.execute(adopted)
    ]
