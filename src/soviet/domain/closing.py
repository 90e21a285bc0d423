"""Closing an election: its turnout, its quorum, the seed of its lots, and its count.

A close counts each voter's latest ballot, and each paper ballot the tellers imported
(`with_paper`). A blank ballot or an abstention counts in the turnout and for nobody. The
close elects nobody, and says why, when the turnout is below the office's quorum or no
ballot names anyone; the seats then go to a new election.

The lots of a count are drawn from a seed taken only from the election's own record, so
that no act elsewhere in the log, and not the time of the close, can change them:

    seed = SHA-256(RFC 8785 JSON of {"election": id, "roll_hash": the frozen roll's
           commitment (soviet.domain.votes), "candidates": [the candidates, in the order
           of their nomination], "ballots": [each counted ballot's choice, a list of
           candidate ids, the lists sorted]})

and the close logs the seed in hex. Anyone recomputes it from the election's events.
Logs founded before this rule drew lots from the log's root before the close.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from fractions import Fraction
from typing import TYPE_CHECKING, Any

from soviet.domain import votes
from soviet.domain.apportioned import whole
from soviet.domain.model import Office
from soviet.domain.recall import share_reached
from soviet.domain.records import ElectionRecord
from soviet.errors import Refused
from soviet.ledger.entries import canonical

if TYPE_CHECKING:
    from soviet import tally

Ballots = Sequence[tuple[str, tuple[str, ...] | None]]


def with_paper(ballots: Ballots, paper: Sequence[tuple[int, tuple[str, ...]]]) -> Ballots:
    """The online ballots and the paper ballots the tellers imported, counted alike: each
    paper ballot is one ballot, of no voter (""), in the turnout, the count and the seed."""
    if not paper:
        return ballots
    return [*ballots, *(("", choice) for count, choice in paper for _ in range(count))]


def paper_voters(paper: Sequence[tuple[int, tuple[str, ...]]]) -> int:
    """How many electors voted on paper: the paper ballots imported."""
    return sum(count for count, _ in paper)


def lot_seed(
    election: str, roll_hash: str, candidates: Sequence[str], ballots: Iterable[Sequence[str]]
) -> bytes:
    """The seed of an election's lots (see the module)."""
    record = {
        "election": election,
        "roll_hash": roll_hash,
        "candidates": list(candidates),
        "ballots": sorted(list(choice) for choice in ballots),
    }
    return hashlib.sha256(canonical(record)).digest()


@dataclass(frozen=True)
class Turnout:
    """Who voted in an election, of its roll: every ballot, the blank ones, abstentions."""

    roll: int
    voted: int
    blank: int
    abstained: int

    @property
    def valid(self) -> int:
        return self.voted - self.blank - self.abstained

    def to_json(self) -> dict[str, int]:
        return {
            "roll": self.roll,
            "voted": self.voted,
            "blank": self.blank,
            "abstained": self.abstained,
            "valid": self.valid,
        }


def turnout(roll: int, ballots: Ballots) -> Turnout:
    blank = sum(1 for _, choice in ballots if choice == ())
    abstained = sum(1 for _, choice in ballots if choice is None)
    return Turnout(roll, len(ballots), blank, abstained)


def quorum_met(office: Office, seen: Turnout) -> bool:
    """Whether the turnout reaches the office's quorum (always, without one)."""
    quorum = office.procedure.election_quorum
    return quorum is None or share_reached(seen.voted, seen.roll, quorum)


def void_reason(office: Office, seen: Turnout) -> str | None:
    """Why a close elects nobody, or None when it counts."""
    if office.procedure.legacy:
        return None
    if not quorum_met(office, seen):
        return (
            f"turnout {seen.voted} of {seen.roll} is below the quorum of "
            f"{office.procedure.election_quorum} of the roll"
        )
    if seen.valid == 0:
        return f"no valid ballot: {seen.voted} of {seen.roll} voted, none for anyone"
    return None


def seed_of(
    election: ElectionRecord, office: Office, ballots: Ballots, legacy_seed: bytes
) -> bytes:
    """The seed of the election's lots: from its own record, or `legacy_seed` (the log's
    root before the close) in a log founded before fair lots."""
    if office.procedure.legacy:
        return legacy_seed
    counted = [choice for _, choice in ballots if choice]
    return lot_seed(election.id, votes.commit(election.roll).hash, election.candidates, counted)


@dataclass(frozen=True)
class Count:
    """A close's count: the result, its winners, and the seed its lots were drawn from."""

    result: dict[str, Any]
    winners: list[str]
    seed: bytes


def count(
    election: ElectionRecord,
    office: Office,
    ballots: Ballots,
    can_stand: Collection[str],
    seated: Collection[str],
    legacy_seed: bytes,
    weights: Mapping[str, Fraction] | None = None,
) -> Count:
    """Count an election's latest ballots: candidates not in `can_stand` are withdrawn,
    and so are those in `seated` (who hold another seat of the office by a live mandate).
    An uncontested election whose office puts it to a ballot is a confirmation vote.

    With `weights` (a weighted council's), each ballot counts its voter's weight: the
    weights as whole numbers in the same proportions (`apportioned.whole`), counted as a
    BLT file's ballot weights are, and named in the result with their factor. Methods that
    compare sums (plurality, approval, irv, schulze, ranked-pairs) decide exactly as the
    fractions would; a quota (stv, meek) is the rule's own, of those whole numbers."""
    from soviet import tally  # numpy is loaded only when something is counted

    candidates = election.candidates
    counted = [choice for _, choice in ballots if choice]
    seed = seed_of(election, office, ballots, legacy_seed)
    if confirming(election, office):
        return _confirm(election, ballots, can_stand, seated, seed)
    index = {name: number for number, name in enumerate(candidates)}
    # Identical choices counted first: the same profile, built from a few rows.
    choices = Counter(counted)
    scale = 1
    if weights is not None:
        scaled, scale = whole(weights)
        choices = Counter()
        for voter, choice in ballots:
            if choice and scaled.get(voter, 0) > 0:
                choices[choice] += scaled[voter]
    for choice in choices:
        for name in choice:
            if name not in index:
                raise Refused(
                    f"a ballot of election {election.id} names {name!r}, who is not a candidate"
                )
    profile = tally.Profile.from_ballots(
        candidates,
        [[index[name] for name in choice] for choice in choices],
        list(choices.values()),
        title=election.id,
    )
    withdrawn = frozenset(index[n] for n in candidates if n not in can_stand or n in seated)
    if withdrawn:
        profile = replace(profile, withdrawn=withdrawn)
    result: tally.Result = tally.count(profile, office.method, election.seats, seed=seed)
    counted_json = result.to_json()
    if weights is not None:
        shown: dict[str, Any] = {voter: str(weight) for voter, weight in sorted(weights.items())}
        weighted: Any = {"scale": scale, "weights": shown}
        counted_json["weighted"] = weighted
    return Count(counted_json, list(result.winners)[: election.seats], seed)


def confirming(election: ElectionRecord, office: Office) -> bool:
    """Whether an election is a yes/no confirmation of each candidate: no more candidates
    than seats, and an office whose charter puts uncontested elections to a ballot."""
    return office.procedure.uncontested == "ballot" and len(election.candidates) <= election.seats


def _confirm(
    election: ElectionRecord,
    ballots: Ballots,
    can_stand: Collection[str],
    seated: Collection[str],
    seed: bytes,
) -> Count:
    """Each candidate is confirmed by more yes (ballots naming them) than no (ballots that
    do not, blank ones included; abstentions count for neither)."""
    from soviet.tally.results import Result, Round

    cast = [choice for _, choice in ballots if choice is not None]
    yes = {name: sum(1 for choice in cast if name in choice) for name in election.candidates}
    standing = [n for n in election.candidates if n in can_stand and n not in seated]
    winners = [n for n in standing if yes[n] > len(cast) - yes[n]]
    notes = [
        f"{n}: yes {yes[n]}, no {len(cast) - yes[n]}: "
        + ("confirmed" if n in winners else "not confirmed")
        for n in election.candidates
    ]
    note = 'a confirmation vote (uncontested = "ballot"); ' + "; ".join(notes)
    result = Result(
        method="confirmation",
        seats=election.seats,
        winners=tuple(winners),
        quota=None,
        rounds=(Round(1, dict(yes), tuple(winners), note=note),),
        ties=(),
        ballots=len(cast),
        note=note,
    )
    return Count(result.to_json(), winners, seed)
