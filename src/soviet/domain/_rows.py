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
        "extended_by",
        "id",
        "kind",
        "nominations_end",
        "office",
        "paper",
        "pending",
        "roll",
        "seats",
        "seqs",
        "started_at",
        "status",
        "voting_ends",
        "withdrawn",
    )

    def __init__(
        self, ident: str, office: str, seats: int, kind: str, nominations_end: str | None
    ) -> None:
        self.id = ident
        self.office = office
        self.status = "nominating"
        self.seats = seats
        self.kind = kind
        self.nominations_end = nominations_end
        self.candidates: list[str] = []
        self.pending: list[str] = []
        self.withdrawn: list[str] = []
        self.roll: set[str] = set()
        #: Each voter's latest ballot (None: an abstention), and the seq that cast it.
        self.ballots: dict[str, tuple[str, ...] | None] = {}
        self.seqs: dict[str, int] = {}
        #: The paper ballots the tellers imported: (how many, choice).
        self.paper: tuple[tuple[int, tuple[str, ...]], ...] = ()
        self.voting_ends: str | None = None
        self.started_at: str | None = None
        self.extended_by: str | None = None
        self._record: ElectionRecord | None = None

    def record(self) -> ElectionRecord:
        r = self._record
        if (
            r is None
            or r.status != self.status
            or r.seats != self.seats
            # only ever appended or popped
            or len(r.candidates) != len(self.candidates)
            or len(r.pending) != len(self.pending)
            or len(r.withdrawn) != len(self.withdrawn)
            or r.roll is not self.roll
            or r.voting_ends != self.voting_ends
            or r.extended_by != self.extended_by
        ):
            r = self._record = ElectionRecord(
                self.id,
                self.office,
                self.status,
                self.seats,
                tuple(self.candidates),
                self.roll,
                self.ballots.keys(),
                self.voting_ends,
                tuple(self.pending),
                tuple(self.withdrawn),
                self.kind,
                self.nominations_end,
                self.started_at,
                self.extended_by,
            )
        return r


class PetitionRow:
    """A petition as the state keeps it: mutable, its record made when read."""

    __slots__ = (
        "_record",
        "expires",
        "id",
        "mandate",
        "roll",
        "seqs",
        "signers",
        "status",
        "votes",
        "voting_ends",
    )

    def __init__(self, ident: str, mandate: str, expires: str | None) -> None:
        self.id = ident
        self.mandate = mandate
        self.expires = expires
        self.seqs: dict[str, int] = {}  # the seq of each voter's latest recall vote
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
                self.expires,
            )
        return r
