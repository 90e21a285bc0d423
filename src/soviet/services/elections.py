"""Handlers for elections: open, nominate, start, vote, close — and the mandates a close grants."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from collections.abc import Set as AbstractSet
from dataclasses import replace
from typing import TYPE_CHECKING

from soviet.domain import elections as rules
from soviet.domain import events as ev
from soviet.domain.audit import is_live, open_seats
from soviet.domain.clock import after_days
from soviet.domain.model import Office
from soviet.domain.records import ElectionRecord
from soviet.services import electorates
from soviet.services.checkpoints import log_checkpoint
from soviet.services.consequences import end_mandate, fill_vacancy
from soviet.services.ports import Workspace

if TYPE_CHECKING:
    from soviet import tally


def _member(ws: Workspace, member_id: str) -> str:
    return ws.member(member_id).id  # NotFound for an unknown id


def open_election(ws: Workspace, office_id: str, actor: str) -> ev.Recorded:
    """`soviet election open OFFICE --as MEMBER`."""
    _member(ws, actor)
    office = electorates.office(ws, office_id)
    seats = open_seats(
        office, ws.active_mandates(office=office.id), electorates.eligible(ws, office), ws.now
    )
    event = rules.open_election(
        office,
        actor,
        electorates.electorate(ws, office),
        len(seats),
        ws.pending_election(office.id),
        ws.next_id("election"),
    )
    return ws.record(event)


def nominate(ws: Workspace, election_id: str, candidate: str, actor: str) -> ev.Recorded:
    """`soviet election nominate ELECTION CANDIDATE --as MEMBER`."""
    _member(ws, actor)
    _member(ws, candidate)
    election = ws.election(election_id)
    office = electorates.office(ws, election.office)
    eligible = electorates.eligible(ws, office)
    held = {
        m.holder: m.seat
        for m in ws.active_mandates(office=office.id)
        if is_live(m, eligible, ws.now)
    }
    event = rules.nominate(
        election,
        office,
        actor,
        electorates.electorate(ws, office),
        candidate,
        eligible,
        held,
    )
    return ws.record(event)


def start(ws: Workspace, election_id: str, actor: str) -> ev.Recorded:
    """`soviet election start ELECTION --as MEMBER`: freeze the roll, open the vote."""
    _member(ws, actor)
    election = ws.election(election_id)
    office = electorates.office(ws, election.office)
    seats = open_seats(
        office, ws.active_mandates(office=office.id), electorates.eligible(ws, office), ws.now
    )
    event = rules.start(
        election, office, actor, electorates.electorate(ws, office), len(seats), ws.now
    )
    return ws.record(event)


def vote(ws: Workspace, election_id: str, choice: Sequence[str], voter: str) -> ev.Recorded:
    """`soviet vote ELECTION CHOICE… --as MEMBER`."""
    _member(ws, voter)
    election = ws.election(election_id)
    office = electorates.office(ws, election.office)
    event = rules.cast(
        election, office, voter, list(choice), electorates.eligible(ws, office), ws.now
    )
    return ws.record(event)


def count(
    ws: Workspace, election: ElectionRecord, office: Office, eligible: AbstractSet[str], seed: bytes
) -> tuple[tally.Result, list[str]]:
    """The count of an election's ballots and its winners, as the close makes it — and as
    `soviet verify` redoes it from the log, in the state the log had at the close.

    Candidates not in `eligible` are withdrawn from the count, and so are those who hold
    another seat of the office by a live mandate: one person holds one seat of an office.
    Lots are drawn from `seed`.
    """
    from soviet import tally  # numpy is loaded only when something is counted

    candidates = election.candidates
    index = {name: number for number, name in enumerate(candidates)}
    # Identical choices counted first: the profile is the same (unique rankings in order
    # of first appearance, with their counts), built from a few rows instead of every ballot.
    choices = Counter(choice for _, choice in ws.ballots(election.id))
    profile = tally.Profile.from_ballots(
        candidates,
        [[index[c] for c in choice] for choice in choices],
        list(choices.values()),
        title=election.id,
    )
    seated = {
        m.holder for m in ws.active_mandates(office=office.id) if is_live(m, eligible, ws.now)
    }
    withdrawn = frozenset(index[c] for c in candidates if c not in eligible or c in seated)
    if withdrawn:
        profile = replace(profile, withdrawn=withdrawn)
    result = tally.count(profile, office.method, election.seats, seed=seed)
    return result, list(result.winners)[: election.seats]


def close(ws: Workspace, election_id: str, actor: str) -> ev.Recorded:
    """`soviet election close ELECTION --as MEMBER`: count, record the result with every
    round, grant one mandate per seat won, and log a signed checkpoint of it all.

    Candidates no longer eligible at the close are withdrawn from the count; ties broken
    by lot are drawn from the log's root hash before the close, which anyone can redo.
    """
    _member(ws, actor)
    election = ws.election(election_id)
    office = electorates.office(ws, election.office)
    rules.may_close(election, actor, ws.now)
    eligible = electorates.eligible(ws, office)
    seed = ws.root_hash()
    result, winners = count(ws, election, office, eligible, seed)

    closed = ws.record(
        ev.Event(
            ev.ELECTION_CLOSED,
            actor,
            {
                "election": election.id,
                "winners": winners,
                "seed": seed.hex(),
                "result": result.to_json(),
            },
        )
    )
    active = ws.active_mandates(office=office.id)
    seats = open_seats(office, active, eligible, ws.now)
    for winner, seat in rules.assign_seats(winners, seats, active):
        ws.record(
            ev.Event(
                ev.MANDATE_GRANTED,
                None,
                {
                    "mandate": ws.next_id("mandate"),
                    "office": office.id,
                    "holder": winner,
                    "seat": seat,
                    "election": election.id,
                    "until": after_days(ws.now, office.term_days),
                    "cause": closed.seq,
                },
            )
        )
        # A seat held without a live mandate (unelected, expired, ineligible) is taken
        # over: its old mandate ends after the new one is granted, so a holder re-elected
        # to the same seat never loses the seats that depend on it.
        for old in (m for m in active if m.seat == seat):
            ending = ev.MANDATE_EXPIRED if old.expired_at(ws.now) else ev.MANDATE_LAPSED
            end_mandate(
                ws,
                ev.Event(
                    ending,
                    None,
                    {
                        "mandate": old.id,
                        "reason": f"seat {seat} filled by election {election.id}",
                        "cause": closed.seq,
                    },
                ),
                refill=False,
            )
    fill_vacancy(ws, office, cause=closed.seq)
    log_checkpoint(ws, cause=closed.seq)
    return closed
