"""The acts of secret ballots as the decider takes them: a trustee's step of a key
ceremony, a sealed ballot, a trustee's share of a tally's decryption — and what they bring
about: the key once the ceremony is complete, the close once the tally is decrypted.

The rules are in `soviet.domain.secrecy`; this module reads what they need from the state
and registers the handlers and policies.
"""

from __future__ import annotations

from soviet.domain import catalogue as c
from soviet.domain import closes, secrecy, votes
from soviet.domain import commands as cmd
from soviet.domain import events as ev
from soviet.domain.audit import live_holders
from soviet.domain.decider import Decision, alone, handles, require_member
from soviet.domain.electorates import eligible, office_of
from soviet.domain.events import Event
from soviet.domain.model import Body, Office
from soviet.domain.policies import Derived, policy
from soviet.domain.records import ElectionRecord, MandateRecord, MotionRecord, PetitionRecord
from soviet.domain.state import State
from soviet.errors import NotFound, Refused


def holders(s: State, office: Office, now: str) -> list[str]:
    """The office's live holders, in seat order."""
    live = live_holders(s.active_mandates(office=office.id), eligible(s, office), now)
    return sorted(live, key=lambda holder: live[holder])


def latest_ceremony(s: State, office: str) -> secrecy.Ceremony | None:
    """The trustee office's latest key ceremony, if any began."""
    opened = s.secret_rows(secrecy.office_subject(office))
    if not opened:
        return None
    return ceremony(s, opened[-1].seq)


def ceremony(s: State, seq: int) -> secrecy.Ceremony:
    rows = s.secret_rows(secrecy.ceremony_subject(seq))
    if not rows:
        raise NotFound("key ceremony", str(seq))
    return secrecy.ceremony_of(rows)


def sealed_vote(s: State, vote: str) -> secrecy.SealedVote | None:
    """The vote's secret record; None for an open vote."""
    return secrecy.sealed_of(s.secret_rows(secrecy.vote_subject(vote)))


def require_sealed(s: State, vote: str) -> secrecy.SealedVote:
    found = sealed_vote(s, vote)
    if found is None:
        raise Refused(f"vote {vote} is not secret: its ballots are cast in the open")
    return found


def secret_start(
    s: State, election: ElectionRecord, office: Office, started: Event, now: str
) -> Event:
    """An election's start, with its Belenios election when its office votes in secret."""
    if office.procedure.ballot != "secret":
        return started
    if s.bodies()[office.body].weighted:
        raise Refused(
            f"council {office.body!r} weights its deputies' votes: weighted secret ballots "
            "are not yet supported"
        )
    trustees = office.procedure.trustees
    assert trustees is not None, "a secret office names its trustees (charter validation)"
    trustee_office = office_of(s, trustees)
    key = secrecy.usable_key(
        latest_ceremony(s, trustees), holders(s, trustee_office, now), trustees
    )
    seats = started.data["seats"]
    assert isinstance(seats, int)
    setup = secrecy.election_setup(s.origin(), s.name(), election, office, seats, key)
    return Event(started.type, started.actor, {**started.data, "secret": setup})


def secret_recall(
    s: State,
    opened: Event,
    petition: PetitionRecord,
    mandate: MandateRecord,
    office: Office,
    now: str,
) -> Event:
    """A recall vote's opening, secret when the office's recall votes are: with its
    Belenios election, or — when its trustees hold no usable key — in the open, saying
    why, since no trustee may stop a recall by withholding a key."""
    if opened.type != ev.RECALL_VOTE_OPENED or office.procedure.recall_ballot != "secret":
        return opened
    trustees = office.procedure.trustees
    assert trustees is not None, "secret recall votes name their trustees (charter validation)"
    data = dict(opened.data)
    try:
        if s.bodies()[office.body].weighted:
            raise Refused(f"council {office.body!r} weights its deputies' votes")
        key = secrecy.usable_key(
            latest_ceremony(s, trustees), holders(s, office_of(s, trustees), now), trustees
        )
    except Refused as why:
        data["open_because"] = f"the vote is open, not secret: {why}"
        return Event(opened.type, opened.actor, data)
    question = f"Recall {mandate.holder} from {office.title}?"
    data["secret"] = secrecy.yes_no_setup(
        s.origin(), s.name(), petition.id, f"recall vote {petition.id}", question, key
    )
    return Event(opened.type, opened.actor, data)


def secret_motion(s: State, motion: MotionRecord, body: Body, started: Event, now: str) -> Event:
    """A motion's start, with its Belenios election where motions are secret: in an
    assembly (a council's motions stay roll calls, which instructions are checked
    against), keyed by the `motion_trustees`."""
    rules = s.rules().procedure
    if rules.motion_ballot != "secret" or body.kind != "assembly":
        return started
    trustees = rules.motion_trustees
    assert trustees is not None, "secret motions name their trustees (charter validation)"
    key = secrecy.usable_key(
        latest_ceremony(s, trustees), holders(s, office_of(s, trustees), now), trustees
    )
    question = f"Adopt motion {motion.id}: {motion.title}?"
    setup = secrecy.yes_no_setup(
        s.origin(), s.name(), motion.id, f"motion {motion.id}", question, key
    )
    return Event(started.type, started.actor, {**started.data, "secret": setup})


@handles(cmd.TakeTrusteeStep)
def _trustee_step(d: Decision, act: cmd.TakeTrusteeStep) -> None:
    s = d.state
    require_member(s, act.actor)
    office = office_of(s, act.office)
    d.emit(
        secrecy.trustee_step(
            office,
            holders(s, office, d.now),
            latest_ceremony(s, office.id),
            act.actor,
            act.step,
            act.message,
        )
    )


@policy(ev.TRUSTEE_STEP)
def _keyed(d: Decision, step: Derived) -> None:
    """The ceremony's last output establishes its key."""
    p = step.payload
    assert isinstance(p, c.TrusteeStep)
    if p.step != "voutput" or p.ceremony is None:
        return
    event = secrecy.keyed(ceremony(d.state, p.ceremony), step.seq)
    if event is not None:
        d.emit(event)


@alone(cmd.CastSealedBallot)
def _cast_sealed(s: State, act: cmd.CastSealedBallot, now: str) -> Event:
    """A sealed ballot in an election, a recall vote or a motion's vote: on the roll,
    in time, its proofs holding; the voter's latest replaces their earlier one."""
    require_member(s, act.actor)
    ident = act.election
    data: dict[str, object]
    if secrecy.is_petition(ident):
        petition = s.petition(ident)
        status, roll, ends, what = (
            petition.status,
            petition.roll,
            petition.voting_ends,
            f"the recall vote on {ident}",
        )
        kind, data = ev.RECALL_BALLOT_CAST, {"petition": ident, "vote": "secret"}
    elif secrecy.is_motion(ident):
        motion = s.motion(ident)
        status, roll, ends, what = (
            motion.status,
            motion.roll,
            motion.voting_ends,
            f"the vote on motion {ident}",
        )
        kind, data = ev.MOTION_VOTE_CAST, {"motion": ident, "vote": "secret"}
    else:
        election = s.election(ident)
        status, roll, ends, what = (
            election.status,
            election.roll,
            election.voting_ends,
            f"election {ident}",
        )
        kind, data = ev.BALLOT_CAST, {"election": ident, "choice": []}
    if status != "voting":
        raise Refused(f"{what} is {status}, not voting: no ballot can be cast")
    votes.may_cast(what, roll, ends, act.actor, now)
    vote = require_sealed(s, ident)
    _, previous = secrecy.cast_sealed(vote, act.actor, act.ballot, "the ballot")
    sealed: dict[str, object] = {**data, "sealed": act.ballot}
    if previous is not None:
        sealed["replaces"] = previous
    return Event(kind, act.actor, sealed)


def _vote_of(s: State, vote: str) -> str:
    """The id of the vote an act names: an election, a recall petition or a motion."""
    if secrecy.is_petition(vote):
        return s.petition(vote).id
    if secrecy.is_motion(vote):
        return s.motion(vote).id
    return s.election(vote).id


@handles(cmd.ShareTally)
def _share(d: Decision, act: cmd.ShareTally) -> None:
    s = d.state
    require_member(s, act.actor)
    name = _vote_of(s, act.vote)
    vote = require_sealed(s, name)
    key = ceremony(s, vote.setup.ceremony)
    office = office_of(s, key.office)
    shared = secrecy.share(vote, name, key, holders(s, office, d.now), act.actor, act.share)
    owner = shared.data["owner"]
    assert isinstance(owner, int) and vote.tally is not None
    seq = d.emit(shared)
    if len(vote.shares) + 1 < key.threshold:
        return
    counts = secrecy.decrypted(vote, key, (owner, act.share))
    if secrecy.is_petition(name):
        d.emit(closes.secret_recall_closed(s, s.petition(name), counts, seq))
        return
    if secrecy.is_motion(name):
        d.emit(secret_motion_closed(s, s.motion(name), counts, seq))
        return
    d.emit(closes.secret_closed(s, s.election(name), counts, vote.tally.ballots, d.now, seq))


def secret_motion_closed(s: State, motion: MotionRecord, counts: list[int], cause: int) -> Event:
    """The close of a secret motion vote once its tally is decrypted (`counts`: the
    abstentions, yes, no): counted as a roll call of as many anonymous votes."""
    from dataclasses import replace

    from soviet.domain.motion_acts import counted

    abstained, yes, no = counts
    anonymous = ["yes"] * yes + ["no"] * no + ["abstain"] * abstained
    tallied = replace(motion, votes={f"#{i + 1}": v for i, v in enumerate(anonymous)})
    event = counted(s, tallied, None, closes.secret_result(("yes", "no"), counts))
    return Event(event.type, None, {**event.data, "cause": cause})
