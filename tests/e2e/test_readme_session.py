"""The README's example session runs exactly as written, in a fresh folder holding the
examples: every command exits as the session says (0 unless its comment says `exit N`),
and the refusal it shows writes nothing."""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from e2e.conftest import OWN_VARIABLES, TIMEOUT, snapshot, sqlite_file

ROOT = Path(__file__).resolve().parents[2]
README = ROOT / "README.md"
#: The line before the session's fenced block.
MARK = "<!-- example session: tests/e2e/test_readme_session.py runs it as written -->"
_EXIT = re.compile(r"#\s*exit (\d+)\b")


@dataclass(frozen=True)
class Step:
    """One line of the session: `export NAME=VALUE…`, or `soviet ARGS…` and its exit code."""

    line: str
    exports: tuple[tuple[str, str], ...] = ()
    args: tuple[str, ...] = ()
    code: int = 0


def session(readme: str) -> list[Step]:
    """The steps of the fenced block that follows `MARK`."""
    assert readme.count(MARK) == 1, "the README's example session has lost its mark"
    after = readme.split(MARK, 1)[1].lstrip("\n")
    assert after.startswith("```"), "the mark must stand right before the session's block"
    block = after.split("\n", 1)[1].split("```", 1)[0]
    return [parse(line) for line in block.splitlines() if line.strip()]


def parse(line: str) -> Step:
    """A session line, `$ ` and all; its comment may say `exit N`."""
    assert line.startswith("$ "), f"a session line starts with '$ ': {line!r}"
    words = shlex.split(line[2:], comments=True)
    assert not line.rstrip().endswith("\\"), f"no continued lines in the session: {line!r}"
    if words[0] == "export":
        pairs = tuple(tuple(word.split("=", 1)) for word in words[1:])
        assert pairs and all(len(pair) == 2 for pair in pairs), line
        return Step(line, exports=tuple((name, value) for name, value in pairs))
    assert words[0] == "soviet", f"the session runs only soviet: {line!r}"
    expected = _EXIT.search(line)
    return Step(line, args=tuple(words[1:]), code=int(expected.group(1)) if expected else 0)


def test_the_session_is_read_from_the_readme_with_its_exports_and_exit_codes() -> None:
    steps = session(README.read_text(encoding="utf-8"))
    commands = [step for step in steps if step.args]
    assert commands[0].args[:2] == ("init", "--charter")
    assert any(step.code == 2 for step in commands), "the session shows a refusal"
    assert {step.args[0] for step in commands} >= {"init", "election", "vote", "recall", "log"}
    assert parse('$ soviet recall open M1 --reason "a # b" --as x  # exit 2: no').args == (
        "recall",
        "open",
        "M1",
        "--reason",
        "a # b",
        "--as",
        "x",
    )
    assert parse("$ export SOVIET_NOW=2026-01-05T09:00:00Z  # a clock").exports == (
        ("SOVIET_NOW", "2026-01-05T09:00:00Z"),
    )


def test_the_readme_session_runs_as_written(db_url: str, tmp_path: Path) -> None:
    shutil.copytree(ROOT / "examples", tmp_path / "examples")
    env = {k: v for k, v in os.environ.items() if k not in OWN_VARIABLES}
    if sqlite_file(db_url) is None:  # the suite on a server: the same session, in its database
        env["SOVIET_DB"] = db_url
    db = db_url if "SOVIET_DB" in env else f"sqlite:///{tmp_path / 'soviet.db'}"
    ran = 0
    for step in session(README.read_text(encoding="utf-8")):
        env.update(step.exports)
        if not step.args:
            continue
        before = snapshot(db) if step.code == 2 else None
        done = subprocess.run(
            [sys.executable, "-m", "soviet", *step.args],
            cwd=tmp_path,
            env=env,
            capture_output=True,
            text=True,
            timeout=TIMEOUT,
            check=False,
        )
        told = f"{step.line}\nexit code {done.returncode}\n{done.stdout}{done.stderr}"
        assert done.returncode == step.code, told
        assert "Traceback" not in done.stderr, told
        if step.code == 2:
            assert done.stderr.count("\n") == 1 and done.stderr.startswith("error: "), told
            assert snapshot(db) == before, f"a refused command wrote:\n{told}"
        ran += 1
    assert ran >= 10


@pytest.mark.parametrize("line", ["$ ls examples", "soviet log"])
def test_a_session_line_that_is_not_a_soviet_command_is_refused(line: str) -> None:
    with pytest.raises(AssertionError):
        parse(line)
