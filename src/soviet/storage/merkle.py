"""The log's Merkle tree in the database: the nodes of complete subtrees, beside the leaf
hashes of the event table, written as events are appended and read for roots and proofs.

Node `(level, idx)` covers leaves `[idx * 2**level, (idx + 1) * 2**level)`; level 0 is
`events.leaf` (leaf index = seq - 1), levels >= 1 are rows of `merkle_nodes`. A node is
written once, when its last leaf arrives, and never changes. Any root or proof is then
a fold of O(log n) stored nodes (`soviet.ledger.proofs` says which), read in one
query.

Nodes are inserted by `soviet.storage.writes.insert_flat`, in multi-row statements sent
straight to the driver: SQLAlchemy's per-row executemany would cost more than the hashing.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache

from sqlalchemy import (
    Connection,
    Executable,
    Integer,
    Select,
    and_,
    bindparam,
    func,
    literal_column,
    or_,
    select,
    union_all,
)

from soviet.errors import InputError, LedgerError
from soviet.ledger import proofs
from soviet.ledger.compact import NodeID, border, check_leaves, completed_nodes
from soviet.ledger.hashing import EMPTY_ROOT
from soviet.storage.schema import events, merkle_nodes
from soviet.storage.writes import insert_flat


def append_leaves(conn: Connection, size: int, leaves: Sequence[bytes]) -> None:
    """Write the nodes completed by the leaves just inserted at `size`..`size+len-1`.

    Called in the transaction that inserted their events. Reads at most one stored node
    per level, in one query (the left siblings on the old tree's border), and inserts
    the new nodes in multi-row statements.
    """
    if not leaves:
        return
    check_leaves(leaves)
    new_size = size + len(leaves)
    needed = [
        node for node in border(size) if new_size >> (node.level + 1) > size >> (node.level + 1)
    ]
    known = dict(zip(needed, _read(conn, needed), strict=True))
    flat: list[object] = []
    for level, first, hashes in completed_nodes(size, leaves, known):
        count = len(hashes)
        chunk: list[object] = [None] * (3 * count)
        chunk[0::3] = [level] * count
        chunk[1::3] = range(first, first + count)
        chunk[2::3] = hashes
        flat.extend(chunk)
    _insert_nodes(conn, flat)


def tree_size(conn: Connection) -> int:
    """The number of entries in the log."""
    return int(conn.execute(select(func.coalesce(func.max(events.c.seq), 0))).scalar_one())


def root(conn: Connection, size: int | None = None) -> bytes:
    """The root hash of the log at `size` entries (now, by default)."""
    if size is None:
        size = tree_size(conn)
    if size == 0:
        return EMPTY_ROOT
    return _build(conn, proofs.root(size), size)[0]


def inclusion_proof(conn: Connection, index: int, size: int) -> list[bytes]:
    """The audit path of entry `index` (seq - 1) in the log at `size` entries."""
    return _build(conn, proofs.inclusion(index, size), size)


def consistency_proof(conn: Connection, old: int, new: int) -> list[bytes]:
    """The proof that the log at `old` entries is a prefix of the log at `new`."""
    return _build(conn, proofs.consistency(old, new), new)


def leaf(conn: Connection, index: int) -> bytes:
    """The leaf hash of entry `index` (seq - 1)."""
    found = conn.execute(select(events.c.leaf).where(events.c.seq == index + 1)).scalar()
    if found is None:
        raise InputError(f"entry {index} is not in the log of {tree_size(conn)} entries")
    return bytes(found)


# -- reading and writing nodes -----------------------------------------------------------


def _build(conn: Connection, plan: proofs.Nodes, size: int) -> list[bytes]:
    try:
        return plan.build(lambda ids: _read(conn, ids))
    except LedgerError:
        have = tree_size(conn)
        if size > have:
            raise InputError(f"the log has {have} entries, not {size}") from None
        raise


def _read(conn: Connection, ids: Sequence[NodeID]) -> list[bytes]:
    """The hashes of stored nodes, in the order asked, in one query."""
    leaves = sorted({node.index for node in ids if node.level == 0})
    inner = sorted({node for node in ids if node.level > 0})
    if not leaves and not inner:
        return []
    params: dict[str, int] = {}
    for i, index in enumerate(leaves):
        params[f"s{i}"] = index + 1
    for i, node in enumerate(inner):
        params[f"l{i}"] = node.level
        params[f"i{i}"] = node.index
    rows = conn.execute(_node_query(len(leaves), len(inner)), params)
    found = {NodeID(level, index): bytes(digest) for level, index, digest in rows}
    try:
        return [found[node] for node in ids]
    except KeyError as missing:
        raise LedgerError(f"the stored tree lacks node {missing.args[0]}") from None


@lru_cache(maxsize=512)
def _node_query(leaves: int, inner: int) -> Executable:
    """The query for `leaves` leaf hashes and `inner` interior nodes, built once per
    shape so that SQLAlchemy compiles it once."""
    parts: list[Select[tuple[int, int, bytes]]] = []
    if leaves:
        parts.append(
            select(
                literal_column("0", Integer).label("level"),
                (events.c.seq - 1).label("idx"),
                events.c.leaf.label("hash"),
            ).where(events.c.seq.in_([bindparam(f"s{i}") for i in range(leaves)]))
        )
    if inner:
        nodes = merkle_nodes.c
        parts.append(
            select(nodes.level, nodes.idx, nodes.hash).where(
                or_(
                    *(
                        and_(nodes.level == bindparam(f"l{i}"), nodes.idx == bindparam(f"i{i}"))
                        for i in range(inner)
                    )
                )
            )
        )
    return parts[0] if len(parts) == 1 else union_all(*parts)


def _insert_nodes(conn: Connection, flat: list[object]) -> None:
    """Insert rows given flat as level, idx, hash, level, idx, hash, …"""
    insert_flat(conn, merkle_nodes, ("level", "idx", "hash"), flat)
