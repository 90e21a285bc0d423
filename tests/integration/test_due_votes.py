"""A vote whose period ended is due only where its office closes a vote by itself
(`auto_close`): one that waits for someone to close it is not asked again by every act
that follows, in the database or in the replayed state, and one that closes by itself
still does so at the next act."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from functools import partial

from integration.conftest import Organization, office, people
from soviet.domain import commands as cmd
from soviet.domain import events as ev
from soviet.domain.model import Body, Charter, Procedure, Rules
from soviet.domain.state import MemoryState
from soviet.services.audit import apply_due
from soviet.services.deciding import take

WAITS = Rules(term_days=30, voting_days=1, procedure=Procedure(auto_close=False))
CLOSES = replace(WAITS, procedure=Procedure(auto_close=True))


def works() -> Charter:
    """One assembly of eight: its chair's vote waits to be closed, its secretary's closes
    by itself."""
    return Charter(
        name="Works",
        origin="works.example.org",
        rules=WAITS,
        bodies=(Body("works", "Works", "assembly"),),
        offices=(
            office("works.chair", "works", rules=WAITS),
            office("works.secretary", "works", rules=CLOSES),
        ),
        members=people("works", 8),
        founders=("works-1",),
    )


def voted_past_its_end(org: Organization) -> None:
    """Both votes started with two candidates, a ballot each, and their day over."""
    acts: list[cmd.Command] = []
    for election, post in (("E1", "works.chair"), ("E2", "works.secretary")):
        acts.append(cmd.OpenElection("works-1", post))
        acts += [cmd.Nominate(c, election, c) for c in ("works-2", "works-3")]
    for act in acts:
        org.act(partial(take, act=act))
    org.tick(days=3)
    for election in ("E1", "E2"):
        org.act(partial(take, act=cmd.StartElection("works-1", election)))
        org.act(partial(take, act=cmd.CastBallot("works-4", election, ("works-2",))))
    org.tick(days=2)


def test_only_a_vote_that_closes_by_itself_is_due_once_its_period_ended(
    found: Callable[[Charter], Organization],
) -> None:
    org = found(works())
    voted_past_its_end(org)
    now = org.now
    replayed = MemoryState()
    for event in org.events():
        replayed.apply(event)

    in_database = org.read(lambda ws: [e.id for e in ws.pending_elections(due_by=now)])
    in_memory = [e.id for e in replayed.pending_elections(due_by=now)]
    every_open = org.read(lambda ws: [e.id for e in ws.pending_elections()])

    assert in_database == in_memory == ["E2"]
    assert every_open == ["E1", "E2"]


def test_what_the_clock_made_due_closes_the_vote_that_closes_by_itself_alone(
    found: Callable[[Charter], Organization],
) -> None:
    org = found(works())
    voted_past_its_end(org)

    recorded = org.act(apply_due)  # what every act does first

    closed = [e.data["election"] for e in recorded if e.type == ev.ELECTION_CLOSED]
    assert closed == ["E2"]
    assert org.read(lambda ws: [e.id for e in ws.pending_elections()]) == ["E1"]
