"""Random sequences of acts on a small federation keep the rules of DESIGN.md.

A hypothesis state machine founds a federation (two or three assemblies that send
deputies to one council, which elects a chair and a two-seat committee; sometimes with a
holder imported from before the charter), then mixes every act — elections, ballots,
recall, leaving and joining, the purge, the clock — valid and invalid. After every step
it checks what must always hold; at the end of each example it replays the log into an
empty database and compares every projection.
"""

from __future__ import annotations

import itertools
import secrets
from collections import Counter
from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import timedelta
from fractions import Fraction
from functools import partial
from typing import Any, ClassVar

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)
from sqlalchemy import Connection, select
from sqlalchemy.exc import DBAPIError

from integration.conftest import (
    STEPWISE,
    Databases,
    Organization,
    assert_replay_identical,
    office,
    server_url,
)
from integration.signed import verify
from soviet import codes_file
from soviet.domain import commands as cmd
from soviet.domain import enrollment, statements, votes
from soviet.domain import events as ev
from soviet.domain.audit import is_live, open_seats
from soviet.domain.clock import format_instant
from soviet.domain.model import Body, Charter, Holding, Member, Office, Rules
from soviet.domain.records import ElectionRecord, MandateRecord, PetitionRecord
from soviet.domain.signatures import SignatureRefused
from soviet.errors import NotFound, Refused
from soviet.keyring import enrollment_of
from soviet.services import audit, elections, keys, members, recall
from soviet.services.deciding import take
from soviet.storage import log, merkle
from soviet.storage import schema as t
from soviet.storage.workspace import SqlWorkspace, mandate_from_row

# Each act is a round trip per statement on a server: PostgreSQL runs fewer examples,
# to keep the suite's time in bounds on two cores.
SETTINGS = settings(
    max_examples=25 if server_url() else 30,
    stateful_step_count=30,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
RULES = Rules(term_days=20, voting_days=3, procedure=STEPWISE)
COUNCIL = "soviet"
SINGLE_SEAT = ("irv", "plurality", "approval", "schulze", "ranked-pairs")
MULTI_SEAT = ("stv", "meek", "plurality", "approval", "schulze")
ENDINGS = frozenset(ev.MANDATE_ENDINGS)


# -- the federation ------------------------------------------------------------------------


@dataclass(frozen=True)
class Shape:
    """What varies between the federations the machine founds."""

    assemblies: tuple[tuple[int, int, str], ...]  # (members, deputy seats, method)
    chair_method: str
    committee_method: str
    committee_open_to_members: bool
    shared_member: bool  # a1-1 also belongs to a2
    imported: int  # 0: nobody; 1: a deputy of a1; 2: that deputy also chairs the council
    recall_immediate: Fraction
    holdover: bool = False  # a term that ended is held until the successor's close


def _assembly() -> st.SearchStrategy[tuple[int, int, str]]:
    return st.integers(5, 8).flatmap(
        lambda size: st.sampled_from((1, 2)).flatmap(
            lambda seats: st.tuples(
                st.just(size),
                st.just(seats),
                st.sampled_from(SINGLE_SEAT if seats == 1 else MULTI_SEAT),
            )
        )
    )


shapes = st.builds(
    Shape,
    assemblies=st.lists(_assembly(), min_size=2, max_size=3).map(tuple),
    chair_method=st.sampled_from(SINGLE_SEAT),
    committee_method=st.sampled_from(MULTI_SEAT),
    committee_open_to_members=st.booleans(),
    shared_member=st.booleans(),
    imported=st.sampled_from((0, 1, 2)),
    recall_immediate=st.sampled_from((Fraction(1, 2), Fraction(2, 3))),
    holdover=st.booleans(),
)


def charter_of(shape: Shape) -> Charter:
    rules = Rules(
        term_days=RULES.term_days,
        voting_days=RULES.voting_days,
        recall_immediate=shape.recall_immediate,
        procedure=replace(RULES.procedure, holdover=shape.holdover),
    )
    bodies = [Body(COUNCIL, "The Soviet", "council")]
    offices: list[Office] = []
    people: list[Member] = []
    for number, (size, seats, method) in enumerate(shape.assemblies, start=1):
        ident = f"a{number}"
        bodies.append(Body(ident, f"Assembly {number}", "assembly", COUNCIL))
        offices.append(
            office(f"{ident}.deputy", ident, seats, method, seat_in=COUNCIL, rules=rules)
        )
        for i in range(1, size + 1):
            both = shape.shared_member and ident == "a1" and i == 1
            people.append(
                Member(f"{ident}-{i}", f"{ident}-{i}", ("a1", "a2") if both else (ident,))
            )
    offices.append(office(f"{COUNCIL}.chair", COUNCIL, 1, shape.chair_method, rules=rules))
    offices.append(
        office(
            f"{COUNCIL}.committee",
            COUNCIL,
            2,
            shape.committee_method,
            rules=rules,
            eligible="members" if shape.committee_open_to_members else "electorate",
        )
    )
    holdings = []
    if shape.imported >= 1:
        holdings.append(Holding("a1.deputy", "a1-2"))
    if shape.imported == 2:
        holdings.append(Holding(f"{COUNCIL}.chair", "a1-2"))
    return Charter(
        name="Random Federation",
        origin="councils.example.org/random",
        rules=rules,
        bodies=tuple(bodies),
        offices=tuple(offices),
        members=tuple(people),
        founders=("a1-1", "a2-1"),
        holdings=tuple(holdings),
    )


# -- what the machine reads before each step -------------------------------------------------


@dataclass(frozen=True)
class View:
    """The state as the handlers see it."""

    now: str
    offices: dict[str, Office]
    members: tuple[str, ...]
    assemblies: tuple[str, ...]
    bodies_of: dict[str, tuple[str, ...]]
    electorate: dict[str, frozenset[str]]
    eligible: dict[str, frozenset[str]]
    seated: frozenset[str]
    open_seats: dict[str, list[int]]
    live_holders: dict[str, frozenset[str]]
    elections: tuple[ElectionRecord, ...]
    mandates: tuple[MandateRecord, ...]
    petitions: tuple[PetitionRecord, ...]

    def candidates_for(self, election: ElectionRecord) -> frozenset[str]:
        """Who may still be nominated in an election."""
        return (
            self.eligible[election.office]
            - set(election.candidates)
            - set(election.pending)
            - set(election.withdrawn)  # who withdrew does not stand again
            - self.live_holders[election.office]
        )

    def election(self, status: str) -> list[ElectionRecord]:
        return [e for e in self.elections if e.status == status]

    def active(self) -> list[MandateRecord]:
        return [m for m in self.mandates if m.active]

    def live_petitions(self, status: str | None = None) -> list[PetitionRecord]:
        wanted = (status,) if status else ("open", "voting")
        return [p for p in self.petitions if p.status in wanted]

    def mandate(self, ident: str) -> MandateRecord:
        return next(m for m in self.mandates if m.id == ident)


def read_view(ws: SqlWorkspace) -> View:
    """Everything the machine draws from and checks, in a few queries. Electorates are
    worked out here from memberships and mandates, as DESIGN.md defines them."""
    conn = ws.conn
    offices = dict(ws.offices())
    ids = sorted(ws.member_ids())
    memberships = [(r.member, r.body) for r in conn.execute(select(t.memberships))]
    mandates = tuple(
        mandate_from_row(row)
        for row in conn.execute(select(t.mandates).order_by(t.mandates.c.number))
    )
    deputies = frozenset(
        m.holder for m in mandates if m.active and offices[m.office].seat_in == COUNCIL
    )
    electorate = {
        o.id: deputies
        if o.body == COUNCIL
        else frozenset(m for m, body in memberships if body == o.body)
        for o in offices.values()
    }
    eligible = {
        o.id: frozenset(ids) if o.eligible == "members" else electorate[o.id]
        for o in offices.values()
    }
    active = {o: [m for m in mandates if m.active and m.office == o] for o in offices}
    return View(
        now=ws.now,
        offices=offices,
        members=tuple(ids),
        assemblies=tuple(b.id for b in ws.bodies().values() if b.kind == "assembly"),
        bodies_of={m: tuple(sorted(b for n, b in memberships if n == m)) for m in ids},
        electorate=electorate,
        eligible=eligible,
        seated=ws.seated(COUNCIL),
        open_seats={
            o.id: open_seats(o, active[o.id], eligible[o.id], ws.now) for o in offices.values()
        },
        live_holders={
            o: frozenset(m.holder for m in active[o] if is_live(m, eligible[o], ws.now))
            for o in offices
        },
        elections=_elections(conn),
        mandates=mandates,
        petitions=_petitions(conn),
    )


def _grouped(rows: Iterable[Any]) -> dict[str, list[Any]]:
    groups: dict[str, list[Any]] = {}
    for key, value in rows:
        groups.setdefault(key, []).append(value)
    return groups


def _elections(conn: Connection) -> tuple[ElectionRecord, ...]:
    rows = conn.execute(
        select(t.candidates.c.election, t.candidates.c.member, t.candidates.c.status).order_by(
            t.candidates.c.position
        )
    ).all()
    candidates = _grouped((r.election, r.member) for r in rows if r.status in (None, "standing"))
    pending = _grouped((r.election, r.member) for r in rows if r.status == "nominated")
    withdrawn = _grouped((r.election, r.member) for r in rows if r.status == "withdrawn")
    rolls = _grouped(conn.execute(select(t.rolls.c.election, t.rolls.c.member)))
    voters = _grouped(conn.execute(select(t.ballots.c.election, t.ballots.c.voter)))
    return tuple(
        ElectionRecord(
            id=r.id,
            office=r.office,
            status=r.status,
            seats=r.seats,
            candidates=tuple(candidates.get(r.id, ())),
            roll=frozenset(rolls.get(r.id, ())),
            voters=frozenset(voters.get(r.id, ())),
            voting_ends=r.voting_ends,
            pending=tuple(pending.get(r.id, ())),
            withdrawn=tuple(withdrawn.get(r.id, ())),
        )
        for r in conn.execute(select(t.elections).order_by(t.elections.c.number))
    )


def _petitions(conn: Connection) -> tuple[PetitionRecord, ...]:
    signers = _grouped(conn.execute(select(t.signatures.c.petition, t.signatures.c.member)))
    rolls = _grouped(conn.execute(select(t.recall_rolls.c.petition, t.recall_rolls.c.member)))
    votes = _grouped(
        (r.petition, (r.voter, r.vote)) for r in conn.execute(select(t.recall_ballots))
    )
    return tuple(
        PetitionRecord(
            id=r.id,
            mandate=r.mandate,
            status=r.status,
            signers=frozenset(signers.get(r.id, ())),
            roll=frozenset(rolls.get(r.id, ())),
            votes=dict(votes.get(r.id, ())),
            voting_ends=r.voting_ends,
        )
        for r in conn.execute(select(t.petitions).order_by(t.petitions.c.number))
    )


# -- the machine ---------------------------------------------------------------------------


class FederationMachine(RuleBasedStateMachine):
    """Acts on a founded federation; `databases` and `tally` are set by the test."""

    databases: ClassVar[Databases]
    tally: ClassVar[Counter[str]]

    def __init__(self) -> None:
        super().__init__()
        self.org: Organization | None = None
        self.seen: list[ev.Recorded] = []
        self.view: View | None = None
        self.before: tuple[int, object] | None = None

    # -- plumbing ----------------------------------------------------------------------

    @property
    def o(self) -> Organization:
        assert self.org is not None
        return self.org

    @property
    def v(self) -> View:
        assert self.view is not None
        return self.view

    def attempt(self, act: Callable[[SqlWorkspace], object], *, valid: bool = False) -> bool:
        """Run one act. An act `valid` by the rules must not be refused; a refusal must
        come from the rules (not from the database) and write nothing."""
        if not valid and self.before is None:
            self.before = self.o.snapshot()
        try:
            self.o.act(act)
        except (Refused, NotFound) as error:
            assert not valid, f"a valid act was refused: {error}"
            assert not isinstance(error.__context__, DBAPIError), f"database error: {error}"
            assert self.o.snapshot() == self.before, "a refused act wrote something"
            self.tally["refused"] += 1
            return False
        self.before = None
        self.tally["done"] += 1
        return True

    def election(self, ident: str) -> ElectionRecord:
        return self.o.read(lambda ws: ws.election(ident))

    def petition(self, ident: str) -> PetitionRecord:
        return self.o.read(lambda ws: ws.petition(ident))

    def mandate(self, ident: str) -> MandateRecord:
        return self.o.read(lambda ws: ws.mandate(ident))

    def refresh(self) -> None:
        self.view = self.o.read(read_view)

    def pick(self, data: st.DataObject, likely: Collection[str], label: str) -> str:
        """Mostly one of `likely` (the acts the rules allow), sometimes anyone."""
        if likely and data.draw(st.integers(0, 9), label=f"{label} likely") < 8:
            return data.draw(st.sampled_from(sorted(likely)), label=label)
        return data.draw(st.sampled_from(self.v.members), label=label)

    def choice(self, data: st.DataObject, election: ElectionRecord) -> list[str] | None:
        """A ballot the rules accept, or None when there is no eligible candidate."""
        of = self.v.offices[election.office]
        pool = [c for c in election.candidates if c in self.v.eligible[of.id]]
        if not pool:
            return None
        most = min(len(pool), election.seats) if of.method == "plurality" else len(pool)
        size = data.draw(st.integers(1, most), label="ballot size")
        ranking: list[str] = data.draw(st.permutations(pool), label="ballot")
        return ranking[:size]

    def ballot_is_valid(self, election: ElectionRecord, voter: str, choice: list[str]) -> bool:
        of = self.v.offices[election.office]
        return (
            election.status == "voting"
            and election.voting_ends is not None
            and self.o.now <= election.voting_ends
            and voter in election.roll  # a voter who voted already changes their vote
            and len(set(choice)) == len(choice)  # an empty choice is a blank ballot
            and all(c in election.candidates and c in self.v.eligible[of.id] for c in choice)
            and (of.method != "plurality" or len(choice) <= election.seats)
        )

    # -- founding ------------------------------------------------------------------------

    @initialize(shape=shapes, purge=st.booleans())
    def found(self, shape: Shape, purge: bool) -> None:
        self.org = Organization(self.databases.new(), charter_of(shape))
        if purge:
            self.org.act(audit.schedule)
        self.tally["examples"] += 1
        self.refresh()

    # -- the clock and the purge ---------------------------------------------------------

    @rule(hours=st.sampled_from((1, 6, 25, 80, 8 * 24, 25 * 24)))
    def time_passes(self, hours: int) -> None:
        self.tick(hours=hours)

    def tick(self, *, hours: float = 0, days: float = 0) -> None:
        """Time passes, and what it made due is applied at once (every act would apply
        it first), so that the rules below judge acts on the state it leaves."""
        self.o.tick(hours=hours, days=days)
        self.o.act(audit.apply_due)
        self.before = None  # what a refused act must leave is the state after this

    @rule()
    def purge_with_schedule(self) -> None:
        self.attempt(audit.schedule, valid=True)

    # -- elections -----------------------------------------------------------------------

    @rule(data=st.data())
    def open_election(self, data: st.DataObject) -> None:
        of = data.draw(st.sampled_from(sorted(self.v.offices)), label="office")
        actor = self.pick(data, self.v.electorate[of], "opener")
        valid = (
            actor in self.v.electorate[of]
            and all(e.office != of for e in self.v.elections if e.status != "closed")
            and bool(self.v.open_seats[of])
        )
        self.attempt(lambda ws: elections.open_election(ws, of, actor), valid=valid)

    @precondition(lambda self: bool(self.v.elections))
    @rule(data=st.data())
    def nominate(self, data: st.DataObject) -> None:
        election = data.draw(st.sampled_from(self.v.elections), label="election")
        electorate = self.v.electorate[election.office]
        candidate = self.pick(data, self.v.candidates_for(election), "candidate")
        actor = self.pick(data, electorate, "nominator")
        valid = (
            election.status == "nominating"
            and actor in electorate
            and candidate in self.v.candidates_for(election)
        )

        def nominated(ws: SqlWorkspace) -> None:  # and the candidate consents
            elections.nominate(ws, election.id, candidate, actor)
            if actor != candidate:
                elections.accept(ws, election.id, candidate)

        self.attempt(nominated, valid=valid)

    @precondition(lambda self: bool(self.v.election("nominating")))
    @rule(data=st.data())
    def start(self, data: st.DataObject) -> None:
        election = data.draw(st.sampled_from(self.v.election("nominating")), label="election")
        electorate = self.v.electorate[election.office]
        actor = self.pick(data, electorate, "starter")
        valid = (
            actor in electorate
            and bool(election.candidates)
            and bool(self.v.open_seats[election.office])
        )
        self.attempt(lambda ws: elections.start(ws, election.id, actor), valid=valid)

    @precondition(lambda self: bool(self.v.elections))
    @rule(data=st.data())
    def vote(self, data: st.DataObject) -> None:
        election = data.draw(st.sampled_from(self.v.elections), label="election")
        fresh = election.roll - election.voters
        again = not fresh or data.draw(st.booleans(), label="votes again")
        voter = self.pick(data, election.roll if again else fresh, "voter")
        valid_choice = self.choice(data, election)
        spoil = data.draw(
            st.sampled_from(("no", "empty", "abstain", "twice", "stranger", "many")), label="spoil"
        )
        choice = list(valid_choice or election.candidates[:1])
        if spoil == "abstain":
            valid = self.ballot_is_valid(election, voter, [])
            self.attempt(
                lambda ws: elections.vote(ws, election.id, [], voter, abstain=True), valid=valid
            )
            return
        if spoil == "empty":
            choice = []
        elif spoil == "twice" and choice:
            choice = [choice[0], choice[0]]
        elif spoil == "stranger":
            choice = [*choice, data.draw(st.sampled_from(self.v.members), label="stranger")]
        elif spoil == "many":
            choice = list(election.candidates)
        valid = self.ballot_is_valid(election, voter, choice)
        self.attempt(lambda ws: elections.vote(ws, election.id, choice, voter), valid=valid)

    @precondition(lambda self: bool(self.v.election("voting")))
    @rule(data=st.data())
    def close(self, data: st.DataObject) -> None:
        election = data.draw(st.sampled_from(self.v.election("voting")), label="election")
        actor = self.pick(data, election.roll, "closer")
        over = election.voting_ends is not None and self.o.now >= election.voting_ends
        valid = actor in election.roll and (over or election.voters >= election.roll)
        if self.attempt(lambda ws: elections.close(ws, election.id, actor), valid=valid):
            self.tally["closed"] += 1

    @precondition(lambda self: bool(self.v.election("nominating") + self.v.election("voting")))
    @rule(data=st.data())
    def elections_run_their_course(self, data: st.DataObject) -> None:
        """Valid acts only, for some of the elections under way, the assemblies' first:
        nominate, start, most of the roll votes, the period ends, close."""
        under_way = self.v.election("nominating") + self.v.election("voting")
        chosen = data.draw(
            st.lists(st.sampled_from(under_way), min_size=1, unique=True), label="elections"
        )
        for election in sorted(chosen, key=lambda e: (e.office.startswith(COUNCIL), e.id)):
            self.run_its_course(data, self.election(election.id))
            self.refresh()

    def run_its_course(self, data: st.DataObject, election: ElectionRecord) -> None:
        if election.status == "nominating":
            electors = sorted(self.v.electorate[election.office])
            pool = sorted(self.v.candidates_for(election))
            if not electors or not (pool or election.candidates):
                return  # it waits for electors or candidates
            least = 0 if election.candidates else 1
            chosen = data.draw(
                st.lists(st.sampled_from(pool), min_size=least, max_size=3, unique=True)
                if pool
                else st.just([]),
                label="candidates",
            )
            for candidate in chosen:
                self.attempt(
                    partial(
                        elections.nominate,
                        election_id=election.id,
                        candidate=candidate,
                        actor=electors[0],
                    ),
                    valid=True,
                )
                if candidate != electors[0]:
                    self.attempt(
                        partial(elections.accept, election_id=election.id, candidate=candidate),
                        valid=True,
                    )
            started = self.attempt(
                lambda ws: elections.start(ws, election.id, electors[-1]),
                valid=bool(self.v.open_seats[election.office]),
            )
            if not started:
                return
            election = self.election(election.id)
        for voter in sorted(election.roll - election.voters):
            choice = self.choice(data, election)
            turns_out = data.draw(st.integers(0, 7), label="turns out")
            if choice is None or not turns_out:
                continue
            if turns_out == 1:  # a blank ballot
                choice = []
            abstain = turns_out == 2
            self.attempt(
                partial(
                    elections.vote,
                    election_id=election.id,
                    choice=[] if abstain else choice,
                    voter=voter,
                    abstain=abstain,
                ),
                valid=self.ballot_is_valid(election, voter, choice),
            )
            if turns_out == 3:  # and changes their mind
                again = self.choice(data, election) or choice
                self.attempt(
                    partial(elections.vote, election_id=election.id, choice=again, voter=voter),
                    valid=self.ballot_is_valid(election, voter, again),
                )
        self.tick(days=RULES.voting_days)
        closer = sorted(election.roll)[0]
        if self.attempt(lambda ws: elections.close(ws, election.id, closer), valid=True):
            self.tally["closed"] += 1

    # -- recall --------------------------------------------------------------------------

    @precondition(lambda self: bool(self.v.election("nominating")))
    @rule(data=st.data())
    def withdraw(self, data: st.DataObject) -> None:
        """A candidate withdraws before the vote (or someone who is none tries to)."""
        election = data.draw(st.sampled_from(self.v.election("nominating")), label="election")
        candidate = self.pick(data, election.candidates, "withdrawing")
        valid = candidate in election.candidates or candidate in election.pending
        self.attempt(lambda ws: elections.withdraw(ws, election.id, candidate), valid=valid)

    @precondition(lambda self: bool(self.v.active()))
    @rule(data=st.data())
    def resign(self, data: st.DataObject) -> None:
        """A holder resigns (or someone else tries to resign their mandate)."""
        mandate = data.draw(st.sampled_from(self.v.active()), label="mandate")
        actor = self.pick(data, {mandate.holder}, "resigning")
        valid = actor == mandate.holder
        self.attempt(lambda ws: recall.resign(ws, mandate.id, actor), valid=valid)

    @precondition(lambda self: bool(self.v.active()))
    @rule(data=st.data())
    def open_petition(self, data: st.DataObject) -> None:
        ended = not data.draw(st.integers(0, 4), label="active")
        mandate = data.draw(
            st.sampled_from(list(self.v.mandates) if ended else self.v.active()), label="mandate"
        )
        actor = self.pick(data, self.v.electorate[mandate.office], "petitioner")
        reason = "broke the mandate" if data.draw(st.integers(0, 4), label="reason") else " "
        valid = (
            mandate.active
            and actor in self.v.electorate[mandate.office]
            and bool(reason.strip())
            and all(p.mandate != mandate.id for p in self.v.live_petitions())
        )
        self.attempt(lambda ws: recall.open_petition(ws, mandate.id, reason, actor), valid=valid)

    @precondition(lambda self: bool(self.v.active()))
    @rule(data=st.data())
    def a_recall_runs_its_course(self, data: st.DataObject) -> None:
        """Valid acts only: a petition against an active mandate (or the live one), then
        signatures until the recall vote opens or the mandate ends, then most of the roll
        votes, the period ends, close."""
        mandate = data.draw(st.sampled_from(self.v.active()), label="mandate")
        electors = sorted(self.v.electorate[mandate.office])
        if not electors:
            return
        petition = self.o.read(lambda ws: ws.live_petition(mandate.id))
        if petition is None:
            opener = data.draw(st.sampled_from(electors), label="petitioner")
            self.attempt(lambda ws: recall.open_petition(ws, mandate.id, "no", opener), valid=True)
            petition = self.o.read(lambda ws: ws.live_petition(mandate.id))
        while petition is not None and petition.status == "open":
            signer = next((e for e in electors if e not in petition.signers), None)
            if signer is None:
                return
            self.attempt(partial(recall.sign, petition_id=petition.id, actor=signer), valid=True)
            petition = self.petition(petition.id)
        if petition is None or petition.status != "voting":
            return
        running = petition.voting_ends is not None and self.o.now <= petition.voting_ends
        for voter in sorted(petition.roll - set(petition.votes)):
            if data.draw(st.integers(0, 5), label="turns out"):
                choice = data.draw(st.sampled_from(("yes", "no")), label="vote")
                self.attempt(
                    partial(recall.vote, petition_id=petition.id, choice=choice, voter=voter),
                    valid=running,
                )
        self.tick(days=RULES.voting_days)
        closer = sorted(petition.roll)[0]
        # a term that ended meanwhile ended the mandate, and the petition with it
        still = self.petition(petition.id).status == "voting"
        self.attempt(partial(recall.close, petition_id=petition.id, actor=closer), valid=still)

    @precondition(lambda self: bool(self.v.petitions))
    @rule(data=st.data())
    def sign(self, data: st.DataObject) -> None:
        """One signature (perhaps one the rules refuse), then perhaps more valid ones."""
        petition = data.draw(st.sampled_from(self.v.petitions), label="petition")
        electorate = self.v.electorate[self.v.mandate(petition.mandate).office]
        first = self.pick(data, electorate - petition.signers, "signer")
        more = data.draw(
            st.lists(st.sampled_from(sorted(electorate)), unique=True)
            if electorate
            else st.just([]),
            label="more signers",
        )
        for signer in (first, *more):
            petition = self.petition(petition.id)
            valid = (
                petition.status in ("open", "voting")
                and self.mandate(petition.mandate).active
                and signer in electorate
                and signer not in petition.signers
            )
            if not self.attempt(
                partial(recall.sign, petition_id=petition.id, actor=signer), valid=valid
            ):
                return

    @precondition(lambda self: bool(self.v.live_petitions("voting")))
    @rule(data=st.data())
    def recall_vote(self, data: st.DataObject) -> None:
        petition = data.draw(st.sampled_from(self.v.live_petitions("voting")), label="petition")
        voters = data.draw(
            st.lists(st.sampled_from(self.v.members), min_size=1, unique=True), label="voters"
        )
        for voter in voters:
            choice = data.draw(st.sampled_from(("yes", "no", "maybe")), label="vote")
            valid = (
                voter in petition.roll
                and voter not in petition.votes
                and choice != "maybe"
                and petition.voting_ends is not None
                and self.v.now <= petition.voting_ends
            )
            if self.attempt(
                partial(recall.vote, petition_id=petition.id, choice=choice, voter=voter),
                valid=valid,
            ):
                petition = self.petition(petition.id)

    @precondition(lambda self: bool(self.v.live_petitions("voting")))
    @rule(data=st.data())
    def recall_close(self, data: st.DataObject) -> None:
        petition = data.draw(st.sampled_from(self.v.live_petitions("voting")), label="petition")
        actor = self.pick(data, petition.roll, "closer")
        over = petition.voting_ends is not None and self.v.now >= petition.voting_ends
        valid = actor in petition.roll and (over or set(petition.votes) >= petition.roll)
        self.attempt(lambda ws: recall.close(ws, petition.id, actor), valid=valid)

    # -- membership ----------------------------------------------------------------------

    @rule(data=st.data())
    def leave(self, data: st.DataObject) -> None:
        member = data.draw(st.sampled_from(self.v.members), label="member")
        body = data.draw(st.sampled_from(self.v.assemblies), label="assembly")
        valid = body in self.v.bodies_of[member]
        self.attempt(lambda ws: members.leave(ws, member, body, member), valid=valid)

    @rule(data=st.data())
    def join(self, data: st.DataObject) -> None:
        member = data.draw(st.sampled_from(self.v.members), label="member")
        body = data.draw(st.sampled_from(self.v.assemblies), label="assembly")
        founder = data.draw(st.sampled_from(("a1-1", "a2-1")), label="founder")
        valid = body not in self.v.bodies_of[member]
        self.attempt(lambda ws: members.join(ws, member, body, founder), valid=valid)

    # -- what holds after every step ------------------------------------------------------

    @invariant()
    def the_rules_hold(self) -> None:
        if self.org is None:
            return
        new = self.read_new_events()
        self.refresh()
        check_seats(self.v)
        check_provenance(self.v, self.seen)
        check_ballots(self.v, self.seen)
        check_entitlement(self.v)
        check_petitions(self.v)
        check_consequences(new)
        check_grants(new)
        check_no_seat_without_a_valid_ballot(new)
        check_refills(self.v, new)
        for event in new:
            self.tally[event.type] += 1
            if event.type == ev.BALLOT_CAST:
                kind = "abstention" if event.data.get("abstain") else "ballot"
                kind = "blank" if kind == "ballot" and not event.data["choice"] else kind
                self.tally[kind] += 1
                self.tally["changed vote"] += "replaces" in event.data
        self.tally["held over"] += sum(m.expired_at(self.v.now) for m in self.v.active())

    def read_new_events(self) -> list[ev.Recorded]:
        with self.o.soviet.snapshot() as conn:
            new = list(log.read(conn, len(self.seen) + 1))
            for offset, event in enumerate(new, start=len(self.seen) + 1):
                assert event.seq == offset, f"the log jumps from {offset - 1} to {event.seq}"
            size = len(self.seen) + len(new)
            assert log.size(conn) == merkle.tree_size(conn) == size
            merkle.root(conn)  # every node of the tree is stored
        self.seen.extend(new)
        return new

    def teardown(self) -> None:
        if self.org is None:
            return
        try:
            assert_replay_identical(self.org.url, self.databases.new())
            self.tally["replayed"] += 1
        finally:
            self.org.dispose()


# -- the invariants ------------------------------------------------------------------------


def check_seats(view: View) -> None:
    """Never more active mandates in an office than seats, one per seat, one per holder."""
    for of in view.offices.values():
        active = [m for m in view.active() if m.office == of.id]
        seats = [m.seat for m in active]
        assert len(active) <= of.seats, f"{of.id}: {len(active)} mandates for {of.seats} seats"
        assert len(set(seats)) == len(seats), f"{of.id}: two mandates in one seat {seats}"
        assert all(1 <= s <= of.seats for s in seats), f"{of.id}: seats {seats}"
        holders = [m.holder for m in active]
        assert len(set(holders)) == len(holders), f"{of.id}: one holder in two seats {holders}"
    pending = [e.office for e in view.elections if e.status != "closed"]
    assert len(set(pending)) == len(pending), f"two elections under way for one office {pending}"


def check_provenance(view: View, log_events: Sequence[ev.Recorded]) -> None:
    """Every active mandate was granted by a closed election that names its holder among
    the winners, or imported at the founding."""
    created = {
        e.data["mandate"]: e
        for e in log_events
        if e.type in (ev.MANDATE_GRANTED, ev.MANDATE_IMPORTED)
    }
    closes = {e.data["election"]: e for e in log_events if e.type == ev.ELECTION_CLOSED}
    for m in view.active():
        origin = created[m.id]
        if m.election is None:
            assert origin.type == ev.MANDATE_IMPORTED, f"{m.id} has no election"
            assert origin.data["cause"] == 1
            continue
        assert origin.type == ev.MANDATE_GRANTED and origin.data["election"] == m.election
        closed = closes[m.election]
        assert m.holder in closed.data["winners"], f"{m.id}: {m.holder} did not win"
        assert origin.data["cause"] == closed.seq
        election = next(e for e in view.elections if e.id == m.election)
        assert election.status == "closed"


def check_ballots(view: View, log_events: Sequence[ev.Recorded]) -> None:
    """Nobody has two ballots in one election; every ballot is from the frozen roll,
    whose rows are the roll the log committed to."""
    rolls = {e.id: frozenset(e.roll) for e in view.elections}
    for e in log_events:
        if e.type == ev.ELECTION_STARTED:
            committed = votes.commit(rolls[e.data["election"]])
            assert (e.data["roll_size"], e.data["roll_hash"]) == (committed.size, committed.hash)
    cast: dict[tuple[str, str | None], list[ev.Recorded]] = {}
    for e in log_events:
        if e.type == ev.BALLOT_CAST:
            cast.setdefault((e.data["election"], e.actor), []).append(e)
    for (ident, voter), ballots in cast.items():
        assert voter in rolls[ident], f"{voter} voted in {ident} off the roll"
        # a voter's later ballot names the one it replaces; the first replaces none
        assert "replaces" not in ballots[0].data, f"#{ballots[0].seq} replaces nothing"
        for before, after in itertools.pairwise(ballots):
            assert after.data["replaces"] == before.seq, f"#{after.seq} replaces #{before.seq}"
    for election in view.elections:
        assert election.voters <= election.roll
        assert election.roll == rolls.get(election.id, frozenset())
        assert len(election.voters) == sum(1 for (e, _) in cast if e == election.id)


def check_entitlement(view: View) -> None:
    """Nobody holds a seat or an office they are not entitled to, and the council's
    members, as the handlers see them, are exactly the holders of its seats."""
    deputies = {m.holder for m in view.active() if view.offices[m.office].seat_in == COUNCIL}
    assert view.seated == deputies
    for m in view.active():
        of = view.offices[m.office]
        if of.eligible == "electorate":
            assert m.holder in view.electorate[of.id], (
                f"{m.holder} holds {of.id} ({m.id}) outside its electorate"
            )


def check_petitions(view: View) -> None:
    """A petition is live only against an active mandate, one at a time; recall ballots
    come from the recall vote's roll."""
    live = [p.mandate for p in view.live_petitions()]
    assert len(set(live)) == len(live), f"two live petitions against one mandate {live}"
    for p in view.petitions:
        if p.status in ("open", "voting"):
            assert view.mandate(p.mandate).active, f"{p.id} is live against an ended mandate"
        assert set(p.votes) <= p.roll


def check_consequences(new: Sequence[ev.Recorded]) -> None:
    """What the system does by itself names the earlier event that caused it."""
    for e in new:
        cause = e.data.get("cause")
        if cause is not None:
            assert e.actor is None, f"#{e.seq} has an actor and a cause"
            assert 1 <= cause < e.seq, f"#{e.seq} is caused by #{cause}"
        elif e.actor is None:
            assert e.type == ev.ORGANIZATION_FOUNDED or e.data.get("reason") is not None, (
                f"#{e.seq} {e.type} has neither actor nor cause"
            )


def check_no_seat_without_a_valid_ballot(new: Sequence[ev.Recorded]) -> None:
    """No seat is ever filled from an election without a valid ballot: such a close is
    void and elects nobody, and a close that elects has a valid ballot (or none was
    needed: candidates returned unopposed)."""
    for closed in (e for e in new if e.type == ev.ELECTION_CLOSED):
        turnout = closed.data.get("turnout")
        outcome = closed.data.get("outcome")
        if outcome == "unopposed":
            continue
        assert turnout is not None, f"#{closed.seq} logs no turnout"
        if turnout["valid"] == 0:
            assert outcome == "void" and closed.data["winners"] == [], f"#{closed.seq}"
        if closed.data["winners"]:
            assert outcome == "elected" and turnout["valid"] > 0, f"#{closed.seq}"


def check_grants(new: Sequence[ev.Recorded]) -> None:
    """Every winner of a close is granted one mandate, in order of election, and nobody else."""
    for closed in (e for e in new if e.type == ev.ELECTION_CLOSED):
        granted = [
            e.data["holder"]
            for e in new
            if e.type == ev.MANDATE_GRANTED and e.data["cause"] == closed.seq
        ]
        assert granted == closed.data["winners"], f"#{closed.seq} granted {granted}"


def check_refills(view: View, new: Sequence[ev.Recorded]) -> None:
    """A seat lost in this step is up for election: its office has an election under way,
    or no open seat but those whose term ran out since (the purge ends those)."""
    ended = {view.mandate(e.data["mandate"]).office for e in new if e.type in ENDINGS}
    pending = {e.office for e in view.elections if e.status != "closed"}
    for of in ended - pending:
        expired = {m.seat for m in view.active() if m.office == of and m.expired_at(view.now)}
        lost = [seat for seat in view.open_seats[of] if seat not in expired]
        assert not lost, f"{of} lost seats {lost} and has no election: {new}"


# -- the test ------------------------------------------------------------------------------


def test_random_sequences_of_acts_keep_every_rule_and_replay_identically(
    databases: Databases,
) -> None:
    tally: Counter[str] = Counter()

    class Machine(FederationMachine):
        pass

    Machine.databases = databases
    Machine.tally = tally
    run_state_machine_as_test(Machine, settings=SETTINGS)
    print(dict(tally))
    # the sequences reached what the invariants are about
    assert tally["replayed"] == tally["examples"] > 0
    for reached in (
        "refused",
        "closed",
        "changed vote",
        "blank",
        ev.MANDATE_GRANTED,
        ev.MANDATE_RESIGNED,
        ev.PETITION_OPENED,
    ):
        assert tally[reached] > 0, f"no example reached {reached}"
    assert tally[ev.MANDATE_RECALLED] + tally[ev.MANDATE_LAPSED] > 0, "no mandate was lost"


# -- members' keys ---------------------------------------------------------------------------

# Fewer examples: the machine above already covers the rules; this one is about keys.
KEY_SETTINGS = settings(
    max_examples=6 if server_url() else 10,
    stateful_step_count=20,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


def enroll_with(org: Organization, member: str, code: str) -> None:
    """The member enrolls a new key with their code; their side keeps it."""
    made: dict[str, Ed25519PrivateKey] = {}

    def enrolling(ws: SqlWorkspace) -> None:
        signed, private = enrollment_of(member, code, ws.origin(), ws.now)
        made[member] = private
        take(ws, signed)

    org.act(enrolling)
    org.keyring.add(member, made[member])


def check_signatures(events: Sequence[ev.Recorded]) -> int:
    """Every event with an actor carries that actor's statement, signed by the key the
    actor held at that point of the log (an enrollment by the key it registers); every
    event without one carries none. Returns how many signed events there are."""
    held: dict[str, str] = {}
    signed_events = 0
    for e in events:
        if e.actor is None:
            assert e.signed is None, f"#{e.seq} {e.type} has no actor, yet a statement"
        else:
            assert e.signed is not None, f"#{e.seq} {e.type} by {e.actor} is not signed"
            signed = statements.signed_from_json(e.signed)
            assert signed.statement.actor == e.actor, f"#{e.seq}: {signed.statement.actor}"
            enrolls = e.type == ev.MEMBER_KEY_REGISTERED and "previous" not in e.data
            public = str(e.data["public_key"]) if enrolls else held.get(e.actor)
            assert public is not None, f"#{e.seq} {e.type}: {e.actor} held no key"
            assert signed.key == statements.key_id(public), f"#{e.seq} signed by another key"
            assert statements.signature_verifies(signed, public), f"#{e.seq} does not verify"
            signed_events += 1
        if e.type == ev.MEMBER_KEY_REGISTERED:
            held[str(e.data["member"])] = str(e.data["public_key"])
        elif e.type == ev.MEMBER_KEY_RESET:
            held.pop(str(e.data["member"]), None)
    return signed_events


class KeyedMachine(FederationMachine):
    """The federation's acts, and among them members rotating their keys, keys reset by a
    founder and enrolled again, acts signed with a key no longer in force, and statements
    sent again."""

    def __init__(self) -> None:
        super().__init__()
        #: The keys each member held before the one in force.
        self.retired: dict[str, list[Ed25519PrivateKey]] = {}

    def retire(self, member: str) -> None:
        self.retired.setdefault(member, []).append(self.o.keyring.key_of(member))

    def signature_refused(self, signed: statements.Signed) -> SignatureRefused:
        """Submit a statement that its signature checks must refuse, writing nothing."""
        before = self.o.snapshot()
        with pytest.raises(SignatureRefused) as refusal:
            self.o.act(lambda ws: take(ws, signed))
        assert self.o.snapshot() == before, "a refused statement wrote something"
        return refusal.value

    @rule(data=st.data())
    def rotate_key(self, data: st.DataObject) -> None:
        self.rotate(data.draw(st.sampled_from(self.v.members), label="rotates"))

    def rotate(self, member: str) -> None:
        """The member replaces their key; the old one is refused from then on."""
        new = Ed25519PrivateKey.generate()
        public = statements.public_key_text(new)
        if self.attempt(lambda ws: keys.rotate(ws, member, public), valid=True):
            self.retire(member)
            self.o.keyring.add(member, new)
            self.tally["rotated"] += 1
            self.refuse_retired(member, self.retired[member][-1], sorted(self.v.offices)[0])

    @rule(data=st.data())
    def reset_key_and_enroll_again(self, data: st.DataObject) -> None:
        member = data.draw(st.sampled_from(self.v.members), label="loses their key")
        founder = data.draw(st.sampled_from(("a1-1", "a2-1")), label="resets it")
        self.reset(member, founder)

    def reset(self, member: str, founder: str) -> None:
        """A founder resets the member's key, and the member enrolls with the new code."""
        code = codes_file.draw()
        hashed = enrollment.code_hash(code)
        if not self.attempt(
            lambda ws: keys.reset(ws, member, "key lost", hashed, founder),
            valid=member != founder,  # a founder's own key is reset by the other founder
        ):
            return
        self.retire(member)
        enroll_with(self.o, member, code)
        self.tally["reset"] += 1

    def refuse_retired(self, member: str, old: Ed25519PrivateKey, of: str) -> None:
        """An act signed with a key the member no longer holds is refused, naming the key
        in force, and writes nothing."""
        not_after = format_instant(self.o.clock + timedelta(minutes=10))
        origin = self.o.read(lambda ws: ws.origin())
        statement = statements.statement_of(
            cmd.OpenElection(member, of), origin, secrets.token_hex(16), not_after
        )
        refusal = self.signature_refused(statements.sign(statement, old))
        assert refusal.check == "key", str(refusal)
        assert f"not the key in force of {member!r} (registered at seq" in str(refusal)
        self.tally["retired key refused"] += 1

    @precondition(lambda self: bool(self.retired))
    @rule(data=st.data())
    def act_with_a_retired_key(self, data: st.DataObject) -> None:
        member = data.draw(st.sampled_from(sorted(self.retired)), label="member")
        old = data.draw(st.sampled_from(self.retired[member]), label="old key")
        of = data.draw(st.sampled_from(sorted(self.v.offices)), label="office")
        self.refuse_retired(member, old, of)

    @precondition(lambda self: any(e.signed is not None for e in self.seen))
    @rule(data=st.data())
    def send_a_statement_again(self, data: st.DataObject) -> None:
        sent = [e for e in self.seen if e.signed is not None]
        self.send_again(data.draw(st.sampled_from(sent[-8:]), label="statement"))

    def send_again(self, event: ev.Recorded) -> None:
        """A recorded statement sent again is refused: too late, or its nonce names the
        act that recorded it."""
        assert event.signed is not None
        refusal = self.signature_refused(statements.signed_from_json(event.signed))
        assert refusal.check in ("expired", "nonce"), str(refusal)
        if refusal.check == "nonce":
            assert f"recorded at seq {event.seq}" in str(refusal)
        self.tally[f"sent again: {refusal.check}"] += 1

    def teardown(self) -> None:
        try:
            if self.org is not None:
                # whatever the sequence was, it ends with a rotation and a reset
                self.rotate("a1-3")
                self.reset("a1-2", "a1-1")
                events = self.o.events()
                self.send_again([e for e in events if e.signed is not None][-1])
                self.tally["signed"] += check_signatures(events)
                report = verify(self.o.url)
                assert report.ok, report.discrepancies
                assert report.signed == sum(1 for e in events if e.actor is not None)
                self.tally["verified"] += 1
        finally:
            super().teardown()


def test_after_any_sequence_of_acts_every_act_is_signed_by_its_actors_key_and_verifies(
    databases: Databases,
) -> None:
    tally: Counter[str] = Counter()

    class Machine(KeyedMachine):
        pass

    Machine.databases = databases
    Machine.tally = tally
    run_state_machine_as_test(Machine, settings=KEY_SETTINGS)
    print(dict(tally))
    assert tally["verified"] == tally["replayed"] == tally["examples"] > 0
    for reached in ("rotated", "reset", "retired key refused", "refused", "signed"):
        assert tally[reached] > 0, f"no example reached {reached}"
    assert tally["sent again: expired"] + tally["sent again: nonce"] > 0
