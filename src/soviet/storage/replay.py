"""Rebuilding a database from another's log, and dumping projections to compare them.

`replay` copies the event table of one database into an empty one, recomputing every
leaf hash and Merkle node from the events themselves, and applies each event through the
same projectors as the live path. `dump` reads every projection table in an order that
does not depend on the database, so the dumps of a database and of its replay compare
equal exactly when the projections are identical: replaying a log must reproduce
every projection of the database it came from (DESIGN.md, "Event sourcing").
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from sqlalchemy import Connection, Table, select

from soviet.domain import catalogue as c
from soviet.domain.events import Event, Recorded
from soviet.errors import DatabaseError, LedgerError
from soviet.storage import database, log, merkle, projectors
from soviet.storage import schema as t
from soviet.storage.writes import Writes

#: One projection table's rows, as tuples of column values in the table's column order.
Rows = list[tuple[Any, ...]]
#: Every projection table by name.
Dump = dict[str, Rows]

#: Events per INSERT of the event table and per Merkle update while replaying.
BATCH = 1000


def replay(source: Connection, target: Connection, *, batch: int = BATCH) -> int:
    """Replay the whole log of `source` into `target`, an empty database (migrated here if
    it has no schema yet); returns the number of events.

    The target's events are written anew from each event's seq, time, type, actor, data
    and clock marker (so their leaf hashes and the Merkle tree are recomputed, not copied),
    and each event is applied by `projectors.project`. Runs in the target's current
    transaction; raises LedgerError if the source's seqs are not 1..n or an event's data
    does not fit its type.
    """
    if database.revision(target) is None:
        database.migrate(target)
    _require_empty(target)
    count = 0
    writes = Writes(target)
    for chunk in _chunks(log.read(source), batch):
        leaves: list[bytes] = []
        for event in chunk:
            if event.seq != count + len(leaves) + 1:
                raise LedgerError(
                    f"the log has no entry {count + len(leaves) + 1}: the next is {event.seq}"
                )
            row, recorded = log.row_for(
                event.seq,
                event.at,
                Event(event.type, event.actor, event.data, event.signed),
                event.clock,
            )
            try:
                payload = c.decode(recorded.type, recorded.data)
            except c.EventFormatError as error:
                raise c.EventFormatError(
                    f"the log's entry {event.seq} cannot be replayed: {error}"
                ) from None
            leaves.append(row["leaf"])
            writes.insert(t.events, row)
            projectors.project(writes, recorded, payload)
        writes.flush()
        merkle.append_leaves(target, count, leaves)
        count += len(leaves)
    return count


def dump(conn: Connection) -> Dump:
    """Every projection table's rows, sorted by primary key, for comparison.

    Rows are sorted here rather than by the database, whose collation of text differs
    between SQLite and PostgreSQL.
    """
    return {table.name: _rows(conn, table) for table in t.PROJECTIONS}


def _rows(conn: Connection, table: Table) -> Rows:
    keys = [table.columns.keys().index(c.name) for c in table.primary_key.columns]
    rows = [tuple(row) for row in conn.execute(select(table))]
    rows.sort(key=lambda row: tuple(row[i] for i in keys))
    return rows


def _require_empty(conn: Connection) -> None:
    for table in (t.events, *t.PROJECTIONS):
        if conn.execute(select(1).select_from(table).limit(1)).first() is not None:
            raise DatabaseError(
                f"cannot replay into a database that is not empty (table {table.name!r} "
                "has rows); give the URL of a new database"
            )


def _chunks(events: Iterable[Recorded], size: int) -> Iterator[list[Recorded]]:
    chunk: list[Recorded] = []
    for event in events:
        chunk.append(event)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk
