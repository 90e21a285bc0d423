"""The log's tiles (c2sp.org/tlog-tiles) read from the stored tree and events: each tile
in one query over a primary-key range, so serving one costs what reading 256 rows costs.

A level-0 tile is the `leaf` column of 256 consecutive events; a level-L tile is the
stored Merkle nodes at height 8·L (`soviet.storage.merkle`); an entry bundle is the
events' entries, the same RFC 8785 bytes their leaf hashes hash (`storage.log.row_for`).
A tile is given only when all its hashes are stored: the log holds no partial answer.
"""

from __future__ import annotations

from sqlalchemy import Connection, select

from soviet.ledger.entries import encode_entry
from soviet.ledger.tiles import Tile
from soviet.storage.schema import events, merkle_nodes

#: The largest seq a log can hold (a signed 64-bit integer): a tile past it is in no log.
MAX_SEQ = 2**63 - 1


def _beyond_any_log(tile: Tile) -> bool:
    return (tile.first + tile.width) << tile.height > MAX_SEQ


def hashes(conn: Connection, tile: Tile) -> list[bytes] | None:
    """The hashes of a hash tile, or None while the log is too short to hold it."""
    if _beyond_any_log(tile):
        return None
    first = tile.first
    if tile.level == 0:
        query = (
            select(events.c.leaf)
            .where(events.c.seq > first, events.c.seq <= first + tile.width)
            .order_by(events.c.seq)
        )
    else:
        query = (
            select(merkle_nodes.c.hash)
            .where(
                merkle_nodes.c.level == tile.height,
                merkle_nodes.c.idx >= first,
                merkle_nodes.c.idx < first + tile.width,
            )
            .order_by(merkle_nodes.c.idx)
        )
    found = [bytes(digest) for digest in conn.execute(query).scalars()]
    return found if len(found) == tile.width else None


def entries(conn: Connection, tile: Tile) -> list[bytes] | None:
    """The entries behind a level-0 tile (the bundle `tile` names), in order, or None while
    the log is too short to hold them all."""
    if _beyond_any_log(tile):
        return None
    first = tile.first
    query = (
        select(
            events.c.seq,
            events.c.at,
            events.c.type,
            events.c.actor,
            events.c.data,
            events.c.clock,
            events.c.signed,
        )
        .where(events.c.seq > first, events.c.seq <= first + tile.width)
        .order_by(events.c.seq)
    )
    found = [
        encode_entry(
            row.seq,
            row.at,
            row.type,
            row.actor,
            row.data.encode("utf-8"),
            row.clock,
            None if row.signed is None else row.signed.encode("utf-8"),
        )
        for row in conn.execute(query)
    ]
    return found if len(found) == tile.width else None
