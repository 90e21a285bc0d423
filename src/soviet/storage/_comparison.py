"""Comparing what a database stores with what its log recomputes: the Merkle nodes, level
by level, and the projection tables, row by row — both streamed, in constant memory."""

from __future__ import annotations

import hashlib
from collections.abc import Generator, Iterator, Mapping, Sequence
from contextlib import closing
from typing import Any

from sqlalchemy import Connection, String, Table, select

from soviet.domain import events as ev
from soviet.ledger.hashing import node_hash
from soviet.services.verification import Report
from soviet.storage import schema as t

#: Rows fetched at a time.
STEP = 5000

#: Per projection table: the events that write its rows, the data field that names the
#: row, and the column that field fills — to point at the event behind a row that differs.
_WRITERS: Mapping[str, tuple[frozenset[str], str, str]] = {
    "members": (frozenset({ev.MEMBER_ADMITTED}), "member", "id"),
    "memberships": (
        frozenset({ev.MEMBER_ADMITTED, ev.MEMBER_JOINED, ev.MEMBER_LEFT}),
        "member",
        "member",
    ),
    "elections": (
        frozenset({ev.ELECTION_OPENED, ev.ELECTION_STARTED, ev.ELECTION_CLOSED}),
        "election",
        "id",
    ),
    "candidates": (frozenset({ev.CANDIDATE_NOMINATED}), "election", "election"),
    "rolls": (frozenset({ev.ELECTION_STARTED}), "election", "election"),
    "mandates": (
        frozenset({ev.MANDATE_IMPORTED, ev.MANDATE_GRANTED, *ev.MANDATE_ENDINGS}),
        "mandate",
        "id",
    ),
    "petitions": (
        frozenset(
            {ev.PETITION_OPENED, ev.RECALL_VOTE_OPENED, ev.RECALL_CLOSED, ev.MANDATE_RECALLED}
        ),
        "petition",
        "id",
    ),
    "recall_rolls": (frozenset({ev.RECALL_VOTE_OPENED}), "petition", "petition"),
}
#: Tables whose rows carry the seq of the event that wrote them.
_SEQ_COLUMN = frozenset(
    {"ballots", "signatures", "recall_ballots", "member_keys", "enrollment_codes", "nonces"}
)
_BY_TYPE: dict[str, list[tuple[str, str]]] = {}
for _table, (_types, _field, _) in _WRITERS.items():
    for _type in _types:
        _BY_TYPE.setdefault(_type, []).append((_table, _field))


class Writers:
    """The latest event that wrote each projection row, by the row's key."""

    def __init__(self) -> None:
        self.latest: dict[tuple[str, str], tuple[int, str]] = {}

    def note(self, seq: int, type: str, data: Mapping[str, Any]) -> None:
        for table, field in _BY_TYPE.get(type, ()):
            key = data.get(field)
            if isinstance(key, str):
                self.latest[(table, key)] = (seq, type)

    def of(self, conn: Connection, table: Table, row: Sequence[Any]) -> tuple[int, str | None]:
        """The seq and type of the event behind a row (seq 1 for the founding's tables)."""
        names = table.columns.keys()
        if table.name in _SEQ_COLUMN:
            seq = int(row[names.index("seq")])
            found = conn.execute(select(t.events.c.type).where(t.events.c.seq == seq)).scalar()
            return seq, found
        if table.name in _WRITERS:
            column = _WRITERS[table.name][2]
            return self.latest.get((table.name, str(row[names.index(column)])), (0, None))
        return 1, ev.ORGANIZATION_FOUNDED


def rows_of(conn: Connection, table: Table) -> Generator[tuple[Any, ...], None, None]:
    """A table's rows in primary-key order, the same order on SQLite and PostgreSQL."""
    order = [
        column.collate("C")  # byte order of UTF-8, as SQLite sorts text
        if isinstance(column.type, String) and conn.dialect.name == "postgresql"
        else column
        for column in table.primary_key.columns
    ]
    query = select(table).order_by(*order).execution_options(yield_per=STEP)
    with conn.execute(query) as result:
        for row in result:
            yield tuple(row)


def projections(live: Connection, replica: Connection, writers: Writers, report: Report) -> int:
    """Compare every projection table of the live database with the replay's; returns how
    many rows were equal."""
    equal = 0
    for table in t.PROJECTIONS:
        with closing(rows_of(live, table)) as ours, closing(rows_of(replica, table)) as theirs:
            equal += _compare(table, ours, theirs, live, writers, report)
    return equal


def _compare(
    table: Table,
    ours: Iterator[tuple[Any, ...]],
    theirs: Iterator[tuple[Any, ...]],
    live: Connection,
    writers: Writers,
    report: Report,
) -> int:
    """Merge two tables' rows in key order: count the equal ones, report the others."""
    names = table.columns.keys()
    keys = [names.index(c.name) for c in table.primary_key.columns]
    equal = 0
    a, b = next(ours, None), next(theirs, None)
    while a is not None or b is not None:
        if a == b:
            equal += 1
            a, b = next(ours, None), next(theirs, None)
            continue
        key_a = None if a is None else tuple(a[i] for i in keys)
        key_b = None if b is None else tuple(b[i] for i in keys)
        label = f"{table.name} {_key(key_a if key_b is None else key_b)}"
        if a is not None and (key_b is None or (key_a is not None and key_a < key_b)):
            seq, type = writers.of(live, table, a)
            report.fail(
                "projections",
                f"{table.name} {_key(key_a)} is in the database, but no event of the log writes it",
                seq or None,
                type,
            )
            a = next(ours, None)
        elif b is not None and (key_a is None or (key_b is not None and key_b < key_a)):
            seq, type = writers.of(live, table, b)
            report.fail("projections", f"{label} is missing from the database", seq or None, type)
            b = next(theirs, None)
        else:
            assert a is not None and b is not None
            seq, type = writers.of(live, table, b)
            changed = "; ".join(
                f"{name} is {a[i]!r} in the database, {b[i]!r} by the log"
                for i, name in enumerate(names)
                if a[i] != b[i]
            )
            report.fail("projections", f"{label}: {changed}", seq or None, type)
            a, b = next(ours, None), next(theirs, None)
    return equal


def _key(key: tuple[Any, ...] | None) -> str:
    assert key is not None
    return key[0] if len(key) == 1 else "(" + ", ".join(map(str, key)) + ")"


def tree(conn: Connection, levels: Sequence[tuple[Any, int]], report: Report) -> int:
    """Compare the stored Merkle nodes with the recomputed ones (given per level as a
    SHA-256 over the nodes in order, and their number); returns how many were stored."""
    stored: list[tuple[Any, int]] = []
    query = (
        select(t.merkle_nodes.c.level, t.merkle_nodes.c.idx, t.merkle_nodes.c.hash)
        .order_by(t.merkle_nodes.c.level, t.merkle_nodes.c.idx)
        .execution_options(yield_per=STEP)
    )
    total = 0
    gaps: dict[int, int] = {}
    for level, idx, digest in conn.execute(query):
        while len(stored) < level:
            stored.append((hashlib.sha256(), 0))
        hasher, n = stored[level - 1]
        if idx != n and level not in gaps:
            gaps[level] = n
        hasher.update(bytes(digest))
        stored[level - 1] = (hasher, n + 1)
        total += 1
    for level in range(1, max(len(stored), len(levels)) + 1):
        ours = stored[level - 1] if level <= len(stored) else None
        theirs = levels[level - 1] if level <= len(levels) else None
        same = (
            ours is not None
            and theirs is not None
            and ours[1] == theirs[1]
            and ours[0].digest() == theirs[0].digest()
            and level not in gaps
        )
        if not same:
            _locate(conn, level, ours[1] if ours else 0, theirs[1] if theirs else 0, report)
            break
    return total


def _locate(conn: Connection, level: int, stored: int, expected: int, report: Report) -> None:
    """Name the first stored node of `level` that is missing, extra, or not the hash of its
    stored children (the level below matched, so its nodes are right)."""
    nodes = t.merkle_nodes.c

    def at(which: int) -> Generator[tuple[int, bytes], None, None]:
        if which == 0:
            query = select(t.events.c.seq - 1, t.events.c.leaf).order_by(t.events.c.seq)
        else:
            query = select(nodes.idx, nodes.hash).where(nodes.level == which).order_by(nodes.idx)
        with conn.execute(query.execution_options(yield_per=STEP)) as result:
            for idx, digest in result:
                yield int(idx), bytes(digest)

    # A node is written with the last event it covers: that seq is where it is named.
    with closing(at(level - 1)) as children, closing(at(level)) as parents:
        _first_wrong(level, children, parents, report)
    if not report.checks["tree"].ok:
        return
    if stored < expected:
        report.fail(
            "tree",
            f"the stored tree has {stored:,} nodes at level {level}, the log needs {expected:,}",
            (stored + 1) << level,
        )
    else:
        report.fail(
            "tree",
            f"the stored nodes at level {level} are not the ones the log's "
            "events give (see the leaves)",
        )


def _first_wrong(
    level: int,
    children: Iterator[tuple[int, bytes]],
    parents: Iterator[tuple[int, bytes]],
    report: Report,
) -> None:
    for position, (idx, digest) in enumerate(parents):
        last = (idx + 1) << level
        where = f"Merkle node ({level}, {idx}) over seqs {last - (1 << level) + 1} to {last}"
        if idx != position:
            report.fail(
                "tree", f"Merkle node ({level}, {position}) is missing", (position + 1) << level
            )
            return
        pair = [next(children, None), next(children, None)]
        if pair[0] is None or pair[1] is None:
            report.fail("tree", f"{where} is stored, but the log has no events for it", last)
            return
        if pair[0][0] != 2 * idx or pair[1][0] != 2 * idx + 1:
            report.fail("tree", f"{where}: its children are not stored", last)
            return
        if node_hash(pair[0][1], pair[1][1]) != digest:
            report.fail("tree", f"{where} is not the hash of its two children", last)
            return
