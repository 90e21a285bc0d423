"""Read models for `soviet show`: each projection as a list of JSON objects.

The fields here are the stable contract of `show … --json` documented in the README.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from sqlalchemy import Connection, select

from soviet.storage import schema as t

View = Callable[[Connection], list[dict[str, Any]]]


def bodies(conn: Connection) -> list[dict[str, Any]]:
    seats: dict[str, list[str]] = {}
    query = (
        select(t.offices.c.seat_in, t.mandates.c.holder)
        .join(t.mandates, t.mandates.c.office == t.offices.c.id)
        .where(t.mandates.c.status == "active", t.offices.c.seat_in.is_not(None))
        .order_by(t.mandates.c.number)
    )
    for row in conn.execute(query):
        seats.setdefault(row.seat_in, []).append(row.holder)
    members: dict[str, int] = {}
    for row in conn.execute(select(t.memberships.c.body)):
        members[row.body] = members.get(row.body, 0) + 1
    return [
        {
            "id": r.id,
            "name": r.name,
            "kind": r.kind,
            "parent": r.parent,
            "members": (
                members.get(r.id, 0) if r.kind == "assembly" else len(set(seats.get(r.id, [])))
            ),
            "deputies": sorted(set(seats.get(r.id, []))) if r.kind == "council" else None,
        }
        for r in conn.execute(select(t.bodies).order_by(t.bodies.c.position))
    ]


def offices(conn: Connection) -> list[dict[str, Any]]:
    holders: dict[str, list[str]] = {}
    for row in conn.execute(
        select(t.mandates.c.office, t.mandates.c.holder)
        .where(t.mandates.c.status == "active")
        .order_by(t.mandates.c.seat)
    ):
        holders.setdefault(row.office, []).append(row.holder)
    return [
        {
            "id": r.id,
            "body": r.body,
            "title": r.title,
            "seats": r.seats,
            "method": r.method,
            "seat_in": r.seat_in,
            "eligible": r.eligible,
            "powers": json.loads(r.powers),
            "term_days": r.term_days,
            "voting_days": r.voting_days,
            "recall_petition": r.recall_petition,
            "recall_immediate": r.recall_immediate,
            "recall_quorum": r.recall_quorum,
            "holders": holders.get(r.id, []),
        }
        for r in conn.execute(select(t.offices).order_by(t.offices.c.position))
    ]


def mandates(conn: Connection) -> list[dict[str, Any]]:
    return [
        {
            "id": r.id,
            "office": r.office,
            "holder": r.holder,
            "seat": r.seat,
            "status": r.status,
            "election": r.election,
            "since": r.since,
            "until": r.until,
            "ended_at": r.ended_at,
            "ended_by": r.cause,
        }
        for r in conn.execute(select(t.mandates).order_by(t.mandates.c.number))
    ]


def elections(conn: Connection) -> list[dict[str, Any]]:
    candidates: dict[str, list[str]] = {}
    for row in conn.execute(select(t.candidates).order_by(t.candidates.c.position)):
        candidates.setdefault(row.election, []).append(row.member)
    ballots: dict[str, int] = {}
    for row in conn.execute(select(t.ballots.c.election)):
        ballots[row.election] = ballots.get(row.election, 0) + 1
    rolls: dict[str, int] = {}
    for row in conn.execute(select(t.rolls.c.election)):
        rolls[row.election] = rolls.get(row.election, 0) + 1
    return [
        {
            "id": r.id,
            "office": r.office,
            "status": r.status,
            "seats": r.seats,
            "candidates": candidates.get(r.id, []),
            "roll": rolls.get(r.id, 0),
            "ballots": ballots.get(r.id, 0),
            "opened_at": r.opened_at,
            "cause": r.cause,
            "voting_ends": r.voting_ends,
            "closed_at": r.closed_at,
            "winners": json.loads(r.winners) if r.winners else [],
            "result": json.loads(r.result) if r.result else None,
        }
        for r in conn.execute(select(t.elections).order_by(t.elections.c.number))
    ]


def petitions(conn: Connection) -> list[dict[str, Any]]:
    signatures: dict[str, int] = {}
    for row in conn.execute(select(t.signatures.c.petition)):
        signatures[row.petition] = signatures.get(row.petition, 0) + 1
    votes: dict[str, dict[str, int]] = {}
    for row in conn.execute(select(t.recall_ballots.c.petition, t.recall_ballots.c.vote)):
        tally = votes.setdefault(row.petition, {"yes": 0, "no": 0})
        tally[row.vote] += 1
    return [
        {
            "id": r.id,
            "mandate": r.mandate,
            "opener": r.opener,
            "reason": r.reason,
            "status": r.status,
            "signatures": signatures.get(r.id, 0),
            "votes": votes.get(r.id, {"yes": 0, "no": 0}) if r.vote_opened_at else None,
            "opened_at": r.opened_at,
            "voting_ends": r.voting_ends,
            "closed_at": r.closed_at,
        }
        for r in conn.execute(select(t.petitions).order_by(t.petitions.c.number))
    ]


def members(conn: Connection) -> list[dict[str, Any]]:
    bodies: dict[str, list[str]] = {}
    for row in conn.execute(select(t.memberships).order_by(t.memberships.c.body)):
        bodies.setdefault(row.member, []).append(row.body)
    return [
        {"id": r.id, "name": r.name, "bodies": bodies.get(r.id, []), "admitted_at": r.admitted_at}
        for r in conn.execute(select(t.members).order_by(t.members.c.id))
    ]


VIEWS: dict[str, View] = {
    "bodies": bodies,
    "offices": offices,
    "mandates": mandates,
    "elections": elections,
    "petitions": petitions,
    "members": members,
}
