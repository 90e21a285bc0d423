"""What the query-plan tests share: noting the statements sent on the tables they watch."""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import sqlalchemy as sa

Statement = tuple[str, Any]


def touching(tables: Sequence[str]) -> re.Pattern[str]:
    """A statement that reads (or updates, or deletes from) one of `tables`."""
    return re.compile(rf'\b(?:FROM|JOIN|UPDATE)\s+"?({"|".join(tables)})"?(?:\s|$)', re.IGNORECASE)


@contextmanager
def recording(engine: sa.Engine, touches: re.Pattern[str], into: list[Statement]) -> Iterator[None]:
    """Note in `into` the SELECT, UPDATE and DELETE statements `touches` matches that the
    engine sends meanwhile, with their parameters."""

    def note(
        _conn: object,
        _cursor: object,
        statement: str,
        parameters: Any,
        _context: object,
        executemany: bool,
    ) -> None:
        reads = re.match(r"\s*(SELECT|UPDATE|DELETE)\b", statement, re.I)
        if not executemany and reads and touches.search(statement):
            into.append((statement, parameters))

    sa.event.listen(engine, "before_cursor_execute", note)
    try:
        yield
    finally:
        sa.event.remove(engine, "before_cursor_execute", note)
