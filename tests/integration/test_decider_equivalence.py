"""The decider on the database and the decider in memory agree: logs recorded by the
services (the decider run on the unit of work's projections) — the demo's, hand-made
stories, random sequences of acts — re-derive act by act from the log alone (the decider
run on `MemoryState`), event for event and field for field, and any single field changed
in a logged consequence is caught."""

from __future__ import annotations

import io
from collections import Counter
from collections.abc import Sequence
from dataclasses import replace
from functools import partial
from pathlib import Path
from typing import Any, ClassVar

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.stateful import run_state_machine_as_test
from rich.console import Console

from integration.conftest import Databases, Organization, city_federation
from integration.test_invariants import FederationMachine
from soviet.demo import script
from soviet.domain import events as ev
from soviet.domain.events import Recorded
from soviet.domain.model import Holding
from soviet.domain.rederive import Rederivation, check
from soviet.services import audit, members, recall
from soviet.storage import database, log

MACHINE = settings(
    max_examples=12,
    stateful_step_count=25,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


def rederive(events: Sequence[Recorded]) -> tuple[list[str], Rederivation]:
    """Every discrepancy of a log, as text, and the pass that found them."""
    rederivation = Rederivation()
    found = [d for e in events for d in rederivation.feed(e)] + rederivation.finish()
    return [str(d) for d in found], rederivation


def test_the_demo_log_re_derives_act_for_act(tmp_path: Path) -> None:
    path = script.run(tmp_path / "demo", 1917, Console(file=io.StringIO()))
    engine = database.create_engine(f"sqlite:///{path}")
    try:
        with engine.connect() as conn:
            events = list(log.read(conn))
    finally:
        engine.dispose()
    found, rederivation = rederive(events)
    assert found == []
    types = Counter(e.type for e in events)
    print(f"demo: {len(events)} events, {rederivation.acts} acts re-derived, {dict(types)}")
    assert rederivation.acts > 500
    for reached in (ev.CHECKPOINT_LOGGED, ev.MANDATE_LAPSED, ev.MANDATE_RECALLED):
        assert types[reached] > 0


def test_a_story_of_every_consequence_re_derives(found: Any) -> None:
    org: Organization = found(city_federation(holdings=[Holding("a1.deputy", "a1-5")]))
    org.act(audit.schedule)
    org.elect("a1.deputy", ["a1-2"])  # takes over the imported seat
    org.elect("a2.deputy", ["a2-1", "a2-2"])
    org.elect("district.deputy", ["a1-2"])
    org.elect("city.chair", ["a1-2"])
    # recall at once by signatures: the cascade to the city, level after level
    org.act(lambda ws: recall.open_petition(ws, "M5", "above", "a2-1"))  # soon moot
    org.act(lambda ws: recall.open_petition(ws, "M2", "no", "a1-3"))
    for signer in ("a1-4", "a1-5", "a1-6"):
        org.act(partial(recall.sign, petition_id="P2", actor=signer))
    org.elect("a1.deputy", ["a1-7"])
    # a recall vote that passes
    org.act(lambda ws: recall.open_petition(ws, "M4", "no", "a2-3"))
    org.act(lambda ws: recall.sign(ws, "P3", "a2-4"))
    for voter in ("a2-3", "a2-4", "a2-5"):
        org.act(partial(recall.vote, petition_id="P3", choice="yes", voter=voter))
    org.tick(days=3)
    org.act(lambda ws: recall.close(ws, "P3", "a2-6"))
    # leaving lapses a seat; the term runs out; the purge expires and re-opens
    org.act(lambda ws: members.leave(ws, "a2-2", "a2", "a2-2"))
    org.tick(days=31)
    org.act(audit.schedule)
    events = org.events()
    types = Counter(e.type for e in events)
    for reached in (
        ev.MANDATE_EXPIRED,
        ev.MANDATE_LAPSED,
        ev.MANDATE_RECALLED,
        ev.RECALL_CLOSED,
        ev.ELECTION_OPENED,
    ):
        assert types[reached] > 0, reached
    found_, rederivation = rederive(events)
    assert found_ == []
    assert rederivation.acts > 30


def mutated(value: Any, how: int) -> Any:
    """A different value of the same kind."""
    if isinstance(value, bool):
        return not value
    if isinstance(value, int):
        return value + 1 + how % 3
    if isinstance(value, str):
        return value + "x" if how % 2 else value[:-1] if value else "x"
    if value is None:
        return 1
    if isinstance(value, list):
        return (
            [*value, value[0]]
            if value and how % 2
            else value[::-1]
            if len(set(map(str, value))) > 1
            else [*value, "x"]
        )
    return {**value, "x": how}


def consequences(events: Sequence[Recorded]) -> list[int]:
    """The indices of the logged consequences of acts (the founding's are not re-derived)."""
    first_act = next(
        (
            i
            for i, e in enumerate(events)
            if i > 0 and (e.actor is not None or e.data.get("cause") != 1)
        ),
        len(events),
    )
    return [
        i
        for i, e in enumerate(events)
        if i >= first_act and e.actor is None and e.data.get("cause") is not None
    ]


def test_random_acts_re_derive_and_a_changed_consequence_is_caught(
    databases: Databases,
) -> None:
    tally: Counter[str] = Counter()
    logs: list[list[Recorded]] = []

    class Machine(FederationMachine):
        kept: ClassVar[list[list[Recorded]]] = logs

        def teardown(self) -> None:
            if self.org is not None:
                events = self.o.events()
                found, rederivation = rederive(events)
                assert found == [], found[:5]
                tally["logs"] += 1
                tally["acts"] += rederivation.acts
                tally["events"] += len(events)
                self.kept.append(events)
            super().teardown()

    Machine.databases = databases
    Machine.tally = tally
    run_state_machine_as_test(Machine, settings=MACHINE)
    assert tally["logs"] > 0 and tally["acts"] > 0
    pool = [(n, i) for n, events in enumerate(logs) for i in consequences(events)]
    assert pool, "no example reached a consequence"

    @settings(max_examples=150, deadline=None)
    @given(st.sampled_from(pool), st.integers(0, 1000), st.integers(0, 5))
    def a_changed_field_is_caught(where: tuple[int, int], pick: int, how: int) -> None:
        events = list(logs[where[0]])
        i = where[1]
        event = events[i]
        fields = [k for k in event.data if k != "checkpoint"] + ["actor"]
        key = fields[pick % len(fields)]
        if key == "actor":
            forged = replace(event, actor="a1-1")
        else:
            forged = replace(event, data={**event.data, key: mutated(event.data[key], how)})
        events[i] = forged
        found = list(check(events))
        assert any(d.seq == event.seq for d in found), (key, event, found[:3])
        tally["mutations caught"] += 1

    a_changed_field_is_caught()
    print(dict(tally))
