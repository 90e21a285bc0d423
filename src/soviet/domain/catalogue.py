"""The catalogue of events: one frozen dataclass per event type, the only schema of the log.

Each class names its type (`TYPE`) and declares the fields of the event's `data`, typed.
`decode(type, data)` reads a logged event's data into its class, refusing unknown types,
missing or unknown keys and values of the wrong kind; `encode(payload)` gives the data
back exactly as the log holds it (a test re-serializes a whole log byte for byte).

A field declared with `optional()` is absent from the data when it is None (an
`election.opened` carries `cause` only when it is a by-election); every other field is
always present, null included.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, ClassVar, Literal, TypeVar

from soviet.domain import _codec
from soviet.domain._codec import Reader, spec_of
from soviet.errors import LedgerError

#: A JSON object as the log holds it (a count's result, a charter's rules).
JsonObject = Mapping[str, Any]

MandateEnding = Literal["mandate.recalled", "mandate.lapsed", "mandate.expired", "mandate.resigned"]


class EventFormatError(LedgerError):
    """A logged event whose data does not fit its type's class."""


def optional() -> Any:
    """A field absent from the data when None."""
    return dataclasses.field(default=None, metadata={"omit_none": True})


@dataclass(frozen=True, slots=True)
class Payload:
    """The data of one event type."""

    TYPE: ClassVar[str]


P = TypeVar("P", bound=Payload)

#: Every event type's class, by type name.
CATALOGUE: dict[str, type[Payload]] = {}

#: A reader of each flat event type's data (`soviet.domain._codec.reader`): its payload,
#: or None for data it does not read, which `_decode_checked` reads again to name what
#: does not fit. None for a type with nested classes, which has the checked path alone.
#: Each is written out at its type's first decode: all of them at once would slow the
#: start of every command, most of which decode a few types or none.
_READERS: dict[str, Reader | None] = {}


def decode(type_name: str, data: Mapping[str, Any]) -> Payload:
    """A logged event's data as its class; EventFormatError naming what does not fit."""
    try:
        fast = _READERS[type_name]
    except KeyError:
        fast = _reader_of(type_name)
    if fast is not None:
        payload: Payload | None = fast(data)
        if payload is not None:
            return payload
    return _decode_checked(type_name, data)


def decode_as(cls: type[P], data: Mapping[str, Any]) -> P:
    """A logged event's data as the class its type must have (EventFormatError if it does
    not fit)."""
    payload = decode(cls.TYPE, data)
    assert isinstance(payload, cls), f"{cls.TYPE} decodes as {type(payload).__name__}"
    return payload


def _reader_of(type_name: str) -> Reader | None:
    """The written-out reader of a type's data, made once; None for a type with nested
    classes or a name that is no type (which the checked path refuses)."""
    cls = CATALOGUE.get(type_name)
    if cls is None:
        return None
    fast = _READERS[type_name] = _codec.reader(spec_of(cls))
    return fast


def _decode_checked(type_name: str, data: Mapping[str, Any]) -> Payload:
    cls = CATALOGUE.get(type_name)
    if cls is None:
        raise EventFormatError(f"unknown event type {type_name!r}")
    spec = spec_of(cls)
    keys = set(data)
    if missing := spec.required - keys:
        raise EventFormatError(f"{type_name}: data lacks {', '.join(sorted(missing))}")
    if unknown := keys - spec.names:
        raise EventFormatError(f"{type_name}: data has unknown {', '.join(sorted(unknown))}")
    for f in spec.fields:
        if f.name in data and not f.check(data[f.name]):
            raise EventFormatError(f"{type_name}: {f.name} is {data[f.name]!r}, of the wrong kind")
    payload: Payload = _codec.read(spec, data)
    return payload


def encode(payload: Payload) -> dict[str, Any]:
    """The event's data exactly as the log holds it."""
    return _codec.write(spec_of(type(payload)), payload)


def event_type(cls: type[P]) -> type[P]:
    """Register a payload class in the catalogue under its TYPE."""
    if cls.TYPE in CATALOGUE:
        raise TypeError(f"event type {cls.TYPE!r} is registered twice")
    CATALOGUE[cls.TYPE] = cls
    return cls


# -- the events --------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class BodyData:
    id: str
    name: str
    kind: Literal["assembly", "council"]
    parent: str | None
    apportion: str | None = optional()
    council_seats: int | None = optional()
    weighted: bool | None = optional()


@dataclass(frozen=True, slots=True)
class OfficeData:
    id: str
    body: str
    title: str
    seats: int
    method: str
    seat_in: str | None
    eligible: Literal["electorate", "members"]
    powers: tuple[str, ...]
    term_days: int
    voting_days: int
    recall_petition: str
    recall_immediate: str
    recall_quorum: str
    #: `Procedure.to_json()`; absent from foundings logged before procedures were.
    procedure: JsonObject | None = optional()


@dataclass(frozen=True, slots=True)
class RulesData:
    term_days: int
    voting_days: int
    recall_petition: str
    recall_immediate: str
    recall_quorum: str
    procedure: JsonObject | None = optional()


@event_type
@dataclass(frozen=True, slots=True)
class OrganizationFounded(Payload):
    TYPE: ClassVar[str] = "organization.founded"
    name: str
    origin: str
    rules: RulesData
    bodies: tuple[BodyData, ...]
    offices: tuple[OfficeData, ...]
    founders: tuple[str, ...]
    verifier_key: str | None
    #: The days an enrollment code is good for; present exactly when every act of the log
    #: is signed by its actor (absent from foundings logged before members held keys).
    enrollment_days: int | None = optional()


@event_type
@dataclass(frozen=True, slots=True)
class MemberAdmitted(Payload):
    TYPE: ClassVar[str] = "member.admitted"
    member: str
    name: str
    bodies: tuple[str, ...]
    cause: int | None = optional()
    #: The hash of the member's enrollment code and when it expires (absent from
    #: admissions logged before members held keys).
    code: str | None = optional()
    code_expires: str | None = optional()


@dataclass(frozen=True, slots=True)
class CodeData:
    """One enrollment code issued: for whom, its hash, until when."""

    member: str
    code: str
    expires: str


@event_type
@dataclass(frozen=True, slots=True)
class MemberKeyRegistered(Payload):
    """A member's key: registered with an enrollment code (`code`, the seq of the event
    that issued it, and the code's `proof`), or in place of the key `previous`."""

    TYPE: ClassVar[str] = "member.key_registered"
    member: str
    key: str
    public_key: str
    code: int | None = optional()
    proof: str | None = optional()
    previous: str | None = optional()


@event_type
@dataclass(frozen=True, slots=True)
class MemberKeyReset(Payload):
    """A lost key revoked (`revoked`, None if the member held none) and a new code issued,
    by an officer with the power to admit, for a reason."""

    TYPE: ClassVar[str] = "member.key_reset"
    member: str
    reason: str
    revoked: str | None
    code: str
    code_expires: str


@event_type
@dataclass(frozen=True, slots=True)
class CodesIssued(Payload):
    """New enrollment codes for members who hold no key yet."""

    TYPE: ClassVar[str] = "member.codes_issued"
    codes: tuple[CodeData, ...]


@event_type
@dataclass(frozen=True, slots=True)
class KeysAdopted(Payload):
    """A log founded before members held keys takes them: from here on every act is
    signed by its actor; every member then in the log gets an enrollment code."""

    TYPE: ClassVar[str] = "organization.keys_adopted"
    enrollment_days: int
    codes: tuple[CodeData, ...]


@event_type
@dataclass(frozen=True, slots=True)
class MemberJoined(Payload):
    """A member joins a body: by an admitting officer's act, or moved there by an
    amendment that dissolved their assembly (no actor, and its `cause`)."""

    TYPE: ClassVar[str] = "member.joined"
    member: str
    body: str
    cause: int | None = optional()


@event_type
@dataclass(frozen=True, slots=True)
class MemberLeft(Payload):
    """A member leaves a body: of their own accord, or as an amendment dissolves it."""

    TYPE: ClassVar[str] = "member.left"
    member: str
    body: str
    cause: int | None = optional()


@event_type
@dataclass(frozen=True, slots=True)
class MandateImported(Payload):
    TYPE: ClassVar[str] = "mandate.imported"
    mandate: str
    office: str
    holder: str
    seat: int
    cause: int


@event_type
@dataclass(frozen=True, slots=True)
class ElectionOpened(Payload):
    TYPE: ClassVar[str] = "election.opened"
    election: str
    office: str
    seats: int
    cause: int | None = optional()
    reason: str | None = optional()  # "audit": the purge's; "term": a term that ended
    #: Absent from logs written before kinds and nomination periods were logged.
    kind: Literal["regular", "by-election"] | None = optional()
    nominations_end: str | None = optional()


@event_type
@dataclass(frozen=True, slots=True)
class CandidateNominated(Payload):
    TYPE: ClassVar[str] = "candidate.nominated"
    election: str
    candidate: str


@event_type
@dataclass(frozen=True, slots=True)
class CandidateAccepted(Payload):
    """The candidate's consent to a nomination by someone else."""

    TYPE: ClassVar[str] = "candidate.accepted"
    election: str
    candidate: str


@event_type
@dataclass(frozen=True, slots=True)
class CandidateWithdrew(Payload):
    TYPE: ClassVar[str] = "candidate.withdrew"
    election: str
    candidate: str


@dataclass(frozen=True, slots=True)
class SecretSetup:
    """A secret vote's Belenios election: its uuid, the key ceremony of its trustees
    (the seq of the ceremony's first step) and the election's JSON text, whose SHA-256 in
    Base64 every ballot names (`soviet.belenios.ballots`)."""

    uuid: str
    ceremony: int
    election: str


@event_type
@dataclass(frozen=True, slots=True)
class ElectionStarted(Payload):
    """The roll is committed to by `roll_size` and `roll_hash` (`soviet.domain.votes`);
    logs written before that carry it inline as `roll`, which is read as its commitment."""

    TYPE: ClassVar[str] = "election.started"
    election: str
    seats: int
    voting_ends: str
    roll_size: int | None = optional()
    roll_hash: str | None = optional()
    roll: tuple[str, ...] | None = optional()
    secret: SecretSetup | None = optional()


@event_type
@dataclass(frozen=True, slots=True)
class BallotCast(Payload):
    TYPE: ClassVar[str] = "ballot.cast"
    election: str
    choice: tuple[str, ...]  # empty: a blank ballot, or a secret one
    abstain: bool | None = optional()  # True: an abstention (choice empty)
    replaces: int | None = optional()  # the seq of the voter's ballot this one replaces
    sealed: str | None = optional()  # a secret ballot: its Belenios JSON text, encrypted


@event_type
@dataclass(frozen=True, slots=True)
class TrusteeStep(Payload):
    """One trustee's message in the key ceremony of a trustee office (Belenios's
    threshold key establishment): their certificate (`cert`, whose first opens a ceremony
    of the office's live holders, `trustees`, in seat order), their polynomial, then
    their output of the check (`voutput`). `ceremony` is the seq of its first step."""

    TYPE: ClassVar[str] = "trustee.step"
    office: str
    step: Literal["cert", "polynomial", "voutput"]
    message: str
    ceremony: int | None = optional()  # absent on the step that opens the ceremony
    trustees: tuple[str, ...] | None = optional()  # on that step only
    threshold: int | None = optional()  # on that step only


@event_type
@dataclass(frozen=True, slots=True)
class TrusteesKeyed(Payload):
    """A key ceremony complete: the trustee office's election key and the Belenios
    threshold parameters every secret vote it serves names."""

    TYPE: ClassVar[str] = "trustees.keyed"
    office: str
    ceremony: int
    trustees: tuple[str, ...]
    threshold: int
    public_key: str
    parameters: str
    cause: int


@event_type
@dataclass(frozen=True, slots=True)
class VoteTallied(Payload):
    """A secret vote's close: the product of its counted ballots, still encrypted (the
    Belenios encrypted tally's JSON text), how many ballots and their total weight."""

    TYPE: ClassVar[str] = "vote.tallied"
    vote: str  # an election's id, or a recall petition's
    tally: str
    ballots: int
    weight: int


@event_type
@dataclass(frozen=True, slots=True)
class TallyShared(Payload):
    """A trustee's share of the decryption of a tally, with its proofs: `owner` is their
    place among the ceremony's trustees, from 1."""

    TYPE: ClassVar[str] = "tally.shared"
    vote: str
    owner: int
    share: str


@dataclass(frozen=True, slots=True)
class PaperBallotData:
    """Identical paper ballots: how many, and their choice (empty: blank ones)."""

    count: int
    choice: tuple[str, ...]


@event_type
@dataclass(frozen=True, slots=True)
class BallotsImported(Payload):
    """Counted paper ballots entered by tellers (the first is the event's actor)."""

    TYPE: ClassVar[str] = "ballots.imported"
    election: str
    tellers: tuple[str, ...]
    ballots: tuple[PaperBallotData, ...]
    paper_voters: int  # how many electors on the roll voted on paper: the ballots' total
    source: str  # the hex SHA-256 of the file the ballots were read from


@event_type
@dataclass(frozen=True, slots=True)
class ElectionExtended(Payload):
    TYPE: ClassVar[str] = "election.extended"
    election: str
    days: int
    voting_ends: str


@event_type
@dataclass(frozen=True, slots=True)
class ElectionClosed(Payload):
    TYPE: ClassVar[str] = "election.closed"
    election: str
    winners: tuple[str, ...]
    seed: str
    result: JsonObject
    #: "elected" (counted), "unopposed" (as many candidates as seats, returned without a
    #: vote) or "void" (below the quorum or without a valid ballot: nobody elected, and
    #: `reason` says why); absent from logs written before outcomes were logged.
    outcome: Literal["elected", "unopposed", "void"] | None = optional()
    reason: str | None = optional()
    turnout: JsonObject | None = optional()
    cause: int | None = optional()  # a secret vote's: the share that decrypted its tally


@event_type
@dataclass(frozen=True, slots=True)
class MandateGranted(Payload):
    TYPE: ClassVar[str] = "mandate.granted"
    mandate: str
    office: str
    holder: str
    seat: int
    election: str
    until: str
    cause: int


@event_type
@dataclass(frozen=True, slots=True)
class MandateRecalled(Payload):
    """A mandate ended by its electorate: at the petition's immediate share
    (`signatures`), by a recall vote (`vote`), or at once for a vote against the
    holder's instruction where the office says `on_breach = "recall"` (`breach`: no
    petition, and `motion` names the council's motion)."""

    TYPE: ClassVar[str] = "mandate.recalled"
    mandate: str
    petition: str | None
    by: Literal["signatures", "vote", "breach"]
    cause: int
    signatures: int | None = optional()
    electorate: int | None = optional()
    motion: str | None = optional()


@dataclass(frozen=True, slots=True)
class _MandateEnded(Payload):
    mandate: str
    reason: str
    cause: int | None


@event_type
@dataclass(frozen=True, slots=True)
class MandateLapsed(_MandateEnded):
    TYPE: ClassVar[str] = "mandate.lapsed"


@event_type
@dataclass(frozen=True, slots=True)
class MandateExpired(_MandateEnded):
    TYPE: ClassVar[str] = "mandate.expired"


@event_type
@dataclass(frozen=True, slots=True)
class MandateResigned(_MandateEnded):
    TYPE: ClassVar[str] = "mandate.resigned"


@event_type
@dataclass(frozen=True, slots=True)
class PetitionOpened(Payload):
    TYPE: ClassVar[str] = "petition.opened"
    petition: str
    mandate: str
    reason: str
    expires: str | None = optional()
    #: For a petition the system opens (a breach of an instruction, where the office
    #: says `on_breach = "petition"`): the seq of the breach. It has no signature yet.
    cause: int | None = optional()


@event_type
@dataclass(frozen=True, slots=True)
class PetitionSigned(Payload):
    TYPE: ClassVar[str] = "petition.signed"
    petition: str


@event_type
@dataclass(frozen=True, slots=True)
class RecallVoteOpened(Payload):
    """The roll as in `ElectionStarted`."""

    TYPE: ClassVar[str] = "recall.vote_opened"
    petition: str
    voting_ends: str
    cause: int
    roll_size: int | None = optional()
    roll_hash: str | None = optional()
    roll: tuple[str, ...] | None = optional()
    secret: SecretSetup | None = optional()
    #: a secret recall vote opened in the open: why (its trustees hold no usable key)
    open_because: str | None = optional()


@event_type
@dataclass(frozen=True, slots=True)
class RecallBallotCast(Payload):
    TYPE: ClassVar[str] = "recall.ballot_cast"
    petition: str
    vote: Literal["yes", "no", "abstain", "secret"]  # "secret": `sealed` holds it
    replaces: int | None = optional()
    sealed: str | None = optional()


@event_type
@dataclass(frozen=True, slots=True)
class RecallClosed(Payload):
    TYPE: ClassVar[str] = "recall.closed"
    petition: str
    outcome: Literal["recalled", "failed", "expired"]
    result: JsonObject | None = optional()
    reason: str | None = optional()
    cause: int | None = optional()


# -- motions and decisions ------------------------------------------------------------------

MotionKind = Literal["ordinary", "amendment", "instruction"]
Instruction = Literal["yes", "no", "abstain", "free"]


@event_type
@dataclass(frozen=True, slots=True)
class MotionProposed(Payload):
    """A motion put to a body. An `instruction` motion of a body whose deputies sit in a
    council says how they are to vote on the council's motion `instructs`."""

    TYPE: ClassVar[str] = "motion.proposed"
    motion: str
    body: str
    kind: MotionKind
    title: str
    text: str
    text_sha256: str
    instructs: str | None = optional()
    instruction: Instruction | None = optional()
    #: An amendment's fragment of the charter, in the charter's own TOML.
    charter: str | None = optional()


@event_type
@dataclass(frozen=True, slots=True)
class MotionSeconded(Payload):
    TYPE: ClassVar[str] = "motion.seconded"
    motion: str


@event_type
@dataclass(frozen=True, slots=True)
class MotionReferred(Payload):
    """A council's motion referred down: the bodies whose deputies sit in the council may
    instruct them until its vote starts."""

    TYPE: ClassVar[str] = "motion.referred"
    motion: str


@event_type
@dataclass(frozen=True, slots=True)
class MotionStarted(Payload):
    """The roll as in `ElectionStarted`: the body's electorate when the vote starts."""

    TYPE: ClassVar[str] = "motion.started"
    motion: str
    voting_ends: str
    roll_size: int
    roll_hash: str
    secret: SecretSetup | None = optional()


@event_type
@dataclass(frozen=True, slots=True)
class MotionVoteCast(Payload):
    TYPE: ClassVar[str] = "motion.vote_cast"
    motion: str
    vote: Literal["yes", "no", "abstain", "secret"]  # "secret": `sealed` holds it
    sealed: str | None = optional()
    replaces: int | None = optional()  # a secret vote's: the seq of the one it replaces


@dataclass(frozen=True, slots=True)
class InstructionCarried:
    """A deputy on a council motion's roll, the instruction their body gave them (None
    when it gave none), and the vote they cast (None when they did not vote)."""

    member: str
    body: str
    instruction: Instruction | None
    vote: Literal["yes", "no", "abstain"] | None


@event_type
@dataclass(frozen=True, slots=True)
class MotionClosed(Payload):
    """A motion's roll-call count: `adopted` (its decision follows), `rejected`, or `moot`
    (an instruction whose council vote had already opened)."""

    TYPE: ClassVar[str] = "motion.closed"
    motion: str
    outcome: Literal["adopted", "rejected", "moot"]
    result: JsonObject
    #: For a motion referred down, every deputy on its roll: empty for any other.
    instructions: tuple[InstructionCarried, ...]
    cause: int | None = optional()  # a secret vote's: the share that decrypted its tally


@event_type
@dataclass(frozen=True, slots=True)
class DecisionAdopted(Payload):
    """A body's decision, numbered per body: the adopted motion's text and its hash."""

    TYPE: ClassVar[str] = "decision.adopted"
    motion: str
    body: str
    number: int
    kind: MotionKind
    title: str
    text: str
    text_sha256: str
    cause: int
    instructs: str | None = optional()
    instruction: Instruction | None = optional()


@dataclass(frozen=True, slots=True)
class DissolvedData:
    """A body an amendment dissolves, and the assembly its members move to (None for a
    council, or an assembly without members)."""

    body: str
    members_to: str | None


@event_type
@dataclass(frozen=True, slots=True)
class CharterAmended(Payload):
    """What an adopted amendment changed in the charter: the rules it rewrote (in full, as
    the founding logs them), the bodies it added, and each office it added or changed (in
    full, every rule resolved)."""

    TYPE: ClassVar[str] = "charter.amended"
    motion: str
    body: str
    decision: int
    bodies: tuple[BodyData, ...]
    offices: tuple[OfficeData, ...]
    cause: int
    rules: RulesData | None = optional()
    dissolved: tuple[DissolvedData, ...] | None = optional()


@event_type
@dataclass(frozen=True, slots=True)
class BodyDissolved(Payload):
    """A body an amendment dissolved, once its members moved and its mandates ended: it
    and its offices are no more, and their elections under way are closed with them."""

    TYPE: ClassVar[str] = "body.dissolved"
    body: str
    offices: tuple[str, ...]
    cause: int


@event_type
@dataclass(frozen=True, slots=True)
class OfficeReapportioned(Payload):
    """An office sized by its constituency given the seats its size now gives (`was`, the
    seats before): at once, caused by a change of membership, or with no cause by the
    purge (`reason` "audit") or a term that ended ("term") before its regular election."""

    TYPE: ClassVar[str] = "office.reapportioned"
    office: str
    seats: int
    was: int
    constituency: int
    cause: int | None
    reason: Literal["audit", "term"] | None = optional()


@event_type
@dataclass(frozen=True, slots=True)
class InstructionBreached(Payload):
    """A deputy's vote on a council's motion against the instruction of the body that
    sent them, and what the office's `on_breach` made of it."""

    TYPE: ClassVar[str] = "instruction.breached"
    motion: str
    member: str
    mandate: str
    body: str
    instruction: Instruction
    vote: Literal["yes", "no", "abstain"] | None
    on_breach: Literal["report", "petition", "recall"]
    cause: int


@event_type
@dataclass(frozen=True, slots=True)
class CheckpointLogged(Payload):
    TYPE: ClassVar[str] = "checkpoint.logged"
    checkpoint: str
    cause: int
