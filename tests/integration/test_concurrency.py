"""Real processes acting at once on one database: writers are serialized, a rule such as
"one ballot per elector" holds under a race, the log stays gapless, and a process killed
inside a unit of work leaves nothing behind and releases the writers' lock.

Processes are spawned (not forked) and run the `soviet` command line in-process after a
barrier, so they start acting together once their imports are done. Each signs its acts
with the members' keys from a key folder of the test's own (SOVIET_KEYS).
"""

from __future__ import annotations

import io
import multiprocessing
import os
import signal
import sys
import time
from collections.abc import Callable
from contextlib import redirect_stderr, redirect_stdout
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from integration.conftest import (
    Databases,
    Organization,
    assert_replay_identical,
    city_federation,
)
from soviet.bootstrap import Settings, Soviet
from soviet.domain import events as ev
from soviet.domain.model import Charter
from soviet.keyring import KeyFolder
from soviet.services import audit, elections
from soviet.storage import log, merkle
from soviet.storage.schema import merkle_nodes

SPAWN = multiprocessing.get_context("spawn")
WAIT = 120  # seconds a process may take, at most, on a loaded machine
A1 = [f"a1-{i}" for i in range(1, 9)]

Outcome = tuple[int, str, str]  # exit code, stdout, stderr


def run_cli(args: list[str], env: dict[str, str], barrier: Any, results: Any) -> None:
    """In a spawned process: `soviet ARGS`, once every process has reached the barrier."""
    os.environ.update(env)
    from soviet import cli

    cli._register()
    out, err = io.StringIO(), io.StringIO()
    barrier.wait()
    code: int = 0
    with redirect_stdout(out), redirect_stderr(err):
        sys.argv = ["soviet", *args]
        try:
            cli.main()
        except SystemExit as exit_:
            code = exit_.code if isinstance(exit_.code, int) else 1
    results.put((code, out.getvalue(), err.getvalue()))


def run_together(commands: list[list[str]], env: dict[str, str]) -> list[Outcome]:
    """Run the commands in as many processes, released together; their outcomes."""
    barrier = SPAWN.Barrier(len(commands))
    results = SPAWN.Queue()
    processes = [
        SPAWN.Process(target=run_cli, args=(args, env, barrier, results)) for args in commands
    ]
    for process in processes:
        process.start()
    outcomes: list[Outcome] = [results.get(timeout=WAIT) for _ in processes]
    for process in processes:
        process.join(WAIT)
        assert process.exitcode == 0, "a process died instead of exiting"
    return outcomes


def hold_a_unit_of_work(
    url: str, now: str, keys: Path, election: str, voters: list[str], pipe: Connection
) -> None:
    """In a spawned process: record ballots, signed with the voters' keys in the folder
    `keys`, inside one unit of work, say so, and wait there until killed."""
    soviet = Soviet(Settings(url, now, None), signer=KeyFolder(folder=keys))
    with soviet.unit_of_work() as ws:
        for voter in voters:
            elections.vote(ws, election, ["a1-2"], voter)
        ws.flush()  # their Merkle nodes are written too
        pipe.send(len(ws.recorded))
        time.sleep(WAIT * 10)


@pytest.fixture
def voting(found: Callable[[Charter], Organization]) -> tuple[Organization, str]:
    """A federation whose a1 deputy election (candidates a1-2 and a1-3) is voting."""
    org = found(city_federation())
    org.act(audit.schedule)
    election = org.pending("a1.deputy").id
    org.act(lambda ws: elections.nominate(ws, election, "a1-2", "a1-1"))
    org.act(lambda ws: elections.accept(ws, election, "a1-2"))
    org.act(lambda ws: elections.nominate(ws, election, "a1-3", "a1-1"))
    org.act(lambda ws: elections.accept(ws, election, "a1-3"))
    org.act(lambda ws: elections.start(ws, election, "a1-1"))
    return org, election


@pytest.fixture
def keys(voting: tuple[Organization, str], tmp_path: Path) -> Path:
    """A key folder holding every member's key, as each member's own side holds it."""
    org, _ = voting
    folder = KeyFolder(str(org.events()[0].data["origin"]), tmp_path / "keys")
    for member in sorted(org.read(lambda ws: ws.member_ids())):
        with folder.writing(member, org.keyring.key_of(member)):
            pass
    return folder.folder


def cli_env(org: Organization, keys: Path) -> dict[str, str]:
    return {
        "SOVIET_DB": org.url,
        "SOVIET_NOW": org.now,
        "SOVIET_ALLOW_CLOCK": "1",
        "SOVIET_KEYS": str(keys),
    }


def ballots_of(org: Organization, election: str) -> list[tuple[str, tuple[str, ...] | None]]:
    return org.read(lambda ws: ws.ballots(election))


def assert_log_is_whole(org: Organization) -> int:
    """Seqs 1..n with no gap or repeat, and a Merkle tree of n leaves that stores every
    complete subtree once; returns n."""
    events = org.events()
    n = len(events)
    assert [e.seq for e in events] == list(range(1, n + 1))
    complete = sum(n >> level for level in range(1, n.bit_length()))
    with org.soviet.snapshot() as conn:
        assert merkle.tree_size(conn) == log.size(conn) == n
        stored = conn.execute(select(func.count()).select_from(merkle_nodes)).scalar_one()
    assert stored == complete
    return n


def test_one_member_voting_in_six_processes_at_once_leaves_one_ballot_that_counts(
    voting: tuple[Organization, str], keys: Path, databases: Databases
) -> None:
    org, election = voting
    size = len(org.events())
    commands = [["vote", election, "a1-2", "--as", "a1-4"] for _ in range(6)]

    outcomes = run_together(commands, cli_env(org, keys))

    # each vote after the first changes it: the log keeps all six, each naming the one
    # it replaces, and one ballot counts
    assert [code for code, _, _ in outcomes] == [0] * 6, outcomes
    assert ballots_of(org, election) == [("a1-4", ("a1-2",))]
    new = org.events(size + 1)
    assert [(e.type, e.actor) for e in new] == [(ev.BALLOT_CAST, "a1-4")] * 6
    assert all(e.signed is not None and e.signed["statement"]["actor"] == "a1-4" for e in new)
    assert "replaces" not in new[0].data
    assert [e.data["replaces"] for e in new[1:]] == [e.seq for e in new[:-1]]
    assert_log_is_whole(org)
    assert_replay_identical(org.url, databases.new())


def test_eight_members_voting_at_once_all_count_on_a_gapless_log(
    voting: tuple[Organization, str], keys: Path, databases: Databases
) -> None:
    org, election = voting
    size = len(org.events())
    commands = [["vote", election, "a1-2", "a1-3", "--as", voter] for voter in A1]

    outcomes = run_together(commands, cli_env(org, keys))

    assert [code for code, _, _ in outcomes] == [0] * 8, outcomes
    assert sorted(voter for voter, _ in ballots_of(org, election)) == A1
    assert assert_log_is_whole(org) == size + 8
    assert sorted(str(e.actor) for e in org.events(size + 1)) == A1
    assert_replay_identical(org.url, databases.new())
    org.act(lambda ws: elections.close(ws, election, "a1-1"))  # everyone voted: early


def test_a_process_killed_inside_a_unit_of_work_leaves_nothing_and_releases_the_lock(
    voting: tuple[Organization, str], keys: Path, databases: Databases
) -> None:
    org, election = voting
    before = org.snapshot()

    # killed alone: nothing of its unit of work remains
    reader, writer = SPAWN.Pipe(duplex=False)
    holder = SPAWN.Process(
        target=hold_a_unit_of_work, args=(org.url, org.now, keys, election, A1[:3], writer)
    )
    holder.start()
    assert reader.poll(WAIT), "the helper never reached its unit of work"
    assert reader.recv() == 3
    os.kill(holder.pid or 0, signal.SIGKILL)
    holder.join(WAIT)
    assert holder.exitcode == -signal.SIGKILL
    assert org.snapshot() == before
    org.act(lambda ws: elections.vote(ws, election, ["a1-3"], "a1-1"))

    # killed while another writer waits for the lock: that writer goes on
    reader, writer = SPAWN.Pipe(duplex=False)
    holder = SPAWN.Process(
        target=hold_a_unit_of_work, args=(org.url, org.now, keys, election, A1[1:4], writer)
    )
    holder.start()
    assert reader.poll(WAIT) and reader.recv() == 3
    barrier = SPAWN.Barrier(2)
    results = SPAWN.Queue()
    waiting = SPAWN.Process(
        target=run_cli,
        args=(["vote", election, "a1-2", "--as", "a1-2"], cli_env(org, keys), barrier, results),
    )
    waiting.start()
    barrier.wait(WAIT)  # it is about to act
    time.sleep(2)
    assert waiting.is_alive(), "a second writer ran while the first held the lock"
    os.kill(holder.pid or 0, signal.SIGKILL)
    holder.join(WAIT)
    code, _, err = results.get(timeout=WAIT)
    waiting.join(WAIT)
    assert code == 0, err

    assert sorted(ballots_of(org, election)) == [("a1-1", ("a1-3",)), ("a1-2", ("a1-2",))]
    assert assert_log_is_whole(org) == before[0] + 2
    assert_replay_identical(org.url, databases.new())
