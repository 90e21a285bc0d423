"""The policies: what the rules make of an event once it is derived, by its type.

A policy is registered for one or more event types (`policy`) and run by the decider
after each event of those types is applied to the trial (`soviet.domain.decider`); it
reads the state as the events before it left it and derives the event's consequences,
whose own policies run in turn. Consequences have `actor` None and `cause`, the seq of
the event that caused them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from soviet.domain import apportioned, recall
from soviet.domain import catalogue as c
from soviet.domain import elections as rules
from soviet.domain import events as ev
from soviet.domain.audit import open_seats
from soviet.domain.clock import after_days
from soviet.domain.electorates import electorate, eligible, office_of
from soviet.domain.events import Event
from soviet.domain.model import Office

if TYPE_CHECKING:
    from soviet.domain.decider import Decision

#: The `checkpoint` of a derived `checkpoint.logged`, for the caller to sign.
UNSIGNED = ""


@dataclass(frozen=True, slots=True)
class Derived:
    """An event as the decider derived it: the seq it will get, and its data decoded.

    `refill` is False for a mandate ended at a close because its seat was taken over:
    the close opens one by-election for the office after every seat is granted."""

    seq: int
    event: Event
    payload: c.Payload
    refill: bool = True


Policy = Callable[["Decision", Derived], None]

#: The policies of each event type, run in order after an event of that type.
POLICIES: dict[str, list[Policy]] = {}


def policy(*types: str) -> Callable[[Policy], Policy]:
    """Register a policy for events of the given types."""

    def register(function: Policy) -> Policy:
        for name in types:
            POLICIES.setdefault(name, []).append(function)
        return function

    return register


# -- elections ---------------------------------------------------------------------------


@policy(ev.ELECTION_CLOSED)
def grant_seats(d: Decision, closed: Derived) -> None:
    """One mandate per seat won, in order of election. A seat held without a live mandate
    is taken over: its old mandate ends after the new one is granted, so a holder
    re-elected to the same seat never loses the seats that depend on it."""
    assert isinstance(closed.payload, c.ElectionClosed)
    s = d.state
    office = s.offices()[s.election(closed.payload.election).office]
    active = s.active_mandates(office=office.id)
    seats = open_seats(office, active, eligible(s, office), d.now)
    for winner, seat in rules.assign_seats(list(closed.payload.winners), seats, active):
        d.emit(
            Event(
                ev.MANDATE_GRANTED,
                None,
                {
                    "mandate": s.next_id("mandate"),
                    "office": office.id,
                    "holder": winner,
                    "seat": seat,
                    "election": closed.payload.election,
                    "until": after_days(d.now, office.term_days),
                    "cause": closed.seq,
                },
            )
        )
        for old in (m for m in active if m.seat == seat):
            ending = ev.MANDATE_EXPIRED if old.expired_at(d.now) else ev.MANDATE_LAPSED
            d.emit(
                Event(
                    ending,
                    None,
                    {
                        "mandate": old.id,
                        "reason": f"seat {seat} filled by election {closed.payload.election}",
                        "cause": closed.seq,
                    },
                ),
                refill=False,
            )


@policy(ev.ELECTION_CLOSED)
def refill_after_close(d: Decision, closed: Derived) -> None:
    """Seats the close left open (too few winners, seats lost meanwhile) go to a
    by-election at once."""
    assert isinstance(closed.payload, c.ElectionClosed)
    election = d.state.election(closed.payload.election)
    office = d.state.offices()[election.office]
    fill_vacancy(d, office, cause=closed.seq, kind=election.kind)


def fill_vacancy(
    d: Decision,
    office: Office,
    *,
    cause: int | None,
    reason: str | None = None,
    kind: str = "by-election",
) -> None:
    """Open an election for an office's open seats, unless one of the office is under
    way: a by-election for a lost seat, or with no `cause` the purge's own election
    (`reason` "audit") or a term's re-election (`reason` "term"), both regular."""
    s = d.state
    if s.pending_election(office.id) is not None:
        return
    if cause is None:  # a regular election elects the seats the constituency gives now
        again = apportioned.reapportioned(s, office, None, reason or "audit")
        if again is not None:
            d.emit(again)
            office = s.offices()[office.id]
    seats = open_seats(office, s.active_mandates(office=office.id), eligible(s, office), d.now)
    if not seats:
        return
    d.emit(
        rules.open_election(
            office,
            None,
            (),
            len(seats),
            None,
            s.next_id("election"),
            d.now,
            cause=cause,
            reason=reason if reason is not None or cause is not None else "audit",
            kind="regular" if cause is None else kind,
        )
    )


# -- recall ------------------------------------------------------------------------------


@policy(ev.PETITION_OPENED, ev.PETITION_SIGNED)
def signatures_take_effect(d: Decision, signed: Derived) -> None:
    """At the immediate share the mandate ends; at the petition share a recall vote opens."""
    assert isinstance(signed.payload, c.PetitionOpened | c.PetitionSigned)
    s = d.state
    petition = s.petition(signed.payload.petition)
    mandate = s.mandate(petition.mandate)
    office = office_of(s, mandate.office)
    consequence = recall.consequence_of_signatures(
        petition,
        mandate,
        office,
        len(petition.signers),
        electorate(s, office),
        d.now,
        signed.seq,
    )
    if consequence is not None:
        from soviet.domain.secret_acts import secret_recall  # the acts import the policies

        d.emit(secret_recall(s, consequence, petition, mandate, office, d.now))


@policy(ev.RECALL_CLOSED)
def recall_on_vote(d: Decision, closed: Derived) -> None:
    """A recall vote that passed ends the mandate (a moot petition's close ends nothing)."""
    assert isinstance(closed.payload, c.RecallClosed)
    if closed.payload.outcome != "recalled":
        return
    petition = d.state.petition(closed.payload.petition)
    d.emit(
        Event(
            ev.MANDATE_RECALLED,
            None,
            {
                "mandate": petition.mandate,
                "petition": petition.id,
                "by": "vote",
                "cause": closed.seq,
            },
        )
    )


@policy(ev.ELECTION_CLOSED, ev.RECALL_CLOSED)
def anchor(d: Decision, closed: Derived) -> None:
    """A member's close is anchored by a signed checkpoint of the log once its result and
    consequences are recorded (for a log with a key); the caller signs it. A secret vote's
    close is a member's too: the trustee's share that completed its decryption made it."""
    if not d.state.signed:
        return
    if closed.event.actor is None and d.events[0].type != ev.TALLY_SHARED:
        return
    d.emit(Event(ev.CHECKPOINT_LOGGED, None, {"checkpoint": UNSIGNED, "cause": closed.seq}))


# -- what the system does by itself --------------------------------------------------------


@policy(*ev.MANDATE_ENDINGS)
def close_moot_petition(d: Decision, ended: Derived) -> None:
    """A petition against a mandate that ended otherwise fails."""
    mandate = d.state.mandate(str(ended.event.data["mandate"]))
    petition = d.state.live_petition(mandate.id)
    if petition is None:
        return
    d.emit(
        Event(
            ev.RECALL_CLOSED,
            None,
            {
                "petition": petition.id,
                "outcome": "failed",
                "reason": f"mandate {mandate.id} ended otherwise ({ended.event.type})",
                "cause": ended.seq,
            },
        )
    )


@policy(*ev.MANDATE_ENDINGS)
def refill_seat(d: Decision, ended: Derived) -> None:
    """A lost seat goes to a by-election at once; a term that ended, to a regular one."""
    if not ended.refill:
        return
    mandate = d.state.mandate(str(ended.event.data["mandate"]))
    kind = "regular" if ended.event.type == ev.MANDATE_EXPIRED else "by-election"
    fill_vacancy(d, office_of(d.state, mandate.office), cause=ended.seq, kind=kind)


@policy(*ev.MANDATE_ENDINGS)
def cascade(d: Decision, ended: Derived) -> None:
    """A deputy who lost their seat in a council loses the mandates that needed it."""
    mandate = d.state.mandate(str(ended.event.data["mandate"]))
    council = office_of(d.state, mandate.office).seat_in
    if council is not None:
        lapse_unentitled(d, mandate.holder, council, cause=ended.seq)


@policy(ev.MEMBER_ADMITTED, ev.MEMBER_JOINED, ev.MEMBER_LEFT)
def reapportion_at_once(d: Decision, changed: Derived) -> None:
    """A change of membership re-apportions at once the offices that say so."""
    p = changed.payload
    assert isinstance(p, c.MemberAdmitted | c.MemberJoined | c.MemberLeft)
    bodies = p.bodies if isinstance(p, c.MemberAdmitted) else (p.body,)
    seen: set[str] = set()
    for body in bodies:
        for office in apportioned.affected(d.state, body):
            if office.procedure.reapportion != "immediate" or office.id in seen:
                continue
            seen.add(office.id)
            again = apportioned.reapportioned(d.state, d.state.offices()[office.id], changed.seq)
            if again is not None:
                d.emit(again)


@policy(ev.OFFICE_REAPPORTIONED)
def seats_after_reapportionment(d: Decision, again: Derived) -> None:
    """Seats removed end the mandates in the seats numbered last (and cascade); seats added
    at once go to a by-election (a regular election opened by the purge or a term's end
    is for the new number already)."""
    p = again.payload
    assert isinstance(p, c.OfficeReapportioned)
    s = d.state
    for mandate in s.active_mandates(office=p.office):
        if mandate.seat > p.seats:
            reason = (
                f"seat {mandate.seat} of {p.office} removed: its constituency of "
                f"{p.constituency} now gives {p.seats}"
            )
            lapse(d, mandate.id, reason, again.seq, refill=False)
    if p.cause is not None:
        fill_vacancy(d, s.offices()[p.office], cause=again.seq)


@policy(ev.MEMBER_LEFT)
def lapse_on_leaving(d: Decision, left: Derived) -> None:
    """A member who left an assembly loses the mandates that needed its membership."""
    assert isinstance(left.payload, c.MemberLeft)
    lapse_unentitled(d, left.payload.member, left.payload.body, cause=left.seq)


def lapse(d: Decision, mandate: str, reason: str, cause: int, *, refill: bool = True) -> None:
    """A mandate lapses, for `reason`, caused by the event at `cause`; with `refill` False
    its seat goes to no by-election (a seat that is no more)."""
    data = {"mandate": mandate, "reason": reason, "cause": cause}
    d.emit(Event(ev.MANDATE_LAPSED, None, data), refill=refill)


def lapse_unentitled(d: Decision, holder: str, body: str, *, cause: int) -> None:
    """Lapse the holder's mandates that required membership of `body`, if they have lost it."""
    s = d.state
    if body in s.bodies() and s.bodies()[body].kind == "council":
        still_member = holder in s.seated(body)
    else:
        still_member = holder in s.assembly_members(body)
    if still_member:
        return
    offices = s.offices()
    for mandate in s.active_mandates(holder=holder):
        office = offices[mandate.office]
        if office.body == body and office.eligible == "electorate":
            lapse(d, mandate.id, f"{holder} is no longer a member of {body}", cause)
