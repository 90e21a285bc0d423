"""Reads the notice board needs that `views` does not give: the organization's name,
members' names as a page asks for them, and the acts a member took, newest first.

The `events` table has no index on `actor`: the acts of a member are found by reading
the log backwards from its end, stopped by a LIMIT — fast while a member's acts are
recent or the log is small, a scan of the log for a member who never acted.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping

from sqlalchemy import Connection, select

from soviet.domain.events import Recorded
from soviet.storage import schema as t

#: The most acts of one member a page shows.
ACTS_SHOWN = 100


def organization_name(conn: Connection) -> str:
    """The organization's name as its charter gives it ("" before the founding)."""
    row = conn.execute(select(t.organization.c.name)).first()
    return "" if row is None else str(row.name)


class Names(Mapping[str, str]):
    """Members' names by id, each read when a page first asks for it: a page shows a few
    members of what may be a million, so it never reads them all. Lives as long as the
    snapshot it reads from; iterating gives the names read so far."""

    def __init__(self, conn: Connection) -> None:
        self._conn = conn
        self._read: dict[str, str | None] = {}

    def __getitem__(self, ident: str) -> str:
        if ident not in self._read:
            row = self._conn.execute(
                select(t.members.c.name).where(t.members.c.id == ident)
            ).first()
            self._read[ident] = None if row is None else str(row.name)
        name = self._read[ident]
        if name is None:
            raise KeyError(ident)
        return name

    def __iter__(self) -> Iterator[str]:
        return iter([ident for ident, name in self._read.items() if name is not None])

    def __len__(self) -> int:
        return sum(1 for name in self._read.values() if name is not None)

    def __bool__(self) -> bool:  # every member has a name to read, however few were read
        return True


def acts_of(conn: Connection, member: str, limit: int = ACTS_SHOWN) -> list[Recorded]:
    """The events whose actor is `member`, newest first, at most `limit` of them."""
    rows = conn.execute(
        select(t.events.c.seq, t.events.c.at, t.events.c.type, t.events.c.actor, t.events.c.data)
        .where(t.events.c.actor == member)
        .order_by(t.events.c.seq.desc())
        .limit(limit)
    )
    return [Recorded(int(r.seq), str(r.at), str(r.type), r.actor, json.loads(r.data)) for r in rows]
