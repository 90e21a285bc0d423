"""Replaying a whole log into an empty database reproduces every projection, event and
Merkle node — and a changed or broken log does not replay to the same thing."""

from __future__ import annotations

import io
import shutil
import sqlite3
import time
from pathlib import Path

import pytest
from rich.console import Console

from integration.conftest import Databases, assert_replay_identical
from soviet.demo import script
from soviet.errors import DatabaseError, LedgerError
from soviet.storage import database, log, merkle
from soviet.storage.replay import dump, replay


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The database of the bundled demo: founding, elections at three levels, a recall
    with its cascade, by-elections and the purge (about 960 events)."""
    folder = tmp_path_factory.mktemp("demo")
    return script.run(folder, 7, Console(file=io.StringIO()))


def copy_of(db: Path, folder: Path) -> Path:
    """A copy of a SQLite database file (its WAL is checkpointed into it first)."""
    with sqlite3.connect(db) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    target = folder / "copy.db"
    shutil.copyfile(db, target)
    return target


def test_replaying_the_demo_log_reproduces_every_projection(
    demo_db: Path, databases: Databases
) -> None:
    started = time.perf_counter()
    count = assert_replay_identical(f"sqlite:///{demo_db}", databases.new())
    elapsed = time.perf_counter() - started
    assert count > 900
    print(f"replayed and compared {count} events in {elapsed:.2f}s")


def test_the_demo_log_has_every_kind_of_event_the_replay_must_handle(demo_db: Path) -> None:
    with sqlite3.connect(demo_db) as conn:
        kinds = {row[0] for row in conn.execute("SELECT DISTINCT type FROM events")}
    assert {
        "organization.founded",
        "member.admitted",
        "election.opened",
        "candidate.nominated",
        "election.started",
        "ballot.cast",
        "election.closed",
        "mandate.granted",
        "petition.opened",
        "petition.signed",
        "recall.vote_opened",
        "recall.ballot_cast",
        "recall.closed",
        "mandate.recalled",
        "mandate.lapsed",
        "checkpoint.logged",
    } <= kinds


def test_a_changed_ballot_in_the_log_replays_to_different_projections_and_root(
    demo_db: Path, databases: Databases, tmp_path: Path
) -> None:
    changed = copy_of(demo_db, tmp_path)
    with sqlite3.connect(changed) as conn:
        seq, data = conn.execute(
            # the last ballot, which no later one replaces
            "SELECT seq, data FROM events WHERE type = 'ballot.cast' ORDER BY seq DESC LIMIT 1"
        ).fetchone()
        # the ballot becomes blank-named: same election, a different choice
        conn.execute(
            "UPDATE events SET data = ? WHERE seq = ?",
            (data.replace('"choice":[', '"choice":["nobody",'), seq),
        )
    source = database.create_engine(f"sqlite:///{changed}")
    target = database.create_engine(databases.new())
    try:
        with source.connect() as src, src.begin():
            with target.connect() as dst, dst.begin():
                replay(src, dst)
            with target.connect() as dst, dst.begin():
                assert dump(dst)["ballots"] != dump(src)["ballots"]
                assert merkle.root(dst) != merkle.root(src)
    finally:
        source.dispose()
        target.dispose()


def test_replay_refuses_a_log_with_a_missing_entry(
    demo_db: Path, databases: Databases, tmp_path: Path
) -> None:
    broken = copy_of(demo_db, tmp_path)
    with sqlite3.connect(broken) as conn:
        conn.execute("DELETE FROM events WHERE seq = 500")
    source = database.create_engine(f"sqlite:///{broken}")
    target = database.create_engine(databases.new())
    try:
        with (
            source.connect() as src,
            src.begin(),
            target.connect() as dst,
            dst.begin(),
            pytest.raises(LedgerError, match="no entry 500: the next is 501"),
        ):
            replay(src, dst, batch=100)
    finally:
        source.dispose()
        target.dispose()


def test_replay_refuses_a_database_that_already_holds_a_log(
    demo_db: Path, databases: Databases
) -> None:
    url = databases.new()
    assert_replay_identical(f"sqlite:///{demo_db}", url)
    source = database.create_engine(f"sqlite:///{demo_db}")
    target = database.create_engine(url)
    try:
        with source.connect() as src, src.begin(), target.connect() as dst, dst.begin():
            size = log.size(dst)
            with pytest.raises(DatabaseError, match="not empty"):
                replay(src, dst)
            assert log.size(dst) == size
    finally:
        source.dispose()
        target.dispose()
