"""Single-round methods: plurality (block voting for several seats), approval, yes-no.

- ``plurality``: each ballot gives one vote to each of its first ``seats`` candidates (one
  for a single seat: a ranked ballot counts for its first preference; several seats make it
  block voting). The ``seats`` candidates with most votes are elected.
- ``approval``: each ballot's row is the set of candidates it approves, one vote each.
- ``yes-no``: a recall vote or a motion. Candidates are ``("yes", "no")`` and each ballot
  names one. It passes when yes > no and, if a quorum is set, yes + no (+ the option
  ``abstained``: abstentions, which count toward the quorum and for neither side) >=
  quorum x electorate (compared exactly, in integers); the winner is ``"yes"`` when it passes and
  ``"no"`` otherwise, and the result's note says why.

Withdrawn candidates get no votes; a ballot's later choices take their place. A tie for the
last seats is settled by lot.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from fractions import Fraction

import numpy as np

from soviet.tally.errors import ProfileError, TallyError
from soviet.tally.profiles import IntArray, Profile
from soviet.tally.results import Number, Result, Round
from soviet.tally.ties import TieBreaker


def _compacted(profile: Profile) -> IntArray:
    """The rankings with withdrawn candidates removed and later choices moved up."""
    table = profile.rankings.astype(np.int64)
    if not profile.withdrawn or table.size == 0:
        return table
    table = table.copy()
    table[np.isin(table, list(profile.withdrawn))] = -1
    # A stable sort on "is blank" moves the remaining choices left, keeping their order.
    order = np.argsort(table == -1, axis=1, kind="stable")
    return np.take_along_axis(table, order, axis=1)


def _tallies(table: IntArray, counts: IntArray, n: int) -> IntArray:
    """Votes per candidate: every non-blank cell of a row counts that row's ballots once."""
    cells = table.reshape(-1)
    weights = np.repeat(counts, table.shape[1])
    keep = cells >= 0
    return np.bincount(cells[keep], weights=weights[keep], minlength=n).astype(np.int64)


def _elect_most(
    tallies: IntArray, eligible: list[int], seats: int, ties: TieBreaker, purpose: str
) -> list[int]:
    """The ``seats`` eligible candidates with most votes, most first; lot at the cutoff."""
    ordered = sorted(eligible, key=lambda c: (-int(tallies[c]), c))
    if len(ordered) <= seats:
        return ordered
    cutoff = int(tallies[ordered[seats - 1]])
    sure = [c for c in ordered if tallies[c] > cutoff]
    tied = [c for c in ordered if tallies[c] == cutoff]
    drawn = ties.draw(tied, purpose, 1)
    return sure + drawn[: seats - len(sure)]


def _single_round(
    method: str, profile: Profile, seats: int, ties: TieBreaker, table: IntArray
) -> Result:
    names = profile.candidates
    tallies = _tallies(table, profile.counts, profile.n_candidates)
    eligible = [c for c in range(profile.n_candidates) if c not in profile.withdrawn]
    winners = _elect_most(tallies, eligible, seats, ties, "seat")
    blank = int(profile.counts[(table < 0).all(axis=1)].sum()) if table.size else profile.total
    votes: dict[str, Number] = {names[c]: int(tallies[c]) for c in eligible}
    return Result(
        method=method,
        seats=seats,
        winners=tuple(names[c] for c in winners),
        quota=None,
        rounds=(Round(1, votes, tuple(names[c] for c in winners), exhausted=blank),),
        ties=tuple(ties.ties),
        ballots=profile.total,
    )


def count_plurality(
    profile: Profile, seats: int, ties: TieBreaker, options: Mapping[str, object]
) -> Result:
    """First-past-the-post for one seat; block voting (first ``seats`` choices) for several."""
    table = _compacted(profile)[:, :seats]
    return _single_round("plurality", profile, seats, ties, table)


def count_approval(
    profile: Profile, seats: int, ties: TieBreaker, options: Mapping[str, object]
) -> Result:
    """Approval voting: every candidate on a ballot's row gets one vote from it."""
    return _single_round("approval", profile, seats, ties, _compacted(profile))


def count_yes_no(
    profile: Profile, seats: int, ties: TieBreaker, options: Mapping[str, object]
) -> Result:
    """A yes/no vote: passes on yes > no with the quorum (if any) met."""
    if seats != 1:
        raise TallyError(f"yes-no decides one question; seats must be 1, not {seats}")
    if profile.candidates != ("yes", "no"):
        raise ProfileError(f"yes-no needs the candidates ('yes', 'no'), got {profile.candidates}")
    table = profile.rankings
    if table.shape[1] > 1 and bool((table[:, 1] >= 0).any()):
        row = int(np.flatnonzero(table[:, 1] >= 0)[0])
        raise ProfileError(f"row {row}: a yes-no ballot names one choice, not a ranking")
    first = table[:, 0] if table.shape[1] else np.full(table.shape[0], -1, dtype=np.int32)
    yes = int(profile.counts[first == 0].sum())
    no = int(profile.counts[first == 1].sum())
    voted = yes + no
    majority = yes > no
    reasons = [f"yes {yes} {'>' if majority else 'not >'} no {no}"]
    quorum_met = True
    quorum = options.get("quorum")
    if quorum is not None:
        share = _fraction(quorum, "quorum")
        electorate = options.get("electorate")
        if not isinstance(electorate, int) or isinstance(electorate, bool) or electorate < 0:
            raise TallyError("yes-no with a quorum needs option electorate: a whole number >= 0")
        abstained = options.get("abstained", 0)
        if not isinstance(abstained, int) or isinstance(abstained, bool) or abstained < 0:
            raise TallyError("yes-no option abstained must be a whole number >= 0")
        turnout = voted + abstained
        quorum_met = turnout * share.denominator >= share.numerator * electorate
        if abstained:
            reasons.append(f"{abstained} abstained")
        reasons.append(
            f"quorum {'met' if quorum_met else 'not met'}: {turnout} voted of {electorate},"
            f" {share} of the electorate needed"
        )
    passed = majority and quorum_met
    note = ("passed: " if passed else "failed: ") + "; ".join(reasons)
    winner = "yes" if passed else "no"
    votes: dict[str, Number] = {"yes": yes, "no": no}
    return Result(
        method="yes-no",
        seats=1,
        winners=(winner,),
        quota=None,
        rounds=(Round(1, votes, (winner,), exhausted=profile.total - voted, note=note),),
        ties=(),
        ballots=profile.total,
        note=note,
    )


def _fraction(value: object, name: str) -> Fraction:
    """An exact share in [0, 1] from a Fraction, int, Decimal or "p/q" string (never a float)."""
    if isinstance(value, bool | float):
        raise TallyError(f"option {name} must be exact (a fraction such as 1/4), not {value!r}")
    if not isinstance(value, Fraction | int | Decimal | str):
        raise TallyError(f"option {name} must be a fraction such as 1/4, not {value!r}")
    try:
        share = Fraction(value)
    except (ValueError, ZeroDivisionError) as error:
        raise TallyError(f"option {name} must be a fraction such as 1/4: {error}") from None
    if not 0 <= share <= 1:
        raise TallyError(f"option {name} must be between 0 and 1, not {share}")
    return share
