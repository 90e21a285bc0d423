"""Instant-runoff voting: one seat, the candidate with fewest votes excluded each round.

Each round counts every ballot for its top continuing candidate. A candidate with more
than half of the continuing votes (ballots that still rank someone in the count) is
elected; exhausted ballots leave the count and so lower the threshold. Otherwise the
candidate with fewest votes is excluded and their ballots pass to the next continuing
preference. A tie for fewest is broken by the earlier-round rule — fewest votes at the most
recent round where the tied candidates differed — and, equal at every round, by lot.

Two options reproduce the rules some jurisdictions add (RCTab's, for instance):

- ``exclude_first``: names excluded together at the first round without a winner, before
  anyone else, whatever their votes (undeclared write-ins);
- ``batch_elimination``: when the candidates with fewest votes could not, all together,
  overtake the next one up, they are excluded at once — walking the tallies upward with a
  running total of those below, every candidate below a tally the total does not reach.
  Used only when it excludes two or more; otherwise the single lowest goes.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np

from soviet.tally._cursor import Cursor, sum_by
from soviet.tally.errors import TallyError
from soviet.tally.profiles import IntArray, Profile
from soviet.tally.results import Number, Result, Round
from soviet.tally.ties import History, TieBreaker


def count_irv(
    profile: Profile, seats: int, ties: TieBreaker, options: Mapping[str, object]
) -> Result:
    """Count ``profile`` by instant-runoff voting (one seat)."""
    if seats != 1:
        raise TallyError(f"irv fills exactly one seat, not {seats}; use stv for several seats")
    first = _exclude_first(profile, options.get("exclude_first"))
    batch = bool(options.get("batch_elimination", False))
    names = profile.candidates
    n = profile.n_candidates
    total = profile.total
    cursor = Cursor(profile)
    counts = profile.counts
    tallies = sum_by(cursor.top, counts, n)
    continuing = [c for c in range(n) if c not in profile.withdrawn]
    history = History(n)
    rounds: list[Round] = []
    winner: int | None = None
    while continuing:
        number = len(rounds) + 1
        history.append(tallies)
        # One read of the tallies a round: the rest is over plain lists, as a round with
        # many candidates would otherwise cost a numpy lookup per candidate, many times.
        held = tallies[continuing].tolist()
        active = sum(held)
        threshold = active // 2 + 1
        votes: dict[str, Number] = dict(zip([names[c] for c in continuing], held, strict=True))
        most = max(held)
        leader = continuing[held.index(most)]
        if most >= threshold or len(continuing) == 1:
            rounds.append(
                Round(
                    number=number,
                    votes=votes,
                    elected=(names[leader],),
                    exhausted=total - active,
                    threshold=threshold,
                    note="majority of continuing votes"
                    if len(continuing) > 1
                    else "last continuing candidate",
                )
            )
            winner = leader
            break
        first = [c for c in first if c in continuing]
        if first:
            losers = first
            first = []
        elif batch and len(batched := batch_losers(tallies, continuing)) > 1:
            losers = batched
        else:
            low = min(held)
            tied = [c for c, v in zip(continuing, held, strict=True) if v == low]
            losers = [
                ties.by_history(
                    tied, history, lowest=True, purpose="exclusion", round_number=number
                )
            ]
        gone = set(losers)
        continuing = [c for c in continuing if c not in gone]
        rows = np.flatnonzero(np.isin(cursor.top, losers))
        cursor.close(losers)
        cursor.advance(rows)
        received = sum_by(cursor.top[rows], counts[rows], n)
        tallies += received
        tallies[losers] = 0
        rounds.append(
            Round(
                number=number,
                votes=votes,
                excluded=tuple(names[c] for c in losers),
                exhausted=total - active,
                transfer=", ".join(names[c] for c in losers),
                transfers=dict(
                    zip([names[c] for c in continuing], received[continuing].tolist(), strict=True)
                ),
                threshold=threshold,
            )
        )
    return Result(
        method="irv",
        seats=seats,
        winners=() if winner is None else (names[winner],),
        quota=None,
        rounds=tuple(rounds),
        ties=tuple(ties.ties),
        ballots=total,
    )


def batch_losers(tallies: IntArray, continuing: Sequence[int]) -> list[int]:
    """The candidates a batch elimination excludes: walking the tallies upward, everyone
    seen so far whenever their running total is below the next tally."""
    order = sorted(continuing, key=lambda c: int(tallies[c]))
    losers: list[int] = []
    running = 0
    seen: list[int] = []
    for c in order:
        if running < int(tallies[c]):
            losers.extend(x for x in seen if x not in losers)
        running += int(tallies[c])
        seen.append(c)
    return losers


def _exclude_first(profile: Profile, value: object) -> list[int]:
    if value is None:
        return []
    if isinstance(value, str) or not isinstance(value, Sequence):
        raise TallyError("option exclude_first must be a list of candidate names")
    index = {name: c for c, name in enumerate(profile.candidates)}
    unknown = [str(v) for v in value if str(v) not in index]
    if unknown:
        raise TallyError(f"exclude_first names no candidate: {', '.join(unknown)}")
    return [index[str(v)] for v in value]
