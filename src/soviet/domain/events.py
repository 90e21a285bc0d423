"""Events: every change of state, as the log records it.

An event is `{seq, at, type, actor, data}` once recorded; before that, the domain
produces it as an `Event` (type, actor, data) and the store gives it its seq and time.
Events the system takes by itself have `actor` None and `data["cause"]`, the seq of the
event that caused them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

ORGANIZATION_FOUNDED = "organization.founded"
MEMBER_ADMITTED = "member.admitted"
MEMBER_JOINED = "member.joined"
MEMBER_LEFT = "member.left"
MANDATE_IMPORTED = "mandate.imported"
ELECTION_OPENED = "election.opened"
CANDIDATE_NOMINATED = "candidate.nominated"
CANDIDATE_ACCEPTED = "candidate.accepted"
CANDIDATE_WITHDREW = "candidate.withdrew"
ELECTION_STARTED = "election.started"
BALLOT_CAST = "ballot.cast"
BALLOTS_IMPORTED = "ballots.imported"
ELECTION_EXTENDED = "election.extended"
ELECTION_CLOSED = "election.closed"
MANDATE_GRANTED = "mandate.granted"
MANDATE_RECALLED = "mandate.recalled"
MANDATE_LAPSED = "mandate.lapsed"
MANDATE_EXPIRED = "mandate.expired"
MANDATE_RESIGNED = "mandate.resigned"
PETITION_OPENED = "petition.opened"
PETITION_SIGNED = "petition.signed"
RECALL_VOTE_OPENED = "recall.vote_opened"
RECALL_BALLOT_CAST = "recall.ballot_cast"
RECALL_CLOSED = "recall.closed"
MOTION_PROPOSED = "motion.proposed"
MOTION_SECONDED = "motion.seconded"
MOTION_REFERRED = "motion.referred"
MOTION_STARTED = "motion.started"
MOTION_VOTE_CAST = "motion.vote_cast"
MOTION_CLOSED = "motion.closed"
DECISION_ADOPTED = "decision.adopted"
INSTRUCTION_BREACHED = "instruction.breached"
CHARTER_AMENDED = "charter.amended"
OFFICE_REAPPORTIONED = "office.reapportioned"
BODY_DISSOLVED = "body.dissolved"
CHECKPOINT_LOGGED = "checkpoint.logged"
TRUSTEE_STEP = "trustee.step"
TRUSTEES_KEYED = "trustees.keyed"
VOTE_TALLIED = "vote.tallied"
TALLY_SHARED = "tally.shared"
MEMBER_KEY_REGISTERED = "member.key_registered"
MEMBER_KEY_RESET = "member.key_reset"
CODES_ISSUED = "member.codes_issued"
KEYS_ADOPTED = "organization.keys_adopted"

#: The status a mandate takes from each event that ends it.
MANDATE_ENDINGS: Mapping[str, str] = {
    MANDATE_RECALLED: "recalled",
    MANDATE_LAPSED: "lapsed",
    MANDATE_EXPIRED: "expired",
    MANDATE_RESIGNED: "resigned",
}


@dataclass(frozen=True)
class Event:
    """A change of state decided by the domain, not yet given its seq and time."""

    type: str
    actor: str | None
    data: Mapping[str, Any] = field(default_factory=dict)
    #: The signed statement of the act this event records (`Signed.to_json()`): the
    #: act's own event carries it; consequences, and acts logged before keys, do not.
    signed: Mapping[str, Any] | None = None


@dataclass(frozen=True)
class Recorded:
    """An event as the log holds it."""

    seq: int
    at: str
    type: str
    actor: str | None
    data: Mapping[str, Any]
    #: "set" for an event recorded while a set clock (SOVIET_NOW) was in force, else None:
    #: part of the envelope and of the leaf, not of the rules.
    clock: str | None = None
    #: The signed statement of the act (`Event.signed`): part of the envelope and of the
    #: leaf, not of the rules.
    signed: Mapping[str, Any] | None = None

    def to_json(self) -> dict[str, Any]:
        """The event as the JSON object of the log: {seq, at, type, actor, data}, `clock`
        when it was recorded under a set clock, and `signed` when a member signed it."""
        value: dict[str, Any] = {
            "seq": self.seq,
            "at": self.at,
            "type": self.type,
            "actor": self.actor,
            "data": dict(self.data),
        }
        if self.clock is not None:
            value["clock"] = self.clock
        if self.signed is not None:
            value["signed"] = dict(self.signed)
        return value
