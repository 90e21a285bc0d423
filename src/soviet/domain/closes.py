"""The close of a vote, as the event that records it: an election's count (or why it
elects nobody), an uncontested election returned unopposed, a recall vote's count.

A member's close and the close the clock makes due (`soviet.domain.due`) are the same
event; only the actor differs (None for the system's own).
"""

from __future__ import annotations

from collections.abc import Sequence

from soviet.domain import apportioned, closing, secrecy
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
    is the log's root before the close, the seed of logs founded before fair lots. A
    secret election's close is its encrypted tally, which its trustees decrypt
    (`secret_closed`), unless its turnout already voids it."""
    office = office_of(s, election.office)
    vote = secrecy.sealed_of(s.secret_rows(secrecy.vote_subject(election.id)))
    ballots = closing.with_paper(s.ballots(election.id), s.paper_ballots(election.id))
    seen = closing.turnout(len(election.roll), ballots)
    if vote is not None:
        seen = closing.Turnout(seen.roll, seen.voted, 0, 0)  # blank ones are not known yet
    data: dict[str, object] = {"election": election.id}
    void = closing.void_reason(office, seen)
    if void is not None:
        data.update(winners=[], seed="", result={}, outcome="void", reason=void)
    elif vote is not None:
        return secrecy.tallied(vote, election.id, actor)
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


def secret_closed(
    s: State,
    election: ElectionRecord,
    counts: Sequence[int],
    ballots: int,
    now: str,
    cause: int,
) -> Event:
    """The close of a secret election once its tally is decrypted: `counts` are the blank
    ballots, then each candidate's marks, of `ballots` ballots. It counts as an open vote
    whose ballots name one candidate each, as many as the candidate's marks: plurality and
    approval decide by those sums alone, and its lots are drawn from them."""
    office = office_of(s, election.office)
    blank, marks = counts[0], counts[1:]
    seen = closing.Turnout(len(election.roll), ballots, blank, 0)
    data: dict[str, object] = {"election": election.id, "cause": cause}
    void = closing.void_reason(office, seen)
    if void is not None:
        data.update(winners=[], seed="", result={}, outcome="void", reason=void)
    else:
        singles = [
            ("", (name,))
            for name, n in zip(election.candidates, marks, strict=True)
            for _ in range(n)
        ]
        can_stand = eligible(s, office)
        seated = live_holders(s.active_mandates(office=office.id), can_stand, now)
        counted = closing.count(election, office, singles, can_stand, seated, b"")
        result = dict(counted.result)
        result["ballots"] = ballots
        result["secret"] = secret_result(election.candidates, counts)
        data.update(
            winners=counted.winners, seed=counted.seed.hex(), result=result, outcome="elected"
        )
    data["turnout"] = seen.to_json()
    return Event(ev.ELECTION_CLOSED, None, data)


def recall_closed(s: State, petition: PetitionRecord, actor: str | None) -> Event:
    """The close of a recall vote: yes against no, abstentions in the turnout. A secret
    recall vote's close is its encrypted tally, which its trustees decrypt."""
    vote = secrecy.sealed_of(s.secret_rows(secrecy.vote_subject(petition.id)))
    if vote is not None:
        return secrecy.tallied(vote, petition.id, actor)
    cast = [v for v in petition.votes.values() if v != "abstain"]
    yes, no = cast.count("yes"), cast.count("no")
    data = _recall_count(s, petition, yes, no, len(petition.votes) - len(cast))
    return Event(ev.RECALL_CLOSED, actor, data)


def secret_recall_closed(
    s: State, petition: PetitionRecord, counts: Sequence[int], cause: int
) -> Event:
    """The close of a secret recall vote once its tally is decrypted: `counts` are the
    abstentions, then yes, then no."""
    abstained, yes, no = counts
    data = _recall_count(s, petition, yes, no, abstained)
    result = dict(data["result"])  # type: ignore[call-overload]
    result["secret"] = secret_result(("yes", "no"), counts)
    data["result"] = result
    data["cause"] = cause
    return Event(ev.RECALL_CLOSED, None, data)


def secret_result(answers: Sequence[str], counts: Sequence[int]) -> dict[str, object]:
    """A decrypted tally as a close logs it: the blank ballots, and each answer's marks in
    the order of the Belenios question (`counts`: blank first, as Belenios writes it)."""
    return {"blank": counts[0], "answers": list(answers), "marks": list(counts[1:])}


def _recall_count(
    s: State, petition: PetitionRecord, yes: int, no: int, abstained: int
) -> dict[str, object]:
    from soviet import tally  # numpy is loaded only when something is counted

    office = office_of(s, s.mandate(petition.mandate).office)
    options: dict[str, object] = {"electorate": len(petition.roll), "quorum": office.recall_quorum}
    if abstained:
        options["abstained"] = abstained
    profile = tally.Profile.from_ballots(("yes", "no"), [[0]] * yes + [[1]] * no, title=petition.id)
    result = tally.count(profile, "yes-no", 1, options=options)
    passed = tuple(result.winners) == ("yes",)
    return {
        "petition": petition.id,
        "outcome": "recalled" if passed else "failed",
        "result": result.to_json(),
    }
