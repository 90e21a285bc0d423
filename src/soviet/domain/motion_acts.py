"""The acts of motions, as the decider takes them, and what a motion's close brings about:
the body's decision, and for a council's motion referred down, each breach of an
instruction and what the deputy's office makes of it (`on_breach`).

The rules themselves are in `soviet.domain.motions`; this module reads what they need
from the state and registers the handlers and policies.
"""

from __future__ import annotations

from collections.abc import Collection
from collections.abc import Set as AbstractSet
from typing import Any

from soviet.domain import apportioned, motions, secret_rows
from soviet.domain import catalogue as c
from soviet.domain import commands as cmd
from soviet.domain import events as ev
from soviet.domain.charter import amending
from soviet.domain.charter.standing import charter_of
from soviet.domain.clock import after_days
from soviet.domain.decider import Decision, alone, handles, require_member
from soviet.domain.electorates import body_electorate
from soviet.domain.events import Event
from soviet.domain.founding import body_to_json, office_to_json, rules_to_json
from soviet.domain.model import Body, Charter
from soviet.domain.policies import Derived, anchor, lapse, lapse_unentitled, policy
from soviet.domain.records import MotionRecord
from soviet.domain.state import State
from soviet.errors import CharterError, NotFound, Refused


def _body(state: State, body_id: str) -> Body:
    bodies = state.bodies()
    if body_id not in bodies:
        raise NotFound("body", body_id)
    return bodies[body_id]


def sends_deputies(state: State, body: str, council: str) -> bool:
    """Whether the body has an office whose holders sit in the council."""
    return any(o.body == body and o.seat_in == council for o in state.offices().values())


#: How a motion's fragment of the charter is named in its errors.
FRAGMENT = "the amendment's charter fragment"


def charter_now(s: State) -> Charter:
    """The charter as it stands in the state."""
    return charter_of(s, s.name(), s.rules())


def sent_by(state: State, council: str, deputies: Collection[str]) -> dict[str, str]:
    """The body each deputy sits in the council for: that of their first active mandate
    (in order of mandate ids) whose office seats its holder there."""
    offices = state.offices()
    bodies: dict[str, str] = {}
    for deputy in sorted(deputies):
        for mandate in state.active_mandates(holder=deputy):
            office = offices[mandate.office]
            if office.seat_in == council:
                bodies[deputy] = office.body
                break
    return bodies


@handles(cmd.ProposeMotion)
def _propose(d: Decision, act: cmd.ProposeMotion) -> None:
    s = d.state
    require_member(s, act.actor)
    body = _body(s, act.body)
    instructs = None if act.instructs is None else s.motion(act.instructs)
    sends = instructs is not None and sends_deputies(s, body.id, instructs.body)
    if act.kind == "amendment" and act.charter:
        amending.amend(charter_now(s), act.charter, FRAGMENT, body.id)  # before any vote
    d.emit(
        motions.propose(
            body,
            act.actor,
            body_electorate(s, body.id),
            act.kind,
            act.title,
            act.text,
            s.next_id("motion"),
            instructs,
            act.instruction,
            sends,
            act.charter,
        )
    )


def _on_motion(s: State, actor: str, motion_id: str) -> tuple[MotionRecord, Body, AbstractSet[str]]:
    """The motion an act is on, its body, and the body's electorate now."""
    require_member(s, actor)
    motion = s.motion(motion_id)
    body = _body(s, motion.body)
    return motion, body, body_electorate(s, body.id)


@handles(cmd.SecondMotion)
def _second(d: Decision, act: cmd.SecondMotion) -> None:
    motion, body, electors = _on_motion(d.state, act.actor, act.motion)
    d.emit(motions.second(motion, act.actor, electors, body))


@handles(cmd.ReferMotion)
def _refer(d: Decision, act: cmd.ReferMotion) -> None:
    motion, body, electors = _on_motion(d.state, act.actor, act.motion)
    d.emit(motions.refer(motion, act.actor, electors, body))


@handles(cmd.StartMotion)
def _start(d: Decision, act: cmd.StartMotion) -> None:
    motion, body, electors = _on_motion(d.state, act.actor, act.motion)
    days = d.state.rules().voting_days
    started = motions.start(motion, act.actor, electors, body, d.now, days)
    from soviet.domain.secret_acts import secret_motion  # the secret acts import these

    d.emit(secret_motion(d.state, motion, body, started, d.now))


@alone(cmd.CastMotionVote)
def _vote(s: State, act: cmd.CastMotionVote, now: str) -> Event:
    require_member(s, act.actor)
    motion = s.motion(act.motion)
    if motion.status == "voting" and secret_rows.of(s, motion.id):
        raise Refused(
            f"the vote on motion {motion.id} is secret: cast an encrypted ballot "
            f"(soviet motion vote {motion.id} {act.vote} encrypts it)"
        )
    return motions.vote(motion, act.actor, act.vote, now)


@handles(cmd.CloseMotion)
def _close(d: Decision, act: cmd.CloseMotion) -> None:
    s = d.state
    require_member(s, act.actor)
    motion = s.motion(act.motion)
    motions.may_close(motion, act.actor, d.now)
    d.emit(closed(s, motion, act.actor))


def closed(s: State, motion: MotionRecord, actor: str | None) -> Event:
    """The close of a motion's vote: its count, and for one referred down every deputy's
    instruction and vote. A secret vote's close is its encrypted tally, which its trustees
    decrypt (`secret_acts`)."""
    if secret_rows.of(s, motion.id):
        from soviet.domain import secrecy

        vote = secrecy.sealed_of(s.secret_rows(secret_rows.vote_subject(motion.id)))
        assert vote is not None
        return secrecy.tallied(vote, motion.id, actor)
    return counted(s, motion, actor)


def counted(
    s: State, motion: MotionRecord, actor: str | None, secret: dict[str, Any] | None = None
) -> Event:
    """A motion's count, its outcome and its instructions carried (see `closed`); a
    secret vote's, with the decrypted tally it was counted from (`secret`)."""
    result = motions.count(motion, s.rules().procedure, apportioned.weights(s, motion.body))
    if secret is not None:
        result["secret"] = secret
    outcome = "adopted" if result["passed"] else "rejected"
    if motion.kind == "instruction" and motion.instructs is not None:
        council_motion = s.motion(motion.instructs)
        if outcome == "adopted" and council_motion.status not in motions.PENDING:
            outcome = "moot"
            result["reason"] = (
                f"the vote on motion {council_motion.id} opened before this instruction was adopted"
            )
    if motion.kind == "amendment" and outcome == "adopted" and motion.charter is not None:
        try:  # the charter may have changed since the motion was proposed
            amending.amend(charter_now(s), motion.charter, FRAGMENT, motion.body)
        except CharterError as error:
            outcome = "moot"
            result["reason"] = f"the amendment no longer applies to the charter: {error}"
    carried: list[dict[str, Any]] = []
    if motion.referred:
        carried = motions.carried(
            motion.roll,
            motion.votes,
            sent_by(s, motion.body, motion.roll),
            motion.instructions,
        )
    return Event(
        ev.MOTION_CLOSED,
        actor,
        {"motion": motion.id, "outcome": outcome, "result": result, "instructions": carried},
    )


@policy(ev.MOTION_CLOSED)
def adopt_decision(d: Decision, closed_: Derived) -> None:
    """An adopted motion is the body's next decision."""
    assert isinstance(closed_.payload, c.MotionClosed)
    if closed_.payload.outcome != "adopted":
        return
    motion = d.state.motion(closed_.payload.motion)
    d.emit(motions.decision(motion, d.state.decisions(motion.body) + 1, closed_.seq))


@policy(ev.MOTION_CLOSED)
def list_breaches(d: Decision, closed_: Derived) -> None:
    """Every deputy who voted against their body's instruction is in breach; their office
    says what follows (`on_breach`)."""
    assert isinstance(closed_.payload, c.MotionClosed)
    s = d.state
    offices = s.offices()
    motion_id = closed_.payload.motion
    council = s.motion(motion_id).body
    for entry in closed_.payload.instructions:
        if entry.instruction is None or not motions.breached(
            {"instruction": entry.instruction, "vote": entry.vote}
        ):
            continue
        mandate = next(
            (
                m
                for m in s.active_mandates(holder=entry.member)
                if offices[m.office].seat_in == council and offices[m.office].body == entry.body
            ),
            None,
        )
        if mandate is None:
            continue
        action = offices[mandate.office].procedure.on_breach
        d.emit(
            Event(
                ev.INSTRUCTION_BREACHED,
                None,
                {
                    "motion": motion_id,
                    "member": entry.member,
                    "mandate": mandate.id,
                    "body": entry.body,
                    "instruction": entry.instruction,
                    "vote": entry.vote,
                    "on_breach": action,
                    "cause": closed_.seq,
                },
            )
        )


@policy(ev.INSTRUCTION_BREACHED)
def act_on_breach(d: Decision, breach: Derived) -> None:
    """`petition`: a recall petition opens at once in the instructing body, signed by
    nobody yet; `recall`: the mandate ends at once (and the cascade runs)."""
    p = breach.payload
    assert isinstance(p, c.InstructionBreached)
    reason = (
        f"breach of instruction: {p.body} instructed {p.instruction!r} on motion {p.motion}, "
        f"{p.member} voted {p.vote!r}"
    )
    if p.on_breach == "petition":
        if d.state.live_petition(p.mandate) is not None:
            return  # a petition against the mandate is already live: sign it
        d.emit(
            Event(
                ev.PETITION_OPENED,
                None,
                {
                    "petition": d.state.next_id("petition"),
                    "mandate": p.mandate,
                    "reason": reason,
                    "cause": breach.seq,
                    **_petition_expiry(d, p.mandate),
                },
            )
        )
    elif p.on_breach == "recall":
        d.emit(
            Event(
                ev.MANDATE_RECALLED,
                None,
                {
                    "mandate": p.mandate,
                    "petition": None,
                    "by": "breach",
                    "motion": p.motion,
                    "cause": breach.seq,
                },
            )
        )


def _petition_expiry(d: Decision, mandate_id: str) -> dict[str, str]:
    office = d.state.offices()[d.state.mandate(mandate_id).office]
    days = office.procedure.petition_days
    return {} if days is None else {"expires": after_days(d.now, days)}


@policy(ev.DECISION_ADOPTED)
def amend_charter(d: Decision, adopted: Derived) -> None:
    """An adopted amendment changes the charter: its new bodies, its new and changed
    offices (every rule resolved), its rules."""
    p = adopted.payload
    assert isinstance(p, c.DecisionAdopted)
    if p.kind != "amendment":
        return
    motion = d.state.motion(p.motion)
    assert motion.charter is not None, "an amendment carries its fragment"
    change = amending.amend(charter_now(d.state), motion.charter, FRAGMENT, motion.body)
    data: dict[str, Any] = {
        "motion": motion.id,
        "body": motion.body,
        "decision": p.number,
        "bodies": [body_to_json(b) for b in change.bodies],
        "offices": [office_to_json(o) for o in change.offices],
        "cause": adopted.seq,
    }
    if change.rules is not None:
        data["rules"] = rules_to_json(change.rules)
    if change.dissolved:
        data["dissolved"] = [{"body": b, "members_to": to} for b, to in change.dissolved]
    d.emit(Event(ev.CHARTER_AMENDED, None, data))


@policy(ev.CHARTER_AMENDED)
def seats_after_amendment(d: Decision, amended: Derived) -> None:
    """Seats an amendment abolished lapse (their holders' seats in a council with them);
    holders of an office that now sits them elsewhere lose what needed the old seat."""
    p = amended.payload
    assert isinstance(p, c.CharterAmended)
    s = d.state
    for dissolved in p.dissolved or ():
        dissolve(d, dissolved.body, dissolved.members_to, amended.seq)
    councils = [b.id for b in s.bodies().values() if b.kind == "council"]
    for o in p.offices:
        for mandate in s.active_mandates(office=o.id):
            if mandate.seat > o.seats:
                reason = (
                    f"seat {mandate.seat} of {o.id} abolished by decision {p.decision} of {p.body}"
                )
                lapse(d, mandate.id, reason, amended.seq, refill=False)
        for mandate in s.active_mandates(office=o.id):
            for council in councils:
                lapse_unentitled(d, mandate.holder, council, cause=amended.seq)


def dissolve(d: Decision, body: str, members_to: str | None, cause: int) -> None:
    """A body dissolved: the mandates of its offices end (and cascade), its members move
    to `members_to` and leave it, and then it and its offices are no more."""
    s = d.state
    offices = [o.id for o in s.offices().values() if o.body == body]
    for office in offices:
        for mandate in s.active_mandates(office=office):
            lapse(d, mandate.id, f"{office} is dissolved with {body}", cause, refill=False)
    if s.bodies()[body].kind == "assembly":
        for member in sorted(s.assembly_members(body)):
            if members_to is not None and member not in s.assembly_members(members_to):
                data = {"member": member, "body": members_to, "cause": cause}
                d.emit(Event(ev.MEMBER_JOINED, None, data))
            d.emit(Event(ev.MEMBER_LEFT, None, {"member": member, "body": body, "cause": cause}))
    d.emit(Event(ev.BODY_DISSOLVED, None, {"body": body, "offices": offices, "cause": cause}))


# A motion's close is anchored like any vote's, once its decision and breaches are derived.
policy(ev.MOTION_CLOSED)(anchor)
