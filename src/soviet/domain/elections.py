"""The rules of elections: who may open, nominate, start, vote and close, and what each does.

Each function checks one act against the rules and returns the event that records it, or
raises `Refused` naming the rule. State comes in as values; nothing here reads a database.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from types import MappingProxyType

from soviet.domain import events as ev
from soviet.domain import votes
from soviet.domain.model import RANKED_METHODS, Office
from soviet.domain.records import ElectionRecord, MandateRecord
from soviet.errors import Refused

#: The most candidates one election takes: every counting method counts that many
#: quickly and exactly (the pairwise methods take at most 200; see soviet.tally.limits).
MAX_CANDIDATES = 200


def require_elector(actor: str, electorate: Collection[str], office: Office, act: str) -> None:
    """Only electors of an office act on its elections and mandates."""
    if actor not in electorate:
        raise Refused(
            f"{actor!r} may not {act}: only electors of office {office.id!r} "
            f"(members of {office.body!r}) may"
        )


def open_election(
    office: Office,
    actor: str | None,
    electorate: Collection[str],
    open_seats: int,
    pending: ElectionRecord | None,
    election_id: str,
    *,
    cause: int | None = None,
    reason: str | None = None,
) -> ev.Event:
    """Open an election for the open seats of an office (a by-election when `cause` is set)."""
    if actor is not None:
        require_elector(actor, electorate, office, f"open an election for {office.id!r}")
    if pending is not None:
        raise Refused(
            f"office {office.id!r} already has election {pending.id} ({pending.status}); "
            "take part in that one"
        )
    if open_seats < 1:
        raise Refused(f"office {office.id!r} has no open seat to elect")
    data: dict[str, object] = {"election": election_id, "office": office.id, "seats": open_seats}
    if cause is not None:
        data["cause"] = cause
    if reason is not None:
        data["reason"] = reason
    return ev.Event(ev.ELECTION_OPENED, actor, data)


def nominate(
    election: ElectionRecord,
    office: Office,
    actor: str,
    electorate: Collection[str],
    candidate: str,
    eligible: Collection[str],
    held: Mapping[str, int] = MappingProxyType({}),
) -> ev.Event:
    """Nominate an eligible candidate (the nominator may name themselves) who holds no live
    seat of the office; `held` maps each live holder of the office to their seat."""
    if election.status != "nominating":
        raise Refused(f"election {election.id} is {election.status}: nominations are closed")
    require_elector(actor, electorate, office, f"nominate in election {election.id}")
    if candidate not in eligible:
        raise Refused(
            f"{candidate!r} is not eligible for office {office.id!r}: candidates must be "
            + (
                "members of the organization"
                if office.eligible == "members"
                else f"electors of {office.body!r}"
            )
        )
    if candidate in election.candidates:
        raise Refused(f"{candidate!r} is already a candidate in election {election.id}")
    if len(election.candidates) >= MAX_CANDIDATES:
        raise Refused(
            f"election {election.id} has {len(election.candidates)} candidates, the most one "
            "election takes; no more can be nominated"
        )
    if candidate in held:
        raise Refused(
            f"{candidate!r} already holds seat {held[candidate]} of office {office.id!r}: "
            "one holder has one seat; nominate someone else"
        )
    return ev.Event(
        ev.CANDIDATE_NOMINATED, actor, {"election": election.id, "candidate": candidate}
    )


def start(
    election: ElectionRecord,
    office: Office,
    actor: str,
    electorate: Collection[str],
    open_seats: int,
    now: str,
) -> ev.Event:
    """Start the vote: the roll is frozen to the electorate as it is now, and the event
    commits to it (`soviet.domain.votes`)."""
    if election.status != "nominating":
        raise Refused(f"election {election.id} is {election.status}: it cannot start again")
    if not electorate:
        raise Refused(
            f"election {election.id} cannot start: its roll would be empty (the body "
            f"{office.body!r} has no members yet; it waits for the bodies below)"
        )
    require_elector(actor, electorate, office, f"start election {election.id}")
    if not election.candidates:
        raise Refused(f"election {election.id} cannot start: nobody has been nominated")
    if open_seats < 1:
        raise Refused(f"office {office.id!r} has no open seat left to elect")
    return ev.Event(
        ev.ELECTION_STARTED,
        actor,
        {
            "election": election.id,
            **votes.commit(electorate).data(),
            "seats": open_seats,
            "voting_ends": votes.voting_ends(now, office.voting_days),
        },
    )


def cast(
    election: ElectionRecord,
    office: Office,
    voter: str,
    choice: Sequence[str],
    eligible: Collection[str],
    now: str,
) -> ev.Event:
    """Cast one ballot: only electors on the roll, once, for eligible candidates."""
    if election.status != "voting":
        state = "closed" if election.status == "closed" else "not open for voting yet"
        raise Refused(f"election {election.id} is {state}: no ballot can be cast")
    votes.may_cast(
        f"election {election.id}",
        election.roll,
        voter in election.voters,
        election.voting_ends,
        voter,
        now,
    )
    if not choice:
        raise Refused("a ballot names at least one candidate")
    if len(set(choice)) != len(choice):
        raise Refused("a ballot names each candidate at most once")
    for candidate in choice:
        if candidate not in election.candidates:
            raise Refused(f"{candidate!r} is not a candidate in election {election.id}")
        if candidate not in eligible:
            raise Refused(
                f"{candidate!r} is no longer eligible for office {office.id!r}; "
                "choose another candidate"
            )
    if office.method == "plurality" and len(choice) > election.seats:
        raise Refused(
            f"election {election.id} is by plurality for {election.seats} seat(s): "
            f"name at most {election.seats} candidate(s)"
        )
    return ev.Event(ev.BALLOT_CAST, voter, {"election": election.id, "choice": list(choice)})


def may_close(election: ElectionRecord, actor: str, now: str) -> None:
    """Any elector on the roll closes the vote; early only once everyone on it has voted."""
    if election.status != "voting":
        raise Refused(f"election {election.id} is {election.status}: only a vote can close")
    votes.may_close(
        f"election {election.id}",
        election.roll,
        len(election.voters),
        election.voting_ends,
        actor,
        now,
    )


def assign_seats(
    winners: Sequence[str], open_seats: Sequence[int], active: Sequence[MandateRecord]
) -> list[tuple[str, int]]:
    """The open seat each winner takes, in order of election: a winner who holds one of the
    open seats already (imported, expired) keeps that seat; the others take the open seats
    nobody holds first, then those held without a live mandate, in seat order — so nobody
    is displaced while a vacant seat is left."""
    own = {m.holder: m.seat for m in active if m.seat in open_seats}
    kept = {own[w] for w in winners if w in own}
    held = {m.seat for m in active}
    free = iter(sorted((s for s in open_seats if s not in kept), key=lambda s: (s in held, s)))
    seats: list[tuple[str, int]] = []
    for winner in winners:
        seat = own[winner] if winner in own else next(free, None)
        if seat is not None:
            seats.append((winner, seat))
    return seats


def ballot_is_ranked(office: Office) -> bool:
    """Whether the office's ballots are rankings (else sets of choices)."""
    return office.method in RANKED_METHODS
