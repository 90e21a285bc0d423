"""At 100,000 members every act reads only what it touches: the database's own plan for
each statement an admission, a nomination, a ballot, a close, a petition's signature and a
recall's cascade through the levels issue reads no whole large table.

The federation is generated (`soviet.demo.national`: 100,000 members, 5 levels, seed 1)
and founded as `benchmarks/national.py` founds it: the charter adopted without enrollment
codes, then `audit --schedule` opens every election. At this size the planner's real
choice matters, so on PostgreSQL the tables are analyzed after the founding and each plan
is asked as the planner chooses it, sequential scans allowed: a `Seq Scan` of a large
table fails. The tables the few acts taken here leave small (the rolls, ballots and
signatures of a handful of votes) the planner rightly reads whole, a page each, so the
plan is asked again with sequential scans disabled, as `test_query_plans` asks it: it
must find an index for every lookup. On SQLite a `SCAN` of a watched table without an
index fails.

`audit --schedule` is not an act: it opens an election for every office, so reading every
office is what it must do; its statements are not checked.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from integration.conftest import Databases
from integration.plans import Statement, recording, touching
from soviet.bootstrap import Settings, Soviet
from soviet.demo import national
from soviet.domain import events as ev
from soviet.domain.charter import parse_charter
from soviet.domain.clock import format_instant
from soviet.services import audit, elections, members, recall
from soviet.services.founding import adopt
from soviet.storage import schema

#: One worker founds the federation for every test here (`pytest -n --dist loadgroup`).
pytestmark = pytest.mark.xdist_group("national")

MEMBERS, LEVELS, SEED = 100_000, 5, 1
START = datetime(2026, 5, 1, 9, 0, tzinfo=UTC)
#: The tables that grow with the organization: its members, bodies and offices, what
#: elections and recalls keep, and the log.
WATCHED = (
    "members",
    "bodies",
    "offices",
    "elections",
    "candidates",
    "memberships",
    "mandates",
    "petitions",
    "rolls",
    "ballots",
    "signatures",
    "recall_rolls",
    "events",
    "merkle_nodes",
)
#: A statement that reads (or updates, or deletes from) a watched table.
TOUCHES = touching(WATCHED)
#: A table of this many rows or more is large: several pages, which the planner reads
#: whole only when it has no index to read less.
LARGE = 500
#: A limited read in the order of the log's seq, SQLite's rowid: its plan says SCAN, and
#: reads from one end of the table no more rows than the limit.
ROWID_ORDER = re.compile(r"\bORDER BY events\.seq(?: DESC)? LIMIT\b")
#: The acts, in the order the federation takes them.
ACTS = (
    "admission",
    "joining and leaving",
    "nomination",
    "ballot",
    "close",
    "petition",
    "signature",
    "recall cascade",
)


@dataclass
class Nation:
    """A founded national federation and the statements each kind of act sent."""

    engine: sa.Engine
    sent: dict[str, list[Statement]] = field(default_factory=dict)
    lapsed: int = 0


def found(folder: Path, url: str) -> tuple[Soviet, national.Federation]:
    """The federation generated and adopted as the benchmark adopts it, without enrollment
    codes, so that its acts need no keys."""
    planned = national.plan(MEMBERS, LEVELS, SEED)
    charter_path, _ = national.write(folder / "federation", planned)
    charter = parse_charter(
        charter_path.read_text(encoding="utf-8"),
        str(charter_path),
        lambda name: (folder / "federation" / name).read_text(encoding="utf-8"),
    )
    soviet = Soviet(Settings(url, format_instant(START), folder / "national.key"), create=True)
    with soviet.unit_of_work() as ws:
        adopt(ws, charter, str(soviet.keys.create(charter.origin).verifier()), None)
    soviet.keys.install()
    return soviet, planned


@pytest.fixture(scope="module")
def nation(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Nation]:
    """A national federation of 100,000 members, founded and analyzed, that has admitted a
    member, elected the first assembly's deputies and the path above them up to the
    congress's chair, and recalled that path's member at once; with what each act sent."""
    folder = tmp_path_factory.mktemp("national")
    databases = Databases(folder)
    try:
        soviet, planned = found(folder, databases.new())
        clock = START

        def tick(days: float) -> None:
            nonlocal clock
            clock += timedelta(days=days)
            soviet.settings = replace(soviet.settings, now=format_instant(clock))

        tick(0.01)
        with soviet.unit_of_work() as ws:
            audit.schedule(ws)
        if soviet.engine.dialect.name == "postgresql":
            with soviet.engine.begin() as conn:  # each table: ANALYZE alone reads every schema
                for table in schema.metadata.sorted_tables:
                    conn.execute(sa.text(f'ANALYZE "{table.name}"'))

        made = Nation(soviet.engine, {act: [] for act in ACTS})
        acts(soviet, planned, made, tick)
        yield made
        soviet.dispose()
    finally:
        databases.drop_all()


def acts(
    soviet: Soviet, planned: national.Federation, made: Nation, tick: Callable[[float], None]
) -> None:
    """Take every kind of act once at least, noting what each sends."""
    top = planned.levels - 1
    assembly = planned.body(0, 0)
    with soviet.unit_of_work() as ws:
        people = sorted(ws.assembly_members(assembly), key=lambda m: int(m.rsplit(".", 1)[1]))
    founder = hero = people[0]  # the federation's first member founded it

    def act(kind: str, handler: Callable[..., object], *args: Any) -> list[ev.Recorded]:
        with recording(soviet.engine, TOUCHES, made.sent[kind]), soviet.unit_of_work() as ws:
            handler(ws, *args)
            return list(ws.recorded)

    act("admission", members.add, "newcomer.1", "A Newcomer", [assembly], founder)
    tick(0.01)
    other = planned.body(0, 1)
    act("joining and leaving", members.join, "newcomer.1", other, founder)
    act("joining and leaving", members.leave, "newcomer.1", other, "newcomer.1")

    def elect(office: str, candidates: Sequence[str], voters: Sequence[str]) -> None:
        with soviet.unit_of_work() as ws:
            pending = ws.pending_election(office)
            assert pending is not None, f"no election of {office} was opened"
            election = pending.id
        for candidate in candidates:
            act("nomination", elections.nominate, election, candidate, candidate)
        act("nomination", elections.start, election, candidates[0])
        tick(0.01)
        for voter in voters:
            act("ballot", elections.vote, election, list(candidates), voter)
        tick(8)  # past the voting period
        closed = act("close", elections.close, election, candidates[0])
        assert any(e.type == ev.ELECTION_CLOSED for e in closed), f"{office} did not close"

    voters = people[: math.ceil(len(people) / 3) + 1]  # the quorum
    elect(f"{assembly}.deputy", people[: planned.deputies(0, 0)], voters)
    for level in range(1, top + 1):  # the path upwards: the first body of every level
        council = planned.body(level, 0)
        with soviet.unit_of_work() as ws:
            seated = sorted(ws.seated(council))
        if level == top:
            elect(f"{council}.chair", [hero], seated)
        else:  # two seats: the member, and another deputy seated here if there is one
            elect(f"{council}.deputy", [hero, *[m for m in seated if m != hero][:1]], seated)

    with soviet.unit_of_work() as ws:
        [held] = [m for m in ws.active_mandates(holder=hero) if m.office == f"{assembly}.deputy"]
    tick(0.01)
    [opened] = act("petition", recall.open_petition, held.id, "never reports back", people[1])
    petition = str(opened.data["petition"])
    with soviet.unit_of_work() as ws:
        needed = int(recall.thresholds(ws, petition)["immediate_needed"])
    for count, signer in enumerate(people[2:], start=2):  # the opener signed first
        last = count >= needed
        recorded = act("recall cascade" if last else "signature", recall.sign, petition, signer)
        if any(e.type == ev.MANDATE_RECALLED for e in recorded):
            made.lapsed = sum(e.type == ev.MANDATE_LAPSED for e in recorded)
            break


def sizes(engine: sa.Engine) -> dict[str, int]:
    """The rows of each watched table."""
    with engine.connect() as conn:
        return {
            t: int(conn.execute(sa.text(f'SELECT count(*) FROM "{t}"')).scalar_one())
            for t in WATCHED
        }


def plan(cursor: Any, statement: str, parameters: Any, *, dialect: str) -> list[str]:
    """The lines of the statement's plan."""
    if dialect == "sqlite":
        cursor.execute(f"EXPLAIN QUERY PLAN {statement}", parameters)
        return [str(row[-1]).strip() for row in cursor.fetchall()]
    cursor.execute(f"EXPLAIN {statement}", parameters)
    return [str(row[0]).strip() for row in cursor.fetchall()]


def full_scans(engine: sa.Engine, statements: Sequence[Statement]) -> dict[str, list[str]]:
    """Each distinct statement whose plan reads a whole watched table, with those lines of
    its plan.

    On PostgreSQL the plan the planner chooses must scan no large table; a table that is
    still small here (a roll, the ballots and signatures of the few votes taken) may be
    read whole, a page or two, but the plan asked with sequential scans disabled must
    still find an index that serves the lookup, as it will once the table is large."""
    distinct = {" ".join(s.split()): (s, p) for s, p in reversed(statements)}
    dialect = engine.dialect.name
    large = "|".join(t for t, rows in sizes(engine).items() if rows >= LARGE)
    raw = engine.raw_connection()
    try:
        cursor = raw.cursor()
        found: dict[str, list[str]] = {}
        for shown, (statement, parameters) in distinct.items():
            if dialect == "sqlite":
                lines = plan(cursor, statement, parameters, dialect=dialect)
                if ROWID_ORDER.search(shown) and not any("TEMP B-TREE" in x for x in lines):
                    continue  # the rowid's b-tree walked from one end, as far as the limit
                scan = re.compile(rf"^SCAN ({'|'.join(WATCHED)})\b(?!.*USING (COVERING )?INDEX)")
                scans = [line for line in lines if scan.search(line)]
            else:
                chosen = plan(cursor, statement, parameters, dialect=dialect)
                scans = [x for x in chosen if large and re.search(rf"Seq Scan on ({large})\b", x)]
                cursor.execute("SET enable_seqscan = off")
                indexed = plan(cursor, statement, parameters, dialect=dialect)
                cursor.execute("SET enable_seqscan = on")
                unserved = re.compile(rf"Seq Scan on ({'|'.join(WATCHED)})\b")
                scans += [f"{x} (no index)" for x in indexed if unserved.search(x)]
            if scans:
                found[shown] = scans
        return found
    finally:
        raw.rollback()
        raw.close()


def test_the_federation_acted_at_every_level(nation: Nation) -> None:
    assert nation.lapsed == LEVELS - 1  # the seats the recalled deputy held above
    assert all(nation.sent[act] for act in ACTS), nation.sent
    touched = {
        m.group(1).lower()
        for sent in nation.sent.values()
        for s, _ in sent
        for m in TOUCHES.finditer(s)
    }
    # every watched table but a recall vote's roll: the petition here recalls at once
    assert touched == set(WATCHED) - {"recall_rolls"}, sorted(set(WATCHED) - touched)


@pytest.mark.parametrize("act", ACTS)
def test_an_act_reads_no_whole_large_table(nation: Nation, act: str) -> None:
    scans = full_scans(nation.engine, nation.sent[act])
    assert not scans, "\n\n".join(f"{s}\n  {' / '.join(lines)}" for s, lines in scans.items())
