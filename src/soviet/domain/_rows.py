"""The elections and petitions of `MemoryState`, kept mutable so that a ballot, a
signature or a vote changes one set, and read as the records the rules take.

A row keeps the record it last gave and gives it again while the fields it copies are
unchanged: its sets are shared, so a ballot or a signature leaves it current, and every
act on an election or a petition reads its record first."""

from __future__ import annotations

from soviet.domain.records import ElectionRecord, PetitionRecord


class ElectionRow:
    """An election as the state keeps it: mutable, its record made when read."""

    __slots__ = (
        "_record",
        "ballots",
        "candidates",
        "id",
        "office",
        "roll",
        "seats",
        "status",
        "voters",
        "voting_ends",
    )

    def __init__(self, ident: str, office: str, seats: int) -> None:
        self.id = ident
        self.office = office
        self.status = "nominating"
        self.seats = seats
        self.candidates: list[str] = []
        self.roll: set[str] = set()
        self.voters: set[str] = set()
        self.ballots: list[tuple[str, tuple[str, ...]]] = []
        self.voting_ends: str | None = None
        self._record: ElectionRecord | None = None

    def record(self) -> ElectionRecord:
        r = self._record
        if (
            r is None
            or r.status != self.status
            or r.seats != self.seats
            or len(r.candidates) != len(self.candidates)  # only ever appended or popped
            or r.roll is not self.roll
            or r.voting_ends != self.voting_ends
        ):
            r = self._record = ElectionRecord(
                self.id,
                self.office,
                self.status,
                self.seats,
                tuple(self.candidates),
                self.roll,
                self.voters,
                self.voting_ends,
            )
        return r


class PetitionRow:
    """A petition as the state keeps it: mutable, its record made when read."""

    __slots__ = ("_record", "id", "mandate", "roll", "signers", "status", "votes", "voting_ends")

    def __init__(self, ident: str, mandate: str) -> None:
        self.id = ident
        self.mandate = mandate
        self.status = "open"
        self.signers: set[str] = set()
        self.roll: set[str] = set()
        self.votes: dict[str, str] = {}
        self.voting_ends: str | None = None
        self._record: PetitionRecord | None = None

    def record(self) -> PetitionRecord:
        r = self._record
        if (
            r is None
            or r.status != self.status
            or r.roll is not self.roll
            or r.voting_ends != self.voting_ends
        ):
            r = self._record = PetitionRecord(
                self.id,
                self.mandate,
                self.status,
                self.signers,
                self.roll,
                self.votes,
                self.voting_ends,
            )
        return r
