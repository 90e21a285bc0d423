"""What the end-to-end tests share: `soviet` run as a user runs it, and a look into its
database to prove that a refused command wrote nothing.

Each command is a subprocess, `python -m soviet …`, with the database in SOVIET_DB, the
members' key folder in SOVIET_KEYS (a folder of the test's own) and the clock in
SOVIET_NOW, allowed to act (SOVIET_ALLOW_CLOCK=1); the test moves the clock forward
between steps (the log refuses time that goes backwards). A subprocess costs about a
second, so the tests are few rich scenarios rather than many small ones.

Every act is signed by its actor's own key, so the harness enrolls members as a
rehearsal does, with one person holding every key: after `init`, every charter member
(`soviet key enroll --codes` the codes file it wrote), and after `member add`, the new
member with the code it printed. A story then acts `--as` anyone, as before; the stories
of the keys themselves opt out (`enroll=False`).
"""

from __future__ import annotations

import csv
import json
import os
import re
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
OWN_VARIABLES = ("SOVIET_DB", "SOVIET_NOW", "SOVIET_KEY", "SOVIET_KEYS")
#: An enrollment code, as `member add` prints it.
CODE = r"[0-9A-Z]{4}(?:-[0-9A-Z]{4}){3}"

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
    """The `soviet` command against one database, with a clock the test moves and a key
    folder of its own (`keys`, by default `keys` in the test's folder)."""

    def __init__(
        self, db: str, folder: Path, start: datetime = START, keys: Path | None = None
    ) -> None:
        self.db = db
        self.folder = folder
        self.clock = start
        self.keys = keys if keys is not None else folder / "keys"
        #: The codes file the last successful `init` wrote.
        self.codes_file: Path | None = None

    @property
    def now(self) -> str:
        return instant(self.clock)

    def tick(self, *, days: float = 0, hours: float = 0, minutes: float = 0) -> str:
        """Move the clock forward; returns the new instant."""
        self.clock += timedelta(days=days, hours=hours, minutes=minutes)
        return self.now

    def environment(
        self, now: str | None = None, env: Mapping[str, str] | None = None
    ) -> dict[str, str]:
        """The environment a command runs in: this database, key folder and clock."""
        environment = {k: v for k, v in os.environ.items() if k not in OWN_VARIABLES}
        environment["SOVIET_DB"] = self.db
        environment["SOVIET_KEYS"] = str(self.keys)
        environment["SOVIET_NOW"] = now or self.now
        environment["SOVIET_ALLOW_CLOCK"] = "1"
        environment.update(env or {})
        return environment

    def run(
        self,
        *args: str,
        code: int = 0,
        now: str | None = None,
        env: Mapping[str, str] | None = None,
        enroll: bool = True,
    ) -> Run:
        """Run `soviet ARGS…` and assert its exit code: at the test's clock, allowed to
        act on it, unless `env` says otherwise (`SOVIET_NOW=""` is the real clock). A
        successful `init` or `member add` is followed by the enrollment of the members it
        admitted, unless `enroll=False`."""
        run = self._run(args, code, now, env)
        if run.code == 0 and args[:1] == ("init",) and "--help" not in args:
            codes = option(args, "--codes") or self._codes_of_init(run, option(args, "--db"), env)
            self.codes_file = self.folder / codes
            assert self.codes_file.is_file(), f"init wrote no codes file\n{run.describe()}"
        if enroll and run.code == 0:
            self._enroll_admitted(run, now, env)
        return run

    def _run(
        self,
        args: Sequence[str],
        code: int,
        now: str | None,
        env: Mapping[str, str] | None,
    ) -> Run:
        done = subprocess.run(
            [sys.executable, "-m", "soviet", *args],
            cwd=self.folder,
            env=self.environment(now, env),
            capture_output=True,
            text=True,
            timeout=TIMEOUT,
            check=False,
        )
        run = Run(tuple(args), done.returncode, done.stdout, done.stderr)
        assert run.code == code, f"expected exit code {code}\n{run.describe()}"
        return run

    def _enroll_admitted(self, run: Run, now: str | None, env: Mapping[str, str] | None) -> None:
        """Enroll, into the key folder, the members a successful command admitted: the
        charter members after `init` (from the codes file it wrote), the new member after
        `member add` (the code it printed, or its --codes file)."""
        args = run.args
        if "--help" in args:
            return
        db = option(args, "--db")
        where = ("--db", db) if db is not None else ()
        if args[:1] == ("init",):
            assert self.codes_file is not None
            self._run(("key", "enroll", "--codes", str(self.codes_file), *where), 0, now, env)
        elif args[:2] == ("member", "add"):
            codes = option(args, "--codes")
            if codes is not None:
                self._run(("key", "enroll", "--codes", codes, *where), 0, now, env)
                return
            printed = re.search(rf"Enrollment code for \S+: ({CODE})", run.stdout + run.stderr)
            assert printed, f"member add printed no enrollment code\n{run.describe()}"
            self._run(("key", "enroll", printed[1], *where), 0, now, env)

    def _codes_of_init(self, run: Run, db: str | None, env: Mapping[str, str] | None) -> str:
        """The codes file `init` names, or (with --json, which names none) its default:
        beside a SQLite database, else `soviet.codes.csv` in the current folder."""
        said = re.search(r"enrollment code is in (.+?) \(readable by you alone", run.stdout)
        if said:
            return said[1]
        given = db or (env or {}).get("SOVIET_DB") or self.db
        file = sqlite_file(given if "://" in given else f"sqlite:///{given}")
        return str(file.with_name(f"{file.stem}.codes.csv")) if file else "soviet.codes.csv"

    def codes(self) -> dict[str, str]:
        """The charter members' enrollment codes, by member, from the file `init` wrote."""
        assert self.codes_file is not None, "no init has written a codes file"
        return read_codes(self.codes_file)

    def json(self, *args: str, code: int = 0) -> Any:
        """Run a read command with --json and parse its output."""
        return self.run(*args, "--json", code=code).json()

    def log(self) -> list[dict[str, Any]]:
        """The whole log, from `soviet log --json`."""
        return self.run("log", "--json").json_lines()

    def seq_of(self, kind: str, index: int = -1) -> int:
        """The seq of an event of one type in the log (the last, unless `index` says)."""
        return int(events_of(self.log(), kind)[index]["seq"])

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


def option(args: Sequence[str], name: str) -> str | None:
    """The value of an option in a command's arguments (`--db X` or `--db=X`), if given."""
    for i, arg in enumerate(args):
        if arg == name and i + 1 < len(args):
            return args[i + 1]
        if arg.startswith(f"{name}="):
            return arg.split("=", 1)[1]
    return None


def read_codes(path: Path) -> dict[str, str]:
    """The codes of a codes file (member,name,code,expires), by member."""
    with path.open(encoding="utf-8", newline="") as file:
        return {row["member"]: row["code"] for row in csv.DictReader(file)}


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
