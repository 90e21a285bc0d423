"""Writes held back within a transaction and sent together.

An event costs one row in the event table and, mostly, one row in a projection: sent one
statement at a time, SQLAlchemy's work per statement (compiling, binding, the result
object) costs more than the database's. `Writes` holds inserts back and sends them as
multi-row INSERT statements straight to the driver; anything else — an update, a delete,
a read — first sends what is held, so every statement sees the writes before it. The
unit of work sends the rest before it writes the Merkle nodes and commits.

Order is kept where the schema needs it: a row joins the batch its table already has
only when no batch after that one is of a table it refers to (a foreign key), so a row
never reaches the database before the row it refers to.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from functools import cache
from typing import Any

from sqlalchemy import Connection, CursorResult, Executable, Table, insert

#: Bound values per INSERT statement: under every SQLite's limit (999 before 3.32).
VALUES_PER_STATEMENT = 900
#: Rows held back before they are sent anyway, to bound memory.
HOLD = 5000
#: Batches held back before they are sent anyway, to bound the order check.
BATCHES = 64

Row = Mapping[str, Any]


class Writes:
    """The projectors' way to the database within one transaction."""

    def __init__(self, conn: Connection) -> None:
        self.conn = conn
        self._batches: list[tuple[Table, list[Row]]] = []
        self._latest: dict[str, int] = {}  # table name -> index of its latest batch
        self.held = 0

    def insert(self, table: Table, rows: Row | Sequence[Row]) -> None:
        """Insert one row or several; sent at the next `flush` or statement."""
        batch = [rows] if isinstance(rows, Mapping) else list(rows)
        if not batch:
            return
        at = self._latest.get(table.name)
        if at is None or _refers_to_any(table, self._batches[at + 1 :]):
            self._latest[table.name] = len(self._batches)
            self._batches.append((table, batch))
        else:
            self._batches[at][1].extend(batch)
        self.held += len(batch)
        if self.held >= HOLD or len(self._batches) >= BATCHES:
            self.flush()

    def execute(self, statement: Executable) -> CursorResult[Any]:
        """Run any other statement, after the inserts held back."""
        self.flush()
        return self.conn.execute(statement)

    def flush(self) -> None:
        """Send every insert held back, in order."""
        if not self._batches:
            return
        batches, self._batches, self._latest, self.held = self._batches, [], {}, 0
        for table, rows in batches:
            insert_rows(self.conn, table, rows)


def _refers_to_any(table: Table, later: Iterable[tuple[Table, list[Row]]]) -> bool:
    referred = _referred(table)
    return any(other.name in referred for other, _ in later)


@cache
def _referred(table: Table) -> frozenset[str]:
    return frozenset(key.column.table.name for key in table.foreign_keys)


def insert_rows(conn: Connection, table: Table, rows: Sequence[Row]) -> None:
    """Insert rows (mappings of column name to value) in as few statements as may be.

    Consecutive rows naming the same columns go in one multi-row statement per
    VALUES_PER_STATEMENT values; a column a row does not name takes its default.
    """
    start = 0
    while start < len(rows):
        columns = tuple(rows[start])
        stop = start + 1
        while stop < len(rows) and tuple(rows[stop]) == columns:
            stop += 1
        flat = [row[c] for row in rows[start:stop] for c in columns]
        insert_flat(conn, table, columns, flat)
        start = stop


def insert_flat(
    conn: Connection, table: Table, columns: Sequence[str], flat: Sequence[object]
) -> None:
    """Insert rows given flat, the values of each row in the order of `columns` one row
    after another, as multi-row INSERTs sent straight to the driver (SQLite's and
    psycopg's placeholders); another driver gets SQLAlchemy's executemany."""
    if not flat:
        return
    width = len(columns)
    marker = {"qmark": "?", "format": "%s", "pyformat": "%s"}.get(conn.dialect.paramstyle)
    if marker is None:  # a driver we have not measured
        rows = [
            dict(zip(columns, flat[i : i + width], strict=True)) for i in range(0, len(flat), width)
        ]
        conn.execute(insert(table), rows)
        return
    per_statement = max(1, VALUES_PER_STATEMENT // width) * width
    whole = len(flat) - len(flat) % per_statement
    if whole:
        text = _statement(conn, table, tuple(columns), per_statement // width, marker)
        batches = [tuple(flat[i : i + per_statement]) for i in range(0, whole, per_statement)]
        conn.exec_driver_sql(text, batches if len(batches) > 1 else batches[0])
    if whole < len(flat):
        rest = tuple(flat[whole:])
        text = _statement(conn, table, tuple(columns), len(rest) // width, marker)
        conn.exec_driver_sql(text, rest)


def _statement(
    conn: Connection, table: Table, columns: tuple[str, ...], rows: int, marker: str
) -> str:
    preparer = conn.dialect.identifier_preparer
    names = ", ".join(preparer.format_column(table.c[c]) for c in columns)
    row = "(" + ", ".join([marker] * len(columns)) + ")"
    return f"INSERT INTO {preparer.format_table(table)} ({names}) VALUES " + ", ".join([row] * rows)
