"""Projectors: one function per event type, the only code that writes the projections.

The same functions serve the live path (in the unit of work that records the event) and
replay (`soviet.storage.replay` and `soviet verify`), so a replayed log yields the same
tables. A projector reads nothing but the event, its data decoded into its catalogue
class (`soviet.domain.catalogue`), and the tables it keeps, and writes through `Writes`,
which holds its inserts back and sends them in multi-row statements.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping
from typing import Any, TypeVar

from sqlalchemy import func, select, update

from soviet.domain import catalogue as c
from soviet.domain import events as ev
from soviet.domain.events import Recorded
from soviet.ledger.entries import compact
from soviet.storage import _motion_projectors as m
from soviet.storage import rolls
from soviet.storage import schema as t
from soviet.storage._secret_projectors import secret_row
from soviet.storage.writes import Writes

P = TypeVar("P", bound=c.Payload)

#: A projector: the writes, the recorded event and its data as its catalogue class.
Projector = Callable[[Writes, Recorded, Any], None]


def dumps(value: Any) -> str:
    """JSON text for a projection column: sorted keys, no spaces, so replays compare equal."""
    return compact(value)


def _number(ident: str) -> int:
    return int(ident.lstrip("EMP"))


def founded(w: Writes, e: Recorded, p: c.OrganizationFounded) -> None:
    w.insert(
        t.organization,
        dict(
            id=1,
            name=p.name,
            origin=p.origin,
            rules=dumps(_present(dataclasses.asdict(p.rules))),
            founders=dumps(p.founders),
            verifier_key=p.verifier_key,
            founded_at=e.at,
            enrollment_days=p.enrollment_days,
        ),
    )
    bodies = [body_row(b, i) for i, b in enumerate(p.bodies)]
    if bodies:
        w.insert(t.bodies, bodies)
    offices = [office_row(o, i) for i, o in enumerate(p.offices)]
    if offices:
        w.insert(t.offices, offices)


def body_row(b: c.BodyData, position: int) -> dict[str, Any]:
    """A body's row, from the body as the log writes it."""
    return {
        "id": b.id,
        "name": b.name,
        "kind": b.kind,
        "parent": b.parent,
        "position": position,
        "apportion": b.apportion,
        "council_seats": b.council_seats,
        "weighted": 1 if b.weighted else None,
    }


def office_row(o: c.OfficeData, position: int) -> dict[str, Any]:
    """An office's row, from the office as the log writes it."""
    return {
        "id": o.id,
        "body": o.body,
        "title": o.title,
        "seats": o.seats,
        "method": o.method,
        "seat_in": o.seat_in,
        "eligible": o.eligible,
        "powers": dumps(o.powers),
        "term_days": o.term_days,
        "voting_days": o.voting_days,
        "recall_petition": o.recall_petition,
        "recall_immediate": o.recall_immediate,
        "recall_quorum": o.recall_quorum,
        "position": position,
        "procedure": None if o.procedure is None else dumps(o.procedure),
    }


def charter_amended(w: Writes, e: Recorded, p: c.CharterAmended) -> None:
    """New bodies and offices after the others, changed offices in place, the rules."""
    bodies = w.execute(select(func.count()).select_from(t.bodies)).scalar() or 0
    for i, b in enumerate(p.bodies):
        again = w.execute(select(t.bodies.c.position).where(t.bodies.c.id == b.id)).first()
        if again is None:
            w.insert(t.bodies, body_row(b, bodies + i))
        else:  # the id of a body dissolved before
            row = {**body_row(b, again.position), "dissolved_at": None}
            w.execute(update(t.bodies).where(t.bodies.c.id == b.id).values(**row))
    offices = w.execute(select(func.count()).select_from(t.offices)).scalar() or 0
    for o in p.offices:
        held = w.execute(select(t.offices.c.position).where(t.offices.c.id == o.id)).first()
        if held is None:
            w.insert(t.offices, office_row(o, offices))
            offices += 1
        else:
            row = {**office_row(o, held.position), "dissolved_at": None}
            w.execute(update(t.offices).where(t.offices.c.id == o.id).values(**row))
    if p.rules is not None:
        rules = dumps(_present(dataclasses.asdict(p.rules)))
        w.execute(update(t.organization).where(t.organization.c.id == 1).values(rules=rules))


def body_dissolved(w: Writes, e: Recorded, p: c.BodyDissolved) -> None:
    """The body and its offices marked dissolved (their rows stay: the log names them),
    their elections under way closed."""
    w.execute(update(t.bodies).where(t.bodies.c.id == p.body).values(dissolved_at=e.at))
    if p.offices:
        gone = t.offices.c.id.in_(p.offices)
        w.execute(update(t.offices).where(gone).values(dissolved_at=e.at))
        w.execute(
            update(t.elections)
            .where(t.elections.c.office.in_(p.offices), t.elections.c.status != "closed")
            .values(status="closed", closed_at=e.at)
        )


def reapportioned(w: Writes, e: Recorded, p: c.OfficeReapportioned) -> None:
    w.execute(update(t.offices).where(t.offices.c.id == p.office).values(seats=p.seats))


def _present(data: dict[str, Any]) -> dict[str, Any]:
    """The keys whose values are not None (as the log leaves out an absent optional)."""
    return {key: value for key, value in data.items() if value is not None}


def admitted(w: Writes, e: Recorded, p: c.MemberAdmitted) -> None:
    w.insert(t.members, dict(id=p.member, name=p.name, admitted_at=e.at))
    w.insert(t.memberships, [{"member": p.member, "body": b} for b in p.bodies])
    if p.code is not None and p.code_expires is not None:
        w.insert(
            t.enrollment_codes,
            dict(member=p.member, hash=p.code, expires=p.code_expires, seq=e.seq),
        )


def _code(w: Writes, member: str, code: str, expires: str, seq: int) -> None:
    """A member's new code, in place of any earlier one."""
    w.execute(t.enrollment_codes.delete().where(t.enrollment_codes.c.member == member))
    w.insert(t.enrollment_codes, dict(member=member, hash=code, expires=expires, seq=seq))


def key_registered(w: Writes, e: Recorded, p: c.MemberKeyRegistered) -> None:
    if p.previous is None:  # an enrollment, by a member holding no key: a code is good once
        w.execute(t.enrollment_codes.delete().where(t.enrollment_codes.c.member == p.member))
    else:  # a rotation: the new key in place of the old
        w.execute(t.member_keys.delete().where(t.member_keys.c.member == p.member))
    w.insert(t.member_keys, dict(member=p.member, key=p.key, public_key=p.public_key, seq=e.seq))


def key_reset(w: Writes, e: Recorded, p: c.MemberKeyReset) -> None:
    w.execute(t.member_keys.delete().where(t.member_keys.c.member == p.member))
    _code(w, p.member, p.code, p.code_expires, e.seq)


def codes_issued(w: Writes, e: Recorded, p: c.CodesIssued) -> None:
    for code in p.codes:
        _code(w, code.member, code.code, code.expires, e.seq)


def keys_adopted(w: Writes, e: Recorded, p: c.KeysAdopted) -> None:
    w.execute(t.organization.update().values(enrollment_days=p.enrollment_days))
    for code in p.codes:
        _code(w, code.member, code.code, code.expires, e.seq)


def joined(w: Writes, e: Recorded, p: c.MemberJoined) -> None:
    w.insert(t.memberships, dict(member=p.member, body=p.body))


def left(w: Writes, e: Recorded, p: c.MemberLeft) -> None:
    w.execute(
        t.memberships.delete().where(
            t.memberships.c.member == p.member, t.memberships.c.body == p.body
        )
    )


def mandate_started(w: Writes, e: Recorded, p: c.MandateImported | c.MandateGranted) -> None:
    granted = p if isinstance(p, c.MandateGranted) else None
    w.insert(
        t.mandates,
        dict(
            id=p.mandate,
            number=_number(p.mandate),
            office=p.office,
            holder=p.holder,
            seat=p.seat,
            status="active",
            election=granted.election if granted else None,
            since=e.at,
            until=granted.until if granted else None,
        ),
    )


def mandate_ended(
    w: Writes,
    e: Recorded,
    p: c.MandateRecalled | c.MandateLapsed | c.MandateExpired | c.MandateResigned,
) -> None:
    w.execute(
        update(t.mandates)
        .where(t.mandates.c.id == p.mandate)
        .values(status=ev.MANDATE_ENDINGS[e.type], ended_at=e.at, cause=e.seq)
    )


def mandate_recalled(w: Writes, e: Recorded, p: c.MandateRecalled) -> None:
    mandate_ended(w, e, p)
    if p.by == "signatures":
        w.execute(
            update(t.petitions)
            .where(t.petitions.c.id == p.petition)
            .values(status="recalled", closed_at=e.at)
        )


def election_opened(w: Writes, e: Recorded, p: c.ElectionOpened) -> None:
    w.insert(
        t.elections,
        dict(
            id=p.election,
            number=_number(p.election),
            office=p.office,
            status="nominating",
            seats=p.seats,
            opened_at=e.at,
            opened_by=e.actor,
            cause=p.cause,
            kind=p.kind,
            nominations_end=p.nominations_end,
        ),
    )


def _next_position(w: Writes, election: str) -> int:
    """The position of the next candidate to stand: candidates stand in the order they
    consent (a self-nomination consents at once)."""
    highest = w.execute(
        select(func.max(t.candidates.c.position)).where(t.candidates.c.election == election)
    ).scalar()
    return int(highest or 0) + 1


def nominated(w: Writes, e: Recorded, p: c.CandidateNominated) -> None:
    status = "standing"
    if e.actor != p.candidate:  # needs the candidate's consent, unless the log predates it
        procedure = w.execute(
            select(t.offices.c.procedure)
            .join(t.elections, t.elections.c.office == t.offices.c.id)
            .where(t.elections.c.id == p.election)
        ).scalar()
        status = "nominated" if procedure is not None else "standing"
    w.insert(
        t.candidates,
        dict(
            election=p.election,
            member=p.candidate,
            position=_next_position(w, p.election),
            nominated_by=e.actor,
            status=status,
        ),
    )


def _candidate(w: Writes, election: str, member: str, **values: Any) -> None:
    w.execute(
        update(t.candidates)
        .where(t.candidates.c.election == election, t.candidates.c.member == member)
        .values(**values)
    )


def accepted(w: Writes, e: Recorded, p: c.CandidateAccepted) -> None:
    _candidate(
        w, p.election, p.candidate, status="standing", position=_next_position(w, p.election)
    )


def withdrew(w: Writes, e: Recorded, p: c.CandidateWithdrew) -> None:
    _candidate(w, p.election, p.candidate, status="withdrawn")


def extended(w: Writes, e: Recorded, p: c.ElectionExtended) -> None:
    w.execute(
        update(t.elections)
        .where(t.elections.c.id == p.election)
        .values(voting_ends=p.voting_ends, extended_by=e.actor)
    )


def election_started(w: Writes, e: Recorded, p: c.ElectionStarted) -> None:
    w.execute(
        update(t.elections)
        .where(t.elections.c.id == p.election)
        .values(status="voting", seats=p.seats, started_at=e.at, voting_ends=p.voting_ends)
    )
    rolls.write(w, t.rolls, p.election, rolls.office_of_election(w, p.election), p.roll)
    if p.secret is not None:
        secret_row(w, e, p)


def vote_tallied(w: Writes, e: Recorded, p: c.VoteTallied) -> None:
    secret_row(w, e, p)
    w.execute(update(t.elections).where(t.elections.c.id == p.vote).values(status="tallying"))
    w.execute(update(t.petitions).where(t.petitions.c.id == p.vote).values(status="tallying"))
    w.execute(update(t.motions).where(t.motions.c.id == p.vote).values(status="tallying"))


def ballot_cast(w: Writes, e: Recorded, p: c.BallotCast) -> None:
    """A voter's latest ballot: an abstention's choice is null, a blank ballot's empty."""
    choice = "null" if p.abstain else dumps(p.choice)
    if p.sealed is not None:
        secret_row(w, e, p)
    if p.replaces is None:
        w.insert(t.ballots, dict(election=p.election, voter=e.actor, choice=choice, seq=e.seq))
        return
    w.execute(
        update(t.ballots)
        .where(t.ballots.c.election == p.election, t.ballots.c.voter == e.actor)
        .values(choice=choice, seq=e.seq)
    )


def ballots_imported(w: Writes, e: Recorded, p: c.BallotsImported) -> None:
    """The tellers' counted rows, in the order of the import."""
    rows = [
        dict(election=p.election, position=i, count=b.count, choice=dumps(b.choice), seq=e.seq)
        for i, b in enumerate(p.ballots)
    ]
    if rows:
        w.insert(t.paper_ballots, rows)


def election_closed(w: Writes, e: Recorded, p: c.ElectionClosed) -> None:
    if p.cause is not None:
        secret_row(w, e, p)  # a secret election's, once decrypted
    w.execute(
        update(t.elections)
        .where(t.elections.c.id == p.election)
        .values(status="closed", closed_at=e.at, result=dumps(p.result), winners=dumps(p.winners))
    )


def petition_opened(w: Writes, e: Recorded, p: c.PetitionOpened) -> None:
    w.insert(
        t.petitions,
        dict(
            id=p.petition,
            number=_number(p.petition),
            mandate=p.mandate,
            opener=e.actor,
            reason=p.reason,
            status="open",
            opened_at=e.at,
            expires=p.expires,
        ),
    )
    if e.actor is not None:  # a petition the system opened (a breach) has no signature yet
        w.insert(t.signatures, dict(petition=p.petition, member=e.actor, seq=e.seq))


def petition_signed(w: Writes, e: Recorded, p: c.PetitionSigned) -> None:
    w.insert(t.signatures, dict(petition=p.petition, member=e.actor, seq=e.seq))


def recall_vote_opened(w: Writes, e: Recorded, p: c.RecallVoteOpened) -> None:
    w.execute(
        update(t.petitions)
        .where(t.petitions.c.id == p.petition)
        .values(status="voting", vote_opened_at=e.at, voting_ends=p.voting_ends)
    )
    office = rolls.office_of_petition(w, p.petition)
    rolls.write(w, t.recall_rolls, p.petition, office, p.roll)
    if p.secret is not None:
        secret_row(w, e, p)


def recall_ballot_cast(w: Writes, e: Recorded, p: c.RecallBallotCast) -> None:
    if p.sealed is not None:
        secret_row(w, e, p)
    if p.replaces is None:
        w.insert(t.recall_ballots, dict(petition=p.petition, voter=e.actor, vote=p.vote, seq=e.seq))
        return
    w.execute(
        update(t.recall_ballots)
        .where(t.recall_ballots.c.petition == p.petition, t.recall_ballots.c.voter == e.actor)
        .values(vote=p.vote, seq=e.seq)
    )


def recall_closed(w: Writes, e: Recorded, p: c.RecallClosed) -> None:
    if p.cause is not None:
        secret_row(w, e, p)  # a secret recall vote's, once decrypted
    w.execute(
        update(t.petitions)
        .where(t.petitions.c.id == p.petition)
        .values(
            status=p.outcome,
            closed_at=e.at,
            result=dumps(p.result) if p.result is not None else None,
        )
    )


def nothing(w: Writes, e: Recorded, p: c.CheckpointLogged) -> None:
    """Events that change no projection (a logged checkpoint)."""


def _on(cls: type[P], projector: Callable[[Writes, Recorded, P], None]) -> tuple[str, Projector]:
    """The registry's entry for one payload class; mypy checks that the projector takes it."""
    return cls.TYPE, projector


#: The projector of each event type, by type name.
PROJECTORS: Mapping[str, Projector] = dict(
    [
        _on(c.OrganizationFounded, founded),
        _on(c.MemberAdmitted, admitted),
        _on(c.MemberJoined, joined),
        _on(c.MemberLeft, left),
        _on(c.MandateImported, mandate_started),
        _on(c.MandateGranted, mandate_started),
        _on(c.MandateRecalled, mandate_recalled),
        _on(c.MandateLapsed, mandate_ended),
        _on(c.MandateExpired, mandate_ended),
        _on(c.MandateResigned, mandate_ended),
        _on(c.ElectionOpened, election_opened),
        _on(c.CandidateNominated, nominated),
        _on(c.CandidateAccepted, accepted),
        _on(c.CandidateWithdrew, withdrew),
        _on(c.ElectionStarted, election_started),
        _on(c.BallotCast, ballot_cast),
        _on(c.BallotsImported, ballots_imported),
        _on(c.ElectionExtended, extended),
        _on(c.ElectionClosed, election_closed),
        _on(c.PetitionOpened, petition_opened),
        _on(c.PetitionSigned, petition_signed),
        _on(c.RecallVoteOpened, recall_vote_opened),
        _on(c.RecallBallotCast, recall_ballot_cast),
        _on(c.RecallClosed, recall_closed),
        _on(c.CheckpointLogged, nothing),
        _on(c.MemberKeyRegistered, key_registered),
        _on(c.MemberKeyReset, key_reset),
        _on(c.CodesIssued, codes_issued),
        _on(c.KeysAdopted, keys_adopted),
        _on(c.MotionProposed, m.motion_proposed),
        _on(c.MotionSeconded, m.motion_seconded),
        _on(c.MotionReferred, m.motion_referred),
        _on(c.MotionStarted, m.motion_started),
        _on(c.MotionVoteCast, m.motion_vote_cast),
        _on(c.MotionClosed, m.motion_closed),
        _on(c.DecisionAdopted, m.decision_adopted),
        _on(c.InstructionBreached, m.instruction_breached),
        _on(c.CharterAmended, charter_amended),
        _on(c.OfficeReapportioned, reapportioned),
        _on(c.BodyDissolved, body_dissolved),
        _on(c.TrusteeStep, secret_row),
        _on(c.TrusteesKeyed, secret_row),
        _on(c.VoteTallied, vote_tallied),
        _on(c.TallyShared, secret_row),
    ]
)


def project(w: Writes, event: Recorded, payload: c.Payload | None = None) -> None:
    """Apply one recorded event to the projections; `payload` is its data decoded, when
    the caller has it (else it is decoded here: EventFormatError if it does not fit)."""
    if payload is None:
        payload = c.decode(event.type, event.data)
    PROJECTORS[event.type](w, event, payload)
    if event.signed is not None:
        _nonce(w, event)


def _nonce(w: Writes, event: Recorded) -> None:
    """The nonce of a signed act: its primary key refuses the same statement twice."""
    statement = event.signed.get("statement") if event.signed is not None else None
    if isinstance(statement, dict):
        actor, nonce = statement.get("actor"), statement.get("nonce")
        if isinstance(actor, str) and isinstance(nonce, str):
            w.insert(t.nonces, dict(member=actor, nonce=nonce, seq=event.seq))
