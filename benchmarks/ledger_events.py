"""Whole events on the open record: appending them with their projections, proofs from the
stored tree, and `soviet verify`, in one run.

    python benchmarks/ledger_events.py [--events N] [--append A] [--batch B] [--votes V]
                                       [--reads R] [--folder DIR]

1. Appends A ballots of one large election through `SqlWorkspace.record` (event row, leaf,
   Merkle nodes at each commit, and the ballot's projection), in transactions of B events,
   on SQLite; and times the founding of the organization's members through
   `Soviet.found` (one admission event each, in one transaction); then V ballots of
   another election cast through the vote service (`elections.vote`, with every check
   a vote makes), each in its own unit of work, as `soviet vote` casts them.
2. Builds a log of N events on SQLite: an organization whose one assembly elects seven
   offices in turn (stv, irv, approval, plurality, meek, schulze, ranked-pairs), every
   member voting in each. Opening, nominating, starting and closing go through the
   services; the founding's admissions and the ballots are recorded through
   `SqlWorkspace.record` in large units of work (the services' checks per ballot
   skipped, to build a large log quickly).
3. Times the root, an inclusion proof and a consistency proof at N from the stored tree
   (median of R calls), then `soviet verify` over the N events (the function the command
   runs: every leaf, node, checkpoint, replay and recount), and, beside it, the replay
   alone (`soviet.storage.replay.replay` into an empty in-memory database).
"""

from __future__ import annotations

import argparse
import random
import sqlite3
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import replace
from pathlib import Path

from soviet.bootstrap import Settings, Soviet
from soviet.domain import events as ev
from soviet.domain import founding
from soviet.domain.charter import parse_charter
from soviet.domain.events import Event
from soviet.keyring import Keyring
from soviet.services import elections
from soviet.storage import database, merkle, proving
from soviet.storage.database import snapshot
from soviet.storage.replay import replay
from soviet.storage.verification import verify_database
from soviet.storage.workspace import SqlWorkspace

START = "2026-05-01T09:00:00Z"
METHODS = (
    ("committee", "stv", 3),
    ("chair", "irv", 1),
    ("stewards", "approval", 2),
    ("delegate", "plurality", 1),
    ("council", "meek", 3),
    ("speaker", "schulze", 1),
    ("treasurer", "ranked-pairs", 1),
)
CANDIDATES = 6
#: Events recorded between two flushes while building the log.
CHUNK = 5000


def charter_text(members: int) -> tuple[str, str]:
    """A charter whose one assembly holds `members` members and elects the offices of
    METHODS, and its members CSV."""
    offices = "".join(
        f'[[offices]]\nid = "works.{name}"\nbody = "works"\ntitle = "{name}"\n'
        f'seats = {seats}\nmethod = "{method}"\n\n'
        for name, method, seats in METHODS
    )
    toml = (
        'name = "Bench Works"\norigin = "bench.example.org/works"\nfounders = ["m0"]\n'
        'members = "members.csv"\n\n[rules]\nnominations = "open"\n\n'
        '[[bodies]]\nid = "works"\nname = "Works"\n'
        f'kind = "assembly"\n\n{offices}'
    )
    rows = "".join(f"m{i},Member {i},works\n" for i in range(members))
    return toml, "id,name,bodies\n" + rows


def open_soviet(folder: Path, now: str = START) -> Soviet:
    """A new organization whose members' keys are held in memory, to sign their acts."""
    return Soviet(
        Settings(f"sqlite:///{folder / 'soviet.db'}", now, folder / "soviet.key"),
        create=True,
        signer=Keyring(),
        codes_path=folder / "soviet.codes.csv",
    )


def enroll_everyone(soviet: Soviet) -> None:
    """Every charter member registers a key with their code."""
    assert isinstance(soviet.signer, Keyring)
    soviet.enroll(soviet.founding_codes, soviet.signer)


def at(soviet: Soviet, minute: int) -> None:
    """Move the organization's clock to START plus `minute` minutes."""
    hours, minutes = divmod(minute, 60)
    days, hours = divmod(hours, 24)
    soviet.settings = replace(
        soviet.settings, now=f"2026-05-{1 + days:02d}T{9 + hours:02d}:{minutes:02d}:00Z"
    )


# -- 1. appending through SqlWorkspace.record --------------------------------------------


def measure_appends(folder: Path, count: int, batch: int, votes: int) -> list[str]:
    folder.mkdir()
    members = count + 1
    toml, csv = charter_text(members)
    (folder / "members.csv").write_text(csv)
    charter = parse_charter(toml, "bench.toml", lambda _: csv)
    soviet = open_soviet(folder)
    lines = []
    try:
        with soviet.unit_of_work():  # an empty act creates the schema, outside the timing
            pass
        with Clock() as took:
            soviet.found(charter)
        lines.append(
            line(
                f"found: {members:,} admissions (Soviet.found, one transaction)", took, members + 1
            )
        )
        at(soviet, 30)
        enroll_everyone(soviet)
        at(soviet, 60)
        election = start_election(soviet, "works.committee")
        rng = random.Random(1)
        names = [f"m{c}" for c in range(CANDIDATES)]
        at(soviet, 120)
        choices = [rng.sample(names, rng.randint(1, CANDIDATES)) for _ in range(count + 1)]
        with Clock() as took:
            for low in range(1, count + 1, batch):
                with soviet.unit_of_work() as ws:
                    for voter in range(low, min(count + 1, low + batch)):
                        ws.record(
                            Event(
                                ev.BALLOT_CAST,
                                f"m{voter}",
                                {"election": election, "choice": choices[voter]},
                            )
                        )
        lines.append(
            line(
                f"append: {count:,} ballots (SqlWorkspace.record, transactions of {batch:,})",
                took,
                count,
            )
        )
        at(soviet, 180)
        chair = start_election(soviet, "works.chair")
        at(soviet, 240)
        voters = min(votes, members)
        with Clock() as took:
            for voter in range(voters):
                with soviet.unit_of_work() as ws:
                    elections.vote(ws, chair, choices[voter], f"m{voter}")
        lines.append(
            line(
                f"vote: {voters:,} ballots through the service, one unit of work "
                f"each, electorate of {members:,}",
                took,
                voters,
            )
        )
    finally:
        soviet.dispose()
    return lines


def start_election(soviet: Soviet, office: str) -> str:
    with soviet.unit_of_work() as ws:
        election = str(elections.open_election(ws, office, "m0").data["election"])
        for c in range(CANDIDATES):
            elections.nominate(ws, election, f"m{c}", f"m{c}")  # each stands themselves
        elections.start(ws, election, "m0")
    return election


# -- 2. a log of N events ----------------------------------------------------------------


def record_all(ws: SqlWorkspace, events: Sequence[Event]) -> None:
    """Record many events in one unit of work, its writes and Merkle nodes sent every
    CHUNK events."""
    for low in range(0, len(events), CHUNK):
        for event in events[low : low + CHUNK]:
            ws.record(event)
        ws.flush()


def build_log(folder: Path, events: int) -> tuple[Soviet, int]:
    """An organization whose log holds about `events` events; returns it and the size."""
    folder.mkdir()
    elections_held = min(len(METHODS), max(1, events // 20_000))
    members = max(CANDIDATES, events // (elections_held + 1))
    toml, csv = charter_text(members)
    charter = parse_charter(toml, "bench.toml", lambda _: csv)
    soviet = open_soviet(folder)
    key = soviet.keys.create(charter.origin)
    found = list(founding.found(charter, str(key.verifier())))
    with soviet.unit_of_work() as ws:
        record_all(ws, found)
    rng = random.Random(7)
    names = [f"m{c}" for c in range(CANDIDATES)]
    rankings = [rng.sample(names, rng.randint(1, CANDIDATES)) for _ in range(200)]
    size = members + 1  # every member votes in every election, so it may close at once
    for number, (office, method, _) in enumerate(METHODS[:elections_held]):
        at(soviet, 60 * (number + 1))
        election = start_election(soviet, f"works.{office}")
        ballots = []
        for voter in range(members):
            choice = rng.choice(rankings)
            if method in ("plurality", "irv"):
                choice = choice[:1] if method == "plurality" else choice
            ballots.append(
                Event(ev.BALLOT_CAST, f"m{voter}", {"election": election, "choice": choice})
            )
        at(soviet, 60 * (number + 1) + 30)
        with soviet.unit_of_work() as ws:
            record_all(ws, ballots)
        at(soviet, 60 * (number + 1) + 45)
        with soviet.unit_of_work() as ws:
            ws.flush()
            elections.close(ws, election, "m0")
        with soviet.snapshot() as conn:
            size = merkle.tree_size(conn)
    return soviet, size


# -- 3. reads and verify -----------------------------------------------------------------


def median(action: Callable[[], object], reads: int) -> float:
    times = []
    for _ in range(reads):
        began = time.perf_counter()
        action()
        times.append(time.perf_counter() - began)
    return statistics.median(times)


def measure_log(folder: Path, events: int, reads: int) -> list[str]:
    with Clock() as took:
        soviet, size = build_log(folder, events)
    lines = [line(f"build: a log of {size:,} events (record in large units of work)", took, size)]
    try:
        with soviet.snapshot() as conn:
            seq, old = size // 2, max(1, size * 3 // 4)
            for what, call in (
                ("root", lambda: merkle.root(conn, size)),
                ("inclusion proof", lambda: merkle.inclusion_proof(conn, seq - 1, size)),
                ("consistency proof", lambda: merkle.consistency_proof(conn, old, size)),
                (
                    "`prove inclusion` (leaf, checks, proof)",
                    lambda: proving.inclusion(conn, seq, size),
                ),
            ):
                lines.append(
                    line(
                        f"{what} at {size:,}, stored tree (median of {reads})", median(call, reads)
                    )
                )
        with Clock() as took, snapshot(soviet.engine) as conn:
            report = verify_database(conn)
        verdict = "everything holds" if report.ok else f"FAILED: {report.first}"
        lines.append(line(f"soviet verify over {size:,} events ({verdict})", took, size))
        for check in report.checks.values():
            mark = "skip" if not check.ran else "ok" if check.ok else "FAIL"
            lines.append(f"    {mark:>4} {check.name:<12} {check.summary}")
        target = database.create_engine("sqlite://")
        with soviet.snapshot() as source, target.connect() as replica, replica.begin():
            database.migrate(replica)
            with Clock() as took:
                replay(source, replica)
        target.dispose()
        lines.append(
            line(f"replay alone of {size:,} events (storage.replay, in memory)", took, size)
        )
    finally:
        soviet.dispose()
    return lines


# -- the report --------------------------------------------------------------------------


def seconds(value: float) -> str:
    if value < 1e-3:
        return f"{value * 1e6:,.0f} µs"
    if value < 1:
        return f"{value * 1e3:,.2f} ms"
    return f"{value:,.2f} s"


class Clock:
    """Wall and CPU seconds of a block: on a busy machine the CPU time says more."""

    def __enter__(self) -> Clock:
        self.wall, self.cpu = time.perf_counter(), time.process_time()
        return self

    def __exit__(self, *_: object) -> None:
        self.wall = time.perf_counter() - self.wall
        self.cpu = time.process_time() - self.cpu


def line(what: str, took: float | Clock, count: int = 0) -> str:
    wall = took.wall if isinstance(took, Clock) else took
    rate = f"  {count / wall:,.0f} events/s" if count and wall else ""
    text = f"{what:<70} {seconds(wall):>10}{rate}"
    if isinstance(took, Clock):
        text += f"  (cpu {seconds(took.cpu)}" + (
            f", {count / took.cpu:,.0f} events/s)" if count and took.cpu else ")"
        )
    return text


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=1_000_000, help="events in the log")
    parser.add_argument("--append", type=int, default=20_000, help="ballots appended in 1.")
    parser.add_argument("--batch", type=int, default=1_000, help="events per transaction")
    parser.add_argument(
        "--votes",
        type=int,
        default=1_000,
        help="ballots cast through the vote service, each its own act",
    )
    parser.add_argument("--reads", type=int, default=101, help="calls per read timing")
    parser.add_argument("--folder", type=Path, help="where the databases go (default: temp)")
    args = parser.parse_args(argv)
    if args.events < 100 or args.append < 1 or args.batch < 1 or args.reads < 1:
        parser.error("--events must be at least 100; --append, --batch, --reads at least 1")
    print(
        f"soviet ledger, whole events: Python {sys.version.split()[0]}, "
        f"SQLite {sqlite3.sqlite_version}"
    )

    def run(folder: Path) -> None:
        for text in measure_appends(folder / "append", args.append, args.batch, args.votes):
            print(text, flush=True)
        for text in measure_log(folder / "log", args.events, args.reads):
            print(text, flush=True)

    if args.folder:
        args.folder.mkdir(parents=True, exist_ok=True)
        run(args.folder)
    else:
        with tempfile.TemporaryDirectory() as folder:
            run(Path(folder))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
