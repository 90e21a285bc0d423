"""The part of `MemoryState` that holds motions and decisions: each motion as it stands,
its roll and its roll-call votes, the instructions adopted on it, and how many decisions
each body has adopted.

Its handlers are journalled like the rest of the state (`soviet.domain._journal`).
"""

from __future__ import annotations

from collections.abc import Set as AbstractSet

from soviet.domain import catalogue as c
from soviet.domain._journal import Journalled
from soviet.domain.events import Recorded
from soviet.domain.model import Rules
from soviet.domain.records import MotionRecord
from soviet.errors import NotFound


class MotionRow:
    """A motion as the state keeps it: mutable, its record made when read."""

    __slots__ = (
        "body",
        "charter",
        "id",
        "instruction",
        "instructions",
        "instructs",
        "kind",
        "proposer",
        "referred",
        "roll",
        "seconder",
        "status",
        "text",
        "title",
        "votes",
        "voting_ends",
    )

    def __init__(self, e: Recorded, p: c.MotionProposed) -> None:
        assert e.actor is not None, "a motion is proposed by a member"
        self.id = p.motion
        self.body = p.body
        self.kind: str = p.kind
        self.title = p.title
        self.text = p.text
        self.proposer = e.actor
        self.status = "proposed"
        self.seconder: str | None = None
        self.referred = False
        self.roll: AbstractSet[str] = frozenset()
        self.votes: dict[str, str] = {}
        self.voting_ends: str | None = None
        self.instructs = p.instructs
        self.instruction: str | None = p.instruction
        self.instructions: dict[str, str] = {}
        self.charter = p.charter

    def record(self) -> MotionRecord:
        return MotionRecord(
            self.id,
            self.body,
            self.kind,
            self.title,
            self.text,
            self.proposer,
            self.status,
            self.seconder,
            self.referred,
            self.roll,
            self.votes,
            self.voting_ends,
            self.instructs,
            self.instruction,
            self.instructions,
            self.charter,
        )


class MotionState(Journalled):
    """Motions and decisions, advanced by the events that change them."""

    def __init__(self) -> None:
        super().__init__()
        self._name = ""
        self._rules = Rules()
        self._motions: dict[str, MotionRow] = {}
        self._decisions: dict[str, int] = {}  # body -> decisions adopted

    def _electorate_now(self, body: str) -> AbstractSet[str]:
        """The body's electorate as it is now (the state that holds members says)."""
        raise NotImplementedError

    def _count_motion(self, ident: str) -> None:
        """Note a motion's id, so that the next one gets the number after it."""
        raise NotImplementedError

    def _note_secret(self, e: Recorded, p: c.Payload) -> None:
        """Keep the event among the rows of its secret vote (`SecretState`)."""
        raise NotImplementedError

    # -- applying --------------------------------------------------------------------------

    def _motion_proposed(self, e: Recorded, p: c.MotionProposed) -> None:
        self._put(self._motions, p.motion, MotionRow(e, p))
        self._count_motion(p.motion)

    def _motion_seconded(self, e: Recorded, p: c.MotionSeconded) -> None:
        row = self._motions[p.motion]
        self._set_attr(row, "status", "seconded")
        self._set_attr(row, "seconder", e.actor)

    def _motion_referred(self, e: Recorded, p: c.MotionReferred) -> None:
        self._set_attr(self._motions[p.motion], "referred", True)

    def _motion_started(self, e: Recorded, p: c.MotionStarted) -> None:
        row = self._motions[p.motion]
        self._set_attr(row, "status", "voting")
        self._set_attr(row, "voting_ends", p.voting_ends)
        self._set_attr(row, "roll", frozenset(self._electorate_now(row.body)))
        if p.secret is not None:
            self._note_secret(e, p)

    def _motion_vote(self, e: Recorded, p: c.MotionVoteCast) -> None:
        assert e.actor is not None, "a vote on a motion is cast by a member"
        if p.sealed is not None:
            self._note_secret(e, p)
        self._put(self._motions[p.motion].votes, e.actor, p.vote)

    def _motion_closed(self, e: Recorded, p: c.MotionClosed) -> None:
        if p.cause is not None:
            self._note_secret(e, p)  # a secret vote's, once decrypted
        self._set_attr(self._motions[p.motion], "status", p.outcome)

    def _decision_adopted(self, e: Recorded, p: c.DecisionAdopted) -> None:
        self._put(self._decisions, p.body, self._decisions.get(p.body, 0) + 1)
        if p.instructs is not None and p.instruction is not None:
            council_motion = self._motions.get(p.instructs)
            if council_motion is not None:
                self._put(council_motion.instructions, p.body, p.instruction)

    # -- reading ---------------------------------------------------------------------------

    def name(self) -> str:
        return self._name

    def rules(self) -> Rules:
        return self._rules

    def motion(self, motion_id: str) -> MotionRecord:
        row = self._motions.get(motion_id)
        if row is None:
            raise NotFound("motion", motion_id)
        return row.record()

    def decisions(self, body: str) -> int:
        return self._decisions.get(body, 0)

    def motions(self) -> list[MotionRecord]:
        """Every motion, in the order proposed."""
        return [row.record() for row in self._motions.values()]
