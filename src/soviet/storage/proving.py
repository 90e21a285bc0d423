"""Checkpoints and proofs from the stored tree: the signed checkpoint each unit of work
stores, what `soviet checkpoint` prints and `soviet prove` proves, each read in O(log n)
stored nodes."""

from __future__ import annotations

import json

from sqlalchemy import Connection, func, select

from soviet.domain import events as ev
from soviet.errors import DatabaseError, InputError
from soviet.ledger.proofs import ConsistencyProof, InclusionProof
from soviet.storage import merkle
from soviet.storage import schema as t
from soviet.storage.keys import KeyFile
from soviet.storage.writes import insert_flat


def log_key(conn: Connection) -> tuple[str, str | None]:
    """The log's origin and the verifier key its first event carries (None if founded
    without one)."""
    row = conn.execute(select(t.organization.c.origin, t.organization.c.verifier_key)).first()
    if row is None:
        raise DatabaseError("this database holds no organization yet: adopt a charter first")
    return str(row.origin), row.verifier_key


def signed_checkpoint(conn: Connection, size: int, keys: KeyFile | None) -> str | None:
    """The signed note of the checkpoint of the stored tree at `size` entries, by the log's
    own key; None for a log founded without a key.

    Refuses a key that is not the one the log's first event names, so a checkpoint is
    never signed by a key the log's readers would not check it with.
    """
    origin, verifier = log_key(conn)
    if verifier is None:
        return None
    key = (keys or KeyFile(None)).require()
    if str(key.verifier()) != verifier:
        where = f" in {keys.path}" if keys is not None and keys.path is not None else ""
        raise InputError(
            f"the signing key{where} ({key.name}+{key.key_id.hex()}) is not this log's key "
            f"({'+'.join(verifier.split('+')[:2])}); set SOVIET_KEY to the log's own key file"
        )
    from soviet.ledger.checkpoints import Checkpoint, sign_checkpoint  # cryptography

    checkpoint = Checkpoint(origin, size, merkle.root(conn, size))
    return sign_checkpoint(checkpoint, key).decode("utf-8")


def latest_stored(conn: Connection, at_most: int | None = None) -> tuple[int, str] | None:
    """The size and signed note of the latest stored checkpoint (of at most `at_most`
    entries, when given), if any."""
    query = select(t.checkpoints.c.size, t.checkpoints.c.note)
    if at_most is not None:
        query = query.where(t.checkpoints.c.size <= at_most)
    row = conn.execute(query.order_by(t.checkpoints.c.size.desc()).limit(1)).first()
    return None if row is None else (int(row.size), str(row.note))


def stored_count(conn: Connection) -> int:
    """How many signed checkpoints are stored beside the log."""
    return int(conn.execute(select(func.count()).select_from(t.checkpoints)).scalar_one())


def store(conn: Connection, size: int, keys: KeyFile | None) -> str | None:
    """Sign the checkpoint of the tree at `size` entries and store it beside the log, in
    the caller's transaction; None (nothing stored) for a log founded without a key."""
    note = signed_checkpoint(conn, size, keys)
    if note is not None:
        insert_flat(conn, t.checkpoints, ("size", "note"), (size, note))
    return note


def latest_logged(conn: Connection) -> tuple[int, str] | None:
    """The seq and signed note of the latest `checkpoint.logged` event, if any
    (EventFormatError if its data does not fit its type)."""
    row = conn.execute(
        select(t.events.c.seq, t.events.c.data)
        .where(t.events.c.type == ev.CHECKPOINT_LOGGED)
        .order_by(t.events.c.seq.desc())
        .limit(1)
    ).first()
    if row is None:
        return None
    from soviet.domain import catalogue as c  # only for a read that asks for it

    return int(row.seq), c.decode_as(c.CheckpointLogged, json.loads(row.data)).checkpoint


def inclusion(conn: Connection, seq: int, size: int | None = None) -> InclusionProof:
    """The proof that event `seq` is in the log at `size` entries (now, by default)."""
    have = merkle.tree_size(conn)
    size = have if size is None else size
    if not 0 < size <= have:
        raise InputError(f"the log has {have} entries: --size must be 1 to {have}, not {size}")
    if not 0 < seq <= size:
        raise InputError(f"seq {seq} is not in the log at size {size} (seqs run 1 to {size})")
    index = seq - 1
    return InclusionProof(
        index=index,
        size=size,
        leaf_hash=merkle.leaf(conn, index),
        hashes=tuple(merkle.inclusion_proof(conn, index, size)),
    )


def consistency(conn: Connection, old: int, new: int) -> ConsistencyProof:
    """The proof that the log at `old` entries is a prefix of the log at `new` entries."""
    have = merkle.tree_size(conn)
    if not 0 < old <= new <= have:
        raise InputError(
            f"no consistency proof from size {old} to size {new}: the sizes must satisfy "
            f"0 < OLD <= NEW <= {have} (the log's size)"
        )
    return ConsistencyProof(old, new, tuple(merkle.consistency_proof(conn, old, new)))
