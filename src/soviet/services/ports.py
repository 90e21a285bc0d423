"""What the services need of storage: the projections at one instant, one unit of work
over the log and its projections, and a read-only snapshot of the log."""

from __future__ import annotations

from collections.abc import Collection, Iterator, Mapping, Sequence
from collections.abc import Set as AbstractSet
from typing import Protocol

from soviet.domain.commands import Command
from soviet.domain.events import Event, Recorded
from soviet.domain.model import Body, Member, Office, Rules
from soviet.domain.records import (
    BreachRecord,
    CodeRecord,
    ElectionRecord,
    KeyRecord,
    MandateRecord,
    MotionRecord,
    PetitionRecord,
)
from soviet.domain.secret_rows import SecretRow
from soviet.domain.state import IdKind
from soviet.domain.statements import Signed


class Projections(Protocol):
    """The projection tables as one transaction sees them."""

    @property
    def now(self) -> str:
        """The instant of this transaction, as the log writes it."""
        ...

    def is_founded(self) -> bool: ...

    def founders(self) -> tuple[str, ...]: ...

    def signed(self) -> bool:
        """Whether the log was founded with a verifier key (a close logs a checkpoint)."""
        ...

    def bodies(self) -> Mapping[str, Body]: ...

    def offices(self) -> Mapping[str, Office]: ...

    def offices_with(self, power: str) -> list[Office]:
        """The standing offices that hold `power`, in the charter's order."""
        ...

    def offices_of(self, bodies: Collection[str], seating_in: Collection[str] = ()) -> list[Office]:
        """The standing offices of these bodies and those that seat their holders in these
        councils, in the charter's order."""
        ...

    def member(self, member_id: str) -> Member:
        """The member, or NotFound."""
        ...

    def member_ids(self) -> AbstractSet[str]: ...

    def assembly_members(self, body: str) -> AbstractSet[str]: ...

    def seated(self, council: str) -> frozenset[str]:
        """The holders of active mandates whose office seats them in `council`."""
        ...

    def active_mandates(
        self, office: str | None = None, holder: str | None = None
    ) -> list[MandateRecord]: ...

    def mandate(self, mandate_id: str) -> MandateRecord: ...

    def terms_ended(self, now: str) -> list[MandateRecord]: ...

    def election(self, election_id: str) -> ElectionRecord: ...

    def pending_election(self, office: str) -> ElectionRecord | None:
        """The office's election that is not closed, if any."""
        ...

    def ballots(self, election_id: str) -> list[tuple[str, tuple[str, ...] | None]]: ...

    def paper_ballots(self, election_id: str) -> list[tuple[int, tuple[str, ...]]]:
        """The paper ballots tellers imported, as (how many, choice), in import order."""
        ...

    def ballot_seq(self, election_id: str, voter: str) -> int | None: ...

    def recall_vote_seq(self, petition_id: str, voter: str) -> int | None: ...

    def last_failed_recall(self, mandate_id: str) -> str | None: ...

    def pending_elections(self, due_by: str | None = None) -> list[ElectionRecord]: ...

    def live_petitions(self, due_by: str | None = None) -> list[PetitionRecord]: ...

    def petition(self, petition_id: str) -> PetitionRecord: ...

    def live_petition(self, mandate_id: str) -> PetitionRecord | None:
        """The mandate's petition that is open or voting, if any."""
        ...

    def origin(self) -> str: ...

    def enrollment_days(self) -> int | None: ...

    def key_of(self, member: str) -> KeyRecord | None: ...

    def code_of(self, member: str) -> CodeRecord | None: ...

    def nonce_seq(self, member: str, nonce: str) -> int | None: ...

    def name(self) -> str: ...

    def rules(self) -> Rules: ...

    def motion(self, motion_id: str) -> MotionRecord:
        """The motion, or NotFound."""
        ...

    def decisions(self, body: str) -> int: ...

    def secret_rows(self, subject: str) -> Sequence[SecretRow]: ...

    def breaches(self) -> list[BreachRecord]:
        """Every vote a deputy cast against their instruction, in the order logged."""
        ...


class Signer(Protocol):
    """A member's own side: signs the statement of an act with the actor's key."""

    def sign(self, command: Command, origin: str, now: str) -> Signed:
        """The act's statement for `origin`, signed by its actor's key, good for a while
        after `now`; InputError if this signer holds no key of the actor."""
        ...


class Workspace(Projections, Protocol):
    """One unit of work: reads see every event recorded in it so far."""

    #: Who signs the commands given to this unit of work: the member's own side (the
    #: CLI's key folder); None where only statements signed elsewhere come in.
    signer: Signer | None
    #: The events recorded in this unit of work so far, in order.
    recorded: list[Recorded]
    #: How many events this unit of work had recorded when the clock was last found to
    #: make nothing due at its instant (`now`, the same for all it records); None before.
    nothing_due: int | None

    def record(self, event: Event) -> Recorded:
        """Append an event to the log and apply it to the projections."""
        ...

    def release(self) -> None:
        """Send every write held back (still in this unit of work's transaction) and let
        go of the events recorded so far: `recorded` empties. A founding of many members
        releases its events in batches, to hold no more than one batch in memory."""
        ...

    def next_id(self, kind: IdKind) -> str: ...

    def next_seq(self) -> int:
        """The seq the next event recorded will get."""
        ...

    def root_hash(self) -> bytes:
        """The Merkle root of the log as it stands in this unit of work."""
        ...

    def checkpoint(self) -> str | None:
        """The checkpoint of the log as it stands in this unit of work, signed by the log's
        key as a note; None for a log founded without a key."""
        ...


class LogReading(Protocol):
    """The log as one read-only snapshot sees it: its events, its stored and logged
    signed checkpoints, and the log's key if it is at hand (to sign, storing nothing)."""

    def size(self) -> int: ...

    def events(self, start: int = 1, stop: int | None = None) -> Iterator[Recorded]:
        """The events with start <= seq (< stop), in order."""
        ...

    def verifier_key(self) -> str | None:
        """The verifier key the log's first event carries; None for a log without one."""
        ...

    def latest_checkpoint(self, at_most: int | None = None) -> tuple[int, str] | None:
        """The size and signed note of the latest stored checkpoint (of at most `at_most`
        entries, when given)."""
        ...

    def latest_logged_checkpoint(self) -> tuple[int, str] | None:
        """The seq and signed note of the latest `checkpoint.logged` event."""
        ...

    def can_sign(self) -> bool:
        """Whether the log's signing key is at hand."""
        ...

    def sign(self, size: int) -> str | None:
        """The checkpoint of the tree at `size` entries signed now by the log's key (which
        must be at hand); None for a log without a key."""
        ...
