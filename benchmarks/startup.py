"""How long a `soviet` command takes from start to exit on a small database, beside the
floor of any command (the interpreter, the entry point and `soviet --version`) and the
floor of a command on the database (the libraries every one of them imports).

    python benchmarks/startup.py [--runs N] [--json] [--no-cache]

Set-up, apart from the figures: in a temporary folder, the README's example federation
(`examples/federation.toml`, 30 members) founded by `soviet init`, every member's key
enrolled, the bakery's election E2 nominated and started, as the README's session does.
Then each command runs N times as a child process, `python -m soviet …` (the clock set by
SOVIET_NOW), after one run that is not counted; the commands take turns, one run of each
at a time, so that load drifting during the run touches them alike:

- `--version`: the floor;
- `python -c 'import typer, sqlalchemy, rich.table; from pydantic import TypeAdapter'`:
  what any command on the database imports, soviet aside (typer reads every option
  through a pydantic TypeAdapter);
- `--help`: the list of commands, which imports the module of every command;
- `show office bakery.deputy`: a read;
- `vote E2 novak garcia --as chen`: a ballot signed with chen's key and recorded (each
  run's ballot replaces the one before);
- `vote E1 novak --as chen`: a vote refused (E1 is not started), no key read.

Prints the median wall seconds of each, its fastest run, its median CPU seconds (user +
system: other load on the machine moves it less than the wall time) and the ratio of its
wall time to the floor's. The children keep their bytecode in a folder of the run's own
(PYTHONPYCACHEPREFIX), written by the uncounted run, as an installed soviet reads what pip
compiled; with `--no-cache` they write none (PYTHONDONTWRITEBYTECODE=1), so that a source
tree without bytecode is compiled at every start.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Mapping, Sequence
from importlib.metadata import version
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
CHARTER = ROOT / "examples" / "federation.toml"
NOW = "2026-01-05T09:00:00Z"
FLOOR = ("-m", "soviet", "--version")
#: What every command on the database imports, whatever soviet itself imports: typer
#: (which reads a command's options through pydantic's TypeAdapter), SQLAlchemy and Rich.
LIBRARIES = ("-c", "import typer, sqlalchemy, rich.table; from pydantic import TypeAdapter")
#: The timed runs, each the arguments of the interpreter; the floor first.
COMMANDS: tuple[tuple[str, ...], ...] = (
    FLOOR,
    LIBRARIES,
    ("-m", "soviet", "--help"),
    ("-m", "soviet", "show", "office", "bakery.deputy"),
    ("-m", "soviet", "vote", "E2", "novak", "garcia", "--as", "chen"),
    ("-m", "soviet", "vote", "E1", "novak", "--as", "chen"),
)
#: The exit code each run must end with; any other stops the run.
EXPECTED: dict[tuple[str, ...], int] = {COMMANDS[-1]: 2}
SETUP: tuple[tuple[str, ...], ...] = (
    ("init", "--charter", str(CHARTER)),
    ("key", "enroll", "--codes", "soviet.codes.csv"),
    ("audit", "--schedule"),  # exit 1: it opens an election for every vacant office
    ("election", "nominate", "E2", "novak", "--as", "novak"),
    ("election", "nominate", "E2", "garcia", "--as", "garcia"),
    ("election", "start", "E2", "--as", "novak"),
)


def load() -> str:
    return "load average " + " ".join(f"{n:.2f}" for n in os.getloadavg())


def environment(folder: Path, *, cache: bool) -> dict[str, str]:
    """The children's environment: the run's database, keys and clock, and its bytecode."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("SOVIET_")}
    env.update(
        SOVIET_DB=str(folder / "soviet.db"),
        SOVIET_KEYS=str(folder / "keys"),
        SOVIET_NOW=NOW,
        SOVIET_ALLOW_CLOCK="1",
    )
    env.pop("PYTHONPYCACHEPREFIX", None)
    if cache:
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        env["PYTHONPYCACHEPREFIX"] = str(folder / "bytecode")
    else:
        env["PYTHONDONTWRITEBYTECODE"] = "1"
    return env


def label(argv: Sequence[str]) -> str:
    """A run as a person would type it."""
    if argv[:2] == ("-m", "soviet"):
        return " ".join(["soviet", *argv[2:]])
    return f"python {argv[0]} '{' '.join(argv[1:])}'"


def python(
    argv: Sequence[str], folder: Path, env: Mapping[str, str], code: int = 0
) -> tuple[float, float]:
    """Wall and CPU seconds (user + system) of one `python ARGV` in `folder`; refused
    unless it exits with `code`."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run(
        [sys.executable, *argv],
        cwd=folder,
        env=dict(env),
        capture_output=True,
        text=True,
        check=False,
    )
    took = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime
    if done.returncode != code:
        raise SystemExit(f"{label(argv)} exited {done.returncode}, not {code}:\n{done.stderr}")
    return took, cpu


def measure(runs: int, *, cache: bool) -> dict[str, list[tuple[float, float]]]:
    """Every command's wall and CPU seconds, `runs` of each, in turns."""
    with tempfile.TemporaryDirectory(prefix="soviet-startup-") as root:
        folder = Path(root)
        env = environment(folder, cache=cache)
        for args in SETUP:
            python(("-m", "soviet", *args), folder, env, 1 if args[0] == "audit" else 0)
        times: dict[str, list[tuple[float, float]]] = {label(argv): [] for argv in COMMANDS}
        for argv in COMMANDS:  # the uncounted run, which writes the bytecode
            python(argv, folder, env, EXPECTED.get(argv, 0))
        for _ in range(runs):
            for argv in COMMANDS:
                times[label(argv)].append(python(argv, folder, env, EXPECTED.get(argv, 0)))
        return times


def summary(times: dict[str, list[tuple[float, float]]]) -> list[dict[str, Any]]:
    floor = statistics.median(wall for wall, _ in times[label(FLOOR)])
    rows = []
    for command, runs in times.items():
        wall = statistics.median(w for w, _ in runs)
        rows.append(
            {
                "command": command,
                "median_s": round(wall, 4),
                "min_s": round(min(w for w, _ in runs), 4),
                "cpu_s": round(statistics.median(cpu for _, cpu in runs), 4),
                "x_floor": round(wall / floor, 2),
            }
        )
    return rows


def report(rows: list[dict[str, Any]]) -> str:
    width = max(len(row["command"]) for row in rows)
    lines = [f"{'command':<{width}}  median s   min s   cpu s  × floor", "-" * (width + 35)]
    lines += [
        f"{row['command']:<{width}}  {row['median_s']:8.3f}  {row['min_s']:6.3f}  "
        f"{row['cpu_s']:6.3f}  {row['x_floor']:7.2f}"
        for row in rows
    ]
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=10, help="runs of each command (10)")
    parser.add_argument("--json", action="store_true")
    parser.add_argument(
        "--no-cache", action="store_true", help="write no bytecode: compile at every start"
    )
    args = parser.parse_args(argv)
    before = load()
    rows = summary(measure(args.runs, cache=not args.no_cache))
    header = {
        "python": sys.version.split()[0],
        "soviet": version("soviet"),
        "cpus": os.cpu_count(),
        "runs": args.runs,
        "bytecode": "none" if args.no_cache else "cached",
        "load_before": before,
        "load_after": load(),
    }
    if args.json:
        print(json.dumps({**header, "commands": rows}, indent=2))
        return 0
    print(
        f"python {header['python']}, soviet {header['soviet']}, {header['cpus']} CPUs; "
        f"{args.runs} runs of each, wall seconds from start to exit (cpu s: the median "
        "user + system time); bytecode "
        f"{header['bytecode']}\n{before} at the start, {header['load_after']} at the end\n"
    )
    print(report(rows))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
