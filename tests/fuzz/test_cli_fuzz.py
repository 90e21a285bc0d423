"""Fuzzing the command line: any argument list, against a founded organization, ends in
exit 0, 1 or 2 — never a traceback or an internal error — and every refusal (exit 2) is
one line on standard error and writes nothing.

The commands run in this process (through `soviet.cli.main`, as the console script runs
it), so that hundreds of argument lists fit in CI's time; the organization is founded
once, by a real `soviet init`, in a folder of the module's own.
"""

from __future__ import annotations

import contextlib
import io
import os
import sqlite3
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import typer
from hypothesis import given
from hypothesis import strategies as st

from fuzz._budget import budget
from soviet.cli import _register, app, main

ROOT = Path(__file__).resolve().parents[2]
WORKS = ROOT / "tests" / "e2e" / "charters" / "works.toml"
NOW = "2026-03-02T09:00:00Z"
#: Commands left out: `demo` builds a whole federation (seconds a run); `serve`, given a
#: database that holds an organization, serves until it is stopped (its refusals and its
#: start are tested in tests/e2e/test_serve.py).
LEFT_OUT = {("demo",), ("serve",)}


def command_paths() -> dict[tuple[str, ...], list[str]]:
    """Every leaf command of the CLI, with the option names it takes."""
    _register()
    found: dict[tuple[str, ...], list[str]] = {}

    def walk(command: object, path: tuple[str, ...]) -> None:
        children = getattr(command, "commands", None)
        if children:
            for name, child in children.items():
                walk(child, (*path, name))
            return
        options = [
            name for p in getattr(command, "params", []) for name in p.opts if name.startswith("-")
        ]
        if path not in LEFT_OUT:
            found[path] = options

    walk(typer.main.get_command(app), ())
    return found


COMMANDS = command_paths()

#: Values that an argument may take: ids of the organization and of nothing, numbers at
#: and past every edge, paths of every kind, text of every kind.
IDS = [
    "ada",
    "boris",
    "mira",
    "olga",
    "foundry",
    "council",
    "foundry.deputy",
    "council.chair",
    "E1",
    "E2",
    "P1",
    "M1",
    "nobody",
    "yes",
    "no",
    "irv",
    "stv",
]
NUMBERS = [
    "0",
    "1",
    "-1",
    "3",
    "9223372036854775807",
    "9223372036854775808",
    "-9223372036854775809",
    "1e3",
    "0x10",
    "٣",
    "²",
    "NaN",
]
PATHS = [
    "",
    ".",
    "/",
    "/dev/null",
    "/nonexistent/x",
    "a" * 300,
    "x/" * 200 + "y",
    str(WORKS),
    "soviet.db",
    "soviet.key",
    "soviet.pub",
    "out.jsonl",
    "-",
]
DATABASES = [
    "sqlite://",
    "sqlite:///:memory:",
    "sqlite:///other.db",
    "sqlite:////no/dir/x.db",
    "nosuch://x",
    "sqlite:///" + "d" * 300 + ".db",
    "",
    "::",
]
CLOCKS = [
    NOW,
    "2026-03-02T09:00:00-01:00",
    "yesterday",
    "9999-12-31T23:59:59-01:00",
    "0001-01-01T00:00:00+01:00",
    "2026-02-30T00:00:00Z",
    "",
    "2026-03-02T09:00:00+25:00",
]


def token(options: list[str]) -> st.SearchStrategy[str]:
    return st.one_of(
        st.sampled_from(IDS),
        st.sampled_from(NUMBERS),
        st.sampled_from(PATHS),
        st.sampled_from(options or ["--json"]),
        st.sampled_from(["--json", "--help", "--", "-x", "--as", "--db"]),
        st.text(max_size=12),
        st.text(st.characters(codec="utf-8", exclude_characters="\x00"), max_size=40),
    )


@st.composite
def argument_lists(draw: st.DrawFn) -> list[str]:
    path = draw(st.sampled_from(sorted(COMMANDS)))
    options = COMMANDS[path]
    cut = draw(st.integers(0, len(path)))  # sometimes a group alone, or nothing
    rest = draw(st.lists(token(options), max_size=7))
    argv = [*path[:cut], *rest]
    if draw(st.booleans()):
        argv += ["--db", draw(st.sampled_from(DATABASES))]
    # NUL cannot be passed through exec to a real process; it is no argument at all.
    return [a.replace("\x00", "") for a in argv]


@dataclass(frozen=True)
class Outcome:
    code: int
    stdout: str
    stderr: str


@contextlib.contextmanager
def environment(values: dict[str, str]) -> Iterator[None]:
    saved = {k: os.environ.get(k) for k in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


def invoke(argv: list[str], env: dict[str, str]) -> Outcome:
    """`soviet ARGV` in this process, as the console script runs it."""
    out, err = io.StringIO(), io.StringIO()
    saved_argv = sys.argv
    sys.argv = ["soviet", *argv]
    code: object = 0
    try:
        with environment(env), contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            try:
                main()
            except SystemExit as done:
                code = done.code
    finally:
        sys.argv = saved_argv
    return Outcome(
        code if isinstance(code, int) else 0 if code is None else 2, out.getvalue(), err.getvalue()
    )


@dataclass(frozen=True)
class Organization:
    folder: Path
    db: Path

    def written(self) -> tuple[int, ...]:
        """How much the log and the files beside it hold now."""
        with contextlib.closing(sqlite3.connect(f"file:{self.db}?mode=ro", uri=True)) as conn:
            events = conn.execute("SELECT count(*) FROM events").fetchone()[0]
        files = tuple(sorted(p.name for p in self.folder.iterdir()))
        return (events, hash(files))


@pytest.fixture(scope="module")
def organization(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Organization]:
    folder = tmp_path_factory.mktemp("cli-fuzz")
    db = folder / "soviet.db"
    here = Path.cwd()
    os.chdir(folder)
    try:
        founded = invoke(
            ["init", "--charter", str(WORKS)], {"SOVIET_DB": f"sqlite:///{db}", "SOVIET_NOW": NOW}
        )
        assert founded.code == 0, founded.stderr
        yield Organization(folder, db)
    finally:
        os.chdir(here)


@budget(300)
@given(argv=argument_lists(), clock=st.sampled_from(CLOCKS))
def test_any_argument_list_ends_in_a_clear_exit_and_a_refusal_writes_nothing(
    organization: Organization, argv: list[str], clock: str
) -> None:
    env = {
        "SOVIET_DB": f"sqlite:///{organization.db}",
        "SOVIET_NOW": clock,
        "SOVIET_KEY": str(organization.folder / "soviet.key"),
    }
    before = organization.written()
    here = Path.cwd()
    os.chdir(organization.folder)
    try:
        done = invoke(argv, env)
    finally:
        os.chdir(here)
    shown = f"soviet {argv!r} (SOVIET_NOW={clock!r}) exit {done.code}\n{done.stderr}"
    assert "Traceback" not in done.stderr + done.stdout, shown
    assert "internal error" not in done.stderr, shown
    assert done.code in (0, 1, 2), shown
    if done.code == 2:
        lines = done.stderr.splitlines()
        bare_group = "Usage:" in done.stdout + done.stderr  # a group alone shows its help
        assert bare_group or (len(lines) == 1 and lines[0].startswith("error: ")), shown
        assert organization.written() == before, f"a refused command wrote: {shown}"
