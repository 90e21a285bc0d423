"""The event table: appending events with their leaf hashes, and reading them back."""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from typing import Any

from sqlalchemy import Connection, func, inspect, select

from soviet.domain.events import Event, Recorded
from soviet.ledger.entries import encode_entry, parse_canonical_value
from soviet.ledger.hashing import leaf_hash
from soviet.storage import schema as t


def last(conn: Connection) -> tuple[int, str | None]:
    """The size of the log and the instant of its last event."""
    row = conn.execute(
        select(t.events.c.seq, t.events.c.at).order_by(t.events.c.seq.desc()).limit(1)
    ).first()
    if row is None:
        return 0, None
    return int(row.seq), str(row.at)


def held(conn: Connection) -> int:
    """How many events a database's log holds, at any schema version: 0 without a log."""
    if not inspect(conn).has_table(t.events.name):
        return 0
    return last(conn)[0]


def size(conn: Connection) -> int:
    return int(conn.execute(select(func.count()).select_from(t.events)).scalar_one())


def last_event(conn: Connection) -> tuple[int, str, str | None] | None:
    """The log's last event: its seq, its instant and its clock marker; None for no log."""
    row = conn.execute(
        select(t.events.c.seq, t.events.c.at, t.events.c.clock)
        .order_by(t.events.c.seq.desc())
        .limit(1)
    ).first()
    return None if row is None else (int(row.seq), str(row.at), row.clock)


def row_for(
    seq: int, at: str, event: Event, clock: str | None = None
) -> tuple[dict[str, Any], Recorded]:
    """The events-table row of an event and its recorded form (data as stored: JSON);
    `clock` is the marker of an event recorded under a set clock, in its entry too."""
    data: Mapping[str, Any]
    data, text = parse_canonical_value(dict(event.data))  # as it reads back from the log
    signed: Mapping[str, Any] | None = None
    signed_text: bytes | None = None
    if event.signed is not None:
        signed, signed_text = parse_canonical_value(dict(event.signed))
    entry = encode_entry(seq, at, event.type, event.actor, text, clock, signed_text)
    row = {
        "seq": seq,
        "at": at,
        "type": event.type,
        "actor": event.actor,
        "data": text.decode("utf-8"),
        "leaf": leaf_hash(entry),
        "clock": clock,
        "signed": None if signed_text is None else signed_text.decode("utf-8"),
    }
    return row, Recorded(seq, at, event.type, event.actor, data, clock, signed)


def read(conn: Connection, start: int = 1, stop: int | None = None) -> Iterator[Recorded]:
    """The events with start <= seq (< stop), in order."""
    query = select(t.events).where(t.events.c.seq >= start).order_by(t.events.c.seq)
    if stop is not None:
        query = query.where(t.events.c.seq < stop)
    for row in conn.execute(query.execution_options(yield_per=5000)):
        signed = None if row.signed is None else json.loads(row.signed)
        yield Recorded(
            row.seq, row.at, row.type, row.actor, json.loads(row.data), row.clock, signed
        )


def act_at(conn: Connection, seq: int) -> list[Recorded]:
    """The events one act recorded: its own event at `seq`, then every consequence —
    the events right after it whose `cause` is the act or one of its consequences. They
    lie within its unit of work, which ends at the size of the first signed checkpoint
    stored at or after `seq` (every unit of work stores one, and may hold other acts)."""
    end = conn.execute(
        select(func.min(t.checkpoints.c.size)).where(t.checkpoints.c.size >= seq)
    ).scalar_one_or_none()
    stop = (int(end) if end is not None else seq) + 1
    events: list[Recorded] = []
    caused: set[int] = {seq}
    for event in list(read(conn, seq, stop)):  # one unit of work: read whole, then cut
        if events and event.data.get("cause") not in caused:
            break
        events.append(event)
        caused.add(event.seq)
    return events
