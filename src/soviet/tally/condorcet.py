"""Condorcet methods over the pairwise margins: Schulze (beat path) and ranked pairs.

A ballot prefers a candidate it ranks to every candidate ranked lower or not at all; two
candidates it leaves out are not compared. ``pairwise[a][b]`` counts the ballots that
prefer a to b, and the margin of a over b is ``pairwise[a][b] - pairwise[b][a]``.

- ``schulze``: the strength of a path is its weakest margin; a beats b when the strongest
  path from a to b is stronger than the strongest from b to a. The ranking takes, again
  and again, the candidates nobody left beats.
- ``ranked-pairs`` (Tideman): pairs with a positive margin are locked in from the largest
  margin down, skipping any that would close a cycle; the ranking follows the locked pairs.
  Equal margins are ordered by a tie-breaking ranking of the candidates drawn by lot: the
  pair whose winner ranks higher in it first, and for the same winner the pair whose loser
  ranks higher (pref_voting's ``ranked_pairs_tb``).

Both return a complete ranking; the winners are its first ``seats`` candidates. Where the
rule leaves candidates level, a lot orders them and is recorded.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import numpy.typing as npt

from soviet.tally.profiles import IntArray, Profile
from soviet.tally.results import Number, Result, Round
from soviet.tally.ties import TieBreaker

#: Up to this many candidates, prefixes of rankings are counted as bit masks.
_MASK_LIMIT = 16


def pairwise(profile: Profile) -> IntArray:
    """``P[a, b]``: how many ballots prefer candidate a to candidate b.

    A ballot's candidate at position i is preferred to every candidate not among its first
    i + 1; grouping ballots by (candidate, set of those first i + 1) turns the whole matrix
    into one bincount per position. Sums stay below 2**53, so float64 is exact.
    """
    n = profile.n_candidates
    counts = profile.counts.astype(np.float64)
    if n > _MASK_LIMIT:
        prefer = _pairwise_by_position(profile, counts)
    else:
        columns = np.ascontiguousarray(profile.rankings.T, dtype=np.int64)
        size = 1 << n
        grouped = np.zeros(n * size + 1)
        seen = np.zeros(columns.shape[1], dtype=np.int64)
        for column in columns:
            ranked = column >= 0
            if not ranked.any():
                break
            seen |= np.where(ranked, np.int64(1) << np.where(ranked, column, 0), 0)
            key = np.where(ranked, column * size + seen, n * size)
            grouped += np.bincount(key, weights=counts, minlength=n * size + 1)
        unseen = (np.arange(size)[:, None] >> np.arange(n)[None, :]) & 1 == 0
        prefer = (grouped[:-1].reshape(n, size) @ unseen.astype(np.float64)).astype(np.int64)
    for c in profile.withdrawn:
        prefer[c, :] = 0
        prefer[:, c] = 0
    return prefer


def _pairwise_by_position(profile: Profile, counts: npt.NDArray[np.float64]) -> IntArray:
    """The pairwise matrix from the pairs each ballot ranks (many candidates).

    A ballot ranking a prefers a to everyone it does not rank before a, so ``P[a, b]`` is
    the weight of the ballots ranking a less that of those ranking b before a: the cost
    grows with the pairs ballots rank, not with the square of the candidates.
    """
    n = profile.n_candidates
    table = profile.rankings.astype(np.int64)
    ranked = table >= 0
    ranking = np.bincount(
        table[ranked], weights=np.broadcast_to(counts[:, None], table.shape)[ranked], minlength=n
    )
    before = np.zeros(n * n)
    for i in range(table.shape[1] - 1):
        earlier = table[:, i : i + 1]
        later = table[:, i + 1 :]
        both = (earlier >= 0) & (later >= 0)
        if not both.any():
            break
        keys = (earlier * n + later)[both]
        weights = np.broadcast_to(counts[:, None], later.shape)[both]
        before += np.bincount(keys, weights=weights, minlength=n * n)
    prefer = ranking[:, None] - before.reshape(n, n).T
    np.fill_diagonal(prefer, 0)
    return prefer.astype(np.int64)


def _first_preferences(profile: Profile, continuing: list[int]) -> dict[str, Number]:
    table = profile.rankings
    firsts = np.zeros(profile.n_candidates, dtype=np.int64)
    if table.size:
        alive = np.isin(table, continuing)
        has = alive.any(axis=1)
        top = table[np.flatnonzero(has), alive.argmax(axis=1)[has]]
        np.add.at(firsts, top, profile.counts[has])
    return {profile.candidates[c]: int(firsts[c]) for c in continuing}


def _ranking_by_levels(
    beats: np.ndarray, candidates: list[int], ties: TieBreaker, method_place: str
) -> list[int]:
    """A complete order from a strict partial order: unbeaten first, lot among level ones."""
    ranking: list[int] = []
    left = np.array(candidates, dtype=np.int64)
    # How many of those left beat each one left: the unbeaten ones are the next level.
    beaten = beats[np.ix_(left, left)].sum(axis=0)
    while left.size:
        unbeaten = beaten == 0
        if not unbeaten.any():  # cannot happen for a strict partial order; keep the count total
            unbeaten[:] = True
        top = left[unbeaten].tolist()
        ordered = (
            ties.draw(top, f"{method_place} {len(ranking) + 1}", None) if len(top) > 1 else top
        )
        ranking.extend(ordered)
        rest = ~unbeaten
        beaten = beaten[rest] - beats[np.ix_(left[unbeaten], left[rest])].sum(axis=0)
        left = left[rest]
    return ranking


def _result(
    method: str, profile: Profile, seats: int, ties: TieBreaker, ranking: list[int], note: str
) -> Result:
    names = profile.candidates
    continuing = [c for c in range(profile.n_candidates) if c not in profile.withdrawn]
    winners = tuple(names[c] for c in ranking[:seats])
    votes = _first_preferences(profile, continuing)
    blank = profile.total - sum(int(v) for v in votes.values())
    return Result(
        method=method,
        seats=seats,
        winners=winners,
        quota=None,
        rounds=(Round(1, votes, winners, exhausted=blank, note=note),),
        ties=tuple(ties.ties),
        ballots=profile.total,
        ranking=tuple(names[c] for c in ranking),
    )


def count_schulze(
    profile: Profile, seats: int, ties: TieBreaker, options: Mapping[str, object]
) -> Result:
    """Schulze's beat-path method over margins."""
    continuing = [c for c in range(profile.n_candidates) if c not in profile.withdrawn]
    prefer = pairwise(profile)
    margin = prefer - prefer.T
    sub = np.ix_(continuing, continuing)
    strength = np.where(margin > 0, margin, 0)[sub]
    m = len(continuing)
    for k in range(m):
        through = np.minimum(strength[:, k : k + 1], strength[k : k + 1, :])
        strength = np.maximum(strength, through)
        np.fill_diagonal(strength, 0)
    beats_sub = strength > strength.T
    beats = np.zeros((profile.n_candidates, profile.n_candidates), dtype=bool)
    beats[sub] = beats_sub
    ranking = _ranking_by_levels(beats, continuing, ties, "schulze place")
    return _result("schulze", profile, seats, ties, ranking, "beat paths over margins")


def count_ranked_pairs(
    profile: Profile, seats: int, ties: TieBreaker, options: Mapping[str, object]
) -> Result:
    """Tideman's ranked pairs over margins."""
    continuing = [c for c in range(profile.n_candidates) if c not in profile.withdrawn]
    prefer = pairwise(profile)
    margin = prefer - prefer.T
    standing = np.array(continuing, dtype=np.int64)
    winner, loser = np.nonzero(margin[np.ix_(standing, standing)] > 0)
    pairs = list(
        zip(
            margin[standing[winner], standing[loser]].tolist(),
            standing[winner].tolist(),
            standing[loser].tolist(),
            strict=True,
        )
    )
    strengths = [p[0] for p in pairs]
    tiebreak: dict[int, int] = {c: i for i, c in enumerate(continuing)}
    if len(set(strengths)) < len(strengths):
        order = ties.draw(continuing, "ranked pairs tie-breaking ranking", None)
        tiebreak = {c: i for i, c in enumerate(order)}
    # Largest margin first; equal margins in the tie-breaking ranking's order of
    # (winner, loser).
    pairs.sort(key=lambda p: (-p[0], tiebreak[p[1]], tiebreak[p[2]]))
    n = profile.n_candidates
    locked = np.zeros((n, n), dtype=bool)
    reach = np.eye(n, dtype=bool)
    for _, a, b in pairs:
        if reach[b, a]:
            continue
        locked[a, b] = True
        if reach[a, b]:
            continue  # already implied: reach does not change
        # Everything that reaches a now reaches everything b reaches.
        reach[np.ix_(np.flatnonzero(reach[:, a]), np.flatnonzero(reach[b, :]))] = True
    beats = reach & ~np.eye(n, dtype=bool)
    ranking = _ranking_by_levels(beats, continuing, ties, "ranked pairs place")
    return _result("ranked-pairs", profile, seats, ties, ranking, "pairs locked by margin")
