"""Equal rankings in Meek STV: a ballot's weight shared among the candidates ranked equal.

The rule is droop's (J. Lundell's ``meek``). A ballot reaching a tier of candidates ranked
equal gives each of them still in the count (hopeful or elected) an equal share of the
weight it brings, ``weight / k`` truncated in the count's arithmetic; each candidate keeps
``share x kf`` and passes on ``share x (1 - kf)`` (each product truncated), and what each
one passes on goes down to the next tier on its own, to be shared there again. So with
a candidate elected at keep factor 1/2 and a hopeful ranked equal first, a ballot gives
each 1/2, the elected candidate keeps 1/4 and passes 1/4 to the next tier; the hopeful
keeps their half. Ballots that rank no one equal take the strict path of `_paths`: the
same arithmetic with every tier of one. As in droop, a tied ballot goes on while any part
of it is above zero, where a strict one stops once the arithmetic counts its weight as
spent (in guarded arithmetic, below half a unit of the last shown place).

Candidates out of the count drop out of their tier before it is shared, as withdrawn ones
do in droop. A tier left with no one is passed over, as a defeated candidate is on a
strict ballot; droop's count ends such a ballot there instead (its votes stay with no one),
which no reference case reaches and which would lose ``a b=c``'s ballots when ``a`` is
defeated.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import numpy.typing as npt

from soviet.tally._arithmetic import Arithmetic
from soviet.tally._paths import GONE, HOPEFUL

Tier = tuple[int, ...]
TiedPath = tuple[Tier, ...]
TiedRanking = tuple[TiedPath, int]

IntArray = npt.NDArray[np.int64]
RankArray = npt.NDArray[np.int32]
Mask = npt.NDArray[np.bool_]


def tied_rankings(
    rankings: RankArray, tiers: RankArray, counts: IntArray
) -> tuple[Mask, list[TiedRanking]]:
    """Which rows rank no one equal, and every other row as its tiers, with its count."""
    filled = rankings >= 0
    tied = (filled[:, 1:] & (tiers[:, 1:] == tiers[:, :-1])).any(axis=1)
    rows: list[TiedRanking] = []
    for ranking, levels, n in zip(
        rankings[tied].tolist(), tiers[tied].tolist(), counts[tied].tolist(), strict=True
    ):
        grouped: list[list[int]] = []
        for candidate, level in zip(ranking, levels, strict=True):
            if candidate < 0:
                break
            if level == len(grouped):
                grouped.append([])
            grouped[-1].append(candidate)
        rows.append((tuple(tuple(tier) for tier in grouped), n))
    return ~tied, rows


def tied_paths(
    rankings: Sequence[TiedRanking], state: IntArray
) -> tuple[list[TiedPath], list[int]]:
    """Each tied ranking cut down to what a round reads, identical ones merged, with counts.

    A path keeps the candidates still in the count, tier by tier, up to and including the
    first tier of hopefuls only: they keep all they are given, so nothing goes further.
    """
    states = state.tolist()
    merged: dict[TiedPath, int] = {}
    for ranking, n in rankings:
        path: list[Tier] = []
        for tier in ranking:
            live = tuple(c for c in tier if states[c] != GONE)
            if not live:
                continue
            path.append(live)
            if all(states[c] == HOPEFUL for c in live):
                break
        if path:
            key = tuple(path)
            merged[key] = merged.get(key, 0) + n
    return list(merged), list(merged.values())


def share_out(
    a: Arithmetic,
    paths: Sequence[TiedPath],
    multipliers: Sequence[int],
    kf: Sequence[Any],
    votes: list[Any],
) -> None:
    """Add to `votes` what the ballots on each tied path give each candidate, at factors `kf`."""
    for path, multiplier in zip(paths, multipliers, strict=True):
        reaching: list[tuple[int, Any]] = [(0, a.one)]
        while reaching:
            depth, weight = reaching.pop()
            tier = path[depth]
            share = a.div_int(weight, len(tier))
            for c in tier:
                votes[c] += a.mul(share, kf[c]) * multiplier
                if depth + 1 < len(path):
                    rest = a.mul(share, a.one - kf[c])
                    if rest > a.zero:
                        reaching.append((depth + 1, rest))


def first_shares(
    a: Arithmetic, rankings: Sequence[TiedRanking], state: IntArray, votes: list[Any]
) -> None:
    """Add each tied ranking's first preferences to `votes`: an equal share of one ballot.

    Only the first tier with someone still in the count is read, as droop reports its
    first preferences.
    """
    states = state.tolist()
    for ranking, n in rankings:
        for tier in ranking:
            live = [c for c in tier if states[c] != GONE]
            if live:
                share = a.div_int(a.one, len(live))
                for c in live:
                    votes[c] += share * n
                break
