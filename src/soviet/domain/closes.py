"""The close of a vote, as the event that records it: an election's count (or why it
elects nobody), an uncontested election returned unopposed, a recall vote's count.

A member's close and the close the clock makes due (`soviet.domain.due`) are the same
event; only the actor differs (None for the system's own).
"""

from __future__ import annotations

from soviet.domain import apportioned, closing
from soviet.domain import events as ev
from soviet.domain.audit import live_holders
from soviet.domain.electorates import eligible, office_of
from soviet.domain.events import Event
from soviet.domain.model import Office
from soviet.domain.records import ElectionRecord, PetitionRecord
from soviet.domain.state import State


def unopposed(election: ElectionRecord, office: Office, seats: int) -> bool:
    """Whether the election's candidates are returned without a vote: no more of them than
    seats, and a charter that says `uncontested = "elect"`."""
    return office.procedure.uncontested == "elect" and 1 <= len(election.candidates) <= seats


def returned_unopposed(election: ElectionRecord, actor: str | None) -> Event:
    names = ", ".join(election.candidates)
    return Event(
        ev.ELECTION_CLOSED,
        actor,
        {
            "election": election.id,
            "winners": list(election.candidates),
            "seed": "",
            "result": {},
            "outcome": "unopposed",
            "reason": f"returned unopposed: {names} for {election.seats} seat(s)",
        },
    )


def election_closed(
    s: State, election: ElectionRecord, actor: str | None, now: str, legacy_seed: bytes
) -> Event:
    """The close of an election's vote: its count, or why it elects nobody. `legacy_seed`
    is the log's root before the close, the seed of logs founded before fair lots."""
    office = office_of(s, election.office)
    ballots = closing.with_paper(s.ballots(election.id), s.paper_ballots(election.id))
    seen = closing.turnout(len(election.roll), ballots)
    data: dict[str, object] = {"election": election.id}
    void = closing.void_reason(office, seen)
    if void is not None:
        data.update(winners=[], seed="", result={}, outcome="void", reason=void)
    else:
        can_stand = eligible(s, office)
        seated = live_holders(s.active_mandates(office=office.id), can_stand, now)
        weights = apportioned.weights(s, office.body)
        counted = closing.count(election, office, ballots, can_stand, seated, legacy_seed, weights)
        data.update(winners=counted.winners, seed=counted.seed.hex(), result=counted.result)
        if not office.procedure.legacy:
            data["outcome"] = "elected"
    if not office.procedure.legacy:
        data["turnout"] = seen.to_json()
    return Event(ev.ELECTION_CLOSED, actor, data)


def recall_closed(s: State, petition: PetitionRecord, actor: str | None) -> Event:
    """The close of a recall vote: yes against no, abstentions in the turnout."""
    from soviet import tally  # numpy is loaded only when something is counted

    office = office_of(s, s.mandate(petition.mandate).office)
    order = {"yes": 0, "no": 1}
    cast = [v for v in petition.votes.values() if v != "abstain"]
    options: dict[str, object] = {"electorate": len(petition.roll), "quorum": office.recall_quorum}
    if abstained := len(petition.votes) - len(cast):
        options["abstained"] = abstained
    profile = tally.Profile.from_ballots(
        ("yes", "no"), [[order[v]] for v in cast], title=petition.id
    )
    result = tally.count(profile, "yes-no", 1, options=options)
    passed = tuple(result.winners) == ("yes",)
    return Event(
        ev.RECALL_CLOSED,
        actor,
        {
            "petition": petition.id,
            "outcome": "recalled" if passed else "failed",
            "result": result.to_json(),
        },
    )
