"""Projectors: one function per event type, the only code that writes the projections.

The same functions serve the live path (in the unit of work that records the event) and
replay (`soviet.storage.replay` and `soviet verify`), so a replayed log yields the same
tables. A projector reads nothing but the event and the tables it keeps, and writes
through `Writes`, which holds its inserts back and sends them in multi-row statements.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from sqlalchemy import func, select, update

from soviet.domain import events as ev
from soviet.domain.events import Recorded
from soviet.ledger.entries import compact
from soviet.storage import rolls
from soviet.storage import schema as t
from soviet.storage.writes import Writes

Projector = Callable[[Writes, Recorded], None]


def dumps(value: Any) -> str:
    """JSON text for a projection column: sorted keys, no spaces, so replays compare equal."""
    return compact(value)


def _number(ident: str) -> int:
    return int(ident.lstrip("EMP"))


def founded(w: Writes, e: Recorded) -> None:
    d = e.data
    w.insert(
        t.organization,
        dict(
            id=1,
            name=d["name"],
            origin=d["origin"],
            rules=dumps(d["rules"]),
            founders=dumps(d["founders"]),
            verifier_key=d.get("verifier_key"),
            founded_at=e.at,
        ),
    )
    bodies = [
        {"id": b["id"], "name": b["name"], "kind": b["kind"], "parent": b["parent"], "position": i}
        for i, b in enumerate(d["bodies"])
    ]
    if bodies:
        w.insert(t.bodies, bodies)
    offices = [
        {
            "id": o["id"],
            "body": o["body"],
            "title": o["title"],
            "seats": o["seats"],
            "method": o["method"],
            "seat_in": o["seat_in"],
            "eligible": o["eligible"],
            "powers": dumps(o["powers"]),
            "term_days": o["term_days"],
            "voting_days": o["voting_days"],
            "recall_petition": o["recall_petition"],
            "recall_immediate": o["recall_immediate"],
            "recall_quorum": o["recall_quorum"],
            "position": i,
        }
        for i, o in enumerate(d["offices"])
    ]
    if offices:
        w.insert(t.offices, offices)


def admitted(w: Writes, e: Recorded) -> None:
    w.insert(t.members, dict(id=e.data["member"], name=e.data["name"], admitted_at=e.at))
    rows = [{"member": e.data["member"], "body": b} for b in e.data["bodies"]]
    w.insert(t.memberships, rows)


def joined(w: Writes, e: Recorded) -> None:
    w.insert(t.memberships, dict(member=e.data["member"], body=e.data["body"]))


def left(w: Writes, e: Recorded) -> None:
    w.execute(
        t.memberships.delete().where(
            t.memberships.c.member == e.data["member"], t.memberships.c.body == e.data["body"]
        )
    )


def mandate_started(w: Writes, e: Recorded) -> None:
    d = e.data
    w.insert(
        t.mandates,
        dict(
            id=d["mandate"],
            number=_number(d["mandate"]),
            office=d["office"],
            holder=d["holder"],
            seat=d["seat"],
            status="active",
            election=d.get("election"),
            since=e.at,
            until=d.get("until"),
        ),
    )


def mandate_ended(w: Writes, e: Recorded) -> None:
    w.execute(
        update(t.mandates)
        .where(t.mandates.c.id == e.data["mandate"])
        .values(status=ev.MANDATE_ENDINGS[e.type], ended_at=e.at, cause=e.seq)
    )
    if e.type == ev.MANDATE_RECALLED and e.data.get("by") == "signatures":
        w.execute(
            update(t.petitions)
            .where(t.petitions.c.id == e.data["petition"])
            .values(status="recalled", closed_at=e.at)
        )


def election_opened(w: Writes, e: Recorded) -> None:
    d = e.data
    w.insert(
        t.elections,
        dict(
            id=d["election"],
            number=_number(d["election"]),
            office=d["office"],
            status="nominating",
            seats=d["seats"],
            opened_at=e.at,
            opened_by=e.actor,
            cause=d.get("cause"),
        ),
    )


def nominated(w: Writes, e: Recorded) -> None:
    election = e.data["election"]
    position = w.execute(
        select(func.count()).select_from(t.candidates).where(t.candidates.c.election == election)
    ).scalar_one()
    w.insert(
        t.candidates,
        dict(
            election=election,
            member=e.data["candidate"],
            position=position + 1,
            nominated_by=e.actor,
        ),
    )


def election_started(w: Writes, e: Recorded) -> None:
    d = e.data
    w.execute(
        update(t.elections)
        .where(t.elections.c.id == d["election"])
        .values(status="voting", seats=d["seats"], started_at=e.at, voting_ends=d["voting_ends"])
    )
    election = d["election"]
    rolls.write(w, t.rolls, election, rolls.office_of_election(w, election), d.get("roll"))


def ballot_cast(w: Writes, e: Recorded) -> None:
    w.insert(
        t.ballots,
        dict(election=e.data["election"], voter=e.actor, choice=dumps(e.data["choice"]), seq=e.seq),
    )


def election_closed(w: Writes, e: Recorded) -> None:
    w.execute(
        update(t.elections)
        .where(t.elections.c.id == e.data["election"])
        .values(
            status="closed",
            closed_at=e.at,
            result=dumps(e.data["result"]),
            winners=dumps(e.data["winners"]),
        )
    )


def petition_opened(w: Writes, e: Recorded) -> None:
    d = e.data
    w.insert(
        t.petitions,
        dict(
            id=d["petition"],
            number=_number(d["petition"]),
            mandate=d["mandate"],
            opener=e.actor,
            reason=d["reason"],
            status="open",
            opened_at=e.at,
        ),
    )
    w.insert(t.signatures, dict(petition=d["petition"], member=e.actor, seq=e.seq))


def petition_signed(w: Writes, e: Recorded) -> None:
    w.insert(t.signatures, dict(petition=e.data["petition"], member=e.actor, seq=e.seq))


def recall_vote_opened(w: Writes, e: Recorded) -> None:
    d = e.data
    w.execute(
        update(t.petitions)
        .where(t.petitions.c.id == d["petition"])
        .values(status="voting", vote_opened_at=e.at, voting_ends=d["voting_ends"])
    )
    petition = d["petition"]
    rolls.write(w, t.recall_rolls, petition, rolls.office_of_petition(w, petition), d.get("roll"))


def recall_ballot_cast(w: Writes, e: Recorded) -> None:
    w.insert(
        t.recall_ballots,
        dict(petition=e.data["petition"], voter=e.actor, vote=e.data["vote"], seq=e.seq),
    )


def recall_closed(w: Writes, e: Recorded) -> None:
    result = e.data.get("result")
    w.execute(
        update(t.petitions)
        .where(t.petitions.c.id == e.data["petition"])
        .values(
            status=e.data["outcome"],
            closed_at=e.at,
            result=dumps(result) if result is not None else None,
        )
    )


def nothing(w: Writes, e: Recorded) -> None:
    """Events that change no projection (a logged checkpoint)."""


PROJECTORS: Mapping[str, Projector] = {
    ev.ORGANIZATION_FOUNDED: founded,
    ev.MEMBER_ADMITTED: admitted,
    ev.MEMBER_JOINED: joined,
    ev.MEMBER_LEFT: left,
    ev.MANDATE_IMPORTED: mandate_started,
    ev.MANDATE_GRANTED: mandate_started,
    ev.MANDATE_RECALLED: mandate_ended,
    ev.MANDATE_LAPSED: mandate_ended,
    ev.MANDATE_EXPIRED: mandate_ended,
    ev.MANDATE_RESIGNED: mandate_ended,
    ev.ELECTION_OPENED: election_opened,
    ev.CANDIDATE_NOMINATED: nominated,
    ev.ELECTION_STARTED: election_started,
    ev.BALLOT_CAST: ballot_cast,
    ev.ELECTION_CLOSED: election_closed,
    ev.PETITION_OPENED: petition_opened,
    ev.PETITION_SIGNED: petition_signed,
    ev.RECALL_VOTE_OPENED: recall_vote_opened,
    ev.RECALL_BALLOT_CAST: recall_ballot_cast,
    ev.RECALL_CLOSED: recall_closed,
    ev.CHECKPOINT_LOGGED: nothing,
}


def project(w: Writes, event: Recorded) -> None:
    """Apply one recorded event to the projections."""
    PROJECTORS[event.type](w, event)
