"""What the end-to-end tests share: `soviet` run as a user runs it, and a look into its
database to prove that a refused command wrote nothing.

Each command is a subprocess, `python -m soviet …`, with the database in SOVIET_DB and
the clock in SOVIET_NOW, allowed to act (SOVIET_ALLOW_CLOCK=1); the test moves the clock
forward between steps (the log refuses time that goes backwards). A subprocess costs
about a second, so the tests are few rich scenarios rather than many small ones.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

CHARTERS = Path(__file__).parent / "charters"
#: Two assemblies send deputies to a council; most offices start vacant.
WORKS = CHARTERS / "works.toml"
#: The same council with every deputy and the chair imported from before the charter.
SEATED = CHARTERS / "seated.toml"

START = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
#: Seconds a single command may take before the test fails.
TIMEOUT = 120
#: Variables of the CLI that must not leak from the environment running the tests.
#: (SOVIET_ALLOW_CLOCK is not one: the suite sets it for every command, `clock_allowed`.)
OWN_VARIABLES = ("SOVIET_DB", "SOVIET_NOW", "SOVIET_KEY")

#: Every table of a database and its rows, or None for a SQLite file that does not exist.
Snapshot = dict[str, list[tuple[Any, ...]]] | None


def instant(value: datetime) -> str:
    """An instant as SOVIET_NOW takes it and the log writes it."""
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass(frozen=True)
class Run:
    """What one command did: its exit code and what it printed."""

    args: tuple[str, ...]
    code: int
    stdout: str
    stderr: str

    def json(self) -> Any:
        """Stdout as one JSON document."""
        return json.loads(self.stdout)

    def json_lines(self) -> list[dict[str, Any]]:
        """Stdout as one JSON object per line."""
        return [json.loads(line) for line in self.stdout.splitlines() if line.strip()]

    @property
    def error(self) -> str:
        """The one line a refused command prints on stderr."""
        lines = self.stderr.splitlines()
        assert len(lines) == 1, f"expected one line on stderr, got:\n{self.stderr}"
        assert lines[0].startswith("error: "), lines[0]
        return lines[0]

    def describe(self) -> str:
        return (
            f"soviet {' '.join(self.args)}\nexit code {self.code}\n"
            f"--- stdout\n{self.stdout}--- stderr\n{self.stderr}"
        )


def sqlite_file(url: str) -> Path | None:
    """The file of a SQLite URL, or None for any other database."""
    parsed = sa.make_url(url)
    if parsed.get_backend_name() != "sqlite" or parsed.database in (None, "", ":memory:"):
        return None
    return Path(str(parsed.database))


def snapshot(url: str) -> Snapshot:
    """Every row of every table (events, Merkle nodes, projections, schema version), read
    without writing; None when the URL names a SQLite file that does not exist."""
    path = sqlite_file(url)
    if path is not None and not path.exists():
        return None
    engine = sa.create_engine(url, poolclass=sa.pool.NullPool)
    try:
        with engine.connect() as conn:
            meta = sa.MetaData()
            meta.reflect(conn)
            return {
                name: sorted((tuple(row) for row in conn.execute(sa.select(table))), key=repr)
                for name, table in sorted(meta.tables.items())
            }
    finally:
        engine.dispose()


class Cli:
    """The `soviet` command against one database, with a clock the test moves."""

    def __init__(self, db: str, folder: Path, start: datetime = START) -> None:
        self.db = db
        self.folder = folder
        self.clock = start

    @property
    def now(self) -> str:
        return instant(self.clock)

    def tick(self, *, days: float = 0, hours: float = 0, minutes: float = 0) -> str:
        """Move the clock forward; returns the new instant."""
        self.clock += timedelta(days=days, hours=hours, minutes=minutes)
        return self.now

    def run(
        self,
        *args: str,
        code: int = 0,
        now: str | None = None,
        env: Mapping[str, str] | None = None,
    ) -> Run:
        """Run `soviet ARGS…` and assert its exit code: at the test's clock, allowed to
        act on it, unless `env` says otherwise (`SOVIET_NOW=""` is the real clock)."""
        environment = {k: v for k, v in os.environ.items() if k not in OWN_VARIABLES}
        environment["SOVIET_DB"] = self.db
        environment["SOVIET_NOW"] = now or self.now
        environment["SOVIET_ALLOW_CLOCK"] = "1"
        environment.update(env or {})
        done = subprocess.run(
            [sys.executable, "-m", "soviet", *args],
            cwd=self.folder,
            env=environment,
            capture_output=True,
            text=True,
            timeout=TIMEOUT,
            check=False,
        )
        run = Run(tuple(args), done.returncode, done.stdout, done.stderr)
        assert run.code == code, f"expected exit code {code}\n{run.describe()}"
        return run

    def json(self, *args: str, code: int = 0) -> Any:
        """Run a read command with --json and parse its output."""
        return self.run(*args, "--json", code=code).json()

    def log(self) -> list[dict[str, Any]]:
        """The whole log, from `soviet log --json`."""
        return self.run("log", "--json").json_lines()

    def snapshot(self) -> Snapshot:
        return snapshot(self.db)

    def refused(
        self,
        *args: str,
        says: Sequence[str],
        now: str | None = None,
        env: Mapping[str, str] | None = None,
    ) -> str:
        """Run a command that must fail as bad input: exit code 2, one line on stderr
        naming each of `says`, and nothing written. Returns the error line."""
        before = self.snapshot()
        run = self.run(*args, code=2, now=now, env=env)
        error = run.error
        for fragment in says:
            assert fragment in error, f"{fragment!r} not in {error!r}"
        assert self.snapshot() == before, f"a refused command wrote:\n{run.describe()}"
        return error


@pytest.fixture
def cli(db_url: str, tmp_path: Path) -> Cli:
    """`soviet` on a fresh, empty database, run from a folder of the test's own."""
    return Cli(db_url, tmp_path)


def by_id(rows: Sequence[Mapping[str, Any]]) -> dict[str, Mapping[str, Any]]:
    """A `show … --json` listing keyed by id."""
    return {str(row["id"]): row for row in rows}


def events_of(log: Sequence[Mapping[str, Any]], kind: str) -> list[Mapping[str, Any]]:
    """The events of one type, in log order."""
    return [event for event in log if event["type"] == kind]


def soviet_count(
    *args: str, cwd: Path, timeout: float = TIMEOUT
) -> subprocess.CompletedProcess[str]:
    """`soviet ARGS…` with no database, as `soviet count` runs: wide, UTF-8 output."""
    env = {**os.environ, "COLUMNS": "120", "PYTHONIOENCODING": "utf-8"}
    return subprocess.run(
        [sys.executable, "-m", "soviet", *args],
        capture_output=True,
        text=True,
        encoding="utf-8",
        cwd=cwd,
        env=env,
        timeout=timeout,
        check=False,
    )
