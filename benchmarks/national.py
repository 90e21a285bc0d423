"""A national federation at growing sizes: what founding, the purge, acts, a recall's
cascade and verification cost as the organization grows, on SQLite and PostgreSQL.

    python benchmarks/national.py [--sizes 10000,100000] [--big] [--levels 5]
                                  [--postgres URL] [--no-sqlite] [--ballots N]
                                  [--turnout 0.4] [--json]

For each size a federation is generated (`soviet generate federation`, seed 1, the given
levels: base assemblies of 50 to 300 members up to a national congress) and, in a fresh
process of its own, on a fresh database:

- `init`: the charter adopted (`founding.adopt_in_batches`, without enrollment codes, so
  that its acts need no keys) — wall time and the process's peak memory;
- `audit` and `audit --schedule`: the purge's findings, then every election it opens;
- one ballot: the first assembly's deputy election, the first `--ballots` voters' ballots
  each in its own unit of work through the vote service, as a lone member casts it
  (median and 95th percentile);
- the first election cycle, bottom-up: every office of every base assembly (its deputies
  and its secretary), then of every council level in turn (deputies, chair, secretary),
  elected by its electorate — the assembly's members, or the deputies the level below
  seated — a share `--turnout` of it voting; nominations, starts and ballots are submitted
  together to the group commit (`soviet.api.commits`, the server's one writer: each act
  decided on its own, many recorded in one unit of work), each close in its own; the
  cycle's time, its ballots per second, and one close's time;
- `audit` again after the cycle, and the sum founded, elected and audited (init, the
  schedule, the cycle, the audit); the one member elected on the first assembly's path
  at every level, up to the congress's chair, is the recall's target;
- a recall cascade: the assembly recalls that member at once (the petition's signatures
  up to the immediate share); the last signature's act, which ends the mandate and every
  seat it carried upwards (and opens their by-elections), is timed;
- `soviet verify` and `soviet export` on the database, as the CLI runs them (processes:
  wall time and peak memory).

Each step's time is printed per size with its growth ratio per tenfold size (a step that
costs what the act touches grows by about 1; one that grows with the organization, by
about 10). The load average is printed before and after each size.
"""

from __future__ import annotations

import argparse
import itertools
import json
import math
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

import sqlalchemy as sa

START = "2026-05-01T09:00:00Z"
ORIGIN = "councils.example.org/national"
TIME = Path("/usr/bin/time")
POSTGRES = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"


def load() -> str:
    return " ".join(f"{n:.2f}" for n in os.getloadavg())


def peak_mb() -> float:
    """This process's peak resident memory, in MB."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def at(days: float) -> str:
    """START plus `days`, as the log writes instants."""
    from datetime import datetime, timedelta

    moment = datetime.fromisoformat(START.replace("Z", "+00:00")) + timedelta(days=days)
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


# -- one size, in a process of its own --------------------------------------------------


def worker(spec: dict[str, Any]) -> dict[str, Any]:
    from soviet.api.commits import GroupCommit
    from soviet.bootstrap import Settings, Soviet
    from soviet.demo import national
    from soviet.domain import commands as cmd
    from soviet.domain import events as ev
    from soviet.domain.charter import parse_charter
    from soviet.services import audit, elections, recall
    from soviet.services.founding import adopt_in_batches

    folder, url = Path(spec["folder"]), spec["url"]
    planned = national.plan(spec["members"], spec["levels"], 1)
    charter_path, _ = national.write(folder / "federation", planned)
    began = time.perf_counter()
    charter = parse_charter(
        charter_path.read_text(encoding="utf-8"),
        str(charter_path),
        lambda name: (folder / "federation" / name).read_text(encoding="utf-8"),
    )
    out: dict[str, Any] = {"parse": time.perf_counter() - began}
    soviet = Soviet(Settings(url, START, folder / "national.key"), create=True)
    clock = 0.0

    def tick(days: float) -> None:
        nonlocal clock
        clock += days
        soviet.settings = replace(soviet.settings, now=at(clock))

    began = time.perf_counter()
    with soviet.unit_of_work() as ws:
        adopt_in_batches(ws, charter, str(soviet.keys.create(ORIGIN).verifier()), None)
    soviet.keys.install()
    out["init"] = time.perf_counter() - began
    out["init_peak_mb"] = peak_mb()
    del charter

    tick(0.01)
    began = time.perf_counter()
    with soviet.unit_of_work() as ws:
        found = audit.findings(ws)
    out["audit"] = time.perf_counter() - began
    out["findings"] = len(found)
    began = time.perf_counter()
    with soviet.unit_of_work() as ws:
        scheduled = audit.schedule(ws)
    out["schedule"] = time.perf_counter() - began
    out["opened"] = sum(e.type == ev.ELECTION_OPENED for e in scheduled)

    top = planned.levels - 1
    assembly = planned.body(0, 0)
    with soviet.unit_of_work() as ws:
        people = sorted(ws.assembly_members(assembly), key=lambda m: int(m.rsplit(".", 1)[1]))
    hero = people[0]
    committer = GroupCommit(soviet, threading.Lock())

    def together(commands: Sequence[cmd.Command]) -> None:
        """The acts submitted at once to the group commit, as members acting together
        would; each is still its own act, with its own events and answer."""
        for future in [committer.submit(command) for command in commands]:
            future.result()

    # One ballot in its own unit of work, as a lone member casts it: the first assembly's
    # deputy election, before the cycle casts the rest of its ballots together.
    first = f"{assembly}.deputy"
    with soviet.unit_of_work() as ws:
        pending = ws.pending_election(first)
        assert pending is not None, f"no election of {first} was opened"
        first_election = pending.id
        candidates = people[: planned.deputies(0, 0)]
        for candidate in candidates:
            elections.nominate(ws, first_election, candidate, candidate)
        elections.start(ws, first_election, candidates[0])
    tick(0.01)
    walls = []
    for voter in people[: spec["ballots"]]:
        began = time.perf_counter()
        with soviet.unit_of_work() as ws:
            elections.vote(ws, first_election, list(candidates), voter)
        walls.append(time.perf_counter() - began)
    out["ballot_median"] = statistics.median(walls)
    out["ballot_p95"] = sorted(walls)[round(0.95 * (len(walls) - 1))]
    out["ballots"] = len(walls)
    alone = set(people[: spec["ballots"]])

    # The first election cycle, bottom-up: every office of every base assembly, then of
    # every council level, elected by its electorate (a share `turnout` of it voting).
    began = time.perf_counter()
    closes: list[float] = []
    cast = 0
    for level in range(top + 1):
        held_here: list[tuple[str, list[str], list[str]]] = []  # election, candidates, voters
        with soviet.unit_of_work() as ws:
            for index in range(planned.count(level)):
                body = planned.body(level, index)
                electorate = sorted(
                    ws.assembly_members(body) if level == 0 else ws.seated(body),
                    key=lambda m: (m != hero, m),
                )
                if not electorate:
                    continue
                roles = [] if level == top else ["deputy"]
                roles += ["secretary"] if level == 0 else ["chair", "secretary"]
                share = math.ceil(len(electorate) * spec["turnout"])
                turnout = max(share, len(electorate) // 3 + 1)
                offset = 0
                for role in roles:
                    office = f"{body}.{role}"
                    pending = ws.pending_election(office)
                    if pending is None:
                        continue
                    seats = planned.deputies(level, index) if role == "deputy" else 1
                    chosen = [electorate[(offset + k) % len(electorate)] for k in range(seats)]
                    offset += seats
                    voters = electorate[: min(turnout, len(electorate))]
                    if pending.id == first_election:
                        chosen = candidates
                    held_here.append((pending.id, list(dict.fromkeys(chosen)), voters))
        nominations: list[cmd.Command] = []
        starts: list[cmd.Command] = []
        for election, chosen, _ in held_here:
            if election == first_election:
                continue
            nominations += [cmd.Nominate(c, election, c) for c in chosen]
            starts.append(cmd.StartElection(chosen[0], election))
        together(nominations)
        together(starts)
        tick(0.01)
        ballots: list[cmd.Command] = []
        for election, chosen, voters in held_here:
            skip = alone if election == first_election else set()
            ballots += [
                cmd.CastBallot(v, election, tuple(chosen), False) for v in voters if v not in skip
            ]
        cast += len(ballots)
        together(ballots)
        tick(8)  # past the voting period
        for election, chosen, _ in held_here:
            moment = time.perf_counter()
            with soviet.unit_of_work() as ws:
                elections.close(ws, election, chosen[0])
            closes.append(time.perf_counter() - moment)
        tick(0.01)
    out["cycle"] = time.perf_counter() - began
    out["cycle_ballots"] = cast
    out["cycle_elections"] = len(closes)
    out["cycle_rate"] = cast / out["cycle"]
    out["close"] = statistics.median(closes)
    out["close_max"] = max(closes)
    began = time.perf_counter()
    with soviet.unit_of_work() as ws:
        out["findings_after"] = len(audit.findings(ws))
    out["audit_after"] = time.perf_counter() - began
    steps = ("init", "schedule", "cycle", "audit_after")
    out["founded_elected_audited"] = sum(out[step] for step in steps)

    with soviet.unit_of_work() as ws:
        [held] = [m for m in ws.active_mandates(holder=hero) if m.office == f"{assembly}.deputy"]
    tick(0.01)
    with soviet.unit_of_work() as ws:
        petition = str(
            recall.open_petition(ws, held.id, "never reports back", people[1]).data["petition"]
        )
    cascade: list[ev.Recorded] = []
    for signer in people[2:]:
        began = time.perf_counter()
        with soviet.unit_of_work() as ws:
            recall.sign(ws, petition, signer)
            recorded = list(ws.recorded)
        wall = time.perf_counter() - began
        if any(e.type == ev.MANDATE_RECALLED for e in recorded):
            cascade = recorded
            out["cascade"] = wall
            break
    out["cascade_lapsed"] = sum(e.type == ev.MANDATE_LAPSED for e in cascade)
    out["cascade_events"] = len(cascade)
    with soviet.snapshot() as conn:
        out["events"] = int(conn.execute(sa.text("SELECT count(*) FROM events")).scalar_one())
    soviet.dispose()
    return out


# -- the CLI on the database ------------------------------------------------------------


def cli(url: str, *args: str, folder: Path) -> tuple[float, float, int]:
    """`soviet ARGS --db URL` as a process: wall seconds, peak MB, exit code."""
    command = [sys.executable, "-m", "soviet", *args, "--db", url]
    if TIME.exists():
        command = [str(TIME), "-f", "%M", *command]
    began = time.perf_counter()
    done = subprocess.run(command, cwd=folder, capture_output=True, text=True, check=False)
    wall = time.perf_counter() - began
    peak = float(done.stderr.strip().splitlines()[-1]) / 1024 if TIME.exists() else math.nan
    if done.returncode != 0:  # what the command found, for the report of the failure
        print(done.stdout[-3000:], done.stderr[-3000:], sep="\n", file=sys.stderr)
    return wall, peak, done.returncode


def fresh_postgres(server: str, name: str) -> str:
    """A new, empty database `name` on the server (dropped first if it exists)."""
    engine = sa.create_engine(server, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    engine.dispose()
    return str(sa.make_url(server).set(database=name).render_as_string(hide_password=False))


def one(
    backend: str, url: str, size: int, args: argparse.Namespace, folder: Path
) -> dict[str, Any]:
    spec = {
        "folder": str(folder),
        "url": url,
        "members": size,
        "levels": args.levels,
        "ballots": args.ballots,
        "turnout": args.turnout,
    }
    print(
        f"  {backend} {size:,}: founding and acting … (load {load()})", file=sys.stderr, flush=True
    )
    done = subprocess.run(
        [sys.executable, __file__, "--worker", json.dumps(spec)],
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise SystemExit(f"{backend} {size:,}: {done.stderr.strip()[-1500:]}")
    out: dict[str, Any] = json.loads(done.stdout)
    print(f"  {backend} {size:,}: verify and export … (load {load()})", file=sys.stderr, flush=True)
    out["verify"], out["verify_peak_mb"], code = cli(url, "verify", folder=folder)
    if code != 0:
        raise SystemExit(f"{backend} {size:,}: soviet verify exited {code}")
    out["export"], out["export_peak_mb"], code = cli(
        url, "export", str(folder / "log.jsonl"), folder=folder
    )
    if code != 0:
        raise SystemExit(f"{backend} {size:,}: soviet export exited {code}")
    out["load_after"] = load()
    return out


STEPS = (
    ("parse", "the charter read (members CSV included)", "s"),
    ("init", "init: the charter adopted", "s"),
    ("init_peak_mb", "init: peak memory", "MB"),
    ("audit", "audit", "s"),
    ("schedule", "audit --schedule", "s"),
    ("ballot_median", "one ballot, its own unit of work (median)", "ms"),
    ("ballot_p95", "one ballot (95th percentile)", "ms"),
    ("cycle", "the first election cycle, bottom-up (group commit)", "s"),
    ("cycle_rate", "  its ballots per second", "/s"),
    ("close", "  one election closed (median)", "ms"),
    ("close_max", "  one election closed (slowest)", "ms"),
    ("audit_after", "audit after the cycle", "s"),
    ("founded_elected_audited", "founded, elected and audited (init to audit)", "s"),
    ("cascade", "the recall's last signature and its cascade", "ms"),
    ("verify", "soviet verify", "s"),
    ("verify_peak_mb", "soviet verify: peak memory", "MB"),
    ("export", "soviet export", "s"),
)


def shown(value: float | None, unit: str) -> str:
    if value is None:
        return "—"
    if unit == "ms":
        return f"{value * 1e3:,.1f} ms"
    if unit == "s":
        return f"{value:,.2f} s"
    if unit == "/s":
        return f"{value:,.0f}/s"
    return f"{value:,.0f} MB"


def growth(small: tuple[int, float | None], large: tuple[int, float | None]) -> str:
    """The figure's growth per tenfold size between two sizes."""
    (p, a), (s, b) = small, large
    if not a or not b:
        return "—"
    return f"{(b / a) ** (1 / math.log10(s / p)):.2f}"


def report(results: dict[str, dict[int, dict[str, Any]]], levels: int) -> str:
    python = sys.version.split()[0]
    lines = [
        f"National federation, {levels} levels; {os.cpu_count()} CPUs; Python {python}",
        "growth: the figure's ratio per tenfold size (about 1: it costs what it touches; "
        "about 10: it grows with the organization)",
    ]
    for backend, by_size in results.items():
        sizes = sorted(by_size)
        lines += ["", f"== {backend}"]
        pairs = list(itertools.pairwise(sizes))
        header = ["step", *(f"{n:,}" for n in sizes), *(f"growth {p:,}→{n:,}" for p, n in pairs)]
        rows = [header]
        for key, title, unit in STEPS:
            values = {n: by_size[n].get(key) for n in sizes}
            rows.append(
                [
                    title,
                    *(shown(values[n], unit) for n in sizes),
                    *(growth((p, values[p]), (n, values[n])) for p, n in pairs),
                ]
            )
        widths = [max(len(row[i]) for row in rows) for i in range(len(header))]
        for number, row in enumerate(rows):
            cells = zip(row, widths, strict=True)
            lines.append(
                "  ".join(c.ljust(w) if i == 0 else c.rjust(w) for i, (c, w) in enumerate(cells))
            )
            if number == 0:
                lines.append("-" * len(lines[-1]))
        for n in sizes:
            r = by_size[n]
            lines.append(
                f"   {n:,}: {r['events']:,} events; {r['findings']:,} findings, "
                f"{r['opened']:,} elections opened; {r['ballots']} ballots timed alone; the "
                f"cycle held {r['cycle_elections']:,} elections with {r['cycle_ballots']:,} "
                f"ballots, leaving {r['findings_after']:,} findings; the cascade "
                f"recorded {r['cascade_events']} events ({r['cascade_lapsed']} seats lapsed "
                f"above); load after {r['load_after']}"
            )
    return "\n".join(lines)


def sizes(text: str) -> list[int]:
    return [int(part.replace("_", "")) for part in text.split(",") if part.strip()]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--sizes", type=sizes, default=[10_000, 100_000], help="members, comma-separated"
    )
    parser.add_argument("--big", action="store_true", help="add 1,000,000 members")
    parser.add_argument("--levels", type=int, default=5, help="levels, assemblies to congress (5)")
    parser.add_argument("--ballots", type=int, default=60, help="ballots timed one by one (60)")
    parser.add_argument(
        "--turnout",
        type=float,
        default=0.4,
        help="the share of each electorate that votes in the cycle (0.4; at least a third "
        "and one, the generated charter's quorum)",
    )
    parser.add_argument(
        "--postgres",
        default=os.environ.get("SOVIET_BENCH_DATABASE") or POSTGRES,
        help="the PostgreSQL server: each size gets a new database on it ('' for none; "
        f"default SOVIET_BENCH_DATABASE or {POSTGRES})",
    )
    parser.add_argument("--no-sqlite", action="store_true", help="PostgreSQL only")
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        print(json.dumps(worker(json.loads(args.worker))))
        return 0
    if args.big:
        args.sizes = sorted({*args.sizes, 1_000_000})
    results: dict[str, dict[int, dict[str, Any]]] = {}
    print(f"load average at the start {load()}", file=sys.stderr)
    with tempfile.TemporaryDirectory(prefix="soviet-national-") as root:
        for size in args.sizes:
            if not args.no_sqlite:
                folder = Path(root) / f"sqlite-{size}"
                folder.mkdir()
                results.setdefault("SQLite", {})[size] = one(
                    "SQLite", f"sqlite:///{folder}/national.db", size, args, folder
                )
            if args.postgres:
                folder = Path(root) / f"pg-{size}"
                folder.mkdir()
                url = fresh_postgres(args.postgres, f"soviet_national_{size}")
                results.setdefault("PostgreSQL", {})[size] = one(
                    "PostgreSQL", url, size, args, folder
                )
    print(json.dumps(results, indent=2) if args.json else report(results, args.levels))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
