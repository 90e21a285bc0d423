"""Read models for `soviet show`: each projection as a list of JSON objects, or one of
them by its id; who has voted in a vote; and a mandate named by its office and holder.

The fields here are the stable contract of `show … --json` documented in the README.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any, Protocol, TypeVar

from sqlalchemy import Column, Connection, Select, func, select

from soviet.errors import InputError, NotFound
from soviet.storage import log, motion_views
from soviet.storage import schema as t

Q = TypeVar("Q", bound=Select[Any])


class View(Protocol):
    """One projection as rows of JSON objects: all of them, or only the one of id `only`."""

    def __call__(self, conn: Connection, only: str | None = None) -> list[dict[str, Any]]: ...


def _only(query: Q, column: Column[Any], only: str | None) -> Q:
    """The query kept to the rows of one id, when one is asked for."""
    return query if only is None else query.where(column == only)


def _counts(conn: Connection, column: Column[Any], only: str | None) -> dict[str, int]:
    """How many rows of a table each value of `column` has (of `only`, when given),
    counted by the database."""
    query = _only(select(column, func.count()).group_by(column), column, only)
    return {str(key): int(count) for key, count in conn.execute(query)}


def bodies(conn: Connection, only: str | None = None) -> list[dict[str, Any]]:
    seats: dict[str, list[str]] = {}
    query = (
        select(t.offices.c.seat_in, t.mandates.c.holder)
        .join(t.mandates, t.mandates.c.office == t.offices.c.id)
        .where(t.mandates.c.status == "active", t.offices.c.seat_in.is_not(None))
        .order_by(t.mandates.c.number)
    )
    for row in conn.execute(_only(query, t.offices.c.seat_in, only)):
        seats.setdefault(row.seat_in, []).append(row.holder)
    members: dict[str, int] = {}
    for row in conn.execute(_only(select(t.memberships.c.body), t.memberships.c.body, only)):
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
        for r in conn.execute(
            _only(select(t.bodies), t.bodies.c.id, only)
            .where(t.bodies.c.dissolved_at.is_(None))
            .order_by(t.bodies.c.position)
        )
    ]


def offices(conn: Connection, only: str | None = None) -> list[dict[str, Any]]:
    holders: dict[str, list[str]] = {}
    active = select(t.mandates.c.office, t.mandates.c.holder).where(t.mandates.c.status == "active")
    for row in conn.execute(_only(active, t.mandates.c.office, only).order_by(t.mandates.c.seat)):
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
        for r in conn.execute(
            _only(select(t.offices), t.offices.c.id, only)
            .where(t.offices.c.dissolved_at.is_(None))
            .order_by(t.offices.c.position)
        )
    ]


def mandates(conn: Connection, only: str | None = None) -> list[dict[str, Any]]:
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
        for r in conn.execute(
            _only(select(t.mandates), t.mandates.c.id, only).order_by(t.mandates.c.number)
        )
    ]


def elections(conn: Connection, only: str | None = None) -> list[dict[str, Any]]:
    candidates: dict[str, list[str]] = {}
    # a nominee who has not accepted, or who withdrew, is not a candidate
    standing = _only(select(t.candidates), t.candidates.c.election, only).where(
        t.candidates.c.status.is_(None) | (t.candidates.c.status == "standing")
    )
    for row in conn.execute(standing.order_by(t.candidates.c.position)):
        candidates.setdefault(row.election, []).append(row.member)
    ballots = _counts(conn, t.ballots.c.election, only)
    rolls = _counts(conn, t.rolls.c.election, only)
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
        for r in conn.execute(
            _only(select(t.elections), t.elections.c.id, only).order_by(t.elections.c.number)
        )
    ]


def petitions(conn: Connection, only: str | None = None) -> list[dict[str, Any]]:
    signatures = _counts(conn, t.signatures.c.petition, only)
    votes: dict[str, dict[str, int]] = {}
    cast = select(t.recall_ballots.c.petition, t.recall_ballots.c.vote)
    for row in conn.execute(_only(cast, t.recall_ballots.c.petition, only)):
        tally = votes.setdefault(row.petition, {"yes": 0, "no": 0})
        tally[row.vote] = tally.get(row.vote, 0) + 1  # "abstain" appears once one abstains
    for tally in votes.values():
        if "secret" in tally:  # a secret vote: its sealed ballots, counted at the close
            tally.pop("yes"), tally.pop("no")
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
        for r in conn.execute(
            _only(select(t.petitions), t.petitions.c.id, only).order_by(t.petitions.c.number)
        )
    ]


def members(conn: Connection, only: str | None = None) -> list[dict[str, Any]]:
    bodies: dict[str, list[str]] = {}
    joined = _only(select(t.memberships), t.memberships.c.member, only)
    for row in conn.execute(joined.order_by(t.memberships.c.body)):
        bodies.setdefault(row.member, []).append(row.body)
    held: dict[str, list[str]] = {}
    active = select(t.mandates.c.holder, t.mandates.c.id).where(t.mandates.c.status == "active")
    for row in conn.execute(_only(active, t.mandates.c.holder, only).order_by(t.mandates.c.number)):
        held.setdefault(row.holder, []).append(row.id)
    return [
        {
            "id": r.id,
            "name": r.name,
            "bodies": bodies.get(r.id, []),
            "mandates": held.get(r.id, []),
            "admitted_at": r.admitted_at,
        }
        for r in conn.execute(
            _only(select(t.members), t.members.c.id, only).order_by(t.members.c.id)
        )
    ]


VIEWS: dict[str, View] = {
    "bodies": bodies,
    "offices": offices,
    "mandates": mandates,
    "elections": elections,
    "petitions": petitions,
    "members": members,
    "motions": motion_views.motions,
    "decisions": motion_views.decisions,
    "breaches": motion_views.breaches,
}

#: The fields of each view's objects, in order: the header of `show … --csv`.
FIELDS: dict[str, tuple[str, ...]] = {
    "bodies": ("id", "name", "kind", "parent", "members", "deputies"),
    "offices": (
        "id",
        "body",
        "title",
        "seats",
        "method",
        "seat_in",
        "eligible",
        "powers",
        "term_days",
        "voting_days",
        "recall_petition",
        "recall_immediate",
        "recall_quorum",
        "holders",
    ),
    "mandates": (
        "id",
        "office",
        "holder",
        "seat",
        "status",
        "election",
        "since",
        "until",
        "ended_at",
        "ended_by",
    ),
    "elections": (
        "id",
        "office",
        "status",
        "seats",
        "candidates",
        "roll",
        "ballots",
        "opened_at",
        "cause",
        "voting_ends",
        "closed_at",
        "winners",
        "result",
    ),
    "petitions": (
        "id",
        "mandate",
        "opener",
        "reason",
        "status",
        "signatures",
        "votes",
        "opened_at",
        "voting_ends",
        "closed_at",
    ),
    "members": ("id", "name", "bodies", "mandates", "admitted_at"),
    **motion_views.FIELDS,
}


def record(conn: Connection, view: str, ident: str) -> dict[str, Any] | None:
    """The object of one id in a view (`show election E4`), or None if it names nothing."""
    rows = VIEWS[view](conn, only=ident)
    return rows[0] if rows else None


# -- who has voted -----------------------------------------------------------------------


def turnout(conn: Connection, vote: str) -> dict[str, Any] | None:
    """Who on the roll of a vote (an election, or a petition's recall vote) has voted and
    who has not, by id and name; never what anyone chose. None if `vote` names neither."""
    election = conn.execute(
        select(t.elections.c.status).where(t.elections.c.id == vote)
    ).scalar_one_or_none()
    if election is not None:
        kind, status = "election", str(election)
        roll, key = t.rolls, t.rolls.c.election
        voters = select(t.ballots.c.voter).where(t.ballots.c.election == vote)
    else:
        petition = conn.execute(
            select(t.petitions.c.status).where(t.petitions.c.id == vote)
        ).scalar_one_or_none()
        if petition is None:
            return None
        kind, status = "petition", str(petition)
        roll, key = t.recall_rolls, t.recall_rolls.c.petition
        voters = select(t.recall_ballots.c.voter).where(t.recall_ballots.c.petition == vote)
    voted = {row.voter for row in conn.execute(voters)}
    electors = conn.execute(
        select(t.members.c.id, t.members.c.name)
        .join(roll, roll.c.member == t.members.c.id)
        .where(key == vote)
        .order_by(t.members.c.id)
    ).all()
    return {
        "vote": vote,
        "kind": kind,
        "status": status,
        "roll": len(electors),
        "voted": [{"id": r.id, "name": r.name} for r in electors if r.id in voted],
        "not_voted": [{"id": r.id, "name": r.name} for r in electors if r.id not in voted],
    }


# -- how an election closed --------------------------------------------------------------


def closing(conn: Connection, election: str) -> dict[str, Any] | None:
    """The data of the event that closed an election (its outcome, the reason nobody was
    elected, its turnout), or None for an election not closed.

    The log's instants never go back, so the events of the close's instant are found by
    halving the log on its seqs, never by reading it through.
    """
    closed_at = conn.execute(
        select(t.elections.c.closed_at).where(t.elections.c.id == election)
    ).scalar_one_or_none()
    if closed_at is None:
        return None
    size = log.last(conn)[0]
    first = _first_at(conn, closed_at, size, past=False)
    stop = _first_at(conn, closed_at, size, past=True)
    query = select(t.events.c.data).where(t.events.c.type == "election.closed")
    if first is not None and stop is not None:
        query = query.where(t.events.c.seq >= first, t.events.c.seq < stop)
    for row in conn.execute(query.order_by(t.events.c.seq)):
        data: dict[str, Any] = json.loads(row.data)
        if data.get("election") == election:
            return data
    return None


def _first_at(conn: Connection, instant: str, size: int, *, past: bool) -> int | None:
    """The first seq at `instant` or after it (`past`: after it), or None if a seq is
    missing from the log (then the caller reads the events by type alone)."""
    low, high = 1, size + 1
    while low < high:
        middle = (low + high) // 2
        at = conn.execute(
            select(t.events.c.at).where(t.events.c.seq == middle)
        ).scalar_one_or_none()
        if at is None:
            return None
        if at < instant or (past and at == instant):
            low = middle + 1
        else:
            high = middle
    return low


# -- a mandate by its office and holder --------------------------------------------------

#: How a mandate is named, as a refusal says it.
MANDATE_NAMING = "a mandate is named by its id (M7) or as OFFICE:HOLDER (tram-depot.deputy:petrov)"
#: The most mandates a refusal names.
_MOST_NAMED = 10


def mandate_name(name: str) -> tuple[str, str] | None:
    """The office and holder of a mandate named `OFFICE:HOLDER`; None for a name without
    a colon, which is a mandate's id. An id has no colon, so the first one divides."""
    if ":" not in name:
        return None
    office, _, holder = name.partition(":")
    if not office or not holder or ":" in holder:
        raise InputError(f"{name!r} names no mandate: {MANDATE_NAMING}")
    return office, holder


def mandate_id(conn: Connection, name: str) -> str:
    """The id of the mandate `name` names: an id as it is, or for `OFFICE:HOLDER` the
    holder's active mandate of that office. An unknown office or member is `NotFound`;
    no such active mandate, or several, is refused naming what was found."""
    named = mandate_name(name)
    if named is None:
        return name
    office, holder = named
    if conn.execute(select(t.offices.c.id).where(t.offices.c.id == office)).first() is None:
        raise NotFound("office", office)
    if conn.execute(select(t.members.c.id).where(t.members.c.id == holder)).first() is None:
        raise NotFound("member", holder)
    held = conn.execute(
        select(t.mandates.c.id, t.mandates.c.status, t.mandates.c.seat)
        .where(t.mandates.c.holder == holder, t.mandates.c.office == office)
        .order_by(t.mandates.c.number)
    ).all()
    active = [r for r in held if r.status == "active"]
    if len(active) == 1:
        return str(active[0].id)
    if active:
        seats = _named(f"{r.id} (seat {r.seat})" for r in active)
        raise InputError(
            f"{holder!r} holds {len(active)} active mandates of office {office!r}: {seats}; "
            "name one by its id"
        )
    if held:
        found = f"found only {_named(f'{r.id} ({r.status})' for r in held)}"
    else:
        others = conn.execute(
            select(t.mandates.c.id, t.mandates.c.holder)
            .where(t.mandates.c.office == office, t.mandates.c.status == "active")
            .order_by(t.mandates.c.number)
        ).all()
        found = (
            f"its active mandates are {_named(f'{r.id} ({r.holder})' for r in others)}"
            if others
            else "it has no active mandate"
        )
    raise InputError(f"{holder!r} holds no active mandate of office {office!r}; {found}")


def _named(items: Iterable[str]) -> str:
    """Items for a refusal, the first few of them and how many more."""
    listed = list(items)
    shown = ", ".join(listed[:_MOST_NAMED])
    more = len(listed) - _MOST_NAMED
    return f"{shown} and {more} more" if more > 0 else shown
