"""The JSON shapes of the API, for its OpenAPI schema: each is the record `soviet show …
--json` prints (`soviet.storage.views`), the log's event (`Recorded.to_json`), or a
proof as `soviet prove` writes it. Extra fields are allowed, so that a record may grow."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field


class Shape(BaseModel):
    model_config = ConfigDict(extra="allow")


class Error(Shape):
    error: str = Field(description="What kind of refusal: not_found, invalid, refused, …")
    detail: str = Field(description="The message, as the command line prints it.")
    field: str | None = Field(description="Where in the request the fault lies, if one place.")


class Body(Shape):
    id: str
    name: str
    kind: str
    parent: str | None
    members: int
    deputies: list[str] | None


class Office(Shape):
    id: str
    body: str
    title: str
    seats: int
    method: str
    seat_in: str | None
    eligible: str
    powers: list[str]
    term_days: int | None
    voting_days: int
    recall_petition: str
    recall_immediate: str
    recall_quorum: str
    holders: list[str]


class Mandate(Shape):
    id: str
    office: str
    holder: str
    seat: int
    status: str
    election: str | None
    since: str
    until: str | None
    ended_at: str | None
    ended_by: int | str | None = Field(description="The seq of the event that ended it.")


class Election(Shape):
    id: str
    office: str
    status: str
    seats: int
    candidates: list[str]
    roll: int
    ballots: int
    opened_at: str
    cause: int | None = Field(description="The seq that forced a by-election, or null.")
    voting_ends: str | None
    closed_at: str | None
    winners: list[str]
    result: dict[str, Any] | None = Field(
        description="The count, round by round, once closed (as `soviet count --json`)."
    )


class Thresholds(Shape):
    electorate: int
    petition_share: str
    petition_needed: int
    immediate_share: str
    immediate_needed: int
    quorum_share: str
    quorum_needed: int | None
    roll: int | None


class Petition(Shape):
    id: str
    mandate: str
    opener: str | None = Field(description="Null for one the system opened (a breach).")
    reason: str
    status: str
    signatures: int
    votes: dict[str, int] | None
    opened_at: str
    voting_ends: str | None
    closed_at: str | None
    thresholds: Thresholds | None = None


class Motion(Shape):
    id: str
    body: str
    kind: str = Field(description="ordinary, amendment or instruction")
    title: str
    proposer: str
    seconder: str | None
    status: str = Field(description="proposed, seconded, voting, adopted, rejected or moot")
    referred: bool
    instructs: str | None
    instruction: str | None
    instructions: dict[str, str] = Field(description="Each body's instruction, if referred.")
    votes: dict[str, int] | None
    decision: int | None
    text_sha256: str
    proposed_at: str
    voting_ends: str | None
    closed_at: str | None
    result: dict[str, Any] | None
    text: str | None = Field(default=None, description="In detail only.")
    roll_call: dict[str, str] | None = Field(default=None, description="In detail only.")


class Decision(Shape):
    body: str
    number: int
    motion: str
    kind: str
    title: str
    instructs: str | None
    instruction: str | None
    text_sha256: str
    adopted_at: str | None


class Breach(Shape):
    motion: str
    council: str
    member: str
    mandate: str
    body: str
    instruction: str
    vote: str | None
    on_breach: str
    seq: int


class Member(Shape):
    id: str
    name: str
    bodies: list[str]
    mandates: list[str]
    admitted_at: str


class Voter(Shape):
    id: str
    name: str


class Turnout(Shape):
    vote: str
    kind: str
    status: str
    roll: int
    voted: list[Voter]
    not_voted: list[Voter]


class Finding(Shape):
    office: str | None
    kind: str
    detail: str
    seat: int | None
    mandate: str | None


class Event(Shape):
    seq: int
    at: str
    type: str
    actor: str | None
    data: dict[str, Any]
    clock: str | None = None
    signed: dict[str, Any] | None = None


class Page(Shape):
    size: int = Field(description="The log's size when it was read.")
    since: int
    events: list[Event]
    next: int | None = Field(description="The `since` of the next page, if there is one.")


class Checkpoint(Shape):
    origin: str
    size: int
    root: str = Field(description="The root hash at that size, hex.")
    note: str | None = Field(description="The signed checkpoint (c2sp.org/tlog-checkpoint).")
    verifier_key: str | None


class Recorded(Shape):
    events: list[Event] = Field(
        description="The act's own event, then every consequence it caused."
    )
    size: int = Field(description="The log's size once the act was recorded.")
    checkpoint: str | None = Field(description="The signed checkpoint of that size.")


class Scheduled(Shape):
    events: list[Event]
    findings: list[Finding]


class Statement(BaseModel):
    """What a member signs: its RFC 8785 serialization is the signed bytes."""

    model_config = ConfigDict(extra="forbid")
    origin: str
    type: str = Field(description="The act: vote, election.open, recall.sign, …")
    actor: str
    data: dict[str, Any]
    nonce: str
    not_after: str


class Signed(BaseModel):
    """A signed statement: the statement, the signing key's id, the Ed25519 signature."""

    model_config = ConfigDict(extra="forbid")
    statement: Statement
    key: str = Field(description="The key's id: the first 16 hex digits of its SHA-256.")
    signature: str = Field(description="The Ed25519 signature of the statement, base64.")
