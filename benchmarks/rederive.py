"""How fast a log re-derives: one assembly of N members elects its delegate by IRV, every
member votes, the election closes; then the whole log is re-derived act by act
(`soviet.domain.rederive.check`). Prints the time to build the log and to re-derive it.

    python benchmarks/rederive.py [MEMBERS]
"""

from __future__ import annotations

import random
import sys
import time
from fractions import Fraction

from soviet.domain import commands as cmd
from soviet.domain import events as ev
from soviet.domain.decider import decide
from soviet.domain.events import Recorded
from soviet.domain.founding import found
from soviet.domain.model import Body, Charter, Member, Office, Rules
from soviet.domain.rederive import check
from soviet.domain.state import MemoryState
from soviet.ledger.compact import Range
from soviet.ledger.entries import encode_entry, parse_canonical_value
from soviet.ledger.hashing import leaf_hash

NOW = "2026-03-02T09:00:00Z"


def build(members: int) -> list[Recorded]:
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

    def record(event: ev.Event) -> None:
        data, text = parse_canonical_value(dict(event.data))
        recorded = Recorded(len(events) + 1, NOW, event.type, event.actor, data)
        state.apply(recorded)
        events.append(recorded)
        tree.append(leaf_hash(encode_entry(recorded.seq, NOW, event.type, event.actor, text)))

    def act(command: cmd.Command) -> None:
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
    return events


def main() -> None:
    members = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    start = time.perf_counter()
    events = build(members)
    built = time.perf_counter() - start
    start = time.perf_counter()
    found = list(check(events))
    took = time.perf_counter() - start
    print(
        f"{len(events):,} events ({members:,} ballots): built by the decider in {built:.2f} s; "
        f"re-derived in {took:.2f} s ({took / len(events) * 1e6:.1f} µs an event); "
        f"{len(found)} discrepancies"
    )


if __name__ == "__main__":
    main()
