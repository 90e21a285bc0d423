"""How fast a log re-derives: one assembly of N members elects its delegate by IRV, every
member votes, the election closes; then the whole log is re-derived act by act
(`soviet.domain.rederive.Rederivation`), once growing its own tree of the leaves for the
seeds (`track_root=True`, as `check` does) and once as the verifier does it, which grows
the tree itself and passes the root before each close (`track_root=False`). Prints the
time per event of each, the time per ballot event, and the machine's load average.

    python benchmarks/rederive.py [--ballots N ...]     (default: 100000 1000000)

The log is built in memory and frozen out of the garbage collector before it is
re-derived: a verifier reads the log from storage a page at a time and holds none of it,
so the collector would otherwise walk a million events the re-derivation never keeps.
"""

from __future__ import annotations

import argparse
import gc
import os
import random
import time
from fractions import Fraction

from soviet.domain import commands as cmd
from soviet.domain import events as ev
from soviet.domain.decider import decide
from soviet.domain.events import Recorded
from soviet.domain.founding import found
from soviet.domain.model import Body, Charter, Member, Office, Rules
from soviet.domain.rederive import Rederivation
from soviet.domain.state import MemoryState
from soviet.ledger.compact import Range
from soviet.ledger.entries import encode_entry, parse_canonical_value
from soviet.ledger.hashing import leaf_hash

NOW = "2026-03-02T09:00:00Z"


def build(members: int) -> tuple[list[Recorded], dict[int, bytes]]:
    """The log, and the root of its tree before each close (what the verifier passes)."""
    charter = Charter(
        name="Depot",
        origin="councils.example.org/depot",
        rules=Rules(),
        bodies=(Body("depot", "Depot", "assembly"),),
        offices=(
            Office("depot.delegate", "depot", "Delegate", 1, "irv", recall_petition=Fraction(1, 4)),
        ),
        members=tuple(Member(f"m{i}", f"m{i}", ("depot",)) for i in range(members)),
        founders=("m0",),
    )
    state, tree = MemoryState(), Range()
    events: list[Recorded] = []
    roots: dict[int, bytes] = {}

    def record(event: ev.Event) -> None:
        data, text = parse_canonical_value(dict(event.data))
        recorded = Recorded(len(events) + 1, NOW, event.type, event.actor, data)
        state.apply(recorded)
        events.append(recorded)
        tree.append(leaf_hash(encode_entry(recorded.seq, NOW, event.type, event.actor, text)))

    def act(command: cmd.Command) -> None:
        if isinstance(command, cmd.CloseElection):
            roots[len(events) + 1] = tree.root()
        for event in decide(state, command, NOW, seed=tree.root()):
            record(event)

    for event in found(charter, None):
        record(event)
    act(cmd.OpenElection("m0", "depot.delegate"))
    candidates = ("m1", "m2", "m3", "m4")
    for candidate in candidates:
        act(cmd.Nominate("m0", "E1", candidate))
    act(cmd.StartElection("m0", "E1"))
    rng = random.Random(1917)
    for i in range(members):
        ranking = list(candidates)
        rng.shuffle(ranking)
        act(cmd.CastBallot(f"m{i}", "E1", tuple(ranking[: rng.randint(1, 4)])))
    act(cmd.CloseElection("m0", "E1"))
    return events, roots


def rederive(
    events: list[Recorded], roots: dict[int, bytes], *, track_root: bool
) -> dict[str, float]:
    """Seconds for the whole log and for its ballots, and how many discrepancies."""
    rederivation = Rederivation(track_root=track_root)
    feed = rederivation.feed
    found = 0
    ballots = 0.0
    start = time.perf_counter()
    first_ballot = next(i for i, e in enumerate(events) if e.type == ev.BALLOT_CAST)
    for event in events[:first_ballot]:
        found += len(feed(event, None if track_root else roots.get(event.seq)))
    middle = time.perf_counter()
    for event in events[first_ballot:]:
        found += len(feed(event, None if track_root else roots.get(event.seq)))
    found += len(rederivation.finish())
    end = time.perf_counter()
    ballots = end - middle
    return {"total": end - start, "ballots": ballots, "found": found}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--ballots", type=int, nargs="+", default=[100_000, 1_000_000], metavar="N")
    for members in parser.parse_args().ballots:
        start = time.perf_counter()
        events, roots = build(members)
        built = time.perf_counter() - start
        gc.collect()
        gc.freeze()
        print(f"{len(events):,} events ({members:,} ballots), built in {built:.1f} s")
        for track_root in (False, True):
            took = rederive(events, roots, track_root=track_root)
            print(
                f"  track_root={track_root!s:5}: {took['total']:6.1f} s, "
                f"{took['total'] / len(events) * 1e6:5.1f} µs an event, "
                f"{took['ballots'] / members * 1e6:5.1f} µs a ballot; "
                f"{took['found']:.0f} discrepancies; "
                f"load average {' '.join(f'{n:.2f}' for n in os.getloadavg())}"
            )
        del events, roots
        gc.unfreeze()
        gc.collect()


if __name__ == "__main__":
    main()
