"""What the integration tests share: fresh databases, small federations founded in them with
a clock the test moves, and the check that a replayed log reproduces every projection.

Databases are SQLite files by default, or fresh PostgreSQL schemas when
SOVIET_TEST_DATABASE names a server, like the `db_url` fixture of the suite.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Iterator, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

import pytest
import sqlalchemy as sa

from soviet import codes_file
from soviet.bootstrap import Settings, Soviet
from soviet.codes_file import Code
from soviet.domain import catalogue, electorates, enrollment
from soviet.domain.clock import format_instant
from soviet.domain.events import Recorded
from soviet.domain.model import Body, Charter, Holding, Member, Office, Procedure, Rules
from soviet.domain.records import ElectionRecord, PetitionRecord
from soviet.errors import SovietError
from soviet.keyring import Keyring
from soviet.services import elections, members
from soviet.services.founding import adopt
from soviet.storage import database, log, merkle
from soviet.storage.replay import Dump, dump, replay
from soviet.storage.workspace import SqlWorkspace

T = TypeVar("T")

if TYPE_CHECKING:
    from integration.served import Served

START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
#: The tests take each step at once: votes start as soon as there are candidates, and
#: an election with as many candidates as seats is counted as any.
STEPWISE = Procedure(
    nominations="open",
    uncontested="count",
    holdover=False,
    petition_days=None,
    recall_cooldown_days=0,
)
RULES = Rules(term_days=30, voting_days=3, procedure=STEPWISE)


def server_url() -> str | None:
    """The PostgreSQL server the suite runs against, if any."""
    url = os.environ.get("SOVIET_TEST_DATABASE", "")
    return url if url.startswith("postgresql") else None


class Databases:
    """Empty databases for one test (SQLite files in a folder, or PostgreSQL schemas),
    dropped when the test ends."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.server = server_url()
        self._schemas: list[str] = []
        self._admin: sa.Engine | None = None

    def new(self) -> str:
        """The URL of a new empty database."""
        name = uuid.uuid4().hex[:12]
        if self.server is None:
            return f"sqlite:///{self.folder / f'db-{name}.db'}"
        if self._admin is None:
            self._admin = sa.create_engine(self.server)
        schema = f"t_{name}"
        with self._admin.begin() as conn:
            conn.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
        self._schemas.append(schema)
        separator = "&" if "?" in self.server else "?"
        return f"{self.server}{separator}options=-csearch_path%3D{schema}"

    def drop_all(self) -> None:
        if self._admin is None:
            return
        for schema in self._schemas:  # one by one: a schema's tables take many locks
            with self._admin.begin() as conn:
                conn.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))
        self._admin.dispose()


@pytest.fixture
def databases(tmp_path: Path) -> Iterator[Databases]:
    """A maker of empty databases that live for one test."""
    made = Databases(tmp_path)
    try:
        yield made
    finally:
        made.drop_all()


# -- a founded organization with a clock -------------------------------------------------


class Organization:
    """An organization founded in a database, acting through the services one unit of work
    at a time, at the instant of its own clock."""

    def __init__(self, url: str, charter: Charter, start: datetime = START) -> None:
        self.url = url
        self.clock = start
        #: Every member's key, as each member's own side holds it: it signs their acts.
        self.keyring = Keyring()
        self.soviet = Soviet(
            Settings(url, format_instant(start), None), create=True, signer=self.keyring
        )
        codes = [Code(m.id, m.name, codes_file.draw(), "") for m in charter.members]
        hashes = {code.member: enrollment.code_hash(code.code) for code in codes}
        self.act(lambda ws: adopt(ws, charter, None, hashes))
        #: The events of the founding and the members' enrollments that follow it.
        self.founding = len(charter.members) * 2 + 1 + len(charter.holdings)
        self.soviet.enroll(codes, self.keyring)

    def admit(self, member: str, bodies: Sequence[str], actor: str, name: str = "") -> None:
        """Admit a member (signed by `actor`) and enroll their key with their code."""
        code = codes_file.draw()
        self.act(
            lambda ws: members.add(ws, member, name, bodies, actor, code=enrollment.code_hash(code))
        )
        self.soviet.enroll([Code(member, name, code, "")], self.keyring)

    def act(self, handler: Callable[[SqlWorkspace], object]) -> list[Recorded]:
        """Run one handler in one unit of work at the clock; returns what it recorded."""
        self.soviet.settings = replace(self.soviet.settings, now=format_instant(self.clock))
        with self.soviet.unit_of_work() as ws:
            handler(ws)
        return list(ws.recorded)

    def refused(self, handler: Callable[[SqlWorkspace], object]) -> SovietError:
        """Run a handler that the rules must refuse; asserts that nothing was written."""
        before = self.snapshot()
        with pytest.raises(SovietError) as refusal:
            self.act(handler)
        assert self.snapshot() == before, "a refused act changed the database"
        return refusal.value

    def tick(self, *, days: float = 0, hours: float = 0) -> None:
        self.clock += timedelta(days=days, hours=hours)

    @property
    def now(self) -> str:
        return format_instant(self.clock)

    def read(self, handler: Callable[[SqlWorkspace], T]) -> T:
        """What a handler reads at the clock, in a unit of work that records nothing; the
        records it returns settled, to be used after that unit of work."""
        self.soviet.settings = replace(self.soviet.settings, now=format_instant(self.clock))
        with self.soviet.unit_of_work() as ws:
            value = settled(handler(ws))
            assert not ws.recorded
        return value

    def events(self, start: int = 1) -> list[Recorded]:
        with self.soviet.snapshot() as conn:
            return list(log.read(conn, start))

    def snapshot(self) -> tuple[int, Dump]:
        """The size of the log and every projection."""
        with self.soviet.snapshot() as conn:
            return log.size(conn), dump(conn)

    def elect(self, office: str, winners: Sequence[str]) -> list[Recorded]:
        """Run the office's pending election (opening one if there is none) to elect
        `winners`: an elector nominates them, everyone on the roll ranks them in order,
        and it closes early. Returns everything the close recorded."""

        def nominate_and_start(ws: SqlWorkspace) -> None:
            of = electorates.office_of(ws, office)
            electors = sorted(electorates.electorate(ws, of))
            pending = ws.pending_election(office)
            if pending is None:
                elections.open_election(ws, office, electors[0])
                pending = ws.pending_election(office)
                assert pending is not None
            for winner in winners:
                if winner not in pending.candidates:
                    elections.nominate(ws, pending.id, winner, electors[0])
                    if winner != electors[0]:
                        elections.accept(ws, pending.id, winner)
            elections.start(ws, pending.id, electors[0])

        self.act(nominate_and_start)
        election = self.pending(office)
        assert election.status == "voting"
        for voter in sorted(election.roll):
            self.act(partial(elections.vote, election_id=election.id, choice=winners, voter=voter))
        closed = self.act(lambda ws: elections.close(ws, election.id, sorted(election.roll)[0]))
        assert list(closed[0].data["winners"]) == list(winners)
        return closed

    def pending(self, office: str) -> ElectionRecord:
        found = self.read(lambda ws: ws.pending_election(office))
        assert found is not None, f"office {office} has no pending election"
        return found

    def dispose(self) -> None:
        self.soviet.dispose()


@pytest.fixture
def found(databases: Databases) -> Iterator[Callable[[Charter], Organization]]:
    """A founder of organizations, each in a new database."""
    made: list[Organization] = []

    def make(charter: Charter) -> Organization:
        made.append(Organization(databases.new(), charter))
        return made[-1]

    try:
        yield make
    finally:
        for org in made:
            org.dispose()


@pytest.fixture
def served(databases: Databases, tmp_path: Path) -> Iterator[Callable[[], Served]]:
    """A maker of organizations served in process (`integration.served`): the city
    federation, each in a new database with its log's key beside it."""
    from integration.served import Served
    from integration.signed import SignedOrganization

    made: list[Served] = []

    def make() -> Served:
        org = SignedOrganization(databases.new(), tmp_path / f"log-{len(made)}.key")
        made.append(Served(org))
        return made[-1]

    try:
        yield make
    finally:
        for one in made:
            one.org.dispose()


def settled(value: T) -> T:
    """A value read in a unit of work, for use after it: the stored sets of election and
    petition records (rolls, voters, signers), which are read on demand within their unit
    of work, read whole into frozensets."""
    if isinstance(value, ElectionRecord):
        return replace(value, roll=frozenset(value.roll), voters=frozenset(value.voters))
    if isinstance(value, PetitionRecord):
        return replace(value, roll=frozenset(value.roll), signers=frozenset(value.signers))
    if isinstance(value, AbstractSet) and not isinstance(value, frozenset | set):
        return frozenset(value)  # type: ignore[return-value]
    if isinstance(value, list | tuple):
        return type(value)(settled(v) for v in value)
    if isinstance(value, dict):
        return {k: settled(v) for k, v in value.items()}  # type: ignore[return-value]
    return value


# -- charters ----------------------------------------------------------------------------


def office(
    ident: str,
    body: str,
    seats: int = 1,
    method: str | None = None,
    *,
    seat_in: str | None = None,
    eligible: str = "electorate",
    rules: Rules = RULES,
) -> Office:
    """An office with the charter's rules resolved."""
    return Office(
        id=ident,
        body=body,
        title=ident,
        seats=seats,
        method=method or ("irv" if seats == 1 else "stv"),
        seat_in=seat_in,
        eligible="members" if eligible == "members" else "electorate",
        term_days=rules.term_days,
        voting_days=rules.voting_days,
        recall_petition=rules.recall_petition,
        recall_immediate=rules.recall_immediate,
        recall_quorum=rules.recall_quorum,
        procedure=rules.procedure,
    )


def people(assembly: str, count: int) -> tuple[Member, ...]:
    """`count` members of one assembly, with ids `assembly-1` … `assembly-count`."""
    return tuple(
        Member(f"{assembly}-{i}", f"Member {i} of {assembly}", (assembly,))
        for i in range(1, count + 1)
    )


def city_federation(*, holdings: Sequence[Holding] = (), a1: int = 8, a2: int = 6) -> Charter:
    """Three levels: the assemblies a1 (one deputy) and a2 (two deputies) sit in the
    district council; the district sends one deputy to the city council; the city council
    elects its chair."""
    return Charter(
        name="City Federation",
        origin="councils.example.org/city",
        rules=RULES,
        bodies=(
            Body("city", "City Council", "council"),
            Body("district", "District Council", "council", "city"),
            Body("a1", "Assembly One", "assembly", "district"),
            Body("a2", "Assembly Two", "assembly", "district"),
        ),
        offices=(
            office("a1.deputy", "a1", 1, seat_in="district"),
            office("a2.deputy", "a2", 2, seat_in="district"),
            office("district.deputy", "district", 1, seat_in="city"),
            office("city.chair", "city", 1),
        ),
        members=people("a1", a1) + people("a2", a2),
        founders=("a1-1",),
        holdings=tuple(holdings),
    )


# -- replay --------------------------------------------------------------------------------


def assert_catalogued(events: Sequence[Recorded]) -> None:
    """Every event reads into its class of the catalogue and back to the same data."""
    for event in events:
        again = catalogue.encode(catalogue.decode(event.type, event.data))
        assert again == event.data, f"#{event.seq} {event.type}: {again} != {event.data}"


def assert_replay_identical(source_url: str, target_url: str) -> int:
    """Replay the log at `source_url` into the empty database at `target_url` and assert
    that every projection, the events and the Merkle root come out identical; returns the
    number of events."""
    source_engine = database.create_engine(source_url)
    target_engine = database.create_engine(target_url)
    try:
        with source_engine.connect() as source, source.begin():
            with target_engine.connect() as target, target.begin():
                count = replay(source, target)
            with target_engine.connect() as target, target.begin():
                assert count == log.size(source) == log.size(target)
                assert dump(target) == dump(source)
                events = list(log.read(source))
                assert list(log.read(target)) == events
                assert merkle.root(target) == merkle.root(source)
                assert_catalogued(events)
    finally:
        source_engine.dispose()
        target_engine.dispose()
    return count
