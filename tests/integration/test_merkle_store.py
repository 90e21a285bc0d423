"""The stored tree on real SQLite and PostgreSQL: the nodes it writes, the roots and
proofs it reads, checked against a naive tree and against the pure code."""

from __future__ import annotations

import hashlib
import json
import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import Connection, Engine

from soviet.errors import InputError, LedgerError
from soviet.ledger import verify
from soviet.ledger.entries import encode_event
from soviet.ledger.hashing import EMPTY_ROOT, leaf_hash, node_hash
from soviet.ledger.trees import MemoryTree
from soviet.storage import merkle, schema

POSTGRES = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
AT = "2024-05-01T12:00:00Z"
SIZE = 300  # entries in the shared tree the property tests read

# -- a naive tree, straight from RFC 9162 §2.1 -------------------------------------------


def split(n: int) -> int:
    k = 1
    while k * 2 < n:
        k *= 2
    return k


def mth(leaves: Sequence[bytes]) -> bytes:
    if not leaves:
        return hashlib.sha256(b"").digest()
    if len(leaves) == 1:
        return leaves[0]
    k = split(len(leaves))
    return node_hash(mth(leaves[:k]), mth(leaves[k:]))


def path(m: int, leaves: Sequence[bytes]) -> list[bytes]:
    if len(leaves) == 1:
        return []
    k = split(len(leaves))
    if m < k:
        return [*path(m, leaves[:k]), mth(leaves[k:])]
    return [*path(m - k, leaves[k:]), mth(leaves[:k])]


def subproof(m: int, leaves: Sequence[bytes], complete: bool) -> list[bytes]:
    if m == len(leaves):
        return [] if complete else [mth(leaves)]
    k = split(len(leaves))
    if m <= k:
        return [*subproof(m, leaves[:k], complete), mth(leaves[k:])]
    return [*subproof(m - k, leaves[k:], False), mth(leaves[:k])]


def interior_nodes(leaves: Sequence[bytes]) -> dict[tuple[int, int], bytes]:
    """Every interior node of a complete subtree, as `merkle_nodes` should hold them."""
    nodes = {}
    level = 1
    while (1 << level) <= len(leaves):
        for index in range(len(leaves) >> level):
            nodes[(level, index)] = mth(leaves[index << level : (index + 1) << level])
        level += 1
    return nodes


# -- databases ---------------------------------------------------------------------------


def open_database(backend: str, folder: Path) -> tuple[Engine, Any]:
    """A fresh database with the soviet tables, and how to drop it."""
    if backend == "sqlite":
        engine = sa.create_engine(f"sqlite:///{folder / 'merkle.db'}")
        schema.metadata.create_all(engine)
        return engine, engine.dispose
    name = f"t_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(POSTGRES)
    try:
        with admin.begin() as conn:
            conn.execute(sa.text(f'CREATE SCHEMA "{name}"'))
    except sa.exc.OperationalError as error:
        admin.dispose()
        reason = str(error.orig).strip().splitlines()[0] if error.orig else str(error)
        pytest.skip(f"PostgreSQL is not reachable at {POSTGRES} ({reason})")
    engine = sa.create_engine(POSTGRES, connect_args={"options": f"-csearch_path={name}"})
    schema.metadata.create_all(engine)

    def drop() -> None:
        engine.dispose()
        with admin.begin() as conn:
            conn.execute(sa.text(f'DROP SCHEMA "{name}" CASCADE'))
        admin.dispose()

    return engine, drop


@pytest.fixture(params=["sqlite", "postgresql"])
def engine(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    """An empty database for one test."""
    opened, drop = open_database(request.param, tmp_path)
    yield opened
    drop()


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def grown(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[Engine, list[bytes]]]:
    """A database holding a log of SIZE events appended in uneven batches."""
    opened, drop = open_database(request.param, tmp_path_factory.mktemp("grown"))
    leaves: list[bytes] = []
    batches = [1, 2, 1, 5, 8, 31, 64, 1, 3, 100]
    with opened.begin() as conn:
        for count in [*batches, SIZE - sum(batches)]:
            leaves += append_events(conn, len(leaves), count)
    yield opened, leaves
    drop()


def append_events(conn: Connection, size: int, count: int) -> list[bytes]:
    """Insert `count` events after `size`, then their Merkle nodes, as the log does."""
    rows: list[dict[str, Any]] = []
    leaves: list[bytes] = []
    for seq in range(size + 1, size + count + 1):
        data = {"member": f"m{seq}", "note": "á" * (seq % 3)}
        leaves.append(leaf_hash(encode_event(seq, AT, "member.admitted", "founder", data)))
        rows.append(
            {
                "seq": seq,
                "at": AT,
                "type": "member.admitted",
                "actor": "founder",
                "data": json.dumps(data, sort_keys=True),
                "leaf": leaves[-1],
            }
        )
    if rows:
        conn.execute(sa.insert(schema.events), rows)
    merkle.append_leaves(conn, size, leaves)
    return leaves


def stored_nodes(conn: Connection) -> dict[tuple[int, int], bytes]:
    table = schema.merkle_nodes
    rows = conn.execute(sa.select(table.c.level, table.c.idx, table.c.hash))
    return {(level, idx): bytes(digest) for level, idx, digest in rows}


@contextmanager
def recording(engine: Engine) -> Iterator[list[tuple[str, Any]]]:
    """The statements the engine runs in the block, with their parameters."""
    seen: list[tuple[str, Any]] = []

    def record(*args: Any) -> None:
        seen.append((args[2], args[3]))

    sa.event.listen(engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        sa.event.remove(engine, "before_cursor_execute", record)


# -- appending ---------------------------------------------------------------------------


def test_the_stored_tree_has_the_reference_root_at_every_size(engine: Engine) -> None:
    leaves: list[bytes] = []
    with engine.begin() as conn:
        assert merkle.tree_size(conn) == 0
        assert merkle.root(conn) == EMPTY_ROOT
        for _ in range(40):
            leaves += append_events(conn, len(leaves), 1)
            assert merkle.tree_size(conn) == len(leaves)
            assert merkle.root(conn) == mth(leaves)
        for size in range(41):
            assert merkle.root(conn, size) == mth(leaves[:size])
        assert stored_nodes(conn) == interior_nodes(leaves)


@given(batches=st.lists(st.integers(0, 70), min_size=1, max_size=8))
@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
def test_the_nodes_written_are_the_same_however_the_events_are_batched(
    engine: Engine, batches: list[int]
) -> None:
    with engine.connect() as conn:
        transaction = conn.begin()
        try:
            leaves: list[bytes] = []
            for count in batches:
                leaves += append_events(conn, len(leaves), count)
            assert stored_nodes(conn) == interior_nodes(leaves)
            assert merkle.root(conn) == mth(leaves)
        finally:
            transaction.rollback()


def test_a_bulk_append_matches_the_tree_in_memory(engine: Engine) -> None:
    with engine.begin() as conn:
        leaves = append_events(conn, 0, 3)
        leaves += append_events(conn, 3, 2500)
        nodes = stored_nodes(conn)
    tree = MemoryTree(leaves)
    assert len(nodes) == sum(len(level) for level in tree.levels[1:])
    assert all(tree.levels[level][index] == digest for (level, index), digest in nodes.items())
    with engine.connect() as conn:
        assert merkle.root(conn) == tree.root()


def test_appending_reads_only_the_border_of_the_old_tree(engine: Engine) -> None:
    with engine.begin() as conn:
        append_events(conn, 0, 1000)
        rows = [
            {"seq": seq, "at": AT, "type": "t", "actor": None, "data": "{}", "leaf": bytes(32)}
            for seq in range(1001, 1101)
        ]
        conn.execute(sa.insert(schema.events), rows)
        with recording(engine) as queries:
            merkle.append_leaves(conn, 1000, [bytes(32)] * 100)
    reads = [(sql, params) for sql, params in queries if "SELECT" in sql.upper()]
    # 1000 = 0b1111101000: six border nodes, each the left sibling of a new node
    assert len(reads) == 1
    assert len(reads[0][1]) == 2 * 6
    writes = [sql for sql, _ in queries if sql.upper().startswith("INSERT")]
    assert writes and all("merkle_nodes" in sql for sql in writes)


def test_appending_nothing_touches_nothing(engine: Engine) -> None:
    with engine.begin() as conn, recording(engine) as queries:
        merkle.append_leaves(conn, 0, [])
    assert queries == []


def test_appending_leaf_hashes_of_the_wrong_length_is_refused(engine: Engine) -> None:
    with engine.begin() as conn, pytest.raises(LedgerError, match="leaf hash 1 has 3 bytes"):
        merkle.append_leaves(conn, 0, [bytes(32), b"abc"])


# -- reading -----------------------------------------------------------------------------


@given(data=st.data())
@settings(max_examples=40, deadline=None)
def test_stored_inclusion_proofs_match_the_reference_and_verify(
    grown: tuple[Engine, list[bytes]], data: st.DataObject
) -> None:
    engine, leaves = grown
    size = data.draw(st.integers(1, SIZE), label="size")
    index = data.draw(st.integers(0, size - 1), label="index")
    with engine.connect() as conn:
        proof = merkle.inclusion_proof(conn, index, size)
        root = merkle.root(conn, size)
        assert merkle.leaf(conn, index) == leaves[index]
    assert proof == path(index, leaves[:size]) == MemoryTree(leaves).inclusion_proof(index, size)
    assert root == mth(leaves[:size])
    verify.verify_inclusion(index, size, leaves[index], proof, root)


@given(data=st.data())
@settings(max_examples=40, deadline=None)
def test_stored_consistency_proofs_match_the_reference_and_verify(
    grown: tuple[Engine, list[bytes]], data: st.DataObject
) -> None:
    engine, leaves = grown
    new = data.draw(st.integers(1, SIZE), label="new")
    old = data.draw(st.integers(1, new), label="old")
    with engine.connect() as conn:
        proof = merkle.consistency_proof(conn, old, new)
        old_root, new_root = merkle.root(conn, old), merkle.root(conn, new)
    expected = subproof(old, leaves[:new], True) if old < new else []
    assert proof == expected == MemoryTree(leaves).consistency_proof(old, new)
    verify.verify_consistency(old, new, proof, old_root, new_root)


def test_a_root_or_a_proof_is_one_query(grown: tuple[Engine, list[bytes]]) -> None:
    engine, _ = grown
    with engine.connect() as conn, recording(engine) as queries:
        merkle.root(conn, 299)
        merkle.inclusion_proof(conn, 137, 299)
        merkle.consistency_proof(conn, 101, 299)
    assert len(queries) == 3


def test_the_leaf_of_an_entry_is_the_hash_of_its_canonical_event(
    grown: tuple[Engine, list[bytes]],
) -> None:
    engine, _ = grown
    with engine.connect() as conn:
        row = conn.execute(sa.select(schema.events).where(schema.events.c.seq == 8)).one()
        entry = encode_event(row.seq, row.at, row.type, row.actor, json.loads(row.data))
        assert merkle.leaf(conn, 7) == leaf_hash(entry)


def test_requests_beyond_the_log_are_refused_as_bad_input(
    grown: tuple[Engine, list[bytes]],
) -> None:
    engine, _ = grown
    with engine.connect() as conn:
        with pytest.raises(InputError, match=f"the log has {SIZE} entries, not {SIZE + 1}"):
            merkle.root(conn, SIZE + 1)
        with pytest.raises(InputError, match=f"the log has {SIZE} entries, not 400"):
            merkle.inclusion_proof(conn, 3, 400)
        with pytest.raises(InputError, match="entry 5 is not in a log of 5 entries"):
            merkle.inclusion_proof(conn, 5, 5)
        with pytest.raises(InputError, match="0 < old size <= new size"):
            merkle.consistency_proof(conn, 0, 10)
        with pytest.raises(InputError, match=f"the log has {SIZE} entries, not 512"):
            merkle.consistency_proof(conn, 10, 512)
        with pytest.raises(InputError, match=f"entry {SIZE} is not in the log"):
            merkle.leaf(conn, SIZE)


def test_a_missing_node_is_reported_as_a_broken_log(engine: Engine) -> None:
    with engine.begin() as conn:
        append_events(conn, 0, 16)
        table = schema.merkle_nodes
        conn.execute(sa.delete(table).where(table.c.level == 2, table.c.idx == 1))
    with engine.connect() as conn:
        assert merkle.root(conn, 16) == merkle.root(conn)
        with pytest.raises(LedgerError, match=r"lacks node \(2, 1\)"):
            merkle.inclusion_proof(conn, 0, 16)
        with pytest.raises(LedgerError, match=r"lacks node \(2, 1\)"):
            merkle.consistency_proof(conn, 4, 16)
