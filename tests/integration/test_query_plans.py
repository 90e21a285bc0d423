"""Every lookup a vote, a signature and a recall's cascade make is served by an index: the
database's own plan for each statement they issue reads no whole table of bodies,
offices, elections, memberships, mandates, petitions, rolls, ballots or signatures.

On PostgreSQL the plans are asked with sequential scans disabled: on tables this small the
planner may prefer one anyway, and what the check needs to know is whether an index that
serves the lookup exists.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from functools import partial
from typing import Any

import pytest
import sqlalchemy as sa

from integration.conftest import Organization, city_federation
from integration.plans import Statement, recording, touching
from integration.signed import elect_every_level
from soviet.domain import events as ev
from soviet.domain.model import Charter
from soviet.services import recall

WATCHED = (
    "bodies",
    "offices",
    "elections",
    "memberships",
    "mandates",
    "petitions",
    "rolls",
    "ballots",
    "signatures",
)
#: A statement that reads (or updates, or deletes from) a watched table.
TOUCHES = touching(WATCHED)


@pytest.fixture
def org(found: Callable[[Charter], Organization]) -> Organization:
    """A federation with every level elected."""
    made = found(city_federation())
    elect_every_level(made)
    return made


@pytest.fixture
def statements(org: Organization) -> Iterator[list[Statement]]:
    """The SELECT, UPDATE and DELETE statements on watched tables sent from now on, with
    their parameters."""
    seen: list[Statement] = []
    with recording(org.soviet.engine, TOUCHES, seen):
        yield seen


def full_scans(engine: sa.Engine, statement: str, parameters: Any) -> list[str]:
    """The lines of the statement's plan that read a whole watched table."""
    raw = engine.raw_connection()
    try:
        cursor = raw.cursor()
        if engine.dialect.name == "sqlite":
            cursor.execute(f"EXPLAIN QUERY PLAN {statement}", parameters)
            lines = [str(row[-1]) for row in cursor.fetchall()]
            scan = re.compile(rf"^SCAN ({'|'.join(WATCHED)})\b(?!.*USING (COVERING )?INDEX)")
        else:
            cursor.execute("SET enable_seqscan = off")
            cursor.execute(f"EXPLAIN {statement}", parameters)
            lines = [str(row[0]) for row in cursor.fetchall()]
            scan = re.compile(rf"Seq Scan on ({'|'.join(WATCHED)})\b")
        return [line.strip() for line in lines if scan.search(line.strip())]
    finally:
        raw.rollback()
        raw.close()


def test_votes_signatures_and_a_recall_cascade_read_no_whole_table(
    org: Organization, statements: list[Statement]
) -> None:
    # a petition against a2-1's seat in a2, which also seats them in the district
    deputy = org.read(lambda ws: ws.active_mandates(holder="a2-1"))
    a2 = next(m for m in deputy if m.office == "a2.deputy")
    opened = org.act(lambda ws: recall.open_petition(ws, a2.id, "broke the mandate", "a2-3"))
    petition = str(opened[0].data["petition"])
    signers = sorted(org.read(lambda ws: ws.assembly_members("a2")) - {"a2-1", "a2-3"})
    recorded: list[ev.Recorded] = []
    for signer in signers:  # signatures, up to the immediate share: the cascade
        org.tick(hours=1)
        recorded += org.act(partial(recall.sign, petition_id=petition, actor=signer))
        if any(e.type == ev.MANDATE_RECALLED for e in recorded):
            break
    assert sum(e.type == ev.MANDATE_LAPSED for e in recorded) >= 2  # district, then city
    org.tick(hours=1)
    org.elect("a2.deputy", ["a2-4"])  # the by-election: nominations, votes, the close

    assert statements, "no statement was captured"
    touched = {m.group(1).lower() for s, _ in statements for m in TOUCHES.finditer(s)}
    assert touched == set(WATCHED)
    scans = {
        " ".join(statement.split()): found
        for statement, parameters in statements
        if (found := full_scans(org.soviet.engine, statement, parameters))
    }
    assert scans == {}
