"""The rules of elections: who may open, nominate, start, vote and close, and what each does.

Each function checks one act against the rules and returns the event that records it, or
raises `Refused` naming the rule. State comes in as values; nothing here reads a database.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from types import MappingProxyType

from soviet.domain import events as ev
from soviet.domain import votes
from soviet.domain.clock import after_days
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
    now: str,
    *,
    cause: int | None = None,
    reason: str | None = None,
    kind: str = "regular",
) -> ev.Event:
    """Open an election for the open seats of an office: `regular` (seats never filled, or
    whose terms ended) or a `by-election` (a seat lost otherwise). Nominations stay open
    for the office's nomination period."""
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
    if not office.procedure.legacy:
        data["kind"] = kind
        data["nominations_end"] = after_days(now, office.procedure.nomination_days)
    return ev.Event(ev.ELECTION_OPENED, actor, data)


def nominate(
    election: ElectionRecord,
    office: Office,
    actor: str,
    electorate: Collection[str],
    candidate: str,
    eligible: Collection[str],
    held: Mapping[str, int] = MappingProxyType({}),
    holdings: Sequence[Office] = (),
) -> ev.Event:
    """Nominate an eligible candidate (the nominator may name themselves) who holds no live
    seat of the office; `held` maps each live holder of the office to their seat, and
    `holdings` are the other offices the candidate holds by a live mandate. A nomination
    by someone else counts once the candidate accepts it."""
    if election.status != "nominating":
        raise Refused(f"election {election.id} is {election.status}: nominations are closed")
    require_elector(actor, electorate, office, f"nominate in election {election.id}")
    if candidate in election.withdrawn:
        raise Refused(
            f"{candidate!r} withdrew from election {election.id} and cannot stand in it again"
        )
    if candidate in election.pending:
        raise Refused(
            f"{candidate!r} is already nominated in election {election.id} and has not "
            f"accepted yet (soviet election accept {election.id} --as {candidate})"
        )
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
    check_office_limits(office, candidate, holdings)
    return ev.Event(
        ev.CANDIDATE_NOMINATED, actor, {"election": election.id, "candidate": candidate}
    )


def check_office_limits(office: Office, candidate: str, holdings: Sequence[Office]) -> None:
    """The charter's limits on holding offices together: an `exclusive` office is held
    alone, and nobody holds more than `max_offices` at once."""
    others = [o for o in holdings if o.id != office.id]
    exclusive = [o for o in others if o.procedure.exclusive]
    if others and office.procedure.exclusive:
        raise Refused(
            f"office {office.id!r} is exclusive: {candidate!r} holds {others[0].id!r} and "
            "would have to give it up first (soviet mandate resign)"
        )
    if exclusive:
        raise Refused(
            f"{candidate!r} holds the exclusive office {exclusive[0].id!r}, which is held "
            "alone; they cannot stand for another office while they hold it"
        )
    most = office.procedure.max_offices
    if most is not None and len({o.id for o in others}) >= most:
        raise Refused(
            f"{candidate!r} already holds {len(others)} offices, the most the charter allows "
            f"one member (max_offices = {most})"
        )


def accept(election: ElectionRecord, actor: str, candidate: str) -> ev.Event:
    """A candidate accepts their own nomination by someone else, while nominations are open."""
    if actor != candidate:
        raise Refused(
            f"{actor!r} may not accept for {candidate!r}: only the candidate consents to "
            "their own nomination"
        )
    if election.status != "nominating":
        raise Refused(f"election {election.id} is {election.status}: nominations are closed")
    if candidate in election.candidates:
        raise Refused(f"{candidate!r} is already a candidate in election {election.id}")
    if candidate not in election.pending:
        raise Refused(f"{candidate!r} has not been nominated in election {election.id}")
    return ev.Event(ev.CANDIDATE_ACCEPTED, actor, {"election": election.id, "candidate": candidate})


def withdraw(election: ElectionRecord, actor: str, candidate: str) -> ev.Event:
    """A candidate withdraws (or declines a nomination) until the vote starts."""
    if actor != candidate:
        raise Refused(
            f"{actor!r} may not withdraw {candidate!r}: only a candidate withdraws themselves"
        )
    if election.status != "nominating":
        raise Refused(
            f"election {election.id} is {election.status}: a candidate withdraws only "
            "before the vote starts"
        )
    if candidate not in election.candidates and candidate not in election.pending:
        raise Refused(f"{candidate!r} is not a candidate in election {election.id}")
    return ev.Event(ev.CANDIDATE_WITHDREW, actor, {"election": election.id, "candidate": candidate})


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
    closes = election.nominations_end
    if office.procedure.nominations == "closed" and closes is not None and now < closes:
        raise Refused(
            f"election {election.id} cannot start before its nominations close at {closes} "
            f"(office {office.id!r} has a nomination period of "
            f"{office.procedure.nomination_days} days)"
        )
    if not election.candidates:
        waiting = f"; {len(election.pending)} nominee(s) have not accepted yet" * bool(
            election.pending
        )
        raise Refused(
            f"election {election.id} cannot start: nobody has been nominated{waiting}"
            if not election.pending
            else f"election {election.id} cannot start: no candidate has consented{waiting}"
        )
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
    *,
    previous: int | None = None,
    abstain: bool = False,
    paper_voters: int = 0,
) -> ev.Event:
    """Cast a ballot: only electors on the roll, for eligible candidates, or blank (no
    choice), or an abstention. A voter who voted already (`previous`, the seq of their
    ballot) changes their vote: the latest ballot counts."""
    if election.status != "voting":
        state = "closed" if election.status == "closed" else "not open for voting yet"
        raise Refused(f"election {election.id} is {state}: no ballot can be cast")
    votes.may_cast(f"election {election.id}", election.roll, election.voting_ends, voter, now)
    if (
        paper_voters
        and previous is None
        and len(election.voters) + paper_voters >= len(election.roll)
    ):
        raise Refused(
            f"election {election.id}: all {len(election.roll)} electors on its roll have "
            f"voted ({len(election.voters)} here, {paper_voters} on paper); a ballot more "
            "would count someone twice"
        )
    data: dict[str, object] = {"election": election.id, "choice": list(choice)}
    if previous is not None:
        data["replaces"] = previous
    if abstain:
        if choice:
            raise Refused("an abstention names no candidate")
        data["abstain"] = True
        return ev.Event(ev.BALLOT_CAST, voter, data)
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
    return ev.Event(ev.BALLOT_CAST, voter, data)


#: The paper ballots of an election as the tellers counted them: (how many, choice), an
#: empty choice for blank ones.
PaperBallots = Sequence[tuple[int, tuple[str, ...]]]


def import_paper(
    election: ElectionRecord,
    office: Office,
    tellers: Sequence[str],
    ballots: PaperBallots,
    paper_voters: int,
    source: str,
    eligible: Collection[str],
    now: str,
    *,
    imported: int = 0,
) -> ev.Event:
    """Enter the paper ballots of a vote held in a hall, counted by at least two tellers,
    each an elector on the roll: `paper_voters`, the electors who voted on paper as the
    tellers give it, is the number of ballots, and with those who voted online stays
    within the roll. One import per election (`imported`: the paper voters it has); the
    close counts the paper ballots with the online ones. The first teller is the actor."""
    name = f"election {election.id}"
    if election.status != "voting":
        raise Refused(
            f"{name} is {election.status}: paper ballots are imported only while it is voting"
        )
    if len(tellers) < 2:
        raise Refused(
            f"paper ballots are entered by at least two tellers (--as TELLER --as TELLER), "
            f"not {len(tellers)}"
        )
    for teller in tellers:
        if tellers.count(teller) > 1:
            raise Refused(f"teller {teller!r} is named twice: the tellers are different electors")
        if teller not in election.roll:
            raise Refused(
                f"teller {teller!r} is not on the roll of {name}: tellers are electors on it"
            )
    votes.may_cast(name, election.roll, election.voting_ends, tellers[0], now)
    if imported:
        raise Refused(
            f"{name} has its paper ballots already ({imported} paper voters): one import "
            "per election"
        )
    if len(source) != 64 or any(ch not in "0123456789abcdef" for ch in source):
        raise Refused(f"the source of paper ballots is a hex SHA-256, not {source!r}")
    if paper_voters < 1:
        raise Refused(
            f"--paper-voters is how many electors voted on paper: 1 or more, not {paper_voters}"
        )
    counted = sum(count for count, _ in ballots)
    if counted != paper_voters:
        raise Refused(
            f"the file holds {counted} paper ballot(s) but --paper-voters is {paper_voters}: "
            "there is one ballot per paper voter"
        )
    online = len(election.voters)
    if paper_voters + online > len(election.roll):
        raise Refused(
            f"{paper_voters} paper voter(s) and {online} online make {paper_voters + online}, "
            f"more than the {len(election.roll)} electors on the roll of {name}"
        )
    for count, choice in ballots:
        if count < 1:
            raise Refused(f"a row of paper ballots counts {count}: each counts 1 or more")
        _check_choice(election, office, choice, eligible, "a paper ballot")
    data: dict[str, object] = {
        "election": election.id,
        "tellers": list(tellers),
        "ballots": [{"count": count, "choice": list(choice)} for count, choice in ballots],
        "paper_voters": paper_voters,
        "source": source,
    }
    return ev.Event(ev.BALLOTS_IMPORTED, tellers[0], data)


def _check_choice(
    election: ElectionRecord,
    office: Office,
    choice: Sequence[str],
    eligible: Collection[str],
    what: str,
) -> None:
    """A choice names candidates of the election, each once, eligible, and no more of them
    than a plurality vote's seats."""
    if len(set(choice)) != len(choice):
        raise Refused(f"{what} names each candidate at most once")
    for candidate in choice:
        if candidate not in election.candidates:
            raise Refused(
                f"{what} names {candidate!r}, who is not a candidate in election {election.id}"
            )
        if candidate not in eligible:
            raise Refused(
                f"{what} names {candidate!r}, who is no longer eligible for office {office.id!r}"
            )
    if office.method == "plurality" and len(choice) > election.seats:
        raise Refused(
            f"election {election.id} is by plurality for {election.seats} seat(s): "
            f"{what} names at most {election.seats} candidate(s)"
        )


def extend(
    election: ElectionRecord, office: Office, actor: str, days: int, turnout_met: bool, now: str
) -> ev.Event:
    """Extend a vote short of its quorum, once, by up to its own length (where the charter
    allows it): any elector on the roll may."""
    if election.status != "voting":
        raise Refused(f"election {election.id} is {election.status}: only a vote is extended")
    if actor not in election.roll:
        raise Refused(f"{actor!r} is not on the roll of election {election.id}")
    if not office.procedure.extend_votes:
        raise Refused(f"the charter does not let votes of office {office.id!r} be extended")
    if office.procedure.election_quorum is None:
        raise Refused(f"election {election.id} has no quorum: there is nothing to wait for")
    if turnout_met:
        raise Refused(f"election {election.id} has met its quorum: it needs no extension")
    if election.extended_by is not None:
        raise Refused(f"election {election.id} was extended already, by {election.extended_by}")
    assert election.voting_ends is not None
    if now > election.voting_ends:
        raise Refused(f"election {election.id}: the voting period ended at {election.voting_ends}")
    if not 1 <= days <= office.voting_days:
        raise Refused(
            f"a vote of office {office.id!r} is extended by 1 to {office.voting_days} days "
            f"(its own length), not {days}"
        )
    ends = after_days(election.voting_ends, days)
    return ev.Event(
        ev.ELECTION_EXTENDED, actor, {"election": election.id, "days": days, "voting_ends": ends}
    )


def may_close(election: ElectionRecord, actor: str, now: str, paper_voters: int = 0) -> None:
    """Any elector on the roll closes the vote; early only once everyone on it has voted
    (online, or on paper: `paper_voters`)."""
    if election.status != "voting":
        raise Refused(f"election {election.id} is {election.status}: only a vote can close")
    votes.may_close(
        f"election {election.id}",
        election.roll,
        len(election.voters) + paper_voters,
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
