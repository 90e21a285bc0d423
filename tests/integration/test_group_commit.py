"""The server's group commit: acts that arrive together are recorded in one unit of
work, each decided on its own — a refusal leaves the others be — with answers that are
exactly what the log says each act recorded."""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import Future

import pytest

from integration.served import Served
from integration.signed import verify
from soviet.api.commits import GroupCommit, Taken
from soviet.domain import commands as cmd
from soviet.domain.statements import signed_from_json
from soviet.errors import Refused
from soviet.storage import log


def started(s: Served) -> str:
    """An open vote for the a1 deputy with two candidates; its election's id."""
    opened = s.act("offices", "a1.deputy", cmd.OpenElection("a1-1", "a1.deputy")).json()
    election = str(opened["events"][0]["data"]["election"])
    for candidate in ("a1-2", "a1-3"):
        assert s.act("elections", election, cmd.Nominate(candidate, election, candidate)).is_success
    assert s.act("elections", election, cmd.StartElection("a1-1", election)).is_success
    return election


def test_ballots_arriving_together_are_each_recorded_and_a_refusal_leaves_the_others(
    served: Callable[[], Served],
) -> None:
    s = served()
    election = started(s)
    voters = [f"a1-{i}" for i in range(1, 9)]
    statements = [
        signed_from_json(s.signed(cmd.CastBallot(voter, election, ("a1-2", "a1-3"))))
        for voter in voters
    ]
    # a2-1 is not on the a1 roll: refused in the middle of the batch
    statements.insert(4, signed_from_json(s.signed(cmd.CastBallot("a2-1", election, ("a1-2",)))))
    lock = threading.Lock()  # the writer takes it around each unit of work
    writer = GroupCommit(s.org.soviet, lock)
    with lock:  # the acts wait while another unit of work is written, then go together
        futures: list[Future[Taken]] = [writer.submit(one) for one in statements]
    refused = futures.pop(4)
    with pytest.raises(Refused, match="a2-1"):
        refused.result(timeout=30)
    answers = [f.result(timeout=30) for f in futures]
    seqs = [a.events[0].seq for a in answers]
    assert [a.events[0].actor for a in answers] == voters
    assert seqs == sorted(seqs) and len(set(seqs)) == len(voters)
    sizes = {a.size for a in answers}
    assert len(sizes) < len(voters), "the ballots were not committed together"
    with s.org.soviet.snapshot() as conn:
        for answer in answers:  # what the log says each act recorded is its answer
            assert log.act_at(conn, answer.events[0].seq) == answer.events
    ballots = s.get(f"/api/v1/elections/{election}").json()["ballots"]
    assert ballots == len(voters)
    assert verify(s.org.url).ok


def test_a_statement_sent_twice_in_one_batch_is_recorded_once(
    served: Callable[[], Served],
) -> None:
    s = served()
    election = started(s)
    body = s.signed(cmd.CastBallot("a1-4", election, ("a1-3",)))
    lock = threading.Lock()
    writer = GroupCommit(s.org.soviet, lock)
    with lock:
        first = writer.submit(signed_from_json(body))
        second = writer.submit(signed_from_json(body))
    taken = first.result(timeout=30)
    with pytest.raises(Refused, match="recorded at seq"):
        second.result(timeout=30)
    assert taken.events[0].actor == "a1-4"
    before = s.size()
    again = s.post(f"/api/v1/elections/{election}/acts", json=body)
    assert again.status_code == 200 and s.size() == before
    assert again.json()["events"] == [e.to_json() for e in taken.events]


def test_commands_arriving_together_are_each_signed_by_the_unit_of_works_signer(
    served: Callable[[], Served],
) -> None:
    s = served()
    election = started(s)
    voters = [f"a1-{i}" for i in range(1, 7)]
    lock = threading.Lock()
    writer = GroupCommit(s.org.soviet, lock)
    with lock:  # commands, as a rehearsal or a benchmark submits them, not statements
        futures = [
            writer.submit(cmd.CastBallot(voter, election, ("a1-3", "a1-2"))) for voter in voters
        ]
    answers = [f.result(timeout=30) for f in futures]

    assert [a.events[0].actor for a in answers] == voters
    assert all(a.events[0].signed is not None for a in answers)  # each by its voter's key
    assert len({a.size for a in answers}) < len(voters), "not committed together"
    assert s.get(f"/api/v1/elections/{election}").json()["ballots"] == len(voters)
    assert verify(s.org.url).ok
