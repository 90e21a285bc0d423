"""A streaming replica for the tests: a second PostgreSQL cluster on loopback, made by
Debian's postgresql-common (`pg_createcluster`) from a base backup of the server the suite
runs on (`pg_basebackup -R`), which streams that server's log for as long as it runs."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

#: What a replica is given to catch up, in seconds.
CATCH_UP = 60
TOOLS = ("pg_createcluster", "pg_ctlcluster", "pg_dropcluster", "pg_basebackup")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def wait_until(check: Callable[[], bool], what: str, timeout: float = CATCH_UP) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError(f"{what} within {timeout} s")
        time.sleep(0.1)


def sql(url: str, statement: str) -> Any:
    engine = sa.create_engine(url, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as conn:
            result = conn.exec_driver_sql(statement)
            return result.scalar() if result.returns_rows else None
    finally:
        engine.dispose()


def _data_directory(major: int, name: str) -> Path:
    """Where a cluster keeps its data, as `pg_lsclusters` lists it."""
    listed = subprocess.run(
        ["pg_lsclusters", "--no-header", str(major), name],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return Path(listed.stdout.split()[5])


def run(command: list[str], skip: str) -> None:
    """Run a command of the cluster's set-up; a failure skips, saying what is missing."""
    done = subprocess.run(command, capture_output=True, text=True, timeout=300, check=False)
    if done.returncode != 0:
        said = " | ".join((done.stderr.strip() or done.stdout.strip() or "no output").splitlines())
        pytest.skip(f"{skip}: `{' '.join(command[:2])}` failed: {said}")


@dataclass(frozen=True)
class Cluster:
    """A PostgreSQL cluster of Debian's postgresql-common: its version, name and port."""

    major: int
    name: str
    port: int

    def control(self, action: str) -> None:
        command = ["pg_ctlcluster", "--skip-systemctl-redirect", str(self.major), self.name]
        subprocess.run([*command, action], capture_output=True, timeout=120, check=True)


@contextmanager
def streaming_replica(server: str) -> Iterator[Cluster]:
    """A PostgreSQL cluster on loopback that streams the log of the server at `server`,
    dropped when done; skips the test, saying what is missing, where one cannot be made."""
    missing = [tool for tool in TOOLS if shutil.which(tool) is None]
    if missing:
        pytest.skip(f"{', '.join(missing)} not found: install postgresql-common and the server")
    major = int(sql(server, "SHOW server_version_num")) // 10000
    if not Path(f"/usr/lib/postgresql/{major}/bin/postgres").exists():
        pytest.skip(f"PostgreSQL {major}'s server is not installed here to run a replica")
    wal_level = sql(server, "SHOW wal_level")
    senders = int(sql(server, "SHOW max_wal_senders"))
    if wal_level == "minimal" or senders < 2:
        pytest.skip(
            f"the primary streams no WAL (wal_level = {wal_level}, max_wal_senders = "
            f"{senders}): set wal_level = replica and max_wal_senders >= 2, then restart it"
        )
    name = f"replica_{uuid.uuid4().hex[:8]}"
    port = free_port()
    as_postgres = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
    run(
        ["pg_createcluster", str(major), name, "-p", str(port), "--", "--auth=trust", "--no-sync"],
        "cannot make a PostgreSQL cluster as this user (run as root or postgres)",
    )
    try:
        data = _data_directory(major, name)
        for entry in data.iterdir():  # the replica's data is the primary's, copied below
            if entry.is_dir():
                shutil.rmtree(entry)
            else:
                entry.unlink()
        url = sa.make_url(server)
        source = (
            f"host={url.host or '127.0.0.1'} port={url.port or 5432} "
            f"user={url.username or 'postgres'}"
            + (f" password={url.password}" if url.password else "")
        )
        backup = ["pg_basebackup", "-d", source, "-D", str(data), "-R", "-X", "stream"]
        run(
            [*as_postgres, *backup, "-c", "fast"],
            "the base backup of the primary failed (if it refuses a replication connection "
            "from 127.0.0.1, add `host replication all 127.0.0.1/32 trust` to its "
            "pg_hba.conf and reload it, as .ci/run does)",
        )
        run(
            ["pg_ctlcluster", "--skip-systemctl-redirect", str(major), name, "start"],
            "the replica cluster did not start",
        )
        yield Cluster(major, name, port)
    finally:
        subprocess.run(
            ["pg_dropcluster", "--stop", str(major), name], capture_output=True, check=False
        )
