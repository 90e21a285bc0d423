"""Meek STV, as counted by droop's ``meek`` rule (and, as a variant, the PR Foundation's
Meek reference rule, droop's ``meek-prf``).

Every round iterates to a steady state: each ballot passes down its ranking, each elected
candidate keeping the share given by their keep factor and passing on the rest, each
hopeful candidate keeping everything; the quota is the votes held divided by seats + 1;
elected candidates' keep factors become ``kf x quota / votes`` (rounded up) until the
total surplus is at most omega (10**-omega), stops falling, or a candidate reaches the
quota. A round that elects nobody defeats the lowest hopeful candidate — any within the
surplus of the lowest count as tied and a lot decides — or, with ``defeat_batch`` "safe",
at once every candidate that could not overtake the next even with the whole surplus.

Options, with droop's defaults:

- ``arithmetic``: "guarded" (default), "fixed" or "rational";
- ``precision``: decimals, 18 guarded, 9 fixed; ``guard``: guard digits, precision / 2;
- ``omega``: 10**-omega ends an iteration; precision / 2 guarded, 2/3 of it fixed, 10
  rational;
- ``defeat_batch``: "safe" (default) or "none";
- ``variant``: "prf" for the PR Foundation reference rule — fixed point, 9 places,
  omega 6, keep values rounded up, no batch defeats.

A profile may rank candidates equal: a ballot's weight reaching them is shared equally
among those still in the count, as droop shares it (see `_equal_rankings`). The PR
Foundation's rule defines no equal rankings, so its variant refuses such a profile.

Each reported round holds the votes of its steady state — the totals its decision rests
on — with the round's quota as ``threshold``, the total surplus and the keep factors; the
result's ``quota`` is the last round's. Values are given at the stated precision (guard
digits rounded off, half up); rational counts give exact fractions.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

import numpy as np

from soviet.tally._arithmetic import Arithmetic, Guarded, Rational
from soviet.tally._equal_rankings import (
    TiedPath,
    TiedRanking,
    first_shares,
    share_out,
    tied_paths,
    tied_rankings,
)
from soviet.tally._paths import ELECTED, GONE, HOPEFUL, ballot_paths
from soviet.tally.errors import TallyError
from soviet.tally.profiles import IntArray, Profile
from soviet.tally.results import Number, Result, Round
from soviet.tally.ties import TieBreaker

_INT64_MAX = 2**63 - 1

OPTIONS = frozenset({"arithmetic", "precision", "guard", "omega", "defeat_batch", "variant"})


@dataclass(frozen=True)
class Settings:
    """How a Meek count does its arithmetic and when it stops iterating."""

    arithmetic: Arithmetic
    omega: int
    batch: bool
    prf: bool


def settings(options: Mapping[str, object]) -> Settings:
    """Read and check the Meek options."""
    variant = options.get("variant")
    if variant is not None:
        if variant != "prf":
            raise TallyError(f"meek option variant must be 'prf', not {variant!r}")
        others = sorted(set(options) & (OPTIONS - {"variant"}))
        if others:
            raise TallyError(f"meek variant prf fixes its arithmetic; drop {', '.join(others)}")
        return Settings(Arithmetic(9, 9), 6, batch=False, prf=True)
    kind = options.get("arithmetic", "guarded")
    precision = _whole(options, "precision", 18 if kind == "guarded" else 9)
    if kind == "guarded":
        guard = _whole(options, "guard", precision // 2)
        if guard < 1:
            raise TallyError("meek option guard must be at least 1 for guarded arithmetic")
        arithmetic: Arithmetic = Guarded(precision, guard)
        omega = _whole(options, "omega", precision // 2)
    elif kind == "fixed":
        arithmetic = Arithmetic(precision, precision)
        omega = _whole(options, "omega", precision * 2 // 3)
    elif kind == "rational":
        arithmetic = Rational()
        omega = _whole(options, "omega", 10)
    else:
        raise TallyError(f"meek option arithmetic must be guarded, fixed or rational: {kind!r}")
    batch = options.get("defeat_batch", "safe")
    if batch not in ("safe", "none"):
        raise TallyError(f"meek option defeat_batch must be 'safe' or 'none', not {batch!r}")
    return Settings(arithmetic, omega, batch=batch == "safe", prf=False)


def _whole(options: Mapping[str, object], name: str, default: int) -> int:
    value = options.get(name, default)
    if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= 60:
        raise TallyError(f"meek option {name} must be a whole number from 0 to 60, not {value!r}")
    return value


class _MeekCount:
    """The state of one Meek count."""

    def __init__(self, profile: Profile, seats: int, ties: TieBreaker, rule: Settings) -> None:
        self.a = rule.arithmetic
        if self.a.dtype is np.int64 and profile.total * self.a.scale > _INT64_MAX:
            # Votes, scaled, could pass int64: count the same numbers in Python integers.
            self.a = copy.copy(self.a)
            self.a.dtype = object
        self.rule = rule
        self.names = profile.candidates
        self.n = profile.n_candidates
        self.seats = seats
        self.ties = ties
        self.total = profile.total
        self.counts: IntArray = profile.counts
        self.table = profile.rankings.astype(np.int64)
        self.tied: list[TiedRanking] = []
        if profile.tiers is not None:
            strict, self.tied = tied_rankings(profile.rankings, profile.tiers, profile.counts)
            self.table, self.counts = self.table[strict], self.counts[strict]
        self.columns = np.ascontiguousarray(self.table.T)
        self.state = np.full(self.n + 1, GONE, dtype=np.int64)
        self.hopeful = [c for c in range(self.n) if c not in profile.withdrawn]
        self.state[self.hopeful] = HOPEFUL
        self.elected: list[int] = []
        self.kf: list[Any] = [
            self.a.one if c in self.hopeful else self.a.zero for c in range(self.n)
        ]
        self.votes: list[Any] = [self.a.zero] * self.n
        self.quota: Any = self.a.div_int(self.a.of(self.total), seats + 1)
        if not self.a.exact:
            self.quota = self.quota + self.a.epsilon
        self.surplus: Any = self.a.zero
        self.omega: Any = self.a.div(self.a.one, self.a.of(10**rule.omega))
        self.rounds: list[Round] = []

    def run(self) -> None:
        """Count round by round until the seats are filled or the hopefuls fit them."""
        while self._left() > 0 and len(self.hopeful) > self._left():
            number = len(self.rounds) + 1
            status, newly, iterations = self._iterate()
            start = self._snapshot()
            exhausted = self._exhausted()
            excluded: list[int] = []
            if status == "batch":
                excluded = sorted(self._batch())
            elif status != "elected":
                excluded = [self._lowest(number)]
            for c in excluded:
                self.hopeful.remove(c)
                self.state[c] = GONE
                self.kf[c] = self.a.zero
                self.votes[c] = self.a.zero
            self.rounds.append(
                Round(
                    number,
                    start,
                    tuple(self.names[c] for c in newly),
                    tuple(self.names[c] for c in excluded),
                    exhausted=exhausted,
                    surplus=self.a.number(self.surplus),
                    threshold=self.a.number(self.quota),
                    keep_factors={self.names[c]: self.a.number(self.kf[c]) for c in self.elected},
                    note=f"iteration ended ({status}) after {iterations} "
                    + ("iteration" if iterations == 1 else "iterations"),
                )
            )
        self._fill_remaining()

    def _fill_remaining(self) -> None:
        """Elect the remaining hopefuls if seats are left (droop: "Elect remaining")."""
        remaining = sorted(self.hopeful, key=lambda c: (-self.votes[c], c))
        remaining = remaining[: max(self._left(), 0)]
        if not remaining:
            return
        self.elected.extend(remaining)
        self.hopeful = [c for c in self.hopeful if c not in remaining]
        names = tuple(self.names[c] for c in remaining)
        note = "continuing candidates no more than vacancies: deemed elected"
        if self.rounds:
            last = self.rounds[-1]
            self.rounds[-1] = replace(
                last, elected=last.elected + names, note=f"{last.note}; {note}"
            )
            return
        first = self._first_preferences()
        blank = self.total - sum(first.values())
        quota = self.a.number(self.quota)
        self.rounds.append(Round(1, first, names, exhausted=blank, threshold=quota, note=note))

    def _iterate(self) -> tuple[str, list[int], int]:
        """Distribute and update keep factors until something can be decided."""
        a = self.a
        rows, weights = self._compress()
        tied = tied_paths(self.tied, self.state)
        last = a.of(self.total)
        iterations = 0
        while True:
            iterations += 1
            self._distribute(rows, weights, tied)
            held = sum((self.votes[c] for c in self.hopeful + self.elected), a.zero)
            self.quota = a.div_int(held, self.seats + 1)
            if not a.exact:
                self.quota = self.quota + a.epsilon
            newly = [c for c in self.hopeful if self._has_quota(c)]
            newly.sort(key=lambda c: (-self.votes[c], c))
            for c in newly:
                self.hopeful.remove(c)
                self.elected.append(c)
                self.state[c] = ELECTED
            self.surplus = sum((self.votes[c] - self.quota for c in self.elected), a.zero)
            if self.rule.prf and self.surplus < a.zero:
                self.surplus = a.zero
            if newly:
                return "elected", newly, iterations
            if self.rule.prf:
                if self.surplus < self.omega:
                    return "omega", [], iterations
            elif a.cmp(self.surplus, self.omega) <= 0:
                return "omega", [], iterations
            if a.cmp(self.surplus, last) >= 0:
                return "stable", [], iterations
            if self.rule.batch and self._batch():
                return "batch", [], iterations
            last = self.surplus
            for c in self.elected:
                self.kf[c] = a.div(a.mul(self.kf[c], self.quota, up=True), self.votes[c], up=True)

    def _has_quota(self, c: int) -> bool:
        if self.a.exact:
            return self.a.cmp(self.votes[c], self.quota) > 0
        return bool(self.votes[c] >= self.quota)

    def _compress(self) -> tuple[IntArray, Any]:
        """This round's ballot paths and how many ballots follow each (see `_paths`)."""
        paths, merged = ballot_paths(self.columns, self.counts, self.state, self.n)
        return paths, self.a.array([int(m) for m in merged])

    def _distribute(
        self, paths: IntArray, multipliers: Any, tied: tuple[list[TiedPath], list[int]]
    ) -> None:
        """Pass every ballot down its path, each candidate keeping their keep factor's share.

        Strict paths go down together, one rank at a time; `tied` paths, which rank
        candidates equal, are shared out after them (see `_equal_rankings`).
        """
        a = self.a
        weight = a.array([a.one] * paths.shape[0])
        going = np.ones(paths.shape[0], dtype=bool)
        votes = a.array([a.zero] * self.n)
        kf = a.array(self.kf)
        for j in range(paths.shape[1]):
            rows = np.flatnonzero(going & (paths[:, j] >= 0))
            if rows.size == 0:
                break
            cand = paths[rows, j]
            w = weight[rows]
            factor = kf[cand]
            if self.rule.prf:
                keep = a.mul(w, factor, up=True)
                rest = w - keep
            else:
                keep = a.mul(w, factor)
                rest = a.mul(w, a.one - factor)
            weight[rows] = rest
            np.add.at(votes, cand, keep * multipliers[rows])
            going[rows] = ~a.spent(rest)
        held = votes.tolist()
        if tied[0]:
            share_out(a, *tied, self.kf, held)
        self.votes = [held[c] if self.state[c] != GONE else a.zero for c in range(self.n)]

    def _batch(self) -> list[int]:
        """The largest group of lowest hopefuls that cannot overtake the next, all together."""
        a = self.a
        ranked = sorted(self.hopeful, key=lambda c: (self.votes[c], c))
        groups: list[list[int]] = []
        base = a.zero
        for c in ranked:
            if groups and a.cmp(base + self.surplus, self.votes[c]) >= 0:
                groups[-1].append(c)
            elif not groups and a.cmp(self.surplus, self.votes[c]) >= 0:
                groups.append([c])
            else:
                groups.append([c])
                base = self.votes[c]
        most = len(self.hopeful) - self._left()
        total = a.zero
        taken = 0
        chosen: int | None = None
        for g in range(len(groups) - 1):
            taken += len(groups[g])
            if taken > most:
                break
            total = total + sum((self.votes[c] for c in groups[g]), a.zero)
            if a.cmp(total + self.surplus, self.votes[groups[g + 1][0]]) < 0:
                chosen = g
        if chosen is None:
            return []
        return [c for group in groups[: chosen + 1] for c in group]

    def _lowest(self, number: int) -> int:
        """The hopeful to defeat: the lowest, with any within the surplus of it tied."""
        low = min(self.votes[c] for c in self.hopeful)
        tied = [c for c in self.hopeful if self.a.cmp(low + self.surplus, self.votes[c]) >= 0]
        return self.ties.lot(tied, "exclusion", number)

    def _first_preferences(self) -> dict[str, Number]:
        """Votes at the start: whole ballots, or shares of them where candidates rank equal."""
        firsts = np.zeros(self.n, dtype=np.int64)
        if self.table.shape[1]:
            alive = self.state[self.table] != GONE
            top = np.where(alive.any(axis=1), alive.argmax(axis=1), -1)
            has = top >= 0
            cand = self.table[np.flatnonzero(has), top[has]]
            np.add.at(firsts, cand, self.counts[has])
        standing = sorted(self.hopeful + self.elected)
        if not self.tied:
            return {self.names[c]: int(firsts[c]) for c in standing}
        a = self.a
        shares = [a.of(int(v)) for v in firsts.tolist()]
        first_shares(a, self.tied, self.state, shares)
        return {self.names[c]: a.number(shares[c]) for c in standing}

    def _snapshot(self) -> dict[str, Number]:
        in_count = sorted(self.hopeful + self.elected)
        return {self.names[c]: self.a.number(self.votes[c]) for c in in_count}

    def _exhausted(self) -> Number:
        """Votes held by nobody: blank and exhausted ballots, and what rounding dropped."""
        held = sum((self.votes[c] for c in self.hopeful + self.elected), self.a.zero)
        return self.a.number(self.a.of(self.total) - held)

    def _left(self) -> int:
        return self.seats - len(self.elected)


def count_meek(
    profile: Profile, seats: int, ties: TieBreaker, options: Mapping[str, object]
) -> Result:
    """Count ``profile`` by Meek STV (droop's ``meek`` rule, or the PRF reference rule)."""
    rule = settings(options)
    if rule.prf and not profile.strict:
        raise TallyError(
            "meek variant prf (the PR Foundation's reference rule) defines no equal rankings; "
            "count ballots that rank candidates equal without the variant"
        )
    state = _MeekCount(profile, seats, ties, rule)
    state.run()
    kind = "PR Foundation Meek reference, " if rule.prf else ""
    return Result(
        method="meek",
        seats=seats,
        winners=tuple(profile.candidates[c] for c in state.elected),
        quota=rule.arithmetic.number(state.quota),
        rounds=tuple(state.rounds),
        ties=tuple(ties.ties),
        ballots=state.total,
        arithmetic=f"{kind}{rule.arithmetic.describe()}, omega 10^-{rule.omega}",
    )
