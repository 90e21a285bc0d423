"""Belenios elections: soviet.belenios beside belenios-tool (Belenios 2.0), on the same
elections, in one run.

    python benchmarks/belenios.py [--sizes 10000] [--big] [--verify-sizes 1000]
                                  [--tool-sizes N,…] [--reps R] [--workers W] [--seed S]
                                  [--cache DIR] [--tool PATH] [--json]

Each election is set up by belenios-tool as its example demo-threshold.sh sets one up:
N voters' credentials (`setup generate-credentials`), a 2-of-3 threshold key ceremony
(`setup generate-trustee-key-threshold`, steps 1 to 6) and the mandatory (server) key,
two questions (one of 2 answers, 0 to 1 of them; one of 3 answers, 1 to 2 of them or a
blank vote), the archive started by `archive init`. Its N ballots, one per voter, random
valid choices drawn from the seed, are made by soviet's `ballots.make_ballot` in W
processes (belenios-tool makes one ballot per run of a process, about a tenth of a second
each) and appended with `ArchiveWriter`, then `EndBallots`: the archive's first members
are byte for byte the ones belenios-tool wrote. An election of N ballots is made once and
kept in the cache directory under N and the seed; a later run reuses it.

1. One ballot, R times each (median and 95th percentile), on an election of the smallest
   size: soviet's `make_ballot` in this process (the credential's PBKDF2, the encryptions
   and proofs, the signature, the JSON), its tables for g and the election key built
   before by one ballot that is shown apart; belenios-tool's `election generate-ballot`
   as a process per ballot, nothing subtracted: its figure includes the process's
   start-up and its reading of the election from the directory (the start-up alone, as
   `setup generate-token` takes it, is shown for comparison). The tool makes one ballot
   a run (one credential, one choice list), so there is no amortized figure for it.
   Beside them, soviet's `check_ballot` on the ballots just made.
2. Verifying a whole election (setup, N ballots, the encrypted tally, three partial
   decryptions, the result, all but the ballots made by belenios-tool in 3.), for each
   of the verify sizes: soviet's `audit.verify_archive(path)` in a fresh process (the
   call, and the whole process with its start-up and imports), against
   `belenios-tool election verify --dir DIR` on the same archive.
3. Tallying and decrypting, for each size: the encrypted tally, the partial decryptions
   of two of the three threshold trustees (`decrypt-threshold`) and of the mandatory key
   (`decrypt`), and the result (`compute-result`), each a process of belenios-tool on
   the election's directory, as the tool's own example runs them; the archive grows by
   each step's event (`archive add-event`, not timed). belenios-tool's tally checks
   every ballot first (it refuses an archive with a forged proof), and so does soviet's.
   Beside each, soviet's same step in a fresh process reading the same archive file at
   the same point: the call from the archive's path (reading and checking the archive
   included), the arithmetic alone (after the archive is read: the ballots' checks and
   the product, for the tally), and the whole process. The steps' outputs are compared:
   the encrypted tallies must be equal text, the decryption factors equal numbers, and
   both results equal to the count of the choices the ballots were made from.

belenios-tool checks every ballot in each of its steps (about 40 ms a ballot here), so
its side of 3. costs six times that: hours at 100,000 ballots. `--tool-sizes` names the
sizes at which it runs; at the others soviet's steps run alone, the archive growing by
soviet's own outputs (added with `archive add-event`), and the election is not verified
whole.

Ratios are belenios-tool's time over soviet's: above 1, soviet is faster. CPU seconds
(user + system of the process) are shown beside the wall clock: on a busy machine they
say more. The machine's load average is printed at the start and the end of each part.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import random
import resource
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import asdict, dataclass, field
from importlib.metadata import version
from pathlib import Path
from typing import Any

from soviet.belenios import audit, ballots, credentials, tally, threshold, wire
from soviet.belenios.archive import Archive, ArchiveWriter, read_archive
from soviet.belenios.ballots import Election
from soviet.belenios.errors import BeleniosError

TOOL = Path("/usr/bin/belenios-tool")
GROUP = "BELENIOS-2048"
QUESTIONS: dict[str, Any] = {
    "description": "A benchmark election.",
    "name": "Benchmark",
    "questions": [
        {"answers": ["Answer 1", "Answer 2"], "min": 0, "max": 1, "question": "Question 1?"},
        {
            "answers": ["Answer 1", "Answer 2", "Answer 3"],
            "blank": True,
            "min": 1,
            "max": 2,
            "question": "Question 2?",
        },
    ],
    "administrator": "Benchmark administrator",
    "credential_authority": "Benchmark credential authority",
}
#: The share of blank votes on the question that allows them.
BLANK = 0.1
#: What the cache's entries are made of; a change here makes them again.
LAYOUT = 1


# -- clocks, figures and tables --------------------------------------------------------


def children_cpu() -> float:
    """CPU seconds (user + system) of the child processes ended so far."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def own_cpu() -> float:
    return time.process_time()


def load() -> str:
    return "load average " + " ".join(f"{n:.2f}" for n in os.getloadavg())


def p95(values: Sequence[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def seconds(value: float | None) -> str:
    if value is None:
        return "—"
    if value < 1e-3:
        return f"{value * 1e6:,.0f} µs"
    if value < 1:
        return f"{value * 1e3:,.1f} ms"
    return f"{value:,.2f} s"


def ratio(theirs: float | None, ours: float | None) -> str:
    if theirs is None or ours is None or ours <= 0:
        return "—"
    return f"{theirs / ours:,.2f}"


def table(rows: Sequence[Sequence[str]], left: int = 1) -> list[str]:
    """Rows as aligned text: the first `left` columns to the left, the others to the
    right but the last (notes); a rule under the header."""
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    last = len(widths) - 1
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


@dataclass
class Figure:
    """One measure of one side: wall and CPU seconds (medians over `runs` when more than
    one), and for soviet's steps the call and its arithmetic alone."""

    part: str
    step: str
    side: str
    ballots: int
    wall: float
    cpu: float | None = None
    p95: float | None = None
    runs: int = 1
    call: float | None = None
    arithmetic: float | None = None
    note: str = ""


# -- belenios-tool -----------------------------------------------------------------------


@dataclass
class Run:
    out: str
    wall: float
    cpu: float


class Tool:
    """belenios-tool, run as a process, with the randomness of /dev/urandom."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.environment = {**os.environ, "BELENIOS_USE_URANDOM": "1"}

    def __call__(self, directory: Path, *arguments: str, stdin: str = "") -> Run:
        cpu, began = children_cpu(), time.perf_counter()
        done = subprocess.run(
            [str(self.path), *arguments],
            cwd=directory,
            input=stdin,
            capture_output=True,
            text=True,
            env=self.environment,
            check=False,
        )
        wall = time.perf_counter() - began
        if done.returncode != 0:
            raise SystemExit(
                f"belenios-tool {' '.join(arguments)} failed in {directory}: "
                f"{done.stderr.strip()[-500:]}"
            )
        return Run(done.stdout, wall, children_cpu() - cpu)

    def version(self) -> str:
        done = subprocess.run([str(self.path), "--version"], capture_output=True, text=True)
        return done.stdout.strip() or "?"


# -- the elections, made once and cached -----------------------------------------------


@dataclass(frozen=True)
class Made:
    """An election of the cache: the tool's directory (keys, credentials, the archive of
    its setup alone as UUID.bel), and the archive with its ballots."""

    folder: Path
    uuid: str
    size: int

    @property
    def directory(self) -> Path:
        return self.folder / "election"

    @property
    def setup(self) -> Path:
        return self.directory / f"{self.uuid}.bel"

    @property
    def ballots(self) -> Path:
        return self.folder / "ballots.bel"

    @property
    def expected(self) -> list[list[int]]:
        value: list[list[int]] = json.loads((self.folder / "expected.json").read_text())
        return value

    def credentials(self) -> list[str]:
        lines = (self.directory / "private_creds.txt").read_text().splitlines()
        return [line.split()[1] for line in lines if line.strip()]

    def voting(self) -> list[str]:
        """The credentials of the voters who cast a ballot: the first `size` of those
        that soviet's `check_credential` accepts."""
        accepted = []
        for credential in self.credentials():
            try:
                credentials.check_credential(credential)
            except BeleniosError:
                continue
            accepted.append(credential)
        if len(accepted) < self.size:
            raise SystemExit(f"{self.folder}: fewer than {self.size:,} credentials to vote with")
        return accepted[: self.size]

    def threshold_keys(self) -> list[Path]:
        """The seeds of the threshold trustees, in the order of their certs: trustees 2,
        3 and 4 (trustee 1 is the mandatory key)."""
        return sorted(self.directory.glob("*.key"))

    def privkey(self) -> Path:
        return next(self.directory.glob("*.privkey"))


def setup_election(tool: Tool, directory: Path, voters: int) -> str:
    """Set an election up with belenios-tool in `directory`, as demo-threshold.sh does;
    its uuid."""
    uuid = tool(directory, "setup", "generate-token").out.strip()
    common = ("--uuid", uuid, "--group", GROUP)
    group = ("--group", GROUP)
    tool(directory, "setup", "generate-credentials", *common, "--count", str(voters))
    next(directory.glob("*.pubcreds")).rename(directory / "public_creds.json")
    next(directory.glob("*.privcreds")).rename(directory / "private_creds.txt")
    ceremony = ("setup", "generate-trustee-key-threshold", *group)
    for _ in range(3):
        tool(directory, *ceremony, "--step", "1")
    certs = "".join(path.read_text() for path in sorted(directory.glob("*.cert")))
    (directory / "certs.jsons").write_text(certs)
    with_certs = (*ceremony, "--certs", "certs.jsons")
    tool(directory, *with_certs, "--step", "2")
    keys = sorted(directory.glob("*.key"))
    polynomials = "".join(
        tool(directory, *with_certs, "--key", key.name, "--step", "3", "--threshold", "2").out
        for key in keys
    )
    (directory / "polynomials.jsons").write_text(polynomials)
    tool(directory, *with_certs, "--step", "4", "--polynomials", "polynomials.jsons")
    voutputs = "".join(
        tool(
            directory,
            *with_certs,
            *("--key", key.name, "--step", "5"),
            stdin=key.with_suffix(".vinput").read_text(),
        ).out
        for key in keys
    )
    step6 = (*with_certs, "--step", "6", "--polynomials", "polynomials.jsons")
    (directory / "threshold.json").write_text(tool(directory, *step6, stdin=voutputs).out)
    tool(directory, "setup", "generate-trustee-key", *group)
    pubkeys = "".join(path.read_text() for path in sorted(directory.glob("*.pubkey")))
    (directory / "public_keys.jsons").write_text(pubkeys)
    tool(directory, "setup", "make-trustees")
    (directory / "threshold.json").unlink()
    (directory / "questions.json").write_text(json.dumps(QUESTIONS))
    tool(directory, "setup", "make-election", *common, "--template", "questions.json")
    tool(directory, "archive", "init")
    for name in ("election.json", "trustees.json", "public_creds.json"):
        (directory / name).unlink()
    return uuid


def voters(size: int) -> int:
    """The voters of an election of `size` ballots: a few more, who abstain.

    soviet's `check_credential` refuses the credentials whose check digit is 53 ("v"),
    about 1 in 53 of those belenios-tool makes; their voters abstain.
    """
    return size + size // 20 + 10


def choose(rng: random.Random) -> list[list[int]]:
    """Random valid choices for the questions: 0/1 per answer, led by the blank choice
    where a blank vote is allowed."""
    chosen = []
    for question in QUESTIONS["questions"]:
        count = len(question["answers"])
        blank = bool(question.get("blank"))
        if blank and rng.random() < BLANK:
            chosen.append([1] + [0] * count)
            continue
        picked = set(rng.sample(range(count), rng.randint(question["min"], question["max"])))
        row = [1 if i in picked else 0 for i in range(count)]
        chosen.append([0, *row] if blank else row)
    return chosen


def count(chosen: Iterable[list[list[int]]]) -> list[list[int]]:
    """The result the choices give: per question, the number of 1s of each choice."""
    totals = [[0] * (len(q["answers"]) + bool(q.get("blank"))) for q in QUESTIONS["questions"]]
    for ballot in chosen:
        for row, answer in zip(totals, ballot, strict=True):
            for j, choice in enumerate(answer):
                row[j] += choice
    return totals


_ELECTION: Election | None = None


def _start_maker(text: str) -> None:
    global _ELECTION
    _ELECTION = ballots.parse_election(text)


def _make(task: tuple[str, list[list[int]]]) -> str:
    assert _ELECTION is not None
    return ballots.make_ballot(_ELECTION, *task)


def election_text(path: Path) -> str:
    found = read_archive(path)
    setup = next(event for event in found.events if event.type == "Setup")
    return found.data[json.loads(found.payload(setup))["election"]]


def write_ballots(setup: Path, out: Path, texts: Iterable[str]) -> None:
    """The archive `setup` (as belenios-tool started it) with the ballots `texts` and
    EndBallots after it, written anew with ArchiveWriter."""
    started = read_archive(setup)
    members = sorted(
        [(position, "data", digest) for digest, position in started.positions.items()]
        + [(event.position, "event", event.type) for event in started.events]
    )
    with ArchiveWriter(out, started.header.timestamp) as writer:
        events = iter(started.events)
        for _, kind, what in members:
            if kind == "data":
                writer.add_data(started.data[what])
            else:
                writer.add_event(what, next(events).payload)
        for text in texts:
            writer.add_event("Ballot", writer.add_data(text))
        writer.add_event("EndBallots")
    size = setup.stat().st_size
    with out.open("rb") as file:
        if file.read(size) != setup.read_bytes():
            raise SystemExit(f"{out}: its start is not the archive belenios-tool wrote")


def made(tool: Tool, cache: Path, size: int, seed: int, workers: int) -> Made:
    """The election of `size` voters and ballots of the cache, made when it is missing."""
    folder = cache / f"belenios-{size}-seed{seed}-v{LAYOUT}"
    done = folder / "done.json"
    if done.exists():
        meta = json.loads(done.read_text())
        return Made(folder, meta["uuid"], size)
    if folder.exists():
        shutil.rmtree(folder)
    (folder / "election").mkdir(parents=True)
    began = time.perf_counter()
    print(f"making the election of {size:,} ballots in {folder} …", file=sys.stderr)
    uuid = setup_election(tool, folder / "election", voters(size))
    entry = Made(folder, uuid, size)
    set_up = time.perf_counter() - began
    rng = random.Random(f"{seed}:{size}")
    tasks = [(credential, choose(rng)) for credential in entry.voting()]
    expected = count(chosen for _, chosen in tasks)
    (folder / "expected.json").write_text(json.dumps(expected))
    text = election_text(entry.setup)
    context = multiprocessing.get_context("fork")
    with context.Pool(workers, _start_maker, (text,)) as pool:
        write_ballots(entry.setup, entry.ballots, pool.imap(_make, tasks, chunksize=16))
    meta = {
        "uuid": uuid,
        "size": size,
        "seed": seed,
        "setup_s": round(set_up, 1),
        "ballots_s": round(time.perf_counter() - began - set_up, 1),
        "workers": workers,
    }
    done.write_text(json.dumps(meta))
    print(
        f"  set up by belenios-tool in {set_up:.1f} s; {size:,} ballots made by make_ballot "
        f"in {meta['ballots_s']:.1f} s ({workers} processes)",
        file=sys.stderr,
    )
    return entry


# -- soviet's steps, each in a process of its own ---------------------------------------


def _setup_of(found: Archive) -> tuple[Election, list[tally.Trustee], dict[int, int]]:
    setup = next(event for event in found.events if event.type == "Setup")
    value = json.loads(found.payload(setup))
    election = ballots.parse_election(found.data[value["election"]])
    group = election.group
    trustees = tally.parse_trustees(group, json.loads(found.data[value["trustees"]]), "trustees")
    listed = credentials.parse_public_credentials(
        group, json.loads(found.data[value["credentials"]])
    )
    return election, trustees, dict(listed)


def _tally_event(found: Archive) -> tuple[dict[str, Any], str]:
    event = next(event for event in found.events if event.type == "EncryptedTally")
    value = json.loads(found.payload(event))
    return value, found.data[value["encrypted_tally"]]


def step_tally(path: Path) -> dict[str, Any]:
    """The encrypted tally, every ballot checked first (as belenios-tool's step does)."""
    began = time.perf_counter()
    found = read_archive(path)
    election, _, weights = _setup_of(found)
    read = time.perf_counter()
    cast = [
        ballots.check_ballot(election, found.payload(event), f"event {event.height}")
        for event in found.events
        if event.type == "Ballot"
    ]
    checked = time.perf_counter()
    last = ballots.last_ballots(cast)
    counted = tally.encrypted_tally(election, [(b, weights[b.credential]) for b in last])
    text = wire.dumps(tally.tally_json(counted))
    ended = time.perf_counter()
    return {
        "call": ended - began,
        "arithmetic": ended - read,
        "product": ended - checked,
        "tally": text,
        "num_tallied": len(last),
        "total_weight": sum(weights[b.credential] for b in last),
    }


def step_decrypt(path: Path, key: str, dkey: str | None) -> dict[str, Any]:
    """A partial decryption: of a threshold trustee (its seed and .dkey) or of the
    mandatory key (its .privkey, when `dkey` is None)."""
    began = time.perf_counter()
    found = read_archive(path)
    election, _, _ = _setup_of(found)
    _, text = _tally_event(found)
    group = election.group
    encrypted = tally.tally_from_json(group, json.loads(text), "tally")
    if dkey is None:
        x = group.exponent(json.loads(Path(key).read_text()), "privkey")
    else:
        seed, sealed = Path(key).read_text(), Path(dkey).read_text()
        x = threshold.decryption_key_from_dkey(group, seed, sealed)
    read = time.perf_counter()
    partial = wire.dumps(tally.partial_decryption(election, encrypted, x))
    ended = time.perf_counter()
    return {"call": ended - began, "arithmetic": ended - read, "partial": partial}


def step_result(path: Path) -> dict[str, Any]:
    began = time.perf_counter()
    found = read_archive(path)
    election, trustees, _ = _setup_of(found)
    value, text = _tally_event(found)
    group = election.group
    encrypted = tally.tally_from_json(group, json.loads(text), "tally")
    owners = dict(enumerate(tally.owner_keys(trustees), start=1))
    partials = []
    for event in found.events:
        if event.type == "PartialDecryption":
            owned = json.loads(found.payload(event))
            partials.append((owned["owner"], json.loads(found.data[owned["payload"]])))
    read = time.perf_counter()
    factors = {
        owner: tally.check_partial_decryption(
            election, encrypted, owners[owner], partial, f"trustee {owner}"
        )
        for owner, partial in partials
    }
    combined = tally.combine_factors(election, trustees, factors)
    counted = tally.election_result(election, encrypted, combined, value["total_weight"])
    ended = time.perf_counter()
    return {"call": ended - began, "arithmetic": ended - read, "result": counted}


def step_verify(path: Path) -> dict[str, Any]:
    began = time.perf_counter()
    found = audit.verify_archive(path)
    ended = time.perf_counter()
    return {
        "call": ended - began,
        "ok": found.ok,
        "failures": found.failures[:3],
        "result": found.result,
    }


def worker(spec: dict[str, Any]) -> dict[str, Any]:
    path = Path(spec["path"])
    if spec["step"] == "tally":
        return step_tally(path)
    if spec["step"] == "decrypt":
        return step_decrypt(path, spec["key"], spec.get("dkey"))
    if spec["step"] == "result":
        return step_result(path)
    return step_verify(path)


def ours(spec: dict[str, Any]) -> tuple[dict[str, Any], float, float]:
    """Run one of soviet's steps in a fresh process: what it returns, its wall and CPU
    seconds as a whole process."""
    command = [sys.executable, str(Path(__file__).resolve()), "--worker", json.dumps(spec)]
    cpu, began = children_cpu(), time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    wall = time.perf_counter() - began
    if done.returncode != 0:
        raise SystemExit(f"soviet's step {spec['step']} failed: {done.stderr.strip()[-800:]}")
    value: dict[str, Any] = json.loads(done.stdout)
    return value, wall, children_cpu() - cpu


# -- 1. one ballot -------------------------------------------------------------------------


def part_ballot(tool: Tool, entry: Made, reps: int, seed: int, work: Path) -> list[Figure]:
    election = ballots.parse_election(election_text(entry.setup))
    creds = entry.voting()
    rng = random.Random(f"{seed}:one ballot")
    tasks = [(creds[i % len(creds)], choose(rng)) for i in range(reps + 1)]
    figures = []

    began, cpu = time.perf_counter(), own_cpu()
    first = ballots.make_ballot(election, *tasks[0])
    figures.append(
        Figure(
            "ballot",
            "make one ballot, the first in a process",
            "soviet",
            1,
            time.perf_counter() - began,
            own_cpu() - cpu,
            note="builds the tables for g and the election key (about 8,000 products each)",
        )
    )
    made_texts, walls, cpus = [first], [], []
    for task in tasks[1:]:
        began, cpu = time.perf_counter(), own_cpu()
        made_texts.append(ballots.make_ballot(election, *task))
        walls.append(time.perf_counter() - began)
        cpus.append(own_cpu() - cpu)
    figures.append(
        Figure(
            "ballot",
            "make one ballot",
            "soviet",
            1,
            statistics.median(walls),
            statistics.median(cpus),
            p95(walls),
            reps,
            note="ballots.make_ballot, in this process",
        )
    )

    directory = work / "one-ballot"
    shutil.copytree(entry.directory, directory)
    walls, cpus = [], []
    for k, (credential, chosen) in enumerate(tasks[1:]):
        (directory / "credential.txt").write_text(credential + "\n")
        (directory / "choices.json").write_text(json.dumps(chosen) + "\n")
        done = tool(
            directory,
            *("election", "generate-ballot", "--dir", "."),
            *("--privcred", "credential.txt", "--ballot", "choices.json"),
        )
        walls.append(done.wall)
        cpus.append(done.cpu)
        if k == 0:  # the tool's ballot must be one that soviet accepts
            ballots.check_ballot(election, done.out.strip(), "belenios-tool's ballot")
    figures.append(
        Figure(
            "ballot",
            "make one ballot",
            "belenios-tool",
            1,
            statistics.median(walls),
            statistics.median(cpus),
            p95(walls),
            reps,
            note="election generate-ballot, one process per ballot: start-up and reading "
            "the election included; the tool makes one ballot a run",
        )
    )
    walls, cpus = [], []
    for _ in range(reps):
        done = tool(directory, "setup", "generate-token")
        walls.append(done.wall)
        cpus.append(done.cpu)
    figures.append(
        Figure(
            "ballot",
            "start-up alone (setup generate-token)",
            "belenios-tool",
            0,
            statistics.median(walls),
            statistics.median(cpus),
            p95(walls),
            reps,
            note="for comparison, not subtracted above",
        )
    )
    shutil.rmtree(directory)

    walls, cpus = [], []
    for k, text in enumerate(made_texts[1:]):
        began, cpu = time.perf_counter(), own_cpu()
        ballots.check_ballot(election, text, f"ballot {k}")
        walls.append(time.perf_counter() - began)
        cpus.append(own_cpu() - cpu)
    figures.append(
        Figure(
            "ballot",
            "check one ballot",
            "soviet",
            1,
            statistics.median(walls),
            statistics.median(cpus),
            p95(walls),
            reps,
            note="ballots.check_ballot: every proof, the signature; in this process",
        )
    )
    return figures


# -- 3. tally and decryption, then 2. verification --------------------------------------


@dataclass
class Pipeline:
    figures: list[Figure] = field(default_factory=list)
    checks: list[str] = field(default_factory=list)
    directory: Path | None = None


def _ours_figure(
    step: str, size: int, value: dict[str, Any], wall: float, cpu: float, note: str
) -> Figure:
    return Figure(
        "tally",
        step,
        "soviet",
        size,
        wall,
        cpu,
        call=value["call"],
        arithmetic=value.get("arithmetic"),
        note=note,
    )


def _factors(partial: str) -> list[list[int]]:
    """The factors of a partial decryption (its first line, as belenios-tool prints it)."""
    first = json.loads(partial.splitlines()[0])
    return [[int(f) for f in row] for row in first["decryption_factors"]]


def _event_lines(text: str, event: dict[str, Any]) -> str:
    """A step's output as belenios-tool prints it for `archive add-event`: the data, then
    the event's value with the data's hash put in for `key`."""
    (key,) = (k for k, v in event.items() if v is None)
    return text + "\n" + json.dumps({**event, key: wire.sha256_hex(text.encode())}) + "\n"


def part_tally(tool: Tool, entry: Made, work: Path, with_tool: bool = True) -> Pipeline:
    """The tool's steps from EndBallots to the result, each beside soviet's, on a copy of
    the election's directory whose archive grows by each step's event. Without the tool
    (`with_tool` False), soviet's steps alone, the archive grown by soviet's outputs."""
    size = entry.size
    directory = work / f"election-{size}"
    shutil.copytree(entry.directory, directory)
    path = directory / f"{entry.uuid}.bel"
    shutil.copyfile(entry.ballots, path)
    out = Pipeline(directory=directory)

    def theirs_step(step: str, *arguments: str) -> Run | None:
        if not with_tool:
            return None
        done = tool(directory, *arguments)
        out.figures.append(Figure("tally", step, "belenios-tool", size, done.wall, done.cpu))
        return done

    theirs = theirs_step("encrypted tally", "election", "compute-encrypted-tally", "--dir", ".")
    mine, wall, cpu = ours({"step": "tally", "path": str(path)})
    out.figures.append(
        _ours_figure(
            "encrypted tally",
            size,
            mine,
            wall,
            cpu,
            "read_archive, the credentials' weights, check_ballot of each, last_ballots, "
            f"encrypted_tally (this last {seconds(mine['product'])})",
        )
    )
    if theirs is not None:
        same = mine["tally"] == theirs.out.splitlines()[0]
        out.checks.append(
            f"{size:,}: the encrypted tallies are {'equal text' if same else 'NOT EQUAL'}"
        )
        logged = theirs.out
    else:
        counted = {"num_tallied": mine["num_tallied"], "total_weight": mine["total_weight"]}
        logged = _event_lines(mine["tally"], {**counted, "encrypted_tally": None})
    tool(directory, "archive", "add-event", "--type=EncryptedTally", stdin=logged)

    decryptions: list[tuple[str, int, dict[str, Any], tuple[str, ...], str]] = []
    for trustee, key in enumerate(entry.threshold_keys()[:2], start=2):
        dkey = key.with_suffix(".dkey")
        decryptions.append(
            (
                f"partial decryption, threshold trustee {trustee}",
                trustee,
                {"step": "decrypt", "path": str(path), "key": str(key), "dkey": str(dkey)},
                (
                    *("election", "decrypt-threshold", "--dir", ".", "--key", key.name),
                    *("--decryption-key", dkey.name, "--trustee-id", str(trustee)),
                ),
                "read_archive, the key from the .dkey, partial_decryption",
            )
        )
    privkey = entry.privkey()
    decryptions.append(
        (
            "partial decryption, mandatory key",
            1,
            {"step": "decrypt", "path": str(path), "key": str(privkey)},
            ("election", "decrypt", "--dir", ".", "--privkey", privkey.name, "--trustee-id", "1"),
            "read_archive, partial_decryption",
        )
    )
    for step, owner, spec, arguments, note in decryptions:
        theirs = theirs_step(step, *arguments)
        mine, wall, cpu = ours(spec)
        out.figures.append(_ours_figure(step, size, mine, wall, cpu, note))
        if theirs is not None:
            same = _factors(mine["partial"]) == _factors(theirs.out)
            whose = f"trustee {owner}'s" if owner > 1 else "the mandatory key's"
            out.checks.append(
                f"{size:,}: {whose} decryption factors are {'equal' if same else 'NOT EQUAL'}"
            )
            logged = theirs.out
        else:
            logged = _event_lines(mine["partial"], {"owner": owner, "payload": None})
        tool(directory, "archive", "add-event", "--type=PartialDecryption", stdin=logged)

    theirs = theirs_step("result", "election", "compute-result", "--dir", ".")
    mine, wall, cpu = ours({"step": "result", "path": str(path)})
    out.figures.append(
        _ours_figure(
            "result",
            size,
            mine,
            wall,
            cpu,
            "read_archive, check_partial_decryption of each, combine_factors, election_result",
        )
    )
    expected = entry.expected
    if theirs is None:
        out.checks.append(
            f"{size:,}: soviet alone; its result "
            + (
                "is the count of the choices made"
                if mine["result"] == expected
                else f"DIFFERS: soviet {mine['result']}, choices {expected}"
            )
        )
        out.directory = None  # no Result event: not for verifying whole
        shutil.rmtree(directory)
        return out
    their_result = json.loads(theirs.out)["result"]
    out.checks.append(
        f"{size:,}: the results "
        + (
            "are equal, and the count of the choices made"
            if mine["result"] == their_result == expected
            else f"DIFFER: soviet {mine['result']}, belenios-tool {their_result}, "
            f"choices {expected}"
        )
    )
    tool(directory, "archive", "add-event", "--type=Result", stdin=theirs.out)
    return out


def part_verify(tool: Tool, entry: Made, directory: Path, runs: int) -> tuple[list[Figure], str]:
    """Both verifications of the whole archive in `directory`, `runs` times in turns."""
    size = entry.size
    public = directory.parent / f"public-{size}"
    public.mkdir()
    path = public / f"{entry.uuid}.bel"
    os.link(directory / f"{entry.uuid}.bel", path)
    walls: dict[str, list[float]] = {"soviet": [], "belenios-tool": [], "call": []}
    cpus: dict[str, list[float]] = {"soviet": [], "belenios-tool": []}
    outcome = ""
    for _ in range(runs):
        done = tool(public, "election", "verify", "--dir", ".")
        walls["belenios-tool"].append(done.wall)
        cpus["belenios-tool"].append(done.cpu)
        mine, wall, cpu = ours({"step": "verify", "path": str(path)})
        walls["soviet"].append(wall)
        cpus["soviet"].append(cpu)
        walls["call"].append(mine["call"])
        if not mine["ok"]:
            raise SystemExit(f"soviet's audit of {path} failed: {mine['failures']}")
        outcome = (
            f"{size:,}: both verify the archive (belenios-tool: "
            f"{done.out.strip() or 'exit 0'}; soviet: ok, result {mine['result']})"
        )
    shutil.rmtree(public)
    figures = [
        Figure(
            "verify",
            "verify the whole election",
            "belenios-tool",
            size,
            statistics.median(walls["belenios-tool"]),
            statistics.median(cpus["belenios-tool"]),
            runs=runs,
            note="election verify --dir DIR, as a process",
        ),
        Figure(
            "verify",
            "verify the whole election",
            "soviet",
            size,
            statistics.median(walls["soviet"]),
            statistics.median(cpus["soviet"]),
            runs=runs,
            call=statistics.median(walls["call"]),
            note="audit.verify_archive(path), in a fresh process",
        ),
    ]
    return figures, outcome


# -- the run and its report ---------------------------------------------------------------


def run(args: argparse.Namespace) -> dict[str, Any]:
    tool = Tool(args.tool)
    if not tool.path.exists():
        raise SystemExit(
            f"belenios-tool is not installed at {tool.path} (apt-get install belenios-tool)"
        )
    sizes = sorted(set(args.sizes) | set(args.verify_sizes))
    args.cache.mkdir(parents=True, exist_ok=True)
    machine: dict[str, Any] = {
        "python": sys.version.split()[0],
        "gmpy2": version("gmpy2"),
        "belenios_tool": tool.version(),
        "cpus": os.cpu_count(),
        "load_start": os.getloadavg(),
        "loads": {},
    }
    entries = {size: made(tool, args.cache, size, args.seed, args.workers) for size in sizes}
    machine["loads"]["after the cache"] = os.getloadavg()
    figures: list[Figure] = []
    checks: list[str] = []
    work = args.cache / f"run-{os.getpid()}"
    work.mkdir()
    try:
        machine["loads"]["ballot"] = os.getloadavg()
        figures += part_ballot(tool, entries[sizes[0]], args.reps, args.seed, work)
        for size in sizes:
            machine["loads"][f"tally {size}"] = os.getloadavg()
            with_tool = args.tool_sizes is None or size in args.tool_sizes
            pipeline = part_tally(tool, entries[size], work, with_tool)
            figures += pipeline.figures
            checks += pipeline.checks
            if size in args.verify_sizes and pipeline.directory is not None:
                assert pipeline.directory is not None
                machine["loads"][f"verify {size}"] = os.getloadavg()
                verified, outcome = part_verify(
                    tool, entries[size], pipeline.directory, args.verify_runs
                )
                figures += verified
                checks.append(outcome)
            if pipeline.directory is not None:
                shutil.rmtree(pipeline.directory)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    machine["load_end"] = os.getloadavg()
    return {
        "machine": machine,
        "cache": str(args.cache),
        "seed": args.seed,
        "figures": [asdict(f) for f in figures],
        "checks": checks,
    }


def _pairs(figures: Sequence[Figure]) -> Iterator[tuple[Figure | None, Figure]]:
    """Each of soviet's figures with belenios-tool's of the same step and size, if any."""
    for mine in figures:
        if mine.side != "soviet":
            continue
        theirs = next(
            (
                f
                for f in figures
                if f.side == "belenios-tool" and f.step == mine.step and f.ballots == mine.ballots
            ),
            None,
        )
        yield theirs, mine


def report(result: dict[str, Any]) -> str:
    machine = result["machine"]
    figures = [Figure(**f) for f in result["figures"]]
    lines = [
        f"Belenios: soviet.belenios (Python {machine['python']}, gmpy2 {machine['gmpy2']}) "
        f"beside belenios-tool {machine['belenios_tool']}; {machine['cpus']} CPUs; seed "
        f"{result['seed']}; elections cached in {result['cache']}",
        "load average at the start "
        + " ".join(f"{n:.2f}" for n in machine["load_start"])
        + ", at the end "
        + " ".join(f"{n:.2f}" for n in machine["load_end"]),
        "ratio: belenios-tool's wall time over soviet's (above 1, soviet is faster)",
    ]
    loads = machine["loads"]

    def loaded(key: str) -> str:
        return "load average " + " ".join(f"{n:.2f}" for n in loads[key])

    lines += ["", f"== 1. one ballot; {loaded('ballot')}"]
    rows = [["step", "side", "runs", "median", "p95", "cpu", "note"]]
    for f in figures:
        if f.part == "ballot":
            rows.append(
                [
                    f.step,
                    f.side,
                    str(f.runs),
                    seconds(f.wall),
                    seconds(f.p95),
                    seconds(f.cpu),
                    f.note,
                ]
            )
    lines += table(rows, left=2)
    made_theirs = next(f for f in figures if f.part == "ballot" and f.side == "belenios-tool")
    made_ours = next(f for f in figures if f.step == "make one ballot" and f.side == "soviet")
    lines.append(f"   make one ballot, ratio {ratio(made_theirs.wall, made_ours.wall)}")

    sizes = sorted({f.ballots for f in figures if f.part == "tally"})
    for size in sizes:
        lines += ["", f"== 3. tally and decryption of {size:,} ballots; {loaded(f'tally {size}')}"]
        rows = [
            [
                "step",
                "belenios-tool",
                "cpu",
                "soviet",
                "cpu",
                "call",
                "arithmetic",
                "ratio",
                "soviet's step",
            ]
        ]
        for theirs, mine in _pairs([f for f in figures if f.part == "tally" and f.ballots == size]):
            rows.append(
                [
                    mine.step,
                    seconds(theirs.wall if theirs else None),
                    seconds(theirs.cpu if theirs else None),
                    seconds(mine.wall),
                    seconds(mine.cpu),
                    seconds(mine.call),
                    seconds(mine.arithmetic),
                    ratio(theirs.wall if theirs else None, mine.wall),
                    mine.note,
                ]
            )
        lines += table(rows)
        if not any(
            f.side == "belenios-tool" for f in figures if f.part == "tally" and f.ballots == size
        ):
            lines.append("   belenios-tool not run at this size (--tool-sizes): soviet alone")
        lines.append(
            "   belenios-tool: one process a step, start-up included; soviet: the whole "
            "process, the call from the archive's path, the arithmetic after reading it"
        )
        verified = [f for f in figures if f.part == "verify" and f.ballots == size]
        if verified:
            lines += [
                "",
                f"== 2. verify the whole election of {size:,} ballots; {loaded(f'verify {size}')}",
            ]
            rows = [["side", "runs", "wall", "cpu", "call", "per ballot", "ratio", "note"]]
            theirs = next(f for f in verified if f.side == "belenios-tool")
            for f in verified:
                rows.append(
                    [
                        f.side,
                        str(f.runs),
                        seconds(f.wall),
                        seconds(f.cpu),
                        seconds(f.call),
                        seconds(f.wall / size),
                        ratio(theirs.wall, f.wall) if f is not theirs else "",
                        f.note,
                    ]
                )
            lines += table(rows)
    lines += ["", "checks:"] + [f"   {check}" for check in result["checks"]]
    return "\n".join(lines)


def default_cache() -> Path:
    root = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(root) / "soviet-bench"


def sizes(text: str) -> list[int]:
    values = [int(part.replace("_", "")) for part in text.split(",") if part.strip()]
    if not values or min(values) < 1:
        raise argparse.ArgumentTypeError(f"expected sizes separated by commas, not {text!r}")
    return values


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--sizes", type=sizes, default=[10_000], help="ballots to tally, comma-separated (10000)"
    )
    parser.add_argument("--big", action="store_true", help="add an election of 100,000 ballots")
    parser.add_argument(
        "--verify-sizes",
        type=sizes,
        default=[1_000],
        help="elections to verify whole with both tools, comma-separated (1000)",
    )
    parser.add_argument(
        "--tool-sizes",
        type=lambda text: [] if text == "none" else sizes(text),
        default=None,
        help="sizes at which belenios-tool's steps run beside soviet's, comma-separated "
        "(all; none for none); at the others soviet's steps run alone, and the election "
        "is not verified whole",
    )
    parser.add_argument("--verify-runs", type=int, default=1, help="verifications of each (1)")
    parser.add_argument("--reps", type=int, default=20, help="ballots made one by one (20)")
    parser.add_argument(
        "--workers", type=int, default=os.cpu_count() or 1, help="processes making ballots"
    )
    parser.add_argument("--seed", type=int, default=2026, help="seed of the choices (2026)")
    parser.add_argument(
        "--cache", type=Path, default=default_cache(), help="where elections are kept"
    )
    parser.add_argument("--tool", type=Path, default=TOOL, help=f"belenios-tool ({TOOL})")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        print(json.dumps(worker(json.loads(args.worker))))
        return 0
    if args.big:
        args.sizes = sorted({*args.sizes, 100_000})
    if args.reps < 1 or args.verify_runs < 1 or args.workers < 1:
        parser.error("--reps, --verify-runs and --workers must be at least 1")
    result = run(args)
    print(json.dumps(result, indent=2) if args.json else report(result))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
