"""Reading commands run in read-only snapshot transactions: they finish while a writer
holds the writers' lock, see only what was committed, and cannot write."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import DBAPIError

from integration.conftest import Databases
from integration.signed import SignedOrganization
from soviet.services import audit, members
from soviet.storage import database

#: Seconds a reading command may take: far below the 30 s a writer waits for the lock.
READ_TIMEOUT = 20

#: Each reading command and the exit code it ends with on this log.
READS: tuple[tuple[tuple[str, ...], int], ...] = (
    (("show", "members", "--json"), 0),
    (("log", "--json"), 0),
    (("audit",), 1),  # offices are still vacant: the check found something
    (("verify",), 0),
    (("export", "log.jsonl"), 0),
    (("checkpoint",), 0),
    (("prove", "inclusion", "1"), 0),
)


@pytest.fixture
def org(databases: Databases, tmp_path: Path) -> Iterator[SignedOrganization]:
    """A signed organization that has elected a1's deputy."""
    made = SignedOrganization(databases.new(), tmp_path / "soviet.key")
    try:
        made.elect("a1.deputy", ["a1-2"])
        made.tick(hours=1)
        yield made
    finally:
        made.dispose()


def soviet(org: SignedOrganization, folder: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SOVIET_")}
    env |= {"SOVIET_DB": org.url, "SOVIET_NOW": org.now, "SOVIET_KEY": str(folder / "soviet.key")}
    return subprocess.run(
        [sys.executable, "-m", "soviet", *args],
        cwd=folder,
        env=env,
        capture_output=True,
        text=True,
        timeout=READ_TIMEOUT,
        check=False,
    )


def another_writer_gets_the_lock(url: str) -> bool:
    """Whether a second writer could take the writers' lock at once."""
    parsed = sa.make_url(url)
    if parsed.get_backend_name() == "sqlite":
        lite = sqlite3.connect(str(parsed.database), timeout=0.1, isolation_level=None)
        try:
            lite.execute("BEGIN IMMEDIATE")
            lite.execute("ROLLBACK")
            return True
        except sqlite3.OperationalError as error:
            assert "locked" in str(error)
            return False
        finally:
            lite.close()
    engine = database.create_engine(url)
    try:
        with engine.begin() as conn:
            return database.try_lock_writers(conn)
    finally:
        engine.dispose()


def test_reading_commands_finish_while_a_writer_holds_the_lock(
    org: SignedOrganization, tmp_path: Path
) -> None:
    committed = len(org.events())
    with org.soviet.unit_of_work() as ws:
        members.join(ws, "a2-6", "a1", "a1-1")
        ws.flush()  # its rows and Merkle nodes are written, not committed
        assert not another_writer_gets_the_lock(org.url)
        for args, code in READS:
            started = time.monotonic()
            run = soviet(org, tmp_path, *args)
            assert run.returncode == code, f"soviet {' '.join(args)}: {run.stderr}"
            assert time.monotonic() - started < READ_TIMEOUT
            if args[0] == "log":  # what was committed, not what the writer holds
                assert len(run.stdout.splitlines()) == committed
        assert not another_writer_gets_the_lock(org.url)
    lines = (tmp_path / "log.jsonl").read_bytes().splitlines()
    assert len(lines) == committed + 1
    assert "checkpoint" in json.loads(lines[-1])
    assert len(org.events()) == committed + 1  # the writer committed after the reads


def test_a_write_through_the_read_port_fails_and_leaves_nothing(
    org: SignedOrganization,
) -> None:
    before = org.snapshot()
    with org.soviet.reading() as reads, pytest.raises(DBAPIError):
        reads.conn.execute(
            sa.text("INSERT INTO members (id, name, admitted_at) VALUES ('x', 'X', 'now')")
        )
    assert org.snapshot() == before


def test_a_writer_after_a_read_still_takes_the_lock_and_records(
    org: SignedOrganization,
) -> None:
    with org.soviet.reading() as reads:
        assert reads.size() == len(org.events())
    recorded = org.act(audit.schedule)
    assert recorded and another_writer_gets_the_lock(org.url)


def test_a_read_sees_one_state_while_a_writer_commits(org: SignedOrganization) -> None:
    with org.soviet.reading() as reads:
        size = reads.size()
        org.act(lambda ws: members.join(ws, "a2-6", "a1", "a1-1"))  # committed meanwhile
        assert reads.size() == size
        assert len(list(reads.events())) == size
    with org.soviet.reading() as reads:
        assert reads.size() == size + 1
