"""The open record's tree, side by side with pymerkle, in one run.

    python benchmarks/ledger.py [--leaves N] [--batch B] [--reads R] [--repeat K]
                                [--folder DIR]

Appends the same N entries to
  * soviet's stored tree: event rows and `soviet.storage.merkle.append_leaves` on SQLite
    (the application's own engine: WAL, synchronous=FULL), one transaction per batch;
  * soviet's tree in memory (`soviet.ledger.trees.MemoryTree`);
  * pymerkle's `SqliteTree` (its bulk `append_entries`) and `InmemoryTree`;
then times the root, an inclusion proof and a consistency proof at N entries, and checks
that every tree has the same RFC 6962 root. Ratios are pymerkle's time over soviet's:
above 1, soviet is faster. Reads are the median of R calls; pymerkle's SQLite tree is
shown cold (first call, which hashes every leaf) and warm (from its cache). Appends are
the best of K attempts, with the CPU seconds beside them: on a busy machine they say
more than the wall clock.

The SQLite append is shown twice: everything the log writes for an entry (its event row
with time, type, data and leaf hash, and the tree's nodes), and the tree's own part of
that (hashing the leaves, writing the nodes). pymerkle's bulk append writes each entry
and its hash, and no interior nodes: it computes them when a proof asks (its cold reads).
Whole events through the event store and `soviet verify` are measured separately.
"""

from __future__ import annotations

import argparse
import gc
import sqlite3
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pymerkle
import sqlalchemy as sa

from soviet.ledger import verify
from soviet.ledger.hashing import leaf_hash
from soviet.ledger.trees import MemoryTree
from soviet.storage import merkle, schema
from soviet.storage.database import create_engine
from soviet.storage.writes import insert_flat

AT = "2024-05-01T12:00:00Z"


@dataclass
class Row:
    """One line of the report: a measure for soviet and for pymerkle."""

    what: str
    soviet: float | None
    peer: float | None
    count: int = 0  # leaves appended, for a rate
    note: str = ""


@dataclass
class Clock:
    """Wall and CPU seconds (CPU time is less disturbed by other work on the machine)."""

    wall: float = 0.0
    cpu: float = 0.0

    def __enter__(self) -> Clock:
        self._wall, self._cpu = time.perf_counter(), time.process_time()
        return self

    def __exit__(self, *_: object) -> None:
        self.wall += time.perf_counter() - self._wall
        self.cpu += time.process_time() - self._cpu


def median_time(action: Callable[[], Any], reads: int) -> float:
    times = []
    for _ in range(reads):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def first_time(action: Callable[[], Any]) -> float:
    with Clock() as clock:
        action()
    return clock.wall


# -- soviet ------------------------------------------------------------------------------


def insert_events(
    conn: sa.Connection, size: int, entries: Sequence[bytes], leaves: Sequence[bytes]
) -> None:
    """The event rows of the entries, in multi-row statements, as the event store sends
    them (`soviet.storage.writes.insert_flat`)."""
    flat: list[object] = []
    for offset, (entry, leaf) in enumerate(zip(entries, leaves, strict=True)):
        flat += (size + offset + 1, AT, "bench", None, entry.decode(), leaf)
    insert_flat(conn, schema.events, ("seq", "at", "type", "actor", "data", "leaf"), flat)


def soviet_append(engine: sa.Engine, entries: Sequence[bytes], batch: int) -> tuple[Clock, Clock]:
    """Append every entry with its tree nodes, a transaction per batch; returns the
    clocks of the whole and of the tree's own part: hashing the leaves and
    `append_leaves` (the leaf hashes are stored in the event rows)."""
    whole, in_tree = Clock(), Clock()
    with whole:
        for size in range(0, len(entries), batch):
            chunk = entries[size : size + batch]
            with in_tree:
                leaves = [leaf_hash(entry) for entry in chunk]
            with engine.begin() as conn:
                insert_events(conn, size, chunk, leaves)
                with in_tree:
                    merkle.append_leaves(conn, size, leaves)
    return whole, in_tree


# -- the run -----------------------------------------------------------------------------


def run(n: int, batch: int, reads: int, repeat: int, folder: Path) -> tuple[list[Row], list[str]]:
    entries = [b'{"n":%d}' % i for i in range(n)]
    index, old = n // 2 + 1, max(1, n * 3 // 4 - 1)
    rows: list[Row] = []
    checks: list[str] = []

    # appends, each attempt on fresh database files; the best attempt counts
    best: dict[str, Clock] = {}
    engine: sa.Engine | None = None
    peer_sqlite: Any = None
    for attempt in range(repeat):
        place = folder / f"attempt{attempt}"
        place.mkdir()
        if engine is not None:
            engine.dispose()
            peer_sqlite.close()
        engine = create_engine(f"sqlite:///{place / 'soviet.db'}")
        schema.metadata.create_all(engine)
        gc.collect()
        whole, in_tree = soviet_append(engine, entries, batch)
        gc.collect()
        peer_sqlite = pymerkle.SqliteTree(str(place / "pymerkle.db"))
        with Clock() as peer:
            peer_sqlite.append_entries(entries)
        for what, clock in (("whole", whole), ("tree", in_tree), ("peer", peer)):
            if what not in best or clock.wall < best[what].wall:
                best[what] = clock
    assert engine is not None

    def cpu(ours: Clock, theirs: Clock) -> str:
        return f"cpu {seconds(ours.cpu)} vs {seconds(theirs.cpu)}"

    note = f"batches of {batch:,}; {cpu(best['whole'], best['peer'])}"
    rows.append(
        Row("append, SQLite: event rows + nodes", best["whole"].wall, best["peer"].wall, n, note)
    )
    rows.append(
        Row(
            "append, SQLite: the tree (leaf hashes, nodes)",
            best["tree"].wall,
            best["peer"].wall,
            n,
            cpu(best["tree"], best["peer"]),
        )
    )

    gc.collect()
    with Clock() as ours:
        memory = MemoryTree([leaf_hash(e) for e in entries])
    gc.collect()
    peer_memory = pymerkle.InmemoryTree()
    with Clock() as theirs:
        peer_memory.append_entries(entries)
    rows.append(
        Row(
            "append, memory",
            ours.wall,
            theirs.wall,
            n,
            cpu(ours, theirs),
        )
    )

    # reads at n entries
    with engine.connect() as conn:
        calls: dict[str, Callable[[], Any]] = {
            "root": lambda: merkle.root(conn, n),
            "inclusion proof": lambda: merkle.inclusion_proof(conn, index, n),
            "consistency proof": lambda: merkle.consistency_proof(conn, old, n),
        }
        firsts = {what: first_time(call) for what, call in calls.items()}
        stored = {what: median_time(call, reads) for what, call in calls.items()}
        root = merkle.root(conn, n)
        inclusion = merkle.inclusion_proof(conn, index, n)
        consistency = merkle.consistency_proof(conn, old, n)
        leaf = merkle.leaf(conn, index)

    # pymerkle counts leaves from one
    peer_calls: dict[str, Callable[[], Any]] = {
        "root": lambda: peer_sqlite.get_root(n),
        "inclusion proof": lambda: peer_sqlite.prove_inclusion(index + 1, n),
        "consistency proof": lambda: peer_sqlite.prove_consistency(old, n),
    }
    peer_cold = {what: first_time(call) for what, call in peer_calls.items()}
    peer_warm = {what: median_time(call, reads) for what, call in peer_calls.items()}
    for what in calls:
        rows.append(
            Row(
                f"{what} at {n:,}, SQLite, first call",
                firsts[what],
                peer_cold[what],
                note="pymerkle cold",
            )
        )
        rows.append(
            Row(f"{what} at {n:,}, SQLite", stored[what], peer_warm[what], note="pymerkle warm")
        )

    memory_calls: dict[str, tuple[Callable[[], Any], Callable[[], Any]]] = {
        "root": (lambda: memory.root(n), lambda: peer_memory.get_root(n)),
        "inclusion proof": (
            lambda: memory.inclusion_proof(index, n),
            lambda: peer_memory.prove_inclusion(index + 1, n),
        ),
        "consistency proof": (
            lambda: memory.consistency_proof(old, n),
            lambda: peer_memory.prove_consistency(old, n),
        ),
    }
    for what, (ours_call, theirs_call) in memory_calls.items():
        rows.append(
            Row(
                f"{what} at {n:,}, memory",
                median_time(ours_call, reads),
                median_time(theirs_call, reads),
            )
        )

    # the trees agree, and the stored proofs verify
    roots = {root, memory.root(n), peer_sqlite.get_root(n), peer_memory.get_root(n)}
    agree = "yes" if len(roots) == 1 else "NO"
    checks.append(f"one root for all four trees: {agree} ({root.hex()[:16]}…)")
    verify.verify_inclusion(index, n, leaf, inclusion, root)
    verify.verify_consistency(old, n, consistency, memory.root(old), root)
    checks.append(
        f"the stored inclusion proof ({len(inclusion)} hashes) and consistency proof "
        f"({len(consistency)} hashes) verify"
    )
    peer_sqlite.close()
    engine.dispose()
    return rows, checks


# -- the report --------------------------------------------------------------------------


def seconds(value: float | None) -> str:
    if value is None:
        return "—"
    if value < 1e-5:
        return f"{value * 1e6:,.1f} µs"
    if value < 1e-3:
        return f"{value * 1e6:,.0f} µs"
    if value < 1:
        return f"{value * 1e3:,.2f} ms"
    return f"{value:,.2f} s"


def rate(count: int, value: float | None) -> str:
    return f"{count / value:,.0f}/s" if count and value else ""


def report(rows: list[Row], checks: list[str], n: int) -> str:
    header = ("", "soviet", "rate", "pymerkle", "rate", "ratio", "")
    table = [header]
    for row in rows:
        ratio = f"{row.peer / row.soviet:,.1f}×" if row.soviet and row.peer else ""
        table.append(
            (
                row.what,
                seconds(row.soviet),
                rate(row.count, row.soviet),
                seconds(row.peer),
                rate(row.count, row.peer),
                ratio,
                row.note,
            )
        )
    widths = [max(len(line[i]) for line in table) for i in range(len(header))]
    lines = [
        f"soviet ledger vs pymerkle {pymerkle.__version__}: {n:,} leaves, "
        f"Python {sys.version.split()[0]}, SQLite {sqlite3.sqlite_version}"
    ]
    for number, line in enumerate(table):
        cells = [line[0].ljust(widths[0])]
        cells += [cell.rjust(width) for cell, width in zip(line[1:-1], widths[1:-1], strict=True)]
        cells.append(line[-1])
        lines.append("  ".join(cells).rstrip())
        if number == 0:
            lines.append("-" * len(lines[-1]))
    lines.append("ratio = pymerkle's time / soviet's time (above 1: soviet is faster)")
    lines += [f"check: {check}" for check in checks]
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--leaves", type=int, default=1_000_000, help="entries to append")
    parser.add_argument("--batch", type=int, default=100_000, help="entries per transaction")
    parser.add_argument("--reads", type=int, default=201, help="calls per read timing")
    parser.add_argument("--repeat", type=int, default=1, help="append attempts (best counts)")
    parser.add_argument("--folder", type=Path, help="where the databases go (default: temp)")
    args = parser.parse_args(argv)
    if args.leaves < 2 or args.batch < 1 or args.reads < 1 or args.repeat < 1:
        parser.error("--leaves must be at least 2, --batch, --reads and --repeat at least 1")
    if args.folder:
        args.folder.mkdir(parents=True, exist_ok=True)
        rows, checks = run(args.leaves, args.batch, args.reads, args.repeat, args.folder)
    else:
        with tempfile.TemporaryDirectory() as folder:
            rows, checks = run(args.leaves, args.batch, args.reads, args.repeat, Path(folder))
    print(report(rows, checks, args.leaves))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
