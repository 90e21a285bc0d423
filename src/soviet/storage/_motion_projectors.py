"""The projectors of motions, decisions, instructions and breaches (see
`soviet.storage.projectors`, whose registry names them)."""

from __future__ import annotations

from sqlalchemy import select, update

from soviet.domain import catalogue as c
from soviet.domain.events import Recorded
from soviet.ledger.entries import compact
from soviet.storage import rolls
from soviet.storage import schema as t
from soviet.storage._secret_projectors import secret_row
from soviet.storage.writes import Writes


def motion_proposed(w: Writes, e: Recorded, p: c.MotionProposed) -> None:
    w.insert(
        t.motions,
        dict(
            id=p.motion,
            number=int(p.motion[1:]),
            body=p.body,
            kind=p.kind,
            title=p.title,
            text=p.text,
            text_sha256=p.text_sha256,
            proposer=e.actor,
            seconder=None,
            status="proposed",
            referred=False,
            instructs=p.instructs,
            instruction=p.instruction,
            charter=p.charter,
            proposed_at=e.at,
        ),
    )


def _motion(w: Writes, motion: str, **values: object) -> None:
    w.execute(update(t.motions).where(t.motions.c.id == motion).values(**values))


def motion_seconded(w: Writes, e: Recorded, p: c.MotionSeconded) -> None:
    _motion(w, p.motion, status="seconded", seconder=e.actor)


def motion_referred(w: Writes, e: Recorded, p: c.MotionReferred) -> None:
    _motion(w, p.motion, referred=True)


def motion_started(w: Writes, e: Recorded, p: c.MotionStarted) -> None:
    _motion(w, p.motion, status="voting", voting_ends=p.voting_ends)
    body = w.execute(
        select(t.bodies.c.id, t.bodies.c.kind)
        .join(t.motions, t.motions.c.body == t.bodies.c.id)
        .where(t.motions.c.id == p.motion)
    ).one()
    rolls.write_body(w, t.motion_rolls, p.motion, body.id, body.kind)
    if p.secret is not None:
        secret_row(w, e, p)


def motion_vote_cast(w: Writes, e: Recorded, p: c.MotionVoteCast) -> None:
    if p.sealed is None:
        w.insert(t.motion_votes, dict(motion=p.motion, voter=e.actor, vote=p.vote, seq=e.seq))
        return
    secret_row(w, e, p)  # a secret vote: the voter, not their choice; the latest counts
    if p.replaces is None:
        w.insert(t.motion_votes, dict(motion=p.motion, voter=e.actor, vote=p.vote, seq=e.seq))
        return
    w.execute(
        t.motion_votes.update()
        .where(t.motion_votes.c.motion == p.motion, t.motion_votes.c.voter == e.actor)
        .values(seq=e.seq)
    )


def motion_closed(w: Writes, e: Recorded, p: c.MotionClosed) -> None:
    if p.cause is not None:
        secret_row(w, e, p)  # a secret vote's, once decrypted
    _motion(w, p.motion, status=p.outcome, closed_at=e.at, result=compact(p.result))


def decision_adopted(w: Writes, e: Recorded, p: c.DecisionAdopted) -> None:
    _motion(w, p.motion, decision=p.number)
    if p.instructs is None or p.instruction is None:
        return
    w.execute(
        t.instructions.delete().where(
            t.instructions.c.motion == p.instructs, t.instructions.c.body == p.body
        )
    )
    w.insert(
        t.instructions,
        dict(motion=p.instructs, body=p.body, instruction=p.instruction, decision_seq=e.seq),
    )


def instruction_breached(w: Writes, e: Recorded, p: c.InstructionBreached) -> None:
    w.insert(
        t.breaches,
        dict(
            motion=p.motion,
            member=p.member,
            mandate=p.mandate,
            body=p.body,
            instruction=p.instruction,
            vote=p.vote,
            on_breach=p.on_breach,
            seq=e.seq,
        ),
    )
