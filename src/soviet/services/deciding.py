"""Taking an act: check its signature, load the state, decide, record.

`take(ws, command)` runs the decider (`soviet.domain.decider`) on the unit of work itself:
`Recording` is the decider's trial over the projections, and every event the decider
derives — the act's own and each consequence, in order — is recorded as it is derived,
so the next rule reads the projections as that event left them. An act the rules refuse
raises before its first event; anything that fails later ends the unit of work, which
then writes nothing. What the decider leaves to its caller is done here: the lot's seed
(the log's root before a close) and the signature of a logged checkpoint.

A member's act comes in as a statement the member signed (`Signed`), or as a command
that the unit of work's `signer` — the member's own side, holding their key — signs.
Either way the statement is checked in the unit of work (`soviet.domain.signatures`):
its origin, its expiry, its nonce, and its signature under the key the actor holds at
this point of the log. The act's own event stores the statement and its signature. Only
in a log founded before members held keys (and not upgraded since) are acts unsigned.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from collections.abc import Set as AbstractSet
from contextlib import AbstractContextManager

from soviet.domain import catalogue as c
from soviet.domain import commands as cmd
from soviet.domain import due, signatures
from soviet.domain.decider import UNSIGNED, derive
from soviet.domain.events import Event, Recorded
from soviet.domain.model import Body, Member, Office, Rules
from soviet.domain.records import (
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
from soviet.errors import InputError, NotFound, Refused
from soviet.services.ports import Signer, Workspace


class Recording:
    """The unit of work as the decider's state and trial: reads are the projections as
    the unit of work has left them, and `stage` records the derived event."""

    def __init__(self, ws: Workspace) -> None:
        self._ws = ws
        self._size = ws.next_seq() - 1
        #: The events recorded, in order.
        self.recorded: list[Recorded] = []
        #: The signed statement the next event recorded stores: the act's own.
        self.statement: Signed | None = None

    # -- the trial -------------------------------------------------------------------------

    def stage(self, event: Recorded, payload: c.Payload) -> None:
        """Record the derived event; a logged checkpoint is signed now, of the tree of
        every event before it."""
        signed = None
        if self.statement is not None:
            signed, self.statement = self.statement.to_json(), None
        derived = Event(event.type, event.actor, event.data, signed)
        if isinstance(payload, c.CheckpointLogged) and payload.checkpoint == UNSIGNED:
            note = self._ws.checkpoint()
            assert note is not None, "only a log with a key logs checkpoints"
            derived = Event(event.type, None, {"checkpoint": note, "cause": payload.cause})
        recorded = self._ws.record(derived)
        assert recorded.seq == event.seq, "the decider numbers events as the log does"
        self._size = recorded.seq
        self.recorded.append(recorded)

    def trial(self) -> AbstractContextManager[Recording]:
        """Not offered: the unit of work is already the trial, and ends as a whole."""
        raise TypeError("a unit of work records what is decided: use `derive`, not `decide`")

    # -- the state -------------------------------------------------------------------------

    @property
    def size(self) -> int:
        return self._size

    @property
    def signed(self) -> bool:
        return self._ws.signed()

    def founders(self) -> tuple[str, ...]:
        return self._ws.founders()

    def bodies(self) -> Mapping[str, Body]:
        return self._ws.bodies()

    def offices(self) -> Mapping[str, Office]:
        return self._ws.offices()

    def offices_with(self, power: str) -> list[Office]:
        return self._ws.offices_with(power)

    def offices_of(self, bodies: Collection[str], seating_in: Collection[str] = ()) -> list[Office]:
        return self._ws.offices_of(bodies, seating_in)

    def member(self, member_id: str) -> Member:
        return self._ws.member(member_id)

    def member_ids(self) -> AbstractSet[str]:
        return self._ws.member_ids()

    def assembly_members(self, body: str) -> AbstractSet[str]:
        return self._ws.assembly_members(body)

    def seated(self, council: str) -> AbstractSet[str]:
        return self._ws.seated(council)

    def active_mandates(
        self, office: str | None = None, holder: str | None = None
    ) -> list[MandateRecord]:
        return self._ws.active_mandates(office, holder)

    def mandate(self, mandate_id: str) -> MandateRecord:
        return self._ws.mandate(mandate_id)

    def terms_ended(self, now: str) -> list[MandateRecord]:
        return self._ws.terms_ended(now)

    def election(self, election_id: str) -> ElectionRecord:
        return self._ws.election(election_id)

    def pending_election(self, office: str) -> ElectionRecord | None:
        return self._ws.pending_election(office)

    def ballots(self, election_id: str) -> Sequence[tuple[str, tuple[str, ...] | None]]:
        return self._ws.ballots(election_id)

    def paper_ballots(self, election_id: str) -> Sequence[tuple[int, tuple[str, ...]]]:
        return self._ws.paper_ballots(election_id)

    def ballot_seq(self, election_id: str, voter: str) -> int | None:
        return self._ws.ballot_seq(election_id, voter)

    def recall_vote_seq(self, petition_id: str, voter: str) -> int | None:
        return self._ws.recall_vote_seq(petition_id, voter)

    def last_failed_recall(self, mandate_id: str) -> str | None:
        return self._ws.last_failed_recall(mandate_id)

    def pending_elections(self, due_by: str | None = None) -> list[ElectionRecord]:
        return self._ws.pending_elections(due_by)

    def live_petitions(self, due_by: str | None = None) -> list[PetitionRecord]:
        return self._ws.live_petitions(due_by)

    def petition(self, petition_id: str) -> PetitionRecord:
        return self._ws.petition(petition_id)

    def live_petition(self, mandate_id: str) -> PetitionRecord | None:
        return self._ws.live_petition(mandate_id)

    def next_id(self, kind: IdKind) -> str:
        return self._ws.next_id(kind)

    def origin(self) -> str:
        return self._ws.origin()

    def enrollment_days(self) -> int | None:
        return self._ws.enrollment_days()

    def key_of(self, member: str) -> KeyRecord | None:
        return self._ws.key_of(member)

    def code_of(self, member: str) -> CodeRecord | None:
        return self._ws.code_of(member)

    def nonce_seq(self, member: str, nonce: str) -> int | None:
        return self._ws.nonce_seq(member, nonce)

    def name(self) -> str:
        return self._ws.name()

    def rules(self) -> Rules:
        return self._ws.rules()

    def motion(self, motion_id: str) -> MotionRecord:
        return self._ws.motion(motion_id)

    def decisions(self, body: str) -> int:
        return self._ws.decisions(body)

    def secret_rows(self, subject: str) -> Sequence[SecretRow]:
        return self._ws.secret_rows(subject)


def take(ws: Workspace, act: cmd.Command | Signed) -> list[Recorded]:
    """Decide an act on the unit of work's state and record its events and every
    consequence; Refused, NotFound or InputError, recording nothing, if its signature or
    the rules do not allow it. A member's act is a signed statement, or a command the unit
    of work's signer signs."""
    recording = Recording(ws)
    # First what the clock has made due, as nobody's act; then the act itself.
    if not _nothing_due(ws):
        derive(recording, cmd.ApplyDue(), ws.now)
        if not recording.recorded:
            ws.nothing_due = len(ws.recorded)
    own = len(recording.recorded)  # the act's own events follow what was due
    signed = act if isinstance(act, Signed) else _signed(ws, act)
    if signed is not None:
        command = signatures.check(recording, signed, ws.now)
        recording.statement = signed
    else:
        assert not isinstance(act, Signed)
        command = act
    # A close in a log founded before fair lots draws its lots from the log's root.
    seed = ws.root_hash() if isinstance(command, cmd.CloseElection) else b""
    derive(recording, command, ws.now, seed=seed)
    if recording.statement is not None:  # pragma: no cover - every act records an event
        raise AssertionError("a signed act recorded no event")
    return recording.recorded[own:]


def _nothing_due(ws: Workspace) -> bool:
    """Whether the clock still makes nothing due: it was found so in this unit of work,
    whose instant is one, and every event recorded since is quiet (`due.QUIET`). Many acts
    taken together (the server's group commit) so ask once, not once each."""
    if ws.nothing_due is None:
        return False
    if any(event.type not in due.QUIET for event in ws.recorded[ws.nothing_due :]):
        return False
    ws.nothing_due = len(ws.recorded)
    return True


def _signed(ws: Workspace, command: cmd.Command) -> Signed | None:
    """The statement of a member's act, signed by the unit of work's signer; None for an
    act nobody takes (what the clock made due, the purge) or in a log whose acts are not
    signed. Refused for a member's act without a signer."""
    actor = getattr(command, "actor", None)
    if actor is None or ws.enrollment_days() is None:
        return None
    signer: Signer | None = ws.signer
    try:
        if signer is None:
            raise Refused(
                f"an act must be signed by its actor, {actor!r}: nobody holds their key here "
                "(the CLI signs with --as MEMBER from the key folder, or --key FILE)"
            )
        return signer.sign(command, ws.origin(), ws.now)
    except (Refused, InputError):
        if actor not in ws.member_ids():  # a mistyped --as is named so, with the nearest id
            raise NotFound("member", actor) from None
        raise


def act(ws: Workspace, command: cmd.Command | Signed) -> Recorded:
    """`take`, returning the act's own event (the first it records)."""
    return take(ws, command)[0]
