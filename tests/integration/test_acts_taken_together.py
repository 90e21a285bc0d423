"""Acts taken together in one unit of work, as the server's group commit takes them,
record exactly what they record taken one unit of work each at the same instant — what
the clock makes due included, which is asked again only after an event that may make
something due (`soviet.domain.due.QUIET`)."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from contextlib import suppress
from functools import partial
from typing import Any

import pytest

from integration.conftest import Organization, office, people
from soviet.domain import commands as cmd
from soviet.domain import events as ev
from soviet.domain.model import Body, Charter, Procedure, Rules
from soviet.errors import SovietError
from soviet.services.deciding import take
from soviet.storage.workspace import SqlWorkspace

#: Nominations close after a day; as many candidates as seats are then returned
#: unopposed, and a vote closes by itself when its day is over.
RULES = Rules(
    term_days=30,
    voting_days=1,
    procedure=Procedure(nomination_days=1, uncontested="elect", auto_close=True),
)


def works() -> Charter:
    """One assembly of eight that elects a chair and a two-seat board."""
    return Charter(
        name="Works",
        origin="works.example.org",
        rules=RULES,
        bodies=(Body("works", "Works", "assembly"),),
        offices=(
            office("works.chair", "works", 1, rules=RULES),
            office("works.board", "works", 2, rules=RULES),
        ),
        members=people("works", 8),
        founders=("works-1",),
    )


def prepared(org: Organization) -> int:
    """The chair's election with two candidates, its nominations closed (so contested:
    nothing due); the board's vote started at that instant, open for a day. The seq of
    the next event."""
    org.act(lambda ws: take(ws, cmd.OpenElection("works-1", "works.chair")))  # E1
    for candidate in ("works-2", "works-3"):
        org.act(partial(take, act=cmd.Nominate(candidate, "E1", candidate)))
    org.act(lambda ws: take(ws, cmd.OpenElection("works-1", "works.board")))  # E2
    for candidate in ("works-4", "works-5", "works-6"):
        org.act(partial(take, act=cmd.Nominate(candidate, "E2", candidate)))
    org.tick(days=1, hours=1)
    org.act(lambda ws: take(ws, cmd.StartElection("works-1", "E2")))
    return len(org.events()) + 1


def ballot(voter: str) -> cmd.CastBallot:
    return cmd.CastBallot(voter, "E2", ("works-4", "works-5"))


#: Ballots, a refusal (a second ballot naming a non-candidate), then a withdrawal that
#: leaves the chair's election one candidate for one seat: the next act's turn finds it
#: due and returns them unopposed, before a ballot that follows.
ACTS: Sequence[cmd.Command] = (
    ballot("works-1"),
    ballot("works-2"),
    cmd.CastBallot("works-3", "E2", ("works-1",)),
    ballot("works-3"),
    cmd.Withdraw("works-3", "E1", "works-3"),
    ballot("works-4"),
    ballot("works-5"),
)


def taken(acts: Sequence[cmd.Command]) -> Callable[[SqlWorkspace], None]:
    """Take the acts in order in one unit of work, as the group commit does: a refusal
    records nothing and the unit of work goes on."""

    def each(ws: SqlWorkspace) -> None:
        for act in acts:
            with suppress(SovietError):
                take(ws, act)

    return each


def logged(org: Organization, start: int) -> list[tuple[str, str | None, Mapping[str, Any]]]:
    """The events from `start` on, as the log records them (their statements aside: each
    carries a nonce of its own)."""
    return [(e.type, e.actor, e.data) for e in org.events(start)]


def test_acts_taken_together_record_what_they_record_taken_one_by_one(
    found: Callable[[Charter], Organization],
) -> None:
    apart, together = found(works()), found(works())
    start = {prepared(org) for org in (apart, together)}.pop()
    for act in ACTS:
        apart.act(taken([act]))
    together.act(taken(ACTS))
    events = logged(together, start)
    assert events == logged(apart, start)
    closed = [data for kind, _, data in events if kind == ev.ELECTION_CLOSED]
    assert [(c["election"], c["outcome"]) for c in closed] == [("E1", "unopposed")]
    after = [kind for kind, _, _ in events[-4:]]  # the close came between two ballots
    assert after[0] == ev.ELECTION_CLOSED and after[-1] == ev.BALLOT_CAST


def test_a_vote_ended_by_the_clock_closes_before_the_first_act_taken_together(
    found: Callable[[Charter], Organization],
) -> None:
    apart, together = found(works()), found(works())
    start = {prepared(org) for org in (apart, together)}.pop()
    for org in (apart, together):
        org.tick(days=1)
    acts: list[cmd.Command] = [cmd.Withdraw("works-3", "E1", "works-3"), ballot("works-6")]
    for act in acts:
        apart.act(taken([act]))
    together.act(taken(acts))
    events = logged(together, start)
    assert events == logged(apart, start)
    closed = [data["election"] for kind, _, data in events if kind == ev.ELECTION_CLOSED]
    assert closed == ["E2", "E1"]


def test_ballots_taken_together_ask_once_what_the_clock_made_due(
    found: Callable[[Charter], Organization], monkeypatch: pytest.MonkeyPatch
) -> None:
    org = found(works())
    prepared(org)
    asked: list[str] = []
    pending = SqlWorkspace.pending_elections

    def counted(ws: SqlWorkspace, due_by: str | None = None) -> list[object]:
        asked.append(ws.now)
        return list(pending(ws, due_by))

    monkeypatch.setattr(SqlWorkspace, "pending_elections", counted)
    recorded = org.act(lambda ws: [take(ws, ballot(f"works-{i}")) for i in range(1, 6)])
    assert [e.type for e in recorded] == [ev.BALLOT_CAST] * 5
    assert len(asked) == 1
    asked.clear()
    # asked before the withdrawal, after it (E1 returned unopposed) and after that close
    # (nothing): then not before the last ballot
    acts: list[cmd.Command] = [cmd.Withdraw("works-3", "E1", "works-3")]
    acts += [ballot(f"works-{i}") for i in (6, 7, 8)]
    recorded = org.act(taken(acts))
    assert recorded[-1].type == ev.BALLOT_CAST and recorded[-1].actor == "works-8"
    assert len(asked) == 3
