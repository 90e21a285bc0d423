"""What the rules read of the current state: mandates, elections, petitions and motions as
values."""

from __future__ import annotations

from collections.abc import Mapping
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field


@dataclass(frozen=True)
class MandateRecord:
    """One holder in one seat of an office."""

    id: str
    office: str
    holder: str
    seat: int
    status: str  # active | recalled | lapsed | expired | resigned
    election: str | None
    since: str
    until: str | None

    @property
    def active(self) -> bool:
        return self.status == "active"

    def expired_at(self, now: str) -> bool:
        """Whether the term is over at `now` (instants compare as text in the log's format)."""
        return self.until is not None and self.until <= now


@dataclass(frozen=True)
class ElectionRecord:
    """An election for the open seats of one office."""

    id: str
    office: str
    status: str  # nominating | voting | closed
    seats: int
    candidates: tuple[str, ...] = ()
    # Sets, not necessarily frozensets: storage may answer `in` without reading them whole.
    roll: AbstractSet[str] = frozenset()
    voters: AbstractSet[str] = frozenset()
    voting_ends: str | None = None
    #: Nominated by someone else and not yet consenting: not candidates until they accept.
    pending: tuple[str, ...] = ()
    withdrawn: tuple[str, ...] = ()
    kind: str = "regular"  # regular | by-election
    nominations_end: str | None = None
    started_at: str | None = None
    extended_by: str | None = None


@dataclass(frozen=True)
class PetitionRecord:
    """A recall petition against one mandate, and its recall vote once forced."""

    id: str
    mandate: str
    status: str  # open | voting | recalled | failed
    signers: AbstractSet[str] = frozenset()
    roll: AbstractSet[str] = frozenset()
    votes: Mapping[str, str] = field(default_factory=dict)
    voting_ends: str | None = None
    expires: str | None = None  # when it stops taking signatures short of its threshold


@dataclass(frozen=True)
class MotionRecord:
    """A motion as the rules read it."""

    id: str
    body: str
    kind: str
    title: str
    text: str
    proposer: str
    status: str  # proposed | seconded | voting | adopted | rejected | moot
    seconder: str | None = None
    referred: bool = False
    roll: AbstractSet[str] = frozenset()
    votes: Mapping[str, str] = field(default_factory=dict)  # voter -> yes | no | abstain
    voting_ends: str | None = None
    instructs: str | None = None
    instruction: str | None = None
    #: For a council's motion referred down: the instruction each body adopted.
    instructions: Mapping[str, str] = field(default_factory=dict)
    #: An amendment's fragment of the charter.
    charter: str | None = None


@dataclass(frozen=True)
class BreachRecord:
    """A deputy's vote on a council's motion against the instruction of the body that sent
    them, by the mandate they sat by."""

    motion: str
    member: str
    mandate: str
    body: str
    instruction: str
    vote: str | None
    on_breach: str


@dataclass(frozen=True)
class KeyRecord:
    """The key a member signs with: its id, its public half (base64), and the seq of the
    event that registered it."""

    member: str
    key: str
    public_key: str
    seq: int


@dataclass(frozen=True)
class CodeRecord:
    """A member's outstanding enrollment code: its hash, its expiry, and the seq of the
    event that issued it."""

    member: str
    hash: str
    expires: str
    seq: int
