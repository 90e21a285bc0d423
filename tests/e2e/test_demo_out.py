"""`soviet demo --out DIR` refuses a folder holding an earlier run's database or key, in
one line, writing nothing; with `--force` it moves them aside, never deleting them, and
says so. It sets its own clock, whatever the environment's SOVIET_NOW says, and its
events are marked as recorded under a set clock."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from e2e.conftest import OWN_VARIABLES, TIMEOUT, Cli

#: The clock and the allowance of the environment, neither of which the demo uses.
STRAY = {"SOVIET_NOW": "2031-01-01T00:00:00Z", "SOVIET_ALLOW_CLOCK": ""}


def demo(out: Path, *args: str, code: int = 0) -> subprocess.CompletedProcess[str]:
    environment = {k: v for k, v in os.environ.items() if k not in OWN_VARIABLES}
    environment.update(STRAY, COLUMNS="200")
    done = subprocess.run(
        [sys.executable, "-m", "soviet", "demo", "--out", str(out), "--seed", "7", *args],
        cwd=out.parent,
        env=environment,
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
        check=False,
    )
    assert done.returncode == code, f"exit {done.returncode}\n{done.stdout}\n{done.stderr}"
    return done


def contents(folder: Path) -> dict[str, bytes]:
    """Every file under `folder` (the members' key folder's too), by its path there."""
    return {
        str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()
    }


def test_a_second_demo_is_refused_and_with_force_moves_the_first_aside(tmp_path: Path) -> None:
    out = tmp_path / "demo"
    demo(out)
    url = f"sqlite:///{out / 'soviet.db'}"
    cli = Cli(url, tmp_path)
    report = cli.run("verify", "--json", env={"SOVIET_NOW": ""}).json()
    assert report["ok"] and report["clock_set"] == report["size"]  # every event marked

    before = contents(out)
    refused = demo(out, code=2)
    [line] = refused.stderr.splitlines()
    assert line.startswith(f"error: --out {out} already holds the files of a demo (soviet.db")
    assert "soviet.key" in line and "--force" in line
    assert refused.stdout == ""
    assert contents(out) == before

    forced = demo(out, "--force")
    said = forced.stdout.replace("\n", " ")
    told = "Moved the earlier run's files aside, nothing deleted: soviet.db → soviet.db.old-"
    assert told in said
    moved = [name for name in os.listdir(out) if ".old-" in name]
    assert {name.split(".old-")[0] for name in moved} == {
        "soviet.db",
        "soviet.key",
        "soviet.pub",
        "charter.toml",
        "members.csv",
        "soviet.codes.csv",
        "keys",
    }
    old_db = next(name for name in moved if name.startswith("soviet.db.old-"))
    assert (out / old_db).read_bytes() == before["soviet.db"]
    # the database moved aside is still a log that verifies, and the new one is a new log
    old = Cli(f"sqlite:///{out / old_db}", tmp_path)
    assert old.run("verify", "--json", env={"SOVIET_NOW": ""}).json()["ok"]
    assert (out / "soviet.key").read_bytes() != before["soviet.key"]
