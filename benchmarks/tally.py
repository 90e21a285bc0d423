"""The tally benchmark: `soviet.tally` beside pref_voting, pyrankvote and votekit, in one run.

    .venv/bin/python benchmarks/tally.py                  # every case, full sizes
    .venv/bin/python benchmarks/tally.py --ballots 100000 # scaled down
    .venv/bin/python benchmarks/tally.py --cases irv,count-file

Every library gets the same ballots — one ranking per row of a numpy matrix, generated
from a fixed seed — and is timed from those ballots in memory to its winners, building
its own profile on the way. Each timing runs in a fresh process, so that its peak memory
(the process's maximum resident set, and how far it rose above what the ballots already
took) is its own. Peers that are slow at full size run on the first M ballots of the same
matrix; `soviet.tally` is then timed at that size too, so every ratio compares equal work.
The `count-file` case times `python -m soviet count FILE --method irv --json` as a whole
process on a million-line BLT file, start-up and imports included.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib
import io
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

Rankings = npt.NDArray[np.int32]
ROOT = Path(__file__).resolve().parents[1]


# -- ballots ------------------------------------------------------------------------------


def impartial_culture(candidates: int, ballots: int, seed: int) -> Rankings:
    """Full rankings, each equally likely: a uniformly random permutation per ballot."""
    rng = np.random.default_rng(seed)
    return np.argsort(rng.random((ballots, candidates)), axis=1).astype(np.int32)


def plackett_luce(candidates: int, ballots: int, seed: int) -> Rankings:
    """Rankings from a Plackett–Luce model, truncated at a uniformly random length 1..n.

    Candidate weights come from a Gamma(1) draw; a ranking is the order of log-weight plus
    Gumbel noise (the Gumbel-max form of Plackett–Luce), padded with -1 after its length.
    """
    rng = np.random.default_rng(seed)
    weights = rng.gamma(1.0, size=candidates)
    order = np.argsort(-(np.log(weights) + rng.gumbel(size=(ballots, candidates))), axis=1)
    length = rng.integers(1, candidates + 1, size=ballots)
    return np.where(np.arange(candidates) < length[:, None], order, -1).astype(np.int32)


def names(candidates: int) -> list[str]:
    return [f"C{number:02d}" for number in range(1, candidates + 1)]


def unique_rows(rankings: Rankings) -> tuple[list[list[int]], list[int]]:
    """Distinct rankings and how many ballots carry each, grouped in bulk for every peer."""
    from soviet.ballots import profile_from_rankings

    profile = profile_from_rankings(names(rankings.shape[1]), rankings)
    rows = [[c for c in row if c >= 0] for row in profile.rankings.tolist()]
    return rows, profile.counts.tolist()


# -- what each library runs ---------------------------------------------------------------


def soviet_count(method: str, seats: int) -> Callable[[Rankings, int], list[str]]:
    def run(rankings: Rankings, candidates: int) -> list[str]:
        from soviet.ballots import profile_from_rankings
        from soviet.tally import count

        profile = profile_from_rankings(names(candidates), rankings)
        return list(count(profile, method, seats).winners)

    return run


def pref_voting_irv(rankings: Rankings, candidates: int) -> list[str]:
    from pref_voting.iterative_methods import instant_runoff_for_truncated_linear_orders
    from pref_voting.profiles_with_ties import ProfileWithTies

    rows, counts = unique_rows(rankings)
    profile = ProfileWithTies(
        [{c: rank for rank, c in enumerate(row, start=1)} for row in rows],
        rcounts=counts,
        candidates=list(range(candidates)),
    )
    found = instant_runoff_for_truncated_linear_orders(profile)
    return [names(candidates)[c] for c in found]


def pref_voting_schulze(rankings: Rankings, candidates: int) -> list[str]:
    from pref_voting.margin_based_methods import beat_path
    from pref_voting.profiles import Profile

    rows, counts = unique_rows(rankings)
    found = beat_path(Profile(rows, rcounts=counts))
    return [names(candidates)[c] for c in found]


def pyrankvote_count(seats: int) -> Callable[[Rankings, int], list[str]]:
    def run(rankings: Rankings, candidates: int) -> list[str]:
        import pyrankvote
        from pyrankvote import Ballot, Candidate

        people = [Candidate(name) for name in names(candidates)]
        rows, counts = unique_rows(rankings)
        ballots: list[Ballot] = []
        for row, count in zip(rows, counts, strict=True):
            ballots += [Ballot(ranked_candidates=[people[c] for c in row])] * count
        if seats == 1:
            result = pyrankvote.instant_runoff_voting(people, ballots)
        else:
            result = pyrankvote.single_transferable_vote(people, ballots, number_of_seats=seats)
        return [winner.name for winner in result.get_winners()]

    return run


def votekit_count(seats: int) -> Callable[[Rankings, int], list[str]]:
    def run(rankings: Rankings, candidates: int) -> list[str]:
        from votekit import RankBallot, RankProfile
        from votekit.elections import FastSTV

        people = names(candidates)
        rows, counts = unique_rows(rankings)
        with contextlib.redirect_stdout(io.StringIO()):  # it prints its tie-breaks
            profile = RankProfile(
                ballots=[
                    RankBallot(ranking=[{people[c]} for c in row], weight=count)
                    for row, count in zip(rows, counts, strict=True)
                ],
                candidates=people,
            )
            elected = FastSTV(profile, n_seats=seats).get_elected()
        return sorted(str(name) for group in elected for name in group)

    return run


SOVIET = ("soviet.ballots", "soviet.tally")
PREF_VOTING = (
    *SOVIET,
    "pref_voting.iterative_methods",
    "pref_voting.margin_based_methods",
    "pref_voting.profiles",
    "pref_voting.profiles_with_ties",
)
PYRANKVOTE = (*SOVIET, "pyrankvote")
VOTEKIT = (*SOVIET, "votekit", "votekit.elections")


@dataclass(frozen=True)
class Entrant:
    library: str
    run: Callable[[Rankings, int], list[str]]
    cap: int | None  # most ballots it is given by default (None: the case's size)
    modules: tuple[str, ...]  # imported before the clock starts


@dataclass(frozen=True)
class Case:
    name: str
    title: str
    candidates: int
    ballots: int
    generate: Callable[[int, int, int], Rankings]
    entrants: tuple[Entrant, ...]
    note: str = ""


def cases(ballots: int) -> list[Case]:
    return [
        Case(
            "irv",
            "irv — 10 candidates, truncated Plackett–Luce ballots",
            10,
            ballots,
            plackett_luce,
            (
                Entrant("soviet.tally", soviet_count("irv", 1), None, SOVIET),
                Entrant("pref_voting", pref_voting_irv, 20_000, PREF_VOTING),
                Entrant("pyrankvote", pyrankvote_count(1), 100_000, PYRANKVOTE),
                Entrant("votekit", votekit_count(1), 100_000, VOTEKIT),
            ),
            "pref_voting: instant_runoff_for_truncated_linear_orders on a ProfileWithTies; "
            "votekit: FastSTV with one seat (its IRV class is far slower).",
        ),
        Case(
            "stv",
            "stv — 20 candidates, 5 seats, truncated Plackett–Luce ballots",
            20,
            max(ballots // 10, 1),
            plackett_luce,
            (
                Entrant("soviet.tally", soviet_count("stv", 5), None, SOVIET),
                Entrant("pyrankvote", pyrankvote_count(5), None, PYRANKVOTE),
                Entrant("votekit", votekit_count(5), None, VOTEKIT),
            ),
            "soviet counts by the Scottish STV rules (weighted inclusive Gregory, 5 decimals); "
            "pyrankvote and votekit (FastSTV, fractional transfers) follow their own STV "
            "rules, not the Scottish ones, so their winners may differ.",
        ),
        Case(
            "schulze",
            "schulze — 10 candidates, impartial-culture ballots (full rankings)",
            10,
            ballots,
            impartial_culture,
            (
                Entrant("soviet.tally", soviet_count("schulze", 1), None, SOVIET),
                Entrant("pref_voting", pref_voting_schulze, None, PREF_VOTING),
            ),
            "pref_voting: beat_path (Floyd–Warshall) on a Profile of the distinct rankings.",
        ),
    ]


# -- one timing, in its own process --------------------------------------------------------


def resident_bytes() -> int:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def worker(case_name: str, library: str, path: str, ballots: int) -> None:
    """Time one library on the first `ballots` rows of the saved matrix; print JSON."""
    [case] = [c for c in cases(1) if c.name == case_name]
    [entrant] = [e for e in case.entrants if e.library == library]
    rankings = np.array(np.load(path, mmap_mode="r")[:ballots])
    for module in entrant.modules:
        importlib.import_module(module)
    base = resident_bytes()
    started, cpu = time.perf_counter(), time.process_time()
    winners = entrant.run(rankings, case.candidates)
    seconds, cpu_seconds = time.perf_counter() - started, time.process_time() - cpu
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    print(
        json.dumps(
            {
                "seconds": seconds,
                "cpu": cpu_seconds,
                "peak": peak,
                "rise": max(peak - base, 0),
                "winners": sorted(winners),
            }
        )
    )


@dataclass(frozen=True)
class Timing:
    library: str
    ballots: int
    seconds: float | None = None
    cpu: float | None = None
    peak: int = 0
    rise: int = 0
    winners: tuple[str, ...] = ()
    failure: str = ""


def generate(case_name: str, path: str, ballots: int, seed: int) -> None:
    """Save a case's ballots as .npy — in a process of its own, because Linux passes a
    parent's peak resident memory on to the processes it starts, and the timings' peaks
    must be their own."""
    [case] = [c for c in cases(ballots) if c.name == case_name]
    np.save(path, case.generate(case.candidates, ballots, seed))


def in_child(*arguments: str) -> None:
    subprocess.run([sys.executable, __file__, *arguments], check=True, cwd=ROOT)


def timed(case: Case, library: str, path: Path, ballots: int, timeout: float) -> Timing:
    command = [sys.executable, __file__, "--worker", case.name, library, str(path), str(ballots)]
    try:
        done = subprocess.run(
            command, capture_output=True, text=True, timeout=timeout, check=False, cwd=ROOT
        )
    except subprocess.TimeoutExpired:
        return Timing(library, ballots, failure=f"timed out after {timeout:.0f} s")
    if done.returncode != 0:
        last = (done.stderr.strip().splitlines() or ["no message"])[-1]
        return Timing(library, ballots, failure=f"failed: {last}")
    got: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return Timing(
        library,
        ballots,
        got["seconds"],
        got["cpu"],
        got["peak"],
        got["rise"],
        tuple(got["winners"]),
    )


# -- printing ------------------------------------------------------------------------------


def table(headers: Sequence[str], rows: Sequence[Sequence[str]], right: set[int]) -> str:
    widths = [max(len(h), *(len(r[i]) for r in rows)) for i, h in enumerate(headers)]

    def line(cells: Sequence[str]) -> str:
        return "  ".join(
            cell.rjust(width) if i in right else cell.ljust(width)
            for i, (cell, width) in enumerate(zip(cells, widths, strict=True))
        ).rstrip()

    return "\n".join([line(headers), line(["-" * w for w in widths]), *map(line, rows)])


def megabytes(count: int) -> str:
    return f"{count / 2**20:,.0f}"


def report(case: Case, timings: list[Timing]) -> None:
    print(f"\n== {case.title}: {case.ballots:,} ballots")
    if case.note:
        print(f"   {case.note}")
    rows: list[list[str]] = []
    for size in sorted({t.ballots for t in timings}, reverse=True):
        here = [t for t in timings if t.ballots == size]
        peers = [t.cpu for t in here if t.library != "soviet.tally" and t.cpu is not None]
        fastest = min(peers) if peers else None
        for t in here:
            if t.cpu is None or t.seconds is None:
                rows.append([t.library, f"{size:,}", "", "", "", "", "", "", t.failure])
                continue
            ratio = f"{t.cpu / fastest:.3f}" if fastest else "no peer"
            rows.append(
                [
                    t.library,
                    f"{size:,}",
                    f"{t.seconds:.3f}",
                    f"{t.cpu:.3f}",
                    f"{t.cpu / size * 1e6:.2f}",
                    ratio,
                    megabytes(t.peak),
                    megabytes(t.rise),
                    ", ".join(t.winners),
                ]
            )
    print(
        table(
            [
                "library",
                "ballots",
                "wall s",
                "cpu s",
                "cpu µs/ballot",
                "× fastest peer",
                "peak MB",
                "rise MB",
                "winners",
            ],
            rows,
            right={1, 2, 3, 4, 5, 6, 7},
        )
    )


# -- the count-file case ---------------------------------------------------------------------


def write_blt(path: Path, rankings: Rankings) -> None:
    """A BLT file with one line per ballot (weight 1)."""
    candidates = int(rankings.max()) + 1
    lines: dict[bytes, str] = {}
    with path.open("w", encoding="utf-8") as file:
        file.write(f"{candidates} 1\n")
        chunk: list[str] = []
        for row in rankings:
            key = row.tobytes()
            text = lines.get(key)
            if text is None:
                text = lines[key] = "1 " + "".join(f"{c + 1} " for c in row if c >= 0) + "0\n"
            chunk.append(text)
            if len(chunk) == 100_000:
                file.write("".join(chunk))
                chunk.clear()
        file.write("".join(chunk))
        file.write("0\n" + "".join(f'"{name}"\n' for name in names(candidates)))
        file.write('"benchmark"\n')


_MEASURE = """\
import resource, subprocess, sys, time
started = time.perf_counter()
done = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
seconds = time.perf_counter() - started
use = resource.getrusage(resource.RUSAGE_CHILDREN)
print(seconds, use.ru_utime + use.ru_stime, use.ru_maxrss * 1024, done.returncode)
sys.stderr.write(done.stderr.decode())
"""


def count_file(ballots: int, seed: int, runs: int, directory: Path) -> None:
    path = directory / "ballots.blt"
    in_child("--write-blt", str(path), str(ballots), "--seed", str(seed))
    size = path.stat().st_size
    print("\n== count-file — `python -m soviet count FILE --method irv --json`, whole process")
    print(f"   {ballots:,} ballot lines, 10 candidates, {size / 2**20:.1f} MB; {runs} runs")
    arguments = [str(path), "--method", "irv", "--json"]
    commands = {
        "python -m soviet count": [sys.executable, "-m", "soviet", "count", *arguments],
        # The installed console script, as a returning officer runs it.
        "soviet count": [str(Path(sys.executable).with_name("soviet")), "count", *arguments],
    }
    rows: list[list[str]] = []
    for label, command in commands.items():
        results: list[tuple[float, float, int]] = []
        for _ in range(runs):
            done = subprocess.run(
                [sys.executable, "-c", _MEASURE, *command],
                capture_output=True,
                text=True,
                cwd=ROOT,
                check=False,
            )
            seconds, cpu, peak, code = done.stdout.split()
            if code != "0":
                print(f"   {label} failed (exit {code}): {done.stderr.strip()[-300:]}")
                break
            results.append((float(seconds), float(cpu), int(peak)))
        rows += [
            [
                label,
                statistic,
                f"{pick([r[0] for r in results]):.3f}",
                f"{pick([r[1] for r in results]):.3f}",
                megabytes(int(pick([r[2] for r in results]))),
            ]
            for statistic, pick in (("best", min), ("median", statistics.median))
            if results
        ]
    print(table(["command", "of the runs", "wall s", "cpu s", "peak RSS MB"], rows, {2, 3, 4}))


# -- main ------------------------------------------------------------------------------------


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--ballots",
        type=int,
        default=1_000_000,
        help="ballots for irv, schulze and count-file (stv uses a tenth)",
    )
    parser.add_argument(
        "--peer-ballots",
        type=int,
        default=None,
        help="give every peer at most this many ballots (default: per peer)",
    )
    parser.add_argument("--cases", default="irv,stv,schulze,count-file")
    parser.add_argument("--seed", type=int, default=2024)
    parser.add_argument(
        "--timeout", type=float, default=900.0, help="seconds before a timing is abandoned"
    )
    parser.add_argument("--runs", type=int, default=5, help="runs of the count-file case")
    parser.add_argument("--worker", nargs=4, help=argparse.SUPPRESS)
    parser.add_argument("--generate", nargs=3, help=argparse.SUPPRESS)
    parser.add_argument("--write-blt", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        case_name, library, path, size = args.worker
        worker(case_name, library, path, int(size))
        return
    if args.generate:
        case_name, path, size = args.generate
        generate(case_name, path, int(size), args.seed)
        return
    if args.write_blt:
        path, size = args.write_blt
        write_blt(Path(path), plackett_luce(10, int(size), args.seed))
        return
    wanted = args.cases.split(",")
    print(
        f"python {sys.version.split()[0]}, numpy {np.__version__}, {os.cpu_count()} CPUs, "
        f"seed {args.seed}; cpu s is the process's user + system time"
    )
    print(f"ratios compare cpu seconds at equal ballots; load average {os.getloadavg()[0]:.2f}")
    with tempfile.TemporaryDirectory() as directory:
        for case in cases(args.ballots):
            if case.name not in wanted:
                continue
            path = Path(directory) / f"{case.name}.npy"
            seed = str(args.seed)
            in_child("--generate", case.name, str(path), str(case.ballots), "--seed", seed)
            sizes = {
                e.library: min(case.ballots, args.peer_ballots or e.cap or case.ballots)
                for e in case.entrants
            }
            sizes.pop("soviet.tally")
            timings = [
                timed(case, "soviet.tally", path, n, args.timeout)
                for n in sorted({case.ballots, *sizes.values()}, reverse=True)
            ]
            timings += [timed(case, lib, path, n, args.timeout) for lib, n in sizes.items()]
            report(case, timings)
        if "count-file" in wanted:
            count_file(args.ballots, args.seed, args.runs, Path(directory))


if __name__ == "__main__":
    main()
