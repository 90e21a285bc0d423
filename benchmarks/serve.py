"""`soviet serve` under load: signed ballots through the API, and the notice board's pages
at 100,000 events, on SQLite and on PostgreSQL, driven from a second process over loopback.

    python benchmarks/serve.py [--quick] [--json] [--members M] [--ballots B]
                               [--levels 1,8,32] [--events N] [--renders R] [--db URL]

For each database, in turn (SQLite in a temporary file, then PostgreSQL in a schema of
its own, dropped after):

1. Set-up, timed but apart from the figures: an organization of two assemblies founded by
   `Soviet.found` — `works`, whose M members each enroll a key (`Soviet.enroll`; this
   process holds every private key, as each member's own side would) and elect a
   three-seat committee by STV (election E1, open for voting), and `hall`, whose members
   fill the log: their admissions, and one ballot each in the hall's own STV election
   (E2) recorded through `SqlWorkspace.record` in large units of work, which then closes
   (its result round by round). Hall holds as many members as brings the log to N events
   once the ballots below are in.
2. Every ballot of E1 is signed before any timing (a statement with a fresh nonce, good
   for an hour, signed with the voter's key), each voter once.
3. `soviet serve --db URL --port P` starts as a child process (uvicorn, a real socket on
   127.0.0.1) with SOVIET_KEY naming the log's key. From this process an async httpx
   client posts the ballots to /api/v1/elections/E1/acts, B of them at each level of
   concurrency (requests in flight), timing every request from send to answer. Every
   answer must be 201; afterwards /api/v1/elections/E1 must count every ballot sent.
4. Reads at the log's full size: the election pages (/elections/E1 open, /elections/E2
   closed, with its rounds), the log page (/log), and beside them the API's
   /api/v1/elections/E1 and the log's last page /api/v1/log?since=…, R requests each at
   one and at eight in flight. A page that answers 404 (the board not built yet) is
   reported as not measured.

Beside each rate: the server process's CPU time per request (from /proc: the server's
user + system time over the level, PostgreSQL's own processes not counted) and the
client's. Both share the machine's cores with each other and with PostgreSQL.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import secrets
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime, timedelta
from importlib.metadata import version
from pathlib import Path
from typing import Any

import httpx
import sqlalchemy as sa

from soviet.bootstrap import Settings, Soviet
from soviet.domain import commands as cmd
from soviet.domain import events as ev
from soviet.domain import statements
from soviet.domain.clock import format_instant
from soviet.domain.events import Event
from soviet.domain.model import Body, Charter, Member, Office, Procedure, Rules
from soviet.keyring import Keyring
from soviet.services import elections
from soviet.storage.workspace import SqlWorkspace

ORIGIN = "bench.example.org/serve"
POSTGRES = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
#: Votes start as soon as there are candidates; a vote everybody has cast may close.
PROCEDURE = Procedure(nominations="open", uncontested="count")
CANDIDATES = 6
#: Ballots sent before the timed levels, to warm the server (counted in the check).
WARM = 20
#: Events recorded between two flushes while filling the log.
CHUNK = 5000
#: The targets of issue 12 (PostgreSQL ballots; pages on either database).
BALLOTS_PER_S, BALLOTS_P99, PAGES_P99 = 1000.0, 0.100, 0.050
READ_LEVELS = (1, 8)
#: A level of ballots may run this many times as long as a level of reads.
BALLOT_TIME = 2.5


# -- figures -----------------------------------------------------------------------------


def load() -> str:
    return "load average " + " ".join(f"{n:.2f}" for n in os.getloadavg())


def percentile(values: Sequence[float], share: float) -> float:
    """The nearest-rank percentile."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(share * len(ordered) + 0.5) - 1))]


def cpu_seconds(pid: int) -> float:
    """The user + system CPU seconds of a process so far, from /proc."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


@dataclass
class Row:
    """One measured line of the table."""

    database: str
    what: str
    concurrency: int
    requests: int
    per_second: float | None = None
    p50_ms: float | None = None
    p99_ms: float | None = None
    server_cpu_ms: float | None = None
    client_cpu_ms: float | None = None
    errors: int = 0
    statuses: dict[str, int] = field(default_factory=dict)
    target: str = ""
    met: bool | None = None
    note: str = ""


def table(rows: Sequence[Sequence[str]], left: int = 2) -> list[str]:
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = []
    for number, row in enumerate(rows):
        cells = [
            cell.ljust(width) if i < left or i >= len(widths) - 2 else cell.rjust(width)
            for i, (cell, width) in enumerate(zip(row, widths, strict=True))
        ]
        lines.append("  ".join(cells).rstrip())
        if number == 0:
            lines.append("-" * len(lines[-1]))
    return lines


def shown(row: Row) -> list[str]:
    def ms(value: float | None) -> str:
        return "—" if value is None else f"{value:,.1f}"

    met = "—" if row.met is None else ("yes" if row.met else "no")
    return [
        row.database,
        row.what,
        str(row.concurrency),
        f"{row.requests:,}",
        "—" if row.per_second is None else f"{row.per_second:,.0f}",
        ms(row.p50_ms),
        ms(row.p99_ms),
        ms(row.server_cpu_ms),
        ms(row.client_cpu_ms),
        str(row.errors),
        row.target or "—",
        met + (f" ({row.note})" if row.note else ""),
    ]


HEADER = [
    "database",
    "what",
    "in flight",
    "requests",
    "per s",
    "p50 ms",
    "p99 ms",
    "server cpu ms/req",
    "client cpu ms/req",
    "errors",
    "target",
    "met?",
]


def say(text: str) -> None:
    """Progress, on standard error: standard output holds the report (or its JSON)."""
    print(text, file=sys.stderr, flush=True)


# -- the organization --------------------------------------------------------------------


def charter(voters: int, hall: int) -> Charter:
    """`works`, whose voters elect a committee (E1), and `hall`, whose members fill the
    log and elect their council (E2); both by STV for three seats."""
    rules = Rules(procedure=PROCEDURE)
    return Charter(
        name="Bench Serve",
        origin=ORIGIN,
        rules=rules,
        bodies=(Body("works", "Works", "assembly"), Body("hall", "Hall", "assembly")),
        offices=(
            Office("works.committee", "works", "Committee", 3, "stv", procedure=PROCEDURE),
            Office("hall.council", "hall", "Council", 3, "stv", procedure=PROCEDURE),
        ),
        members=tuple(Member(f"m{i}", f"Member {i}", ("works",)) for i in range(voters))
        + tuple(Member(f"h{i}", f"Hall member {i}", ("hall",)) for i in range(hall)),
        founders=("m0",),
    )


@dataclass
class Organization:
    """What the set-up made: the database, the log's key, every member's private key."""

    url: str
    key_path: Path
    keyring: Keyring
    voters: int
    size: int
    steps: list[tuple[str, float, int]]


def open_and_start(soviet: Soviet, office: str, prefix: str) -> str:
    """Open the office's election, each of the first candidates standing, and start it."""
    with soviet.unit_of_work() as ws:
        election = str(elections.open_election(ws, office, f"{prefix}0").data["election"])
        for c in range(CANDIDATES):
            elections.nominate(ws, election, f"{prefix}{c}", f"{prefix}{c}")
        elections.start(ws, election, f"{prefix}0")
    return election


def fill(ws: SqlWorkspace, events: Sequence[Event]) -> None:
    for low in range(0, len(events), CHUNK):
        for event in events[low : low + CHUNK]:
            ws.record(event)
        ws.flush()


def found(url: str, folder: Path, voters: int, hall: int) -> Organization:
    """Found, enroll, open E1 and run E2 to its close; each step timed."""
    keyring = Keyring()
    key_path = folder / "log.key"
    steps: list[tuple[str, float, int]] = []
    soviet = Soviet(
        Settings(url, None, key_path),
        create=True,
        signer=keyring,
        codes_path=folder / "codes.csv",
    )

    @contextmanager
    def step(what: str) -> Iterator[list[int]]:
        count = [0]
        began = time.perf_counter()
        yield count
        steps.append((what, time.perf_counter() - began, count[0]))
        say(f"   set-up: {what}: {steps[-1][1]:.2f} s")

    try:
        with step(f"found {voters + hall:,} members (Soviet.found)") as n:
            n[0] = soviet.found(charter(voters, hall))
        codes = [c for c in soviet.founding_codes if c.member.startswith("m")]
        codes += [c for c in soviet.founding_codes if c.member in _hall_candidates()]
        with step(f"enroll {len(codes):,} keys (Soviet.enroll)") as n:
            n[0] = len(soviet.enroll(codes, keyring))
        with step("open, nominate, start E1 and E2 (services)"):
            first = open_and_start(soviet, "works.committee", "m")
            second = open_and_start(soviet, "hall.council", "h")
        if (first, second) != ("E1", "E2"):
            raise SystemExit(f"the elections are {first} and {second}, not E1 and E2")
        rng = random.Random(12)
        names = [f"h{c}" for c in range(CANDIDATES)]
        rankings = [rng.sample(names, rng.randint(1, CANDIDATES)) for _ in range(200)]
        ballots = [
            Event(ev.BALLOT_CAST, f"h{i}", {"election": "E2", "choice": rng.choice(rankings)})
            for i in range(hall)
        ]
        with step(f"record {hall:,} ballots of E2 (SqlWorkspace.record)") as n:
            with soviet.unit_of_work() as ws:
                fill(ws, ballots)
            n[0] = hall
        with step("close E2 (services: the STV count)") as n, soviet.unit_of_work() as ws:
            elections.close(ws, "E2", "h0")
            n[0] = len(ws.recorded)
        with soviet.reading() as reads:
            size = reads.size()
    finally:
        soviet.dispose()
    return Organization(url, key_path, keyring, voters, size, steps)


def _hall_candidates() -> set[str]:
    return {f"h{c}" for c in range(CANDIDATES)}


def signed_ballots(org: Organization, count: int) -> list[bytes]:
    """The bodies of `count` ballots of E1, each voter's one, signed now."""
    rng = random.Random(1)
    names = [f"m{c}" for c in range(CANDIDATES)]
    not_after = format_instant(datetime.now(UTC) + timedelta(hours=1))
    bodies = []
    for voter in range(count):
        choice = tuple(rng.sample(names, rng.randint(1, CANDIDATES)))
        member = f"m{voter}"
        statement = statements.statement_of(
            cmd.CastBallot(member, "E1", choice), ORIGIN, secrets.token_hex(16), not_after
        )
        signed = statements.sign(statement, org.keyring.key_of(member))
        bodies.append(json.dumps(signed.to_json()).encode())
    return bodies


# -- the server --------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@contextmanager
def serving(org: Organization, folder: Path) -> Iterator[tuple[str, int]]:
    """`soviet serve` over the organization in a child process; its base URL and pid."""
    port = free_port()
    env = dict(os.environ, SOVIET_KEY=str(org.key_path))
    for name in ("SOVIET_NOW", "SOVIET_ALLOW_CLOCK", "SOVIET_DB"):
        env.pop(name, None)
    out = (folder / f"serve-{port}.log").open("w")
    server = subprocess.Popen(
        [sys.executable, "-m", "soviet", "serve", "--db", org.url, "--port", str(port)],
        env=env,
        stdout=out,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            if server.poll() is not None:
                raise SystemExit(
                    f"soviet serve exited with {server.returncode}: "
                    f"{(folder / f'serve-{port}.log').read_text()[-2000:]}"
                )
            try:
                if httpx.get(f"{base}/api/v1/checkpoint", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline:
                raise SystemExit("soviet serve did not answer within 60 s")
            time.sleep(0.1)
        yield base, server.pid
    finally:
        server.send_signal(signal.SIGINT)
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        out.close()


@dataclass
class Fired:
    latencies: list[float]
    statuses: Counter[int]
    wall: float
    server_cpu: float
    client_cpu: float


async def fire(
    base: str,
    pid: int,
    requests: Sequence[tuple[str, str, bytes | None]],
    concurrency: int,
    seconds: float = float("inf"),
) -> Fired:
    """Send the requests (method, path, JSON body) with `concurrency` in flight, timing
    each from send to the whole answer read; none is sent once `seconds` have passed."""
    latencies: list[float] = []
    statuses: Counter[int] = Counter()
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    headers = {"content-type": "application/json"}
    async with httpx.AsyncClient(base_url=base, limits=limits, timeout=120) as client:
        pending = iter(requests)
        clock = time.perf_counter

        async def worker() -> None:
            for method, path, body in pending:
                if clock() > deadline:
                    return
                began = clock()
                answer = await client.request(method, path, content=body, headers=headers)
                await answer.aread()
                latencies.append(clock() - began)
                statuses[answer.status_code] += 1

        await client.get("/api/v1/checkpoint")  # a connection open before the clock starts
        server_cpu, client_cpu, began = cpu_seconds(pid), time.process_time(), clock()
        deadline = began + seconds
        await asyncio.gather(*(worker() for _ in range(concurrency)))
        wall = clock() - began
    return Fired(
        latencies,
        statuses,
        wall,
        cpu_seconds(pid) - server_cpu,
        time.process_time() - client_cpu,
    )


def row_of(database: str, what: str, concurrency: int, fired: Fired, expected: int) -> Row:
    count = len(fired.latencies)
    return Row(
        database,
        what,
        concurrency,
        count,
        per_second=count / fired.wall,
        p50_ms=percentile(fired.latencies, 0.50) * 1e3,
        p99_ms=percentile(fired.latencies, 0.99) * 1e3,
        server_cpu_ms=fired.server_cpu / count * 1e3,
        client_cpu_ms=fired.client_cpu / count * 1e3,
        errors=sum(n for status, n in fired.statuses.items() if status != expected),
        statuses={str(k): v for k, v in sorted(fired.statuses.items())},
    )


# -- one database ------------------------------------------------------------------------


def measure(
    database: str, url: str, folder: Path, args: argparse.Namespace
) -> tuple[list[Row], dict[str, Any]]:
    levels: list[int] = args.levels
    signing = WARM + args.ballots * len(levels)
    voters = max(signing, 2 * CANDIDATES)
    # the log holds `events` before the ballots: admissions, enrollments, hall's ballots
    hall = max(CANDIDATES, (args.events - 2 * voters - 60) // 2)
    say(f"== {database}: {voters:,} voters, {hall:,} hall members; {load()}")
    began = time.perf_counter()
    org = found(url, folder, voters, hall)
    setup = time.perf_counter() - began
    began = time.perf_counter()
    bodies = signed_ballots(org, signing)
    signing_s = time.perf_counter() - began
    say(f"   signed {signing:,} ballots in {signing_s:.2f} s; log of {org.size:,} events")
    rows: list[Row] = []
    info: dict[str, Any] = {
        "database": database,
        "voters": voters,
        "hall_members": hall,
        "setup_s": setup,
        "setup_steps": [{"what": w, "s": s, "events": n} for w, s, n in org.steps],
        "signed": signing,
        "signing_s": signing_s,
        "size_before_ballots": org.size,
    }
    path = "/api/v1/elections/E1/acts"
    sent = WARM
    postgres = database == "PostgreSQL"
    with serving(org, folder) as (base, pid):
        warm = [("POST", path, body) for body in bodies[:WARM]]
        warmed = asyncio.run(fire(base, pid, warm, 1))
        info["warm_up_errors"] = sum(n for s, n in warmed.statuses.items() if s != 201)
        low = WARM
        sent = WARM
        for level in levels:
            batch = [("POST", path, body) for body in bodies[low : low + args.ballots]]
            low += args.ballots
            fired = asyncio.run(fire(base, pid, batch, level, BALLOT_TIME * args.seconds))
            sent += len(fired.latencies)
            row = row_of(database, "signed ballot, POST …/E1/acts", level, fired, 201)
            if postgres:
                row.target = "≥1,000/s, p99<100"
                row.met = (
                    row.errors == 0
                    and (row.per_second or 0) >= BALLOTS_PER_S
                    and (row.p99_ms or 1e9) < BALLOTS_P99 * 1e3
                )
            rows.append(row)
            say(f"   {' | '.join(shown(row))}; {load()}")
        election = httpx.get(f"{base}/api/v1/elections/E1", timeout=30).json()
        size = int(httpx.get(f"{base}/api/v1/checkpoint", timeout=30).json()["size"])
        info["ballots_sent"] = sent
        info["ballots_in_log"] = election.get("ballots")
        info["size"] = size
        if election.get("ballots") != sent:
            say(f"   CHECK FAILED: E1 holds {election.get('ballots')} ballots, {sent} were sent")
        reads = [
            ("election page /elections/E1 (open)", "/elections/E1", True),
            ("election page /elections/E2 (closed, rounds)", "/elections/E2", True),
            ("log page /log", "/log", True),
            ("API /api/v1/elections/E1", "/api/v1/elections/E1", False),
            (
                "API /api/v1/log?since=… (last 100)",
                f"/api/v1/log?since={max(1, size - 99)}&limit=100",
                False,
            ),
        ]
        for what, where, page in reads:
            probe = httpx.get(f"{base}{where}", timeout=30)
            if probe.status_code != 200:
                rows.append(
                    Row(
                        database,
                        what,
                        0,
                        0,
                        statuses={str(probe.status_code): 1},
                        target="p99<50" if page else "",
                        note=f"not measured: page missing ({probe.status_code})",
                    )
                )
                say(f"   {what}: {probe.status_code}, not measured")
                continue
            for level in READ_LEVELS:
                fired = asyncio.run(
                    fire(base, pid, [("GET", where, None)] * args.renders, level, args.seconds)
                )
                row = row_of(database, f"{what} at {size:,} events", level, fired, 200)
                if page:
                    row.target = "p99<50"
                    row.met = row.errors == 0 and (row.p99_ms or 1e9) < PAGES_P99 * 1e3
                rows.append(row)
                say(f"   {' | '.join(shown(row))}")
    return rows, info


@contextmanager
def schema_on(server: str) -> Iterator[str]:
    """A new schema on the PostgreSQL server, dropped after."""
    admin = sa.create_engine(server)
    name = f"bench_{uuid.uuid4().hex[:12]}"
    separator = "&" if "?" in server else "?"
    try:
        with admin.begin() as conn:
            conn.execute(sa.text(f'CREATE SCHEMA "{name}"'))
        yield f"{server}{separator}options=-csearch_path%3D{name}"
    finally:
        with admin.begin() as conn:
            conn.execute(sa.text(f'DROP SCHEMA IF EXISTS "{name}" CASCADE'))
        admin.dispose()


# -- the run -----------------------------------------------------------------------------


def summary(rows: Sequence[Row]) -> list[str]:
    lines = []
    best: dict[str, Row] = {}
    for row in rows:
        if not row.what.startswith("signed ballot") or row.per_second is None:
            continue
        if row.database not in best or row.per_second > (best[row.database].per_second or 0):
            best[row.database] = row
    for database, row in best.items():
        lines.append(
            f"- {database}: at most {row.per_second:,.0f} signed ballots/s ({row.concurrency} in "
            f"flight, p50 {row.p50_ms:,.1f} ms, p99 {row.p99_ms:,.1f} ms; server cpu "
            f"{row.server_cpu_ms:,.2f} ms a ballot)"
        )
    if {"SQLite", "PostgreSQL"} <= best.keys():
        ratio = (best["PostgreSQL"].per_second or 0) / (best["SQLite"].per_second or 1)
        lines.append(f"- PostgreSQL / SQLite, best ballots/s: {ratio:.2f}×")
    targets = [row for row in rows if row.target]
    met = [row for row in targets if row.met]
    missing = [row for row in targets if row.met is None]
    lines.append(
        f"- targets: {len(met)} of {len(targets)} rows met"
        + (f", {len(missing)} not measured (pages missing)" if missing else "")
    )
    errors = sum(row.errors for row in rows)
    lines.append(f"- errors (answers other than 201 to a ballot, 200 to a read): {errors}")
    return lines


def run(args: argparse.Namespace, folder: Path) -> dict[str, Any]:
    machine = {
        "python": sys.version.split()[0],
        "sqlite": sqlite3.sqlite_version,
        "uvicorn": version("uvicorn"),
        "fastapi": version("fastapi"),
        "httpx": version("httpx"),
        "cpus": os.cpu_count(),
        "load_start": os.getloadavg(),
    }
    say(f"soviet serve benchmark: {machine}")
    places: list[tuple[str, Callable[[], Any]]] = []

    @contextmanager
    def sqlite() -> Iterator[str]:
        yield f"sqlite:///{folder / 'sqlite' / 'soviet.db'}"

    places.append(("SQLite", sqlite))
    if args.db:
        places.append(("PostgreSQL", lambda: schema_on(args.db)))
    rows: list[Row] = []
    databases = []
    for database, url_of in places:
        place = folder / database.lower()
        place.mkdir(exist_ok=True)
        with url_of() as url:
            measured, info = measure(database, url, place, args)
        rows += measured
        databases.append(info)
    machine["load_end"] = os.getloadavg()
    return {"machine": machine, "databases": databases, "rows": [asdict(r) for r in rows]}


def report(result: dict[str, Any], args: argparse.Namespace) -> str:
    machine = result["machine"]
    rows = [Row(**r) for r in result["rows"]]
    lines = [
        f"soviet serve: Python {machine['python']}, SQLite {machine['sqlite']}, uvicorn "
        f"{machine['uvicorn']}, fastapi {machine['fastapi']}, httpx {machine['httpx']} "
        f"(client); {machine['cpus']} CPUs",
        "load average at the start "
        + " ".join(f"{n:.2f}" for n in machine["load_start"])
        + ", at the end "
        + " ".join(f"{n:.2f}" for n in machine["load_end"]),
        f"{args.ballots:,} ballots a level (after {WARM} to warm up), {args.renders:,} "
        f"requests a read and level; a level of reads stops after {args.seconds:g} s, of "
        f"ballots after {BALLOT_TIME * args.seconds:g} s; latency from send to the answer "
        "read, on loopback",
    ]
    for info in result["databases"]:
        steps = "; ".join(f"{s['what']} {s['s']:.2f} s" for s in info["setup_steps"])
        lines.append(
            f"set-up, {info['database']}: {info['setup_s']:.1f} s ({steps}); signing "
            f"{info['signed']:,} ballots {info['signing_s']:.2f} s; log "
            f"{info['size_before_ballots']:,} events before the ballots, {info['size']:,} at "
            f"the reads; E1 holds {info['ballots_in_log']:,} ballots of "
            f"{info['ballots_sent']:,} sent"
            + ("" if info["ballots_in_log"] == info["ballots_sent"] else "  ** MISMATCH **")
        )
    lines.append("")
    lines += table([HEADER] + [shown(row) for row in rows])
    lines.append("")
    lines += summary(rows)
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a short run (about a minute)")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    parser.add_argument("--ballots", type=int, help="ballots at each level (default 1,000)")
    parser.add_argument("--levels", help="requests in flight, comma-separated (1,8,32)")
    parser.add_argument("--events", type=int, help="the log's size at the reads (100,000)")
    parser.add_argument("--renders", type=int, help="requests of each read a level (200)")
    parser.add_argument(
        "--seconds",
        type=float,
        help="the longest a level of reads runs before it stops sending (default 8; --quick 2); "
        f"a level of ballots, {BALLOT_TIME:g} times as long",
    )
    parser.add_argument(
        "--db",
        default=os.environ.get("SOVIET_BENCH_DATABASE") or POSTGRES,
        help=f"the PostgreSQL server ('' for none; default SOVIET_BENCH_DATABASE or {POSTGRES})",
    )
    parser.add_argument("--folder", type=Path, help="where the files go (default: temp)")
    args = parser.parse_args(argv)
    quick = args.quick
    args.ballots = args.ballots or (300 if quick else 1000)
    args.events = args.events or (30_000 if quick else 100_000)
    args.renders = args.renders or (60 if quick else 200)
    args.seconds = args.seconds or (2.0 if quick else 8.0)
    try:
        args.levels = [int(n) for n in (args.levels or "1,8,32").split(",")]
    except ValueError:
        parser.error(f"--levels takes numbers separated by commas, not {args.levels!r}")
    if min(args.levels) < 1 or args.ballots < 1 or args.renders < 1:
        parser.error("--levels, --ballots and --renders must be at least 1")
    if args.db and not args.db.startswith("postgresql"):
        parser.error(
            f"--db must name a PostgreSQL server (postgresql+psycopg://…), not {args.db!r}"
        )
    if args.folder:
        args.folder.mkdir(parents=True, exist_ok=True)
        result = run(args, args.folder)
    else:
        with tempfile.TemporaryDirectory() as folder:
            result = run(args, Path(folder))
    print(json.dumps(result, indent=2) if args.json else report(result, args))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
