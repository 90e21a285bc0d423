"""Commands: one frozen dataclass per act a member (or the purge) takes.

A command is what was asked; the decider (`soviet.domain.decider`) checks it against the
rules and returns the events that record it and every consequence. Each act leaves one
event in the log under its actor, so the command can be read back from the log:
`command_of` does that, for re-deriving a logged act. The founding is not a command: it
is the charter's own events (`soviet.domain.founding`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from soviet.domain import catalogue as c
from soviet.domain.events import Recorded


@dataclass(frozen=True, slots=True)
class AdmitMember:
    """`soviet member add MEMBER --name NAME --body BODY… --as ACTOR`."""

    actor: str
    member: str
    name: str
    bodies: tuple[str, ...]
    #: The hash of the new member's enrollment code (`soviet.domain.enrollment`): the
    #: admitting officer draws the code and hands it over; only its hash is logged. Empty
    #: in a log founded before members held keys.
    code: str = ""


@dataclass(frozen=True, slots=True)
class JoinBody:
    """`soviet member join MEMBER --body BODY --as ACTOR`."""

    actor: str
    member: str
    body: str


@dataclass(frozen=True, slots=True)
class LeaveBody:
    """`soviet member leave MEMBER --body BODY --as ACTOR`."""

    actor: str
    member: str
    body: str


@dataclass(frozen=True, slots=True)
class EnrollKey:
    """`soviet key enroll CODE`: register the member's first key (or the one after a
    reset) with their enrollment code, signed by the new key itself. `proof` is the code's
    proof (`soviet.domain.enrollment.proof`), whose hash the log holds."""

    actor: str
    public_key: str
    proof: str


@dataclass(frozen=True, slots=True)
class RotateKey:
    """`soviet key rotate --as MEMBER`: replace the member's key by a new one, signed by
    the key it replaces."""

    actor: str
    public_key: str


@dataclass(frozen=True, slots=True)
class ResetKey:
    """`soviet member reset-key MEMBER --reason TEXT --as OFFICER`: revoke a lost key and
    issue a new enrollment code (`code`, its hash), by an officer with the power to admit
    over one of the member's bodies."""

    actor: str
    member: str
    reason: str
    code: str


@dataclass(frozen=True, slots=True)
class IssueCodes:
    """`soviet member codes --out FILE --as OFFICER`: new enrollment codes, as (member,
    hash), for members who hold no key yet; each replaces the member's earlier code."""

    actor: str
    codes: tuple[tuple[str, str], ...]


@dataclass(frozen=True, slots=True)
class OpenElection:
    """`soviet election open OFFICE --as ACTOR`."""

    actor: str
    office: str


@dataclass(frozen=True, slots=True)
class Nominate:
    """`soviet election nominate ELECTION CANDIDATE --as ACTOR`."""

    actor: str
    election: str
    candidate: str


@dataclass(frozen=True, slots=True)
class AcceptNomination:
    """`soviet election accept ELECTION --as CANDIDATE`."""

    actor: str
    election: str
    candidate: str


@dataclass(frozen=True, slots=True)
class Withdraw:
    """`soviet election withdraw ELECTION --as CANDIDATE`."""

    actor: str
    election: str
    candidate: str


@dataclass(frozen=True, slots=True)
class StartElection:
    """`soviet election start ELECTION --as ACTOR`."""

    actor: str
    election: str


@dataclass(frozen=True, slots=True)
class CastBallot:
    """`soviet vote ELECTION CHOICE… --as ACTOR`."""

    actor: str
    election: str
    choice: tuple[str, ...]  # empty: a blank ballot (or an abstention)
    abstain: bool = False


@dataclass(frozen=True, slots=True)
class CastSealedBallot:
    """`soviet vote ELECTION CHOICE… --as ACTOR` in a secret election: the ballot the
    voter's client encrypted (a Belenios ballot's JSON text)."""

    actor: str
    election: str
    ballot: str


@dataclass(frozen=True, slots=True)
class TakeTrusteeStep:
    """`soviet trustee keygen OFFICE --as ACTOR`: one message of the key ceremony."""

    actor: str
    office: str
    step: str
    message: str


@dataclass(frozen=True, slots=True)
class ShareTally:
    """`soviet trustee decrypt VOTE --as ACTOR`: a trustee's share of a tally's decryption."""

    actor: str
    vote: str
    share: str


@dataclass(frozen=True, slots=True)
class ImportPaper:
    """`soviet election import-paper ELECTION FILE --paper-voters N --as TELLER --as
    TELLER…`: counted paper ballots, entered by the tellers (the first is the actor)."""

    actor: str
    election: str
    tellers: tuple[str, ...]  # every teller, the actor first
    ballots: tuple[tuple[int, tuple[str, ...]], ...]  # (how many, choice); () is blank
    paper_voters: int
    source: str  # the hex SHA-256 of the file


@dataclass(frozen=True, slots=True)
class ExtendVote:
    """`soviet election extend ELECTION --days N --as ACTOR`."""

    actor: str
    election: str
    days: int


@dataclass(frozen=True, slots=True)
class CloseElection:
    """`soviet election close ELECTION --as ACTOR`."""

    actor: str
    election: str


@dataclass(frozen=True, slots=True)
class ResignMandate:
    """`soviet mandate resign MANDATE --as HOLDER`."""

    actor: str
    mandate: str
    reason: str = ""


@dataclass(frozen=True, slots=True)
class OpenPetition:
    """`soviet recall open MANDATE --reason TEXT --as ACTOR`."""

    actor: str
    mandate: str
    reason: str


@dataclass(frozen=True, slots=True)
class SignPetition:
    """`soviet recall sign PETITION --as ACTOR`."""

    actor: str
    petition: str


@dataclass(frozen=True, slots=True)
class CastRecallVote:
    """`soviet recall vote PETITION yes|no --as ACTOR`."""

    actor: str
    petition: str
    vote: str


@dataclass(frozen=True, slots=True)
class CloseRecallVote:
    """`soviet recall close PETITION --as ACTOR`."""

    actor: str
    petition: str


@dataclass(frozen=True, slots=True)
class ProposeMotion:
    """`soviet motion propose BODY --title T --text FILE [--kind K] --as MEMBER`; an
    instruction motion names the council's motion (`instructs`) and the instruction."""

    actor: str
    body: str
    title: str
    text: str
    kind: str = "ordinary"
    instructs: str | None = None
    instruction: str | None = None
    #: An amendment's fragment of the charter (`soviet.domain.charter.amending`).
    charter: str | None = None


@dataclass(frozen=True, slots=True)
class SecondMotion:
    """`soviet motion second MOTION --as MEMBER`."""

    actor: str
    motion: str


@dataclass(frozen=True, slots=True)
class ReferMotion:
    """`soviet motion refer MOTION --as DEPUTY`: refer a council's motion down."""

    actor: str
    motion: str


@dataclass(frozen=True, slots=True)
class StartMotion:
    """`soviet motion start MOTION --as MEMBER`: the roll is frozen."""

    actor: str
    motion: str


@dataclass(frozen=True, slots=True)
class CastMotionVote:
    """`soviet motion vote MOTION yes|no|abstain --as MEMBER`."""

    actor: str
    motion: str
    vote: str


@dataclass(frozen=True, slots=True)
class CloseMotion:
    """`soviet motion close MOTION --as MEMBER`."""

    actor: str
    motion: str


@dataclass(frozen=True, slots=True)
class ScheduleAudit:
    """`soviet audit --schedule`: end every mandate whose term ran out, then open an
    election for every office with an open seat. Nobody's act: its events have no actor."""


@dataclass(frozen=True, slots=True)
class ApplyDue:
    """What the clock has made due, applied before every act: terms that ended, votes
    and petitions whose time ran out. Nobody's act: its events have no actor."""


Command = (
    AdmitMember
    | JoinBody
    | LeaveBody
    | EnrollKey
    | RotateKey
    | ResetKey
    | IssueCodes
    | OpenElection
    | Nominate
    | AcceptNomination
    | Withdraw
    | StartElection
    | CastBallot
    | CastSealedBallot
    | TakeTrusteeStep
    | ShareTally
    | ImportPaper
    | ExtendVote
    | CloseElection
    | ResignMandate
    | OpenPetition
    | SignPetition
    | CastRecallVote
    | CloseRecallVote
    | ProposeMotion
    | SecondMotion
    | ReferMotion
    | StartMotion
    | CastMotionVote
    | CloseMotion
    | ScheduleAudit
    | ApplyDue
)


def command_of(event: Recorded) -> Command | None:
    """The command whose act a logged event records; None for an event that records no act
    (a consequence, the founding). EventFormatError if its data does not fit its type."""
    return command_of_payload(c.decode(event.type, event.data), event.actor)


def command_of_payload(payload: c.Payload, actor: str | None) -> Command | None:
    """`command_of` for an event already decoded."""
    if actor is None:
        kind = is_scheduled(payload)
        if kind is None:
            return None
        return ScheduleAudit() if kind == "audit" else ApplyDue()
    read = _READS.get(type(payload))
    return None if read is None else read(payload, actor)


# The command each type of act reads back as, found by the payload's class: a log is
# mostly ballots, which a match of every pattern in turn would reach only seventh.
_READS: dict[type[c.Payload], Callable[[Any, str], Command]] = {
    c.MemberAdmitted: lambda p, actor: AdmitMember(
        actor, p.member, p.name, tuple(p.bodies), p.code or ""
    ),
    c.MemberKeyRegistered: lambda p, actor: (
        RotateKey(actor, p.public_key)
        if p.previous is not None
        else EnrollKey(actor, p.public_key, p.proof or "")
    ),
    c.MemberKeyReset: lambda p, actor: ResetKey(actor, p.member, p.reason, p.code),
    c.CodesIssued: lambda p, actor: IssueCodes(
        actor, tuple((code.member, code.code) for code in p.codes)
    ),
    c.MemberJoined: lambda p, actor: JoinBody(actor, p.member, p.body),
    c.MemberLeft: lambda p, actor: LeaveBody(actor, p.member, p.body),
    c.ElectionOpened: lambda p, actor: OpenElection(actor, p.office),
    c.CandidateNominated: lambda p, actor: Nominate(actor, p.election, p.candidate),
    c.CandidateAccepted: lambda p, actor: AcceptNomination(actor, p.election, p.candidate),
    c.CandidateWithdrew: lambda p, actor: Withdraw(actor, p.election, p.candidate),
    c.ElectionStarted: lambda p, actor: StartElection(actor, p.election),
    c.BallotCast: lambda p, actor: (
        CastBallot(actor, p.election, tuple(p.choice), bool(p.abstain))
        if p.sealed is None
        else CastSealedBallot(actor, p.election, p.sealed)
    ),
    c.TrusteeStep: lambda p, actor: TakeTrusteeStep(actor, p.office, p.step, p.message),
    c.TallyShared: lambda p, actor: ShareTally(actor, p.vote, p.share),
    c.VoteTallied: lambda p, actor: (
        CloseRecallVote(actor, p.vote)
        if p.vote.startswith("P")
        else CloseMotion(actor, p.vote)
        if p.vote.startswith("R")
        else CloseElection(actor, p.vote)
    ),
    c.BallotsImported: lambda p, actor: ImportPaper(
        actor,
        p.election,
        tuple(p.tellers),
        tuple((b.count, tuple(b.choice)) for b in p.ballots),
        p.paper_voters,
        p.source,
    ),
    c.ElectionExtended: lambda p, actor: ExtendVote(actor, p.election, p.days),
    # an election returned unopposed is closed by the act that would have started it
    c.ElectionClosed: lambda p, actor: (
        StartElection(actor, p.election)
        if p.outcome == "unopposed"
        else CloseElection(actor, p.election)
    ),
    c.MandateResigned: lambda p, actor: ResignMandate(actor, p.mandate, p.reason),
    c.PetitionOpened: lambda p, actor: OpenPetition(actor, p.mandate, p.reason),
    c.PetitionSigned: lambda p, actor: SignPetition(actor, p.petition),
    c.RecallBallotCast: lambda p, actor: (
        CastRecallVote(actor, p.petition, p.vote)
        if p.sealed is None
        else CastSealedBallot(actor, p.petition, p.sealed)
    ),
    c.RecallClosed: lambda p, actor: CloseRecallVote(actor, p.petition),
    c.MotionProposed: lambda p, actor: ProposeMotion(
        actor, p.body, p.title, p.text, p.kind, p.instructs, p.instruction, p.charter
    ),
    c.MotionSeconded: lambda p, actor: SecondMotion(actor, p.motion),
    c.MotionReferred: lambda p, actor: ReferMotion(actor, p.motion),
    c.MotionStarted: lambda p, actor: StartMotion(actor, p.motion),
    c.MotionVoteCast: lambda p, actor: (
        CastMotionVote(actor, p.motion, p.vote)
        if p.sealed is None
        else CastSealedBallot(actor, p.motion, p.sealed)
    ),
    c.MotionClosed: lambda p, actor: CloseMotion(actor, p.motion),
}


def is_scheduled(payload: c.Payload) -> str | None:
    """Whether an event without an actor is one the system takes of itself rather than a
    consequence of an act: "audit" for the purge's election for an open seat, "due" for
    what the clock made due (an expiry, a term's re-election, a vote or a petition whose
    time ran out; in logs founded before terms ended by themselves an expiry is the
    purge's), None otherwise."""
    if isinstance(payload, c.MandateExpired):
        return "due" if payload.cause is None else None
    if isinstance(payload, c.ElectionOpened):
        if payload.cause is not None:
            return None
        return {"audit": "audit", "term": "due"}.get(payload.reason or "")
    if isinstance(payload, c.ElectionClosed):
        return "due" if payload.cause is None else None
    if isinstance(payload, c.VoteTallied):
        return "due"
    if isinstance(payload, c.RecallClosed):
        return "due" if payload.cause is None else None
    if isinstance(payload, c.OfficeReapportioned) and payload.cause is None:
        return "audit" if payload.reason == "audit" else "due"
    return None
