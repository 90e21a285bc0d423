"""The unit of work on SQL: reads of the projections, `record`, which appends an event, its
Merkle nodes and its projections in the one transaction, and `seal`, which stores the
signed checkpoint of the tree it leaves."""

from __future__ import annotations

import json
from collections.abc import Collection, Mapping
from collections.abc import Set as AbstractSet
from fractions import Fraction
from typing import TYPE_CHECKING, Any

from sqlalchemy import ColumnElement, Connection, and_, bindparam, func, or_, select

from soviet.domain import catalogue as c
from soviet.domain.charter.standing import founding_rules
from soviet.domain.events import Event, Recorded
from soviet.domain.model import Body, Member, Office, Procedure, Rules
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
from soviet.errors import ClockError, NotFound
from soviet.ledger.hashing import EMPTY_ROOT
from soviet.storage import log, merkle, projectors, proving
from soviet.storage import schema as t
from soviet.storage.database import lock_writers
from soviet.storage.keys import KeyFile
from soviet.storage.sets import Questions, StoredMapping, StoredSet
from soviet.storage.writes import Writes

if TYPE_CHECKING:
    from soviet.services.ports import Signer

_PREFIX: dict[IdKind, tuple[str, Any]] = {
    "election": ("E", t.elections),
    "mandate": ("M", t.mandates),
    "petition": ("P", t.petitions),
    "motion": ("R", t.motions),
}


#: The events that change the bodies or the offices the unit of work has read.
_CHARTER_EVENTS = frozenset(
    {"organization.founded", "charter.amended", "office.reapportioned", "body.dissolved"}
)


def body_from_row(row: Any) -> Body:
    return Body(
        row.id,
        row.name,
        row.kind,
        row.parent,
        row.apportion,
        row.council_seats,
        bool(row.weighted),
    )


def office_from_row(row: Any) -> Office:
    return Office(
        id=row.id,
        body=row.body,
        title=row.title,
        seats=row.seats,
        method=row.method,
        seat_in=row.seat_in,
        eligible=row.eligible,
        powers=frozenset(json.loads(row.powers)),
        term_days=row.term_days,
        voting_days=row.voting_days,
        recall_petition=Fraction(row.recall_petition),
        recall_immediate=Fraction(row.recall_immediate),
        recall_quorum=Fraction(row.recall_quorum),
        procedure=Procedure.from_json(json.loads(row.procedure) if row.procedure else None),
    )


def mandate_from_row(row: Any) -> MandateRecord:
    return MandateRecord(
        id=row.id,
        office=row.office,
        holder=row.holder,
        seat=row.seat,
        status=row.status,
        election=row.election,
        since=row.since,
        until=row.until,
    )


#: The reads of every signed act, built once: the actor's key, and a nonce's first use.
_KEY_OF = select(t.member_keys).where(t.member_keys.c.member == bindparam("member"))
_NONCE_SEQ = select(t.nonces.c.seq).where(
    t.nonces.c.member == bindparam("member"), t.nonces.c.nonce == bindparam("nonce")
)
#: The reads of every ballot, built once (building a statement costs more than SQLite's
#: answer): the election and its candidates, the voter's earlier ballot, the paper ones.
_ELECTION = select(t.elections).where(t.elections.c.id == bindparam("election"))
_CANDIDATES = (
    select(t.candidates.c.member, t.candidates.c.status)
    .where(t.candidates.c.election == bindparam("election"))
    .order_by(t.candidates.c.position)
)
_BALLOT_SEQ = select(t.ballots.c.seq).where(
    t.ballots.c.election == bindparam("election"), t.ballots.c.voter == bindparam("voter")
)
_PAPER_BALLOTS = (
    select(t.paper_ballots.c.count, t.paper_ballots.c.choice)
    .where(t.paper_ballots.c.election == bindparam("election"))
    .order_by(t.paper_ballots.c.position)
)
#: The bodies and offices that stand, one by its id or all in the charter's order.
_BODY = select(t.bodies).where(
    t.bodies.c.id == bindparam("value"), t.bodies.c.dissolved_at.is_(None)
)
_BODIES = select(t.bodies).where(t.bodies.c.dissolved_at.is_(None)).order_by(t.bodies.c.position)
_OFFICE = select(t.offices).where(
    t.offices.c.id == bindparam("value"), t.offices.c.dissolved_at.is_(None)
)
_OFFICES = (
    select(t.offices).where(t.offices.c.dissolved_at.is_(None)).order_by(t.offices.c.position)
)
_STANDING = select(t.offices).where(t.offices.c.dissolved_at.is_(None))
#: How an office's procedure, as its row holds it, says that a vote closes by itself.
AUTO_CLOSE = '"auto_close":true'
_EMPOWERED = (
    select(t.offices)
    .where(t.EMPOWERED, t.offices.c.dissolved_at.is_(None))
    .order_by(t.offices.c.position)
)
#: The stored sets, by what they hold.
_MEMBERS = Questions.of(t.members.c.id)
_ASSEMBLY = Questions.of(t.memberships.c.member, t.memberships.c.body == bindparam("body"))
_ROLL = Questions.of(t.rolls.c.member, t.rolls.c.election == bindparam("election"))
_VOTERS = Questions.of(t.ballots.c.voter, t.ballots.c.election == bindparam("election"))
_SIGNERS = Questions.of(t.signatures.c.member, t.signatures.c.petition == bindparam("petition"))
_RECALL_ROLL = Questions.of(
    t.recall_rolls.c.member, t.recall_rolls.c.petition == bindparam("petition")
)
_MOTION_ROLL = Questions.of(t.motion_rolls.c.member, t.motion_rolls.c.motion == bindparam("motion"))


class SqlProjections:
    """The projections at one instant, as the services read them: the reads of a unit of
    work, and by themselves what a read-only snapshot offers (the audit without
    `--schedule`). Checks the clock against the log's last event."""

    def __init__(self, conn: Connection, now: str) -> None:
        self._conn = conn
        self.size, last_at = log.last(conn)
        if last_at is not None and now < last_at:
            raise ClockError(
                f"the clock ({now}) is earlier than the log's last event ({last_at}); "
                "time in the log never goes backwards"
            )
        self._now = now
        self._bodies: StoredMapping[Body] | None = None
        self._offices: StoredMapping[Office] | None = None
        self._signed: bool | None = None
        #: The organization's origin and enrollment days, read once (until it changes).
        self._organization: tuple[str, int | None] | None = None

    @property
    def now(self) -> str:
        return self._now

    @property
    def conn(self) -> Connection:
        return self._conn

    # -- reading -------------------------------------------------------------------------

    def _one(self, query: Any) -> Any:
        return self.conn.execute(query).first()

    def is_founded(self) -> bool:
        return self._one(select(t.organization.c.id)) is not None

    def founders(self) -> tuple[str, ...]:
        row = self._one(select(t.organization.c.founders))
        return tuple(json.loads(row.founders)) if row else ()

    def signed(self) -> bool:
        if self._signed is None:
            row = self._one(select(t.organization.c.verifier_key))
            self._signed = row is not None and row.verifier_key is not None
        return self._signed

    def bodies(self) -> Mapping[str, Body]:
        if self._bodies is None:
            self._bodies = StoredMapping(self._connection, _BODY, _BODIES, body_from_row)
        return self._bodies

    def offices(self) -> Mapping[str, Office]:
        if self._offices is None:
            self._offices = StoredMapping(self._connection, _OFFICE, _OFFICES, office_from_row)
        return self._offices

    def offices_with(self, power: str) -> list[Office]:
        offices = (office_from_row(row) for row in self.conn.execute(_EMPOWERED))
        return [office for office in offices if power in office.powers]

    def offices_of(self, bodies: Collection[str], seating_in: Collection[str] = ()) -> list[Office]:
        of: ColumnElement[bool] = t.offices.c.body.in_(sorted(bodies))
        if seating_in:
            of = or_(of, t.offices.c.seat_in.in_(sorted(seating_in)))
        query = _STANDING.where(of).order_by(t.offices.c.position)
        return [office_from_row(row) for row in self.conn.execute(query)]

    def member(self, member_id: str) -> Member:
        row = self._one(select(t.members).where(t.members.c.id == member_id))
        if row is None:
            raise NotFound("member", member_id)
        bodies = self.conn.execute(
            select(t.memberships.c.body)
            .where(t.memberships.c.member == member_id)
            .order_by(t.memberships.c.body)
        ).scalars()
        return Member(row.id, row.name, tuple(bodies))

    def _connection(self) -> Connection:
        return self.conn

    def member_ids(self) -> AbstractSet[str]:
        return StoredSet(self._connection, _MEMBERS)

    def assembly_members(self, body: str) -> AbstractSet[str]:
        return StoredSet(self._connection, _ASSEMBLY, {"body": body})

    def seated(self, council: str) -> frozenset[str]:
        query = (
            select(t.mandates.c.holder)
            .join(t.offices, t.offices.c.id == t.mandates.c.office)
            .where(t.offices.c.seat_in == council, t.mandates.c.status == "active")
        )
        return frozenset(self.conn.execute(query).scalars())

    def active_mandates(
        self, office: str | None = None, holder: str | None = None
    ) -> list[MandateRecord]:
        query = select(t.mandates).where(t.mandates.c.status == "active")
        if office is not None:
            query = query.where(t.mandates.c.office == office)
        if holder is not None:
            query = query.where(t.mandates.c.holder == holder)
        rows = self.conn.execute(query.order_by(t.mandates.c.number))
        return [mandate_from_row(r) for r in rows]

    def terms_ended(self, now: str) -> list[MandateRecord]:
        rows = self.conn.execute(
            select(t.mandates)
            .where(
                t.mandates.c.status == "active",
                t.mandates.c.until.is_not(None),
                t.mandates.c.until <= now,
            )
            .order_by(t.mandates.c.number)
        )
        return [mandate_from_row(r) for r in rows]

    def mandate(self, mandate_id: str) -> MandateRecord:
        row = self._one(select(t.mandates).where(t.mandates.c.id == mandate_id))
        if row is None:
            raise NotFound("mandate", mandate_id)
        return mandate_from_row(row)

    def _election(self, row: Any) -> ElectionRecord:
        eid = row.id
        rows = self.conn.execute(_CANDIDATES, {"election": eid})
        names: dict[str, list[str]] = {"standing": [], "nominated": [], "withdrawn": []}
        for member, status in rows:
            names[status or "standing"].append(member)
        return ElectionRecord(
            id=eid,
            office=row.office,
            status=row.status,
            seats=row.seats,
            candidates=tuple(names["standing"]),
            roll=StoredSet(self._connection, _ROLL, {"election": eid}),
            voters=StoredSet(self._connection, _VOTERS, {"election": eid}),
            voting_ends=row.voting_ends,
            pending=tuple(names["nominated"]),
            withdrawn=tuple(names["withdrawn"]),
            kind=row.kind or ("regular" if row.cause is None else "by-election"),
            nominations_end=row.nominations_end,
            started_at=row.started_at,
            extended_by=row.extended_by,
        )

    def election(self, election_id: str) -> ElectionRecord:
        row = self.conn.execute(_ELECTION, {"election": election_id}).first()
        if row is None:
            raise NotFound("election", election_id)
        return self._election(row)

    def pending_election(self, office: str) -> ElectionRecord | None:
        row = self._one(
            select(t.elections).where(
                t.elections.c.office == office, t.elections.c.status != "closed"
            )
        )
        return None if row is None else self._election(row)

    def ballots(self, election_id: str) -> list[tuple[str, tuple[str, ...] | None]]:
        rows = self.conn.execute(
            select(t.ballots.c.voter, t.ballots.c.choice)
            .where(t.ballots.c.election == election_id)
            .order_by(t.ballots.c.seq)
        )
        # a few rankings recur across many ballots; "null" is an abstention
        choices: dict[str, tuple[str, ...] | None] = {"null": None}
        ballots = []
        for voter, text in rows:
            if text in choices:
                choice = choices[text]
            else:
                choice = choices[text] = tuple(json.loads(text))
            ballots.append((voter, choice))
        return ballots

    def paper_ballots(self, election_id: str) -> list[tuple[int, tuple[str, ...]]]:
        rows = self.conn.execute(_PAPER_BALLOTS, {"election": election_id})
        return [(int(count), tuple(json.loads(text))) for count, text in rows]

    def ballot_seq(self, election_id: str, voter: str) -> int | None:
        row = self.conn.execute(_BALLOT_SEQ, {"election": election_id, "voter": voter}).first()
        return None if row is None else int(row.seq)

    def recall_vote_seq(self, petition_id: str, voter: str) -> int | None:
        row = self._one(
            select(t.recall_ballots.c.seq).where(
                t.recall_ballots.c.petition == petition_id, t.recall_ballots.c.voter == voter
            )
        )
        return None if row is None else int(row.seq)

    def last_failed_recall(self, mandate_id: str) -> str | None:
        closed = self.conn.execute(
            select(func.max(t.petitions.c.closed_at)).where(
                t.petitions.c.mandate == mandate_id,
                t.petitions.c.status == "failed",
                t.petitions.c.result.is_not(None),
            )
        ).scalar()
        return None if closed is None else str(closed)

    def pending_elections(self, due_by: str | None = None) -> list[ElectionRecord]:
        e = t.elections.c
        which: ColumnElement[bool]
        if due_by is None:
            which = e.status != "closed"
        else:  # each arm served by its index (status, end)
            standing = select(t.candidates.c.election).where(
                t.candidates.c.election == e.id,
                or_(t.candidates.c.status.is_(None), t.candidates.c.status == "standing"),
            )
            # A vote that ended is due only where its office closes a vote by itself: the
            # procedure's JSON (sorted keys, no spaces) says `"auto_close":true`. Asked as
            # a scalar subquery, so that each election's office is looked up by its key
            # (PostgreSQL would hash a semi-join over every office).
            procedure = (
                select(t.offices.c.procedure).where(t.offices.c.id == e.office).scalar_subquery()
            )
            which = or_(
                and_(e.status == "nominating", e.nominations_end <= due_by, standing.exists()),
                and_(
                    e.status.in_(("voting", "tallying")),
                    e.voting_ends <= due_by,
                    procedure.contains(AUTO_CLOSE, autoescape=True),
                ),
            )
        rows = self.conn.execute(select(t.elections).where(which).order_by(e.number)).all()
        return [self._election(row) for row in rows]

    def live_petitions(self, due_by: str | None = None) -> list[PetitionRecord]:
        p = t.petitions.c
        which: ColumnElement[bool]
        if due_by is None:
            which = p.status.in_(("open", "voting", "tallying"))
        else:
            which = or_(
                and_(p.status == "open", p.expires <= due_by),
                and_(p.status == "voting", p.voting_ends <= due_by),
            )
        rows = self.conn.execute(select(t.petitions).where(which).order_by(p.number)).all()
        return [self._petition(row) for row in rows]

    def _petition(self, row: Any) -> PetitionRecord:
        pid = row.id
        votes = self.conn.execute(
            select(t.recall_ballots.c.voter, t.recall_ballots.c.vote).where(
                t.recall_ballots.c.petition == pid
            )
        )
        return PetitionRecord(
            id=pid,
            mandate=row.mandate,
            status=row.status,
            signers=StoredSet(self._connection, _SIGNERS, {"petition": pid}),
            roll=StoredSet(self._connection, _RECALL_ROLL, {"petition": pid}),
            votes={v.voter: v.vote for v in votes},
            voting_ends=row.voting_ends,
            expires=row.expires,
        )

    def petition(self, petition_id: str) -> PetitionRecord:
        row = self._one(select(t.petitions).where(t.petitions.c.id == petition_id))
        if row is None:
            raise NotFound("petition", petition_id)
        return self._petition(row)

    # -- members' keys -----------------------------------------------------------------

    def _organization_keys(self) -> tuple[str, int | None]:
        if self._organization is None:
            o = t.organization.c
            row = self._one(select(o.origin, o.enrollment_days))
            if row is None:
                return "", None  # not founded yet: nothing to keep
            days = None if row.enrollment_days is None else int(row.enrollment_days)
            self._organization = (str(row.origin), days)
        return self._organization

    def origin(self) -> str:
        return self._organization_keys()[0]

    def enrollment_days(self) -> int | None:
        return self._organization_keys()[1]

    def key_of(self, member: str) -> KeyRecord | None:
        row = self.conn.execute(_KEY_OF, {"member": member}).first()
        return None if row is None else KeyRecord(member, row.key, row.public_key, row.seq)

    def code_of(self, member: str) -> CodeRecord | None:
        c = t.enrollment_codes.c
        row = self._one(select(t.enrollment_codes).where(c.member == member))
        return None if row is None else CodeRecord(member, row.hash, row.expires, row.seq)

    def nonce_seq(self, member: str, nonce: str) -> int | None:
        row = self.conn.execute(_NONCE_SEQ, {"member": member, "nonce": nonce}).first()
        return None if row is None else int(row.seq)

    def live_petition(self, mandate_id: str) -> PetitionRecord | None:
        row = self._one(
            select(t.petitions).where(
                t.petitions.c.mandate == mandate_id,
                t.petitions.c.status.in_(("open", "voting", "tallying")),
            )
        )
        return None if row is None else self._petition(row)

    # -- motions ---------------------------------------------------------------------------

    def name(self) -> str:
        row = self._one(select(t.organization.c.name))
        return "" if row is None else str(row.name)

    def rules(self) -> Rules:
        row = self._one(select(t.organization.c.rules))
        return Rules() if row is None else founding_rules(json.loads(row.rules))

    def motion(self, motion_id: str) -> MotionRecord:
        row = self._one(select(t.motions).where(t.motions.c.id == motion_id))
        if row is None:
            raise NotFound("motion", motion_id)
        votes = self.conn.execute(
            select(t.motion_votes.c.voter, t.motion_votes.c.vote).where(
                t.motion_votes.c.motion == motion_id
            )
        )
        given = self.conn.execute(
            select(t.instructions.c.body, t.instructions.c.instruction).where(
                t.instructions.c.motion == motion_id
            )
        )
        return MotionRecord(
            id=row.id,
            body=row.body,
            kind=row.kind,
            title=row.title,
            text=row.text,
            proposer=row.proposer,
            status=row.status,
            seconder=row.seconder,
            referred=bool(row.referred),
            roll=StoredSet(self._connection, _MOTION_ROLL, {"motion": motion_id}),
            votes={voter: vote for voter, vote in votes},
            voting_ends=row.voting_ends,
            instructs=row.instructs,
            instruction=row.instruction,
            instructions={body: instruction for body, instruction in given},
            charter=row.charter,
        )

    def breaches(self) -> list[BreachRecord]:
        b = t.breaches.c
        rows = self.conn.execute(select(t.breaches).order_by(b.seq))
        return [
            BreachRecord(r.motion, r.member, r.mandate, r.body, r.instruction, r.vote, r.on_breach)
            for r in rows
        ]

    def secret_rows(self, subject: str) -> list[SecretRow]:
        r = t.secret_rows.c
        rows = self.conn.execute(
            select(r.seq, r.at, r.actor, r.type, r.data).where(r.subject == subject).order_by(r.seq)
        )
        return [SecretRow(r.seq, r.at, r.actor, c.decode(r.type, json.loads(r.data))) for r in rows]

    def decisions(self, body: str) -> int:
        count = self.conn.execute(
            select(func.count())
            .select_from(t.motions)
            .where(t.motions.c.body == body, t.motions.c.decision.is_not(None))
        ).scalar()
        return int(count or 0)


class SqlWorkspace(SqlProjections):
    """One unit of work: begins with the writers' lock, checks the clock, and holds the
    events recorded so far so their Merkle nodes are written before the commit. Their
    rows and projection rows are held back too (`Writes`) and sent before any read.
    `clock` is the marker its events carry when `now` is a set clock (SOVIET_NOW)."""

    def __init__(
        self,
        conn: Connection,
        now: str,
        keys: KeyFile | None = None,
        clock: str | None = None,
        signer: Signer | None = None,
    ) -> None:
        self.signer = signer
        self._writes = Writes(conn)
        self._keys = keys
        self._clock = clock
        lock_writers(conn)  # before the tail is read: no other writer moves it now
        super().__init__(conn, now)
        self._start = self.size
        self._pending: list[bytes] = []
        self.recorded: list[Recorded] = []
        self.nothing_due: int | None = None

    @property
    def conn(self) -> Connection:
        """The connection, every write held back sent: what a read sees is up to date."""
        self._writes.flush()
        return self._conn

    def record(self, event: Event) -> Recorded:
        seq = self.next_seq()
        row, recorded = log.row_for(seq, self._now, event, self._clock)
        self._writes.insert(t.events, row)
        self._pending.append(row["leaf"])
        projectors.project(self._writes, recorded)
        self.recorded.append(recorded)
        if event.type in _CHARTER_EVENTS:
            self._bodies = self._offices = None
            self._signed = None
        if event.type in ("organization.founded", "organization.keys_adopted"):
            self._organization = None
        return recorded

    def flush(self) -> None:
        """Send the writes held back and write the Merkle nodes of the events recorded so
        far."""
        self._writes.flush()
        if self._pending:
            merkle.append_leaves(self._conn, self.size, self._pending)
            self.size += len(self._pending)
            self._pending = []

    def release(self) -> None:
        self.flush()
        self.recorded = []
        self.nothing_due = None

    def seal(self) -> None:
        """Send everything held back and store the signed checkpoint of the tree as this
        unit of work leaves it, in its transaction, so the latest stored checkpoint signs
        every event. A unit of work that grew a signed log needs the log's key; one that
        recorded nothing signs only what an older schema left unsigned, and only when the
        key is at hand."""
        grew = bool(self._pending) or self.size > self._start
        self.flush()
        if not grew:  # every stored checkpoint is of a size the log had when this began
            if self._keys is None or not self._keys.exists():
                return
            latest = proving.latest_stored(self._conn)
            if latest is not None and latest[0] >= self.size:
                return
        proving.store(self._conn, self.size, self._keys)

    def root_hash(self) -> bytes:
        self.flush()
        return merkle.root(self.conn, self.size) if self.size else EMPTY_ROOT

    def checkpoint(self) -> str | None:
        """The signed checkpoint of the tree as it stands in this unit of work, or None for
        a log founded without a key."""
        self.flush()
        return proving.signed_checkpoint(self.conn, self.size, self._keys)

    def next_seq(self) -> int:
        return self.size + len(self._pending) + 1

    def next_id(self, kind: IdKind) -> str:
        prefix, table = _PREFIX[kind]
        highest = self.conn.execute(select(func.max(table.c.number))).scalar()
        return f"{prefix}{(highest or 0) + 1}"
