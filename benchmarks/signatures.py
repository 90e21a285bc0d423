"""What members' keys cost: signing and checking one act, ballots cast through the
services on a keyed log beside the same ballots on a log without keys, and `soviet verify`
of both logs, in one run.

    python benchmarks/signatures.py [--ballots N] [--reps R] [--block B] [--verifies V]
                                    [--db URL] [--folder DIR]

1. Per act, R times each (median and 95th percentile, in µs): a ballot's statement made
   canonical (RFC 8785, the rfc8785 package), the Ed25519 signature of those bytes, the
   two together as `statements.sign`, the member's side as the CLI signs an act
   (`Keyring.sign`: the statement, a fresh nonce, the signature), then
   `statements.signature_verifies` and `signatures.check` (origin, expiry, nonce, format,
   key, signature) on the keyed log's state in memory and in a unit of work on the
   database, as `deciding.take` checks an act.
2. End to end, on SQLite in a temporary folder (and on PostgreSQL, in two schemas of its
   own, when `--db URL` or SOVIET_BENCH_DATABASE names a server): two organizations of N
   members in one assembly, one founded with enrollment codes (`Soviet.found`, then every
   member enrolls a key: every act is signed by its actor), the other founded without
   codes (`services.founding.adopt(ws, charter, verifier, None)`, as logs were founded
   before members held keys: no act is signed). Both logs have the log's own signing key
   and sign their checkpoints alike. In each an election opens, every member casts one
   ballot through the vote service in a unit of work of its own, as `soviet vote` does,
   and the election closes. The ballots go to the two logs in turns of B, so both see the
   same load on the machine.
3. `soviet verify` of each log (`storage.verification.verify_database`, every check), V
   times in turns; the median counts. Beside it, the replay alone (`storage.replay` into
   an empty in-memory database, one of verify's checks), which shows what of verify's
   extra time is the projections of the enrollments rather than the signatures.

Ratios are the keyed log's time over the unkeyed one's: above 1, keys cost that much. CPU
seconds are shown beside the wall clock: on a busy machine they say more.
"""

from __future__ import annotations

import argparse
import gc
import os
import sqlite3
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator, Sequence
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field, replace
from importlib.metadata import version
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from soviet.bootstrap import Settings, Soviet
from soviet.domain import commands as cmd
from soviet.domain import signatures, statements
from soviet.domain.model import Body, Charter, Member, Office, Procedure, Rules
from soviet.domain.state import MemoryState
from soviet.keyring import Keyring
from soviet.keyring import statement as statement_at
from soviet.services import elections
from soviet.services.deciding import Recording
from soviet.services.founding import adopt
from soviet.storage import database, log
from soviet.storage.database import snapshot
from soviet.storage.replay import replay
from soviet.storage.verification import verify_database

START = "2026-05-01T09:00:00Z"
ORIGIN = "bench.example.org/works"
OFFICE = "works.chair"
CANDIDATES = ("m1", "m2", "m3", "m4")
#: Votes start as soon as there are candidates, and a vote everybody has cast may close.
PROCEDURE = Procedure(nominations="open", uncontested="count")


# -- clocks and figures ------------------------------------------------------------------


class Clock:
    """Wall and CPU seconds of the blocks it times, added up."""

    def __init__(self) -> None:
        self.wall = 0.0
        self.cpu = 0.0

    def __enter__(self) -> Clock:
        self._wall, self._cpu = time.perf_counter(), time.process_time()
        return self

    def __exit__(self, *_: object) -> None:
        self.wall += time.perf_counter() - self._wall
        self.cpu += time.process_time() - self._cpu


def p95(values: Sequence[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def timings(action: Callable[[int], Any], reps: int) -> list[float]:
    """Seconds of each of `reps` calls of `action(i)`."""
    gc.collect()
    times = []
    clock = time.perf_counter
    for i in range(reps):
        began = clock()
        action(i)
        times.append(clock() - began)
    return times


def seconds(value: float) -> str:
    if value < 1e-3:
        return f"{value * 1e6:,.0f} µs"
    if value < 1:
        return f"{value * 1e3:,.2f} ms"
    return f"{value:,.2f} s"


def load() -> str:
    return "load average " + " ".join(f"{n:.2f}" for n in os.getloadavg())


def table(rows: Sequence[Sequence[str]], left: int = 1, *, notes: bool = False) -> list[str]:
    """Rows as aligned text: the first `left` columns to the left, the others to the
    right but for a last column of notes (`notes`); a rule under the header."""
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    last = len(widths) - 1 if notes else len(widths)
    lines = []
    for number, row in enumerate(rows):
        cells = [
            cell.ljust(width) if i < left or i >= last else cell.rjust(width)
            for i, (cell, width) in enumerate(zip(row, widths, strict=True))
        ]
        lines.append("  ".join(cells).rstrip())
        if number == 0:
            lines.append("-" * len(lines[-1]))
    return lines


# -- the two organizations ---------------------------------------------------------------


def charter(members: int) -> Charter:
    """One assembly of `members` members electing its chair by IRV."""
    return Charter(
        name="Bench Works",
        origin=ORIGIN,
        rules=Rules(procedure=PROCEDURE),
        bodies=(Body("works", "Works", "assembly"),),
        offices=(Office(OFFICE, "works", "Chair", 1, "irv", procedure=PROCEDURE),),
        members=tuple(Member(f"m{i}", f"Member {i}", ("works",)) for i in range(members)),
        founders=("m0",),
    )


@dataclass
class Log:
    """One organization under test, and what was measured on it."""

    name: str
    soviet: Soviet
    keyring: Keyring | None
    founding: Clock = field(default_factory=Clock)
    enrolling: Clock = field(default_factory=Clock)
    ballots: Clock = field(default_factory=Clock)
    per_ballot: list[float] = field(default_factory=list)
    cpu_per_ballot: list[float] = field(default_factory=list)
    verifies: list[tuple[float, float]] = field(default_factory=list)
    replays: list[float] = field(default_factory=list)
    election: str = ""
    size: int = 0
    signed: int = 0
    summary: str = ""

    def at(self, minutes: int) -> None:
        """Move the organization's clock to START plus `minutes`."""
        hours, minute = divmod(minutes, 60)
        self.soviet.settings = replace(
            self.soviet.settings, now=f"2026-05-01T{9 + hours:02d}:{minute:02d}:00Z"
        )


def keyed_log(url: str, folder: Path, members: int) -> Log:
    """Founded with a code for every member, each of whom then enrolls a key."""
    keyring = Keyring()
    soviet = Soviet(
        Settings(url, START, folder / "keyed.key"),
        create=True,
        signer=keyring,
        codes_path=folder / "keyed.codes.csv",
    )
    bench = Log("keyed", soviet, keyring)
    try:
        with bench.founding:
            soviet.found(charter(members))
        with bench.enrolling:
            soviet.enroll(soviet.founding_codes, keyring)
    except BaseException:
        soviet.dispose()
        raise
    return bench


def unkeyed_log(url: str, folder: Path, members: int) -> Log:
    """Founded without codes, as logs were founded before members held keys: its acts
    are not signed. The log's own key signs its checkpoints, as in the keyed log."""
    soviet = Soviet(Settings(url, START, folder / "unkeyed.key"), create=True)
    bench = Log("unkeyed", soviet, None)
    try:
        with bench.founding, soviet.unit_of_work() as ws:
            verifier = str(soviet.keys.create(ORIGIN).verifier())
            adopt(ws, charter(members), verifier, None)
        soviet.keys.install()
    except BaseException:
        soviet.dispose()
        raise
    return bench


def open_vote(bench: Log) -> None:
    bench.at(60)
    with bench.soviet.unit_of_work() as ws:
        election = str(elections.open_election(ws, OFFICE, "m0").data["election"])
        for candidate in CANDIDATES:
            elections.nominate(ws, election, candidate, candidate)
        elections.start(ws, election, "m0")
    bench.election = election
    bench.at(120)


def cast(bench: Log, voters: range, choices: Sequence[tuple[str, ...]]) -> None:
    """One ballot of each voter, each in its own unit of work."""
    soviet, election = bench.soviet, bench.election
    walls, cpus = bench.per_ballot, bench.cpu_per_ballot
    wall, cpu = time.perf_counter, time.process_time
    with bench.ballots:
        for voter in voters:
            began, began_cpu = wall(), cpu()
            with soviet.unit_of_work() as ws:
                elections.vote(ws, election, choices[voter], f"m{voter}")
            walls.append(wall() - began)
            cpus.append(cpu() - began_cpu)


def close_vote(bench: Log) -> None:
    bench.at(180)
    with bench.soviet.unit_of_work() as ws:
        elections.close(ws, bench.election, "m0")
    with bench.soviet.snapshot() as conn:
        bench.size = log.size(conn)


def verify(bench: Log) -> None:
    """`soviet verify` of the log, then the replay alone (one of verify's checks)."""
    gc.collect()
    clock = Clock()
    with clock, snapshot(bench.soviet.engine) as conn:
        report = verify_database(conn)
    if not report.ok:
        raise SystemExit(f"soviet verify of the {bench.name} log failed: {report.first}")
    bench.verifies.append((clock.wall, clock.cpu))
    bench.summary = report.checks["signatures"].summary
    bench.signed = report.signed
    target = database.create_engine("sqlite://")
    with bench.soviet.snapshot() as source, target.connect() as replica, replica.begin():
        database.migrate(replica)
        gc.collect()
        began = time.perf_counter()
        replay(source, replica)
        bench.replays.append(time.perf_counter() - began)
    target.dispose()


# -- 1. per act --------------------------------------------------------------------------


def per_act(keyed: Log, reps: int) -> tuple[list[list[str]], float]:
    """Rows of µs per act, and the median µs of signing and checking one ballot."""
    assert keyed.keyring is not None
    keyring = keyed.keyring
    with keyed.soviet.snapshot() as conn:
        state = MemoryState()
        for event in log.read(conn):
            state.apply(event)
    now = str(keyed.soviet.settings.now)
    voters = [f"m{i % len(state.member_ids())}" for i in range(reps)]
    commands = [
        cmd.CastBallot(voter, keyed.election, CANDIDATES[: 1 + i % 4])
        for i, voter in enumerate(voters)
    ]
    stated = [statement_at(command, ORIGIN, now) for command in commands]
    texts = [s.canonical() for s in stated]
    keys = [keyring.key_of(voter) for voter in voters]
    public = {voter: statements.public_key_text(keyring.key_of(voter)) for voter in set(voters)}
    signed: list[statements.Signed] = [
        statements.sign(s, k) for s, k in zip(stated, keys, strict=True)
    ]

    def checked_in_memory(i: int) -> None:
        signatures.check(state, signed[i], now)

    measured: list[tuple[str, list[float]]] = [
        (
            "canonical: a ballot's statement as RFC 8785 bytes",
            timings(lambda i: stated[i].canonical(), reps),
        ),
        ("Ed25519 sign of those bytes", timings(lambda i: keys[i].sign(texts[i]), reps)),
        (
            "statements.sign: canonical + sign + key id",
            timings(lambda i: statements.sign(stated[i], keys[i]), reps),
        ),
        (
            "Keyring.sign: statement, nonce, statements.sign",
            timings(lambda i: keyring.sign(commands[i], ORIGIN, now), reps),
        ),
        (
            "statements.signature_verifies",
            timings(lambda i: statements.signature_verifies(signed[i], public[voters[i]]), reps),
        ),
        ("signatures.check, the log's state in memory", timings(checked_in_memory, reps)),
    ]
    with keyed.soviet.unit_of_work() as ws:  # reads only: nothing is recorded
        recording = Recording(ws)
        ws_now = ws.now
        measured.append(
            (
                f"signatures.check in a unit of work ({backend(keyed.soviet)})",
                timings(lambda i: signatures.check(recording, signed[i], ws_now), reps),
            )
        )
        assert not ws.recorded
    if not all(statements.signature_verifies(s, public[s.statement.actor]) for s in signed):
        raise SystemExit("a signature made here does not verify")
    rows = [["per act", "median", "p95", "mean"]]
    for what, times in measured:
        rows.append(
            [
                what,
                f"{statistics.median(times) * 1e6:,.1f} µs",
                f"{p95(times) * 1e6:,.1f} µs",
                f"{statistics.fmean(times) * 1e6:,.1f} µs",
            ]
        )
    medians = {what: statistics.median(times) for what, times in measured}
    both = (
        medians["Keyring.sign: statement, nonce, statements.sign"]
        + medians[f"signatures.check in a unit of work ({backend(keyed.soviet)})"]
    )
    return rows, both


def backend(soviet: Soviet) -> str:
    return "PostgreSQL" if soviet.engine.dialect.name == "postgresql" else "SQLite"


# -- 2. and 3. end to end ----------------------------------------------------------------


def end_to_end(keyed: Log, unkeyed: Log, ballots: int, block: int, verifies: int) -> list[str]:
    """Every member's ballot in each log, in turns of `block`; the closes; then `verifies`
    runs of verify over each log, in turns. The report's lines."""
    pair = (keyed, unkeyed)
    choices = [CANDIDATES[i % 4 :] + CANDIDATES[: i % 4] for i in range(ballots)]
    for low in range(0, ballots, block):
        voters = range(low, min(ballots, low + block))
        # in turns, and each turn led by the other log, so neither always goes first
        for bench in pair if (low // block) % 2 == 0 else pair[::-1]:
            cast(bench, voters, choices)
    for bench in pair:
        close_vote(bench)
    for turn in range(verifies):
        for bench in pair if turn % 2 == 0 else pair[::-1]:
            verify(bench)

    lines = [f"== ballots and verify; {load()}"]
    rows = [["", "keyed", "unkeyed", "keyed/unkeyed", ""]]
    rows.append(
        [
            "found (Soviet.found / adopt without codes)",
            seconds(keyed.founding.wall),
            seconds(unkeyed.founding.wall),
            f"{keyed.founding.wall / unkeyed.founding.wall:.2f}×",
            f"{ballots:,} admissions, one unit of work",
        ]
    )
    rows.append(
        [
            "enroll every member's key (Soviet.enroll)",
            seconds(keyed.enrolling.wall),
            "—",
            "",
            f"{ballots / keyed.enrolling.wall:,.0f} enrollments/s, one unit of work",
        ]
    )
    rows.append(
        [
            "ballots through the vote service",
            seconds(keyed.ballots.wall),
            seconds(unkeyed.ballots.wall),
            f"{keyed.ballots.wall / unkeyed.ballots.wall:.2f}×",
            f"cpu {seconds(keyed.ballots.cpu)} vs {seconds(unkeyed.ballots.cpu)}: "
            f"{keyed.ballots.cpu / unkeyed.ballots.cpu:.2f}×",
        ]
    )
    for what, clock in (("wall", "wall"), ("cpu", "cpu")):
        mine, theirs = getattr(keyed.ballots, clock), getattr(unkeyed.ballots, clock)
        rows.append(
            [
                f"  ballots per second, {what}",
                f"{ballots / mine:,.0f}/s",
                f"{ballots / theirs:,.0f}/s",
                f"{theirs / mine:.2f}×",
                "(the rates' ratio)",
            ]
        )
    for what, keyed_times, unkeyed_times in (
        ("wall", keyed.per_ballot, unkeyed.per_ballot),
        ("cpu", keyed.cpu_per_ballot, unkeyed.cpu_per_ballot),
    ):
        for name, pick in (("median", statistics.median), ("p95", p95)):
            mine, theirs = pick(keyed_times), pick(unkeyed_times)
            rows.append(
                [
                    f"  a ballot's unit of work, {what} {name}",
                    seconds(mine),
                    seconds(theirs),
                    f"{mine / theirs:.2f}×",
                    f"{(mine - theirs) * 1e6:+,.0f} µs",
                ]
            )
    walls = [statistics.median(w for w, _ in bench.verifies) for bench in pair]
    cpus = [statistics.median(c for _, c in bench.verifies) for bench in pair]
    rows.append(
        [
            f"soviet verify (median of {verifies})",
            seconds(walls[0]),
            seconds(walls[1]),
            f"{walls[0] / walls[1]:.2f}×",
            f"cpu {seconds(cpus[0])} vs {seconds(cpus[1])}: {cpus[0] / cpus[1]:.2f}×",
        ]
    )
    per_event = [wall / bench.size for wall, bench in zip(walls, pair, strict=True)]
    rows.append(
        [
            "  verify, per event",
            seconds(per_event[0]),
            seconds(per_event[1]),
            f"{per_event[0] / per_event[1]:.2f}×",
            f"logs of {keyed.size:,} and {unkeyed.size:,} events (the keyed one holds "
            f"{keyed.size - unkeyed.size:,} more: the enrollments)",
        ]
    )
    replays = [statistics.median(bench.replays) for bench in pair]
    rows.append(
        [
            f"  of which, as a part: the replay alone (median of {verifies})",
            seconds(replays[0]),
            seconds(replays[1]),
            f"{replays[0] / replays[1]:.2f}×",
            "storage.replay into an empty in-memory database",
        ]
    )
    rows.append(
        [
            "  verify's extra time, per signed act",
            seconds((walls[0] - walls[1]) / keyed.signed),
            "",
            "",
            f"(keyed − unkeyed) / {keyed.signed:,} signed acts, the enrollments among them",
        ]
    )
    lines += table(rows, notes=True)
    lines += [f"   signatures, {bench.name}: {bench.summary}" for bench in pair]
    lines.append(f"   {load()}")
    return lines


# -- PostgreSQL --------------------------------------------------------------------------


@contextmanager
def server_schemas(server: str) -> Iterator[tuple[str, str]]:
    """Two new schemas on the server, for the keyed and the unkeyed log, dropped after."""
    admin = sa.create_engine(server)
    names = [f"bench_{uuid.uuid4().hex[:12]}" for _ in range(2)]
    separator = "&" if "?" in server else "?"
    try:
        for name in names:
            with admin.begin() as conn:
                conn.execute(sa.text(f'CREATE SCHEMA "{name}"'))
        yield (
            f"{server}{separator}options=-csearch_path%3D{names[0]}",
            f"{server}{separator}options=-csearch_path%3D{names[1]}",
        )
    finally:
        for name in names:
            with admin.begin() as conn:
                conn.execute(sa.text(f'DROP SCHEMA IF EXISTS "{name}" CASCADE'))
        admin.dispose()


# -- the run -----------------------------------------------------------------------------


def run(args: argparse.Namespace, folder: Path) -> None:
    print(
        f"soviet members' keys: Python {sys.version.split()[0]}, SQLite {sqlite3.sqlite_version}, "
        f"cryptography {version('cryptography')}, rfc8785 {version('rfc8785')}; "
        f"{os.cpu_count()} CPUs, {load()}"
    )
    print("ratios = the keyed log's time / the unkeyed log's (above 1: what keys cost)")
    places: list[tuple[str, Callable[[], Any]]] = []

    @contextmanager
    def sqlite() -> Iterator[tuple[str, str]]:
        place = folder / "sqlite"
        place.mkdir()
        yield (f"sqlite:///{place / 'keyed.db'}", f"sqlite:///{place / 'unkeyed.db'}")

    places.append(("SQLite, files in a temporary folder", sqlite))
    if args.db:
        places.append(
            (
                f"PostgreSQL {sa.make_url(args.db).render_as_string(hide_password=True)}",
                lambda: server_schemas(args.db),
            )
        )
    for number, (where, urls_of) in enumerate(places):
        place = folder / f"keys{number}"
        place.mkdir()
        print(f"\n== {where}: {args.ballots:,} members, one ballot each; {load()}", flush=True)
        with urls_of() as urls, ExitStack() as opened:
            keyed = keyed_log(urls[0], place, args.ballots)
            opened.callback(keyed.soviet.dispose)
            unkeyed = unkeyed_log(urls[1], place, args.ballots)
            opened.callback(unkeyed.soviet.dispose)
            for bench in (keyed, unkeyed):
                open_vote(bench)
            if number == 0:
                print(f"== signing and checking one ballot, {args.reps:,} times each; {load()}")
                rows, both = per_act(keyed, args.reps)
                print("\n".join(table(rows)), flush=True)
            lines = end_to_end(keyed, unkeyed, args.ballots, args.block, args.verifies)
            print("\n".join(lines), flush=True)
            if number == 0:
                extra = statistics.median(keyed.cpu_per_ballot) - statistics.median(
                    unkeyed.cpu_per_ballot
                )
                print(
                    f"   sign + check of a ballot (Keyring.sign, signatures.check in a unit of "
                    f"work, medians): {both * 1e6:,.0f} µs, of the {extra * 1e6:,.0f} µs of cpu a "
                    "keyed ballot's unit of work takes beyond an unkeyed one's (medians)"
                )


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ballots", type=int, default=4_000, help="members, one ballot each")
    parser.add_argument(
        "--reps", type=int, default=5_000, help="repetitions of each per-act timing"
    )
    parser.add_argument("--block", type=int, default=100, help="ballots a log takes in each turn")
    parser.add_argument("--verifies", type=int, default=3, help="verify runs of each log")
    parser.add_argument(
        "--db",
        default=os.environ.get("SOVIET_BENCH_DATABASE") or None,
        help="a PostgreSQL server to run on as well (default: SOVIET_BENCH_DATABASE)",
    )
    parser.add_argument("--folder", type=Path, help="where the files go (default: temp)")
    args = parser.parse_args(argv)
    if args.ballots < 5 or args.reps < 1 or args.block < 1 or args.verifies < 1:
        parser.error("--ballots must be at least 5; --reps, --block, --verifies at least 1")
    if args.db and not args.db.startswith("postgresql"):
        parser.error(
            f"--db must name a PostgreSQL server (postgresql+psycopg://…), not {args.db!r}"
        )
    if args.folder:
        args.folder.mkdir(parents=True, exist_ok=True)
        run(args, args.folder)
    else:
        with tempfile.TemporaryDirectory() as folder:
            run(args, Path(folder))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
