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
class StartElection:
    """`soviet election start ELECTION --as ACTOR`."""

    actor: str
    election: str


@dataclass(frozen=True, slots=True)
class CastBallot:
    """`soviet vote ELECTION CHOICE… --as ACTOR`."""

    actor: str
    election: str
    choice: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class CloseElection:
    """`soviet election close ELECTION --as ACTOR`."""

    actor: str
    election: str


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
class ScheduleAudit:
    """`soviet audit --schedule`: end every mandate whose term ran out, then open an
    election for every office with an open seat. Nobody's act: its events have no actor."""


Command = (
    AdmitMember
    | JoinBody
    | LeaveBody
    | OpenElection
    | Nominate
    | StartElection
    | CastBallot
    | CloseElection
    | OpenPetition
    | SignPetition
    | CastRecallVote
    | CloseRecallVote
    | ScheduleAudit
)


def command_of(event: Recorded) -> Command | None:
    """The command whose act a logged event records; None for an event that records no act
    (a consequence, the founding). EventFormatError if its data does not fit its type."""
    return command_of_payload(c.decode(event.type, event.data), event.actor)


def command_of_payload(payload: c.Payload, actor: str | None) -> Command | None:
    """`command_of` for an event already decoded."""
    if actor is None:
        return ScheduleAudit() if is_scheduled(payload) else None
    read = _READS.get(type(payload))
    return None if read is None else read(payload, actor)


# The command each type of act reads back as, found by the payload's class: a log is
# mostly ballots, which a match of every pattern in turn would reach only seventh.
_READS: dict[type[c.Payload], Callable[[Any, str], Command]] = {
    c.MemberAdmitted: lambda p, actor: AdmitMember(actor, p.member, p.name, tuple(p.bodies)),
    c.MemberJoined: lambda p, actor: JoinBody(actor, p.member, p.body),
    c.MemberLeft: lambda p, actor: LeaveBody(actor, p.member, p.body),
    c.ElectionOpened: lambda p, actor: OpenElection(actor, p.office),
    c.CandidateNominated: lambda p, actor: Nominate(actor, p.election, p.candidate),
    c.ElectionStarted: lambda p, actor: StartElection(actor, p.election),
    c.BallotCast: lambda p, actor: CastBallot(actor, p.election, tuple(p.choice)),
    c.ElectionClosed: lambda p, actor: CloseElection(actor, p.election),
    c.PetitionOpened: lambda p, actor: OpenPetition(actor, p.mandate, p.reason),
    c.PetitionSigned: lambda p, actor: SignPetition(actor, p.petition),
    c.RecallBallotCast: lambda p, actor: CastRecallVote(actor, p.petition, p.vote),
    c.RecallClosed: lambda p, actor: CloseRecallVote(actor, p.petition),
}


def is_scheduled(payload: c.Payload) -> bool:
    """Whether an event without an actor is one the purge's schedule takes of itself (an
    expiry or an election opened for an open seat), rather than a consequence of an act."""
    if isinstance(payload, c.MandateExpired):
        return payload.cause is None
    if isinstance(payload, c.ElectionOpened):
        return payload.cause is None and payload.reason == "audit"
    return False
