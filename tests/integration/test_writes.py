"""Writes held back and sent together: reads see them, rows never precede the rows they
refer to, and a replay that fails in a batch names the event that caused it."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import sqlalchemy as sa

from soviet.domain.events import Recorded
from soviet.errors import ReplayError
from soviet.storage import database
from soviet.storage import schema as t
from soviet.storage.verification import MemoryReplica
from soviet.storage.writes import HOLD, Writes


@pytest.fixture
def conn(db_url: str) -> Iterator[sa.Connection]:
    engine = database.create_engine(db_url)
    with engine.connect() as connection, connection.begin():
        database.migrate(connection)
        connection.execute(
            sa.insert(t.bodies),
            [
                {"id": "works", "name": "Works", "kind": "assembly", "parent": None, "position": 0},
                {"id": "depot", "name": "Depot", "kind": "assembly", "parent": None, "position": 1},
            ],
        )
        yield connection
    engine.dispose()


def _count(conn: sa.Connection, table: sa.Table) -> int:
    return int(conn.execute(sa.select(sa.func.count()).select_from(table)).scalar_one())


def test_held_inserts_reach_the_database_at_the_next_statement(conn: sa.Connection) -> None:
    writes = Writes(conn)
    writes.insert(t.members, {"id": "m1", "name": "One", "admitted_at": "2026-01-01"})
    assert _count(conn, t.members) == 0  # held back
    count = writes.execute(sa.select(sa.func.count()).select_from(t.members)).scalar_one()
    assert count == 1


def test_a_row_never_reaches_the_database_before_the_row_it_refers_to(
    conn: sa.Connection,
) -> None:
    # A membership first (of a member already written), then members and memberships
    # interleaved, as admissions write them: a later membership must not join the first
    # batch of memberships, which goes before the members. Both databases enforce
    # foreign keys, so a membership sent before its member would fail.
    conn.execute(sa.insert(t.members), {"id": "m0", "name": "M 0", "admitted_at": "2026"})
    writes = Writes(conn)
    writes.insert(t.memberships, {"member": "m0", "body": "works"})
    for i in range(1, 250):
        writes.insert(t.members, {"id": f"m{i}", "name": f"M {i}", "admitted_at": "2026"})
        writes.insert(
            t.memberships,
            [{"member": f"m{i}", "body": "works"}, {"member": f"m{i}", "body": "depot"}],
        )
    writes.flush()
    assert _count(conn, t.members) == 250
    assert _count(conn, t.memberships) == 1 + 2 * 249


def test_many_rows_go_in_statements_under_the_bound_values_limit(conn: sa.Connection) -> None:
    writes = Writes(conn)
    rows = [{"id": f"m{i}", "name": f"M {i}", "admitted_at": "2026"} for i in range(HOLD + 7)]
    writes.insert(t.members, rows)  # past HOLD: sent at once
    assert _count(conn, t.members) == HOLD + 7
    names = [n for (n,) in conn.execute(sa.select(t.members.c.name).order_by(t.members.c.id))]
    assert sorted(names) == sorted(row["name"] for row in rows)


def _admitted(seq: int, member: str) -> Recorded:
    return Recorded(
        seq,
        "2026-01-01T00:00:00Z",
        "member.admitted",
        None,
        {"member": member, "name": member, "bodies": []},
    )


def test_a_replay_names_the_event_whose_held_write_fails() -> None:
    replica = MemoryReplica()
    try:
        for seq in range(1, 8):
            replica.project(_admitted(seq, f"m{seq}"))
        replica.project(_admitted(8, "m3"))  # admits m3 again: its row cannot be written
        replica.project(_admitted(9, "m9"))
        with pytest.raises(ReplayError) as failure:
            replica.settle()
        assert (failure.value.seq, failure.value.type) == (8, "member.admitted")
        assert "UNIQUE" in str(failure.value)
    finally:
        replica.close()


def test_a_replay_keeps_what_it_applied_before_the_failing_batch() -> None:
    replica = MemoryReplica()
    try:
        for seq in range(1, 4):
            replica.project(_admitted(seq, f"m{seq}"))
        replica.settle()
        replica.project(_admitted(4, "m1"))
        with pytest.raises(ReplayError):
            replica.settle()
        assert _count(replica.conn, t.members) == 3
    finally:
        replica.close()
