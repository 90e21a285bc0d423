"""Rolls, voters and assemblies as sets held in the database: they answer like frozensets,
and casting a ballot asks about one elector instead of reading the whole roll."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from collections.abc import Set as AbstractSet

import pytest
import sqlalchemy as sa

from integration.conftest import Organization, city_federation
from soviet.domain.model import Charter
from soviet.services import elections
from soviet.storage.sets import ASKED_ONE_BY_ONE
from soviet.storage.workspace import SqlWorkspace


@pytest.fixture
def org(found: Callable[[Charter], Organization]) -> Organization:
    organization = found(city_federation(a1=40))
    organization.tick(hours=1)
    return organization


def _voting_election(org: Organization) -> str:
    def open_and_start(ws: SqlWorkspace) -> None:
        election = str(elections.open_election(ws, "a1.deputy", "a1-1").data["election"])
        for candidate in ("a1-2", "a1-3"):
            elections.nominate(ws, election, candidate, "a1-1")
            elections.accept(ws, election, candidate)
        elections.start(ws, election, "a1-1")

    recorded = org.act(open_and_start)
    org.tick(hours=1)
    return str(recorded[0].data["election"])


def test_an_assembly_answers_as_the_set_of_its_members(org: Organization) -> None:
    def check(ws: SqlWorkspace) -> None:
        members = ws.assembly_members("a1")
        expected = frozenset(f"a1-{i}" for i in range(1, 41))
        assert "a1-7" in members and "a2-1" not in members
        assert len(members) == 40
        assert members == expected
        assert frozenset(members) - {"a1-1"} == expected - {"a1-1"}
        assert members - {"a1-1"} == expected - {"a1-1"}
        assert expected - members == frozenset()
        assert sorted(members)[:2] == ["a1-1", "a1-10"]

    org.read(check)


def test_a_stored_set_read_after_its_unit_of_work_says_so(org: Organization) -> None:
    def leak(ws: SqlWorkspace) -> AbstractSet[str]:
        return ws.assembly_members("a1")

    with org.soviet.unit_of_work() as ws:
        members = leak(ws)
    with pytest.raises(RuntimeError, match="within the unit of work that read it"):
        _ = "a1-1" in members


def test_a_roll_sees_the_ballots_cast_in_the_same_unit_of_work(org: Organization) -> None:
    election = _voting_election(org)

    def vote_then_ask(ws: SqlWorkspace) -> None:
        record = ws.election(election)
        assert "a1-5" not in record.voters
        elections.vote(ws, election, ["a1-2"], "a1-5")
        assert "a1-5" in record.voters
        assert len(record.roll - record.voters) == 39

    org.act(vote_then_ask)


@pytest.fixture
def statements(org: Organization) -> Iterator[list[str]]:
    seen: list[str] = []

    def note(_conn: object, _cursor: object, statement: str, *_: object) -> None:
        seen.append(" ".join(statement.split()))

    sa.event.listen(org.soviet.engine, "before_cursor_execute", note)
    try:
        yield seen
    finally:
        sa.event.remove(org.soviet.engine, "before_cursor_execute", note)


def test_casting_a_ballot_reads_no_roll_and_no_assembly_whole(
    org: Organization, statements: list[str]
) -> None:
    election = _voting_election(org)
    statements.clear()
    org.act(lambda ws: elections.vote(ws, election, ["a1-2", "a1-3"], "a1-9"))
    whole = [
        s
        for s in statements
        if re.search(r"\bFROM (rolls|ballots|memberships|members)\b", s)
        and "EXISTS" not in s
        and "count(" not in s.lower()
        and not re.search(r"WHERE members\.id = ", s)
        and not re.search(r"WHERE memberships\.member = ", s)
        and not re.search(r"ballots\.voter = ", s)  # the voter's own earlier ballot
    ]
    assert whole == []


def test_a_set_compared_with_another_is_read_whole_not_asked_member_by_member(
    org: Organization, statements: list[str]
) -> None:
    election = _voting_election(org)
    statements.clear()

    def missing(ws: SqlWorkspace) -> int:
        record = ws.election(election)
        return len(record.roll - record.voters)

    assert org.read(missing) == 40
    asked = [s for s in statements if re.search(r"\bFROM (rolls|ballots)\b", s)]
    assert len(asked) <= ASKED_ONE_BY_ONE + 2  # not one query per elector on the roll


def test_offices_and_bodies_are_looked_up_one_by_one_and_walked_in_the_charters_order(
    org: Organization, statements: list[str]
) -> None:
    def ask(ws: SqlWorkspace) -> None:
        statements.clear()
        offices, bodies = ws.offices(), ws.bodies()
        assert offices["a1.deputy"].seat_in == "district"
        assert offices["a1.deputy"] is offices["a1.deputy"]  # remembered, not read again
        assert "a2" in bodies and "nowhere" not in bodies and bodies.get("nowhere") is None
        with pytest.raises(KeyError):
            offices["nowhere.deputy"]
        looked_up = [s for s in statements if re.search(r"\bFROM (offices|bodies)\b", s)]
        assert len(looked_up) == 4  # a1.deputy, a2, nowhere, nowhere.deputy
        assert all("WHERE offices.id = " in s or "WHERE bodies.id = " in s for s in looked_up)
        walked = list(offices)
        charter = city_federation(a1=40)
        assert walked == [o.id for o in charter.offices]
        assert list(bodies) == [b.id for b in charter.bodies]
        assert len(offices) == len(charter.offices)

    org.read(ask)


def test_a_stored_mapping_read_after_its_unit_of_work_says_so(org: Organization) -> None:
    with org.soviet.unit_of_work() as ws:
        offices = ws.offices()
    with pytest.raises(RuntimeError, match="within the unit of work that read it"):
        _ = "a1.deputy" in offices


def test_a_ballot_reads_the_elections_the_clock_made_due_not_every_open_one(
    org: Organization, statements: list[str]
) -> None:
    from soviet.services import audit

    election = _voting_election(org)
    org.act(audit.schedule)  # an election opened for every other office
    assert org.read(lambda ws: len(ws.pending_elections())) >= 4
    statements.clear()
    org.act(lambda ws: elections.vote(ws, election, ["a1-2"], "a1-9"))
    candidates = [s for s in statements if s.startswith("SELECT candidates.member")]
    assert len(candidates) <= 1  # the voted election's, not one for each of the others
