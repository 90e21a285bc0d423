"""`soviet demo`: the bundled federation elects, recalls and purges itself into a database
that the other commands then read like any other."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from e2e.conftest import OWN_VARIABLES, TIMEOUT, Cli


def test_the_demo_leaves_a_clean_database_with_recalled_and_lapsed_mandates(
    tmp_path: Path,
) -> None:
    out = tmp_path / "demo"
    environment = {k: v for k, v in os.environ.items() if k not in OWN_VARIABLES}
    done = subprocess.run(
        [sys.executable, "-m", "soviet", "demo", "--out", str(out)],
        cwd=tmp_path,
        env=environment,
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    database = out / "soviet.db"
    assert f"The database is {database}" in done.stdout
    assert database.is_file()

    # afterwards, on the real clock, as whoever runs the demo would look at it
    url = f"sqlite:///{database}"
    real_clock = {"SOVIET_NOW": ""}
    cli = Cli(url, tmp_path)
    mandates = cli.run("show", "mandates", "--db", url, "--json", env=real_clock).json()
    statuses = {m["status"] for m in mandates}
    assert {"active", "recalled", "lapsed"} <= statuses
    clean = cli.run("audit", "--db", url, env=real_clock)
    assert "Clean" in clean.stdout

    # every member enrolled into the demo's key folder, so whoever ran it acts as any of
    # them: a member rotates their key, signed with the one the demo made
    member = mandates[0]["holder"]
    keys = real_clock | {"SOVIET_KEYS": str(out / "keys")}
    rotated = cli.run("key", "rotate", "--as", member, "--db", url, env=keys)
    assert rotated.code == 0, rotated.stderr
    report = cli.run("verify", "--db", url, "--json", env=real_clock).json()
    assert report["ok"] and report["signed"] > 1000


def _demo(folder: Path, seed: str, cwd: Path) -> str:
    environment = {k: v for k, v in os.environ.items() if k not in OWN_VARIABLES}
    done = subprocess.run(
        [sys.executable, "-m", "soviet", "demo", "--out", str(folder), "--seed", seed],
        cwd=cwd,
        env=environment | {"COLUMNS": "120"},
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    story = done.stdout.replace(str(folder), "OUT")
    return "\n".join(line for line in story.splitlines() if "demo finished in" not in line)


def test_the_demo_tells_the_same_story_for_the_same_seed_with_its_turnout_and_lots(
    tmp_path: Path,
) -> None:
    first = _demo(tmp_path / "one", "1917", tmp_path)
    assert first == _demo(tmp_path / "two", "1917", tmp_path)
    assert first != _demo(tmp_path / "three", "1905", tmp_path)
    for told in ("withdraws", "extends the vote", "changes their vote", "blank", "abstained"):
        assert told in first, told
    assert "A resignation" in first and "decided by lot: the draw" in first
