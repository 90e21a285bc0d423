"""Scottish STV: the Scottish Local Government Elections Order 2007 (SSI 2007/42), rules 45-52.

- Quota (46): floor(valid ballots / (seats + 1)) + 1; blank ballots are valid ballots.
- Election (47): a candidate whose votes equal or exceed the quota is elected.
- Surplus (48): every paper the elected candidate holds passes to its next continuing
  preference at the transfer value ``surplus x value / total``, computed per paper to five
  decimal places with the remainder ignored (weighted inclusive Gregory); the candidate
  keeps exactly the quota and what truncation drops is recorded as ``residual``.
- Order (49): the largest surplus first; equal surpluses by the most votes at the most
  recent stage where the candidates differed, then by lot.
- Exclusion (50, 51): with no surplus to transfer, the continuing candidate with fewest
  votes is excluded and every paper passes on at its current value; ties as for surpluses
  but by fewest votes.
- Last vacancies (52): when the continuing candidates are no more than the vacancies left,
  they are all elected and no further transfer is made.

A candidate who reaches exactly the quota has no surplus, so no transfer stage is made for
them. When three or more candidates tie, the earlier-stage rule keeps, at the most recent
stage where they differ, those with the fewest (or most) votes and looks further back among
them until one remains (the Order leaves this case open).

All arithmetic is exact: votes and transfer values are integers scaled by 10**5, held per
unique ranking in numpy arrays (all the papers of one ranking share one history, so they
share one value). Reported numbers are `decimal.Decimal` with five places.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal

import numpy as np

from soviet.tally._cursor import Cursor, sum_by
from soviet.tally._fixed import muldiv_floor, to_decimal
from soviet.tally.profiles import IntArray, Profile
from soviet.tally.results import Number, Result, Round
from soviet.tally.ties import History, TieBreaker

PLACES = 5
SCALE = 10**PLACES


class _Count:
    """The state of one Scottish STV count, advanced one stage at a time."""

    def __init__(self, profile: Profile, seats: int, ties: TieBreaker) -> None:
        self.names = profile.candidates
        self.n = profile.n_candidates
        self.seats = seats
        self.ties = ties
        self.total = profile.total
        self.quota = (self.total // (seats + 1) + 1) * SCALE
        self.cursor = Cursor(profile)
        self.counts: IntArray = profile.counts
        self.weight: IntArray = np.full(self.counts.shape[0], SCALE, dtype=np.int64)
        self.votes = sum_by(self.cursor.top, self.counts * SCALE, self.n)
        self.hopeful = [c for c in range(self.n) if c not in profile.withdrawn]
        self.elected: list[int] = []
        self.pending: list[int] = []
        self.exhausted = self.total * SCALE - int(self.votes.sum())
        self.residual = 0
        self.history = History(self.n)
        self.rounds: list[Round] = []

    def run(self) -> None:
        """Count stage by stage until every seat is filled (rule 52 at the latest)."""
        while True:
            number = len(self.rounds) + 1
            self.history.append(self.votes)
            in_count = sorted(self.hopeful + self.elected)
            start = {self.names[c]: self._dec(self.votes[c]) for c in in_count}
            exhausted, residual = self._dec(self.exhausted), self._dec(self.residual)
            newly = self._elect([c for c in self.hopeful if self.votes[c] >= self.quota])
            left = self.seats - len(self.elected)
            if left <= 0 or len(self.hopeful) <= left:
                note = "all seats filled"
                if left > 0 and self.hopeful:
                    newly += self._elect(list(self.hopeful))
                    note = "continuing candidates no more than vacancies: deemed elected"
                self.rounds.append(
                    Round(
                        number,
                        start,
                        tuple(self.names[c] for c in newly),
                        exhausted=exhausted,
                        residual=residual,
                        note=note,
                    )
                )
                return
            if self.pending:
                high = max(int(self.votes[c]) for c in self.pending)
                tied = [c for c in self.pending if self.votes[c] == high]
                chosen = self.ties.by_history(
                    tied,
                    self.history,
                    lowest=False,
                    purpose="order of surpluses",
                    round_number=number,
                )
                self.pending.remove(chosen)
                surplus = int(self.votes[chosen]) - self.quota
                received = self._transfer_surplus(chosen, surplus)
                excluded: tuple[str, ...] = ()
                surplus_value: Number | None = self._dec(surplus)
            else:
                low = min(int(self.votes[c]) for c in self.hopeful)
                tied = [c for c in self.hopeful if self.votes[c] == low]
                chosen = self.ties.by_history(
                    tied, self.history, lowest=True, purpose="exclusion", round_number=number
                )
                self.hopeful.remove(chosen)
                self.cursor.close([chosen])
                received = self._transfer_all(chosen)
                excluded = (self.names[chosen],)
                surplus_value = None
            self.rounds.append(
                Round(
                    number,
                    start,
                    tuple(self.names[c] for c in newly),
                    excluded,
                    exhausted=exhausted,
                    transfer=self.names[chosen],
                    surplus=surplus_value,
                    transfers={self.names[c]: self._dec(received[c]) for c in self.hopeful},
                    residual=residual,
                )
            )

    def _elect(self, candidates: list[int]) -> list[int]:
        """Elect ``candidates``, most votes first; those over quota await their transfer."""
        order = sorted(candidates, key=lambda c: (-int(self.votes[c]), c))
        for c in order:
            self.hopeful.remove(c)
            self.elected.append(c)
            if self.votes[c] > self.quota:
                self.pending.append(c)
        self.cursor.close(order)
        return order

    def _transfer_surplus(self, candidate: int, surplus: int) -> IntArray:
        """Pass every paper of an elected candidate on at its new transfer value (rule 48)."""
        rows = self.cursor.rows_at(candidate)
        held = int(self.votes[candidate])
        self.weight[rows] = muldiv_floor(self.weight[rows], surplus, held)
        received, passed = self._move(rows)
        self.votes[candidate] = self.quota
        self.residual += surplus - passed
        return received

    def _transfer_all(self, candidate: int) -> IntArray:
        """Pass every paper of an excluded candidate on at its current value (rule 50)."""
        rows = self.cursor.rows_at(candidate)
        received, _ = self._move(rows)
        self.votes[candidate] = 0
        return received

    def _move(self, rows: IntArray) -> tuple[IntArray, int]:
        """Advance ``rows`` to their next continuing preference; return receipts and value moved."""
        self.cursor.advance(rows)
        amounts = self.weight[rows] * self.counts[rows]
        targets = self.cursor.top[rows]
        received = sum_by(targets, amounts, self.n)
        lost = int(amounts[targets < 0].sum())
        self.votes += received
        self.exhausted += lost
        return received, int(received.sum()) + lost

    def _dec(self, scaled: int | np.integer) -> Decimal:
        return to_decimal(int(scaled), PLACES)


def count_scottish(
    profile: Profile, seats: int, ties: TieBreaker, options: Mapping[str, object]
) -> Result:
    """Count ``profile`` under the Scottish STV rules (SSI 2007/42)."""
    state = _Count(profile, seats, ties)
    state.run()
    return Result(
        method="stv",
        seats=seats,
        winners=tuple(profile.candidates[c] for c in state.elected),
        quota=state.quota // SCALE,
        rounds=tuple(state.rounds),
        ties=tuple(ties.ties),
        ballots=state.total,
        arithmetic="fixed point, 5 decimal places, truncated (SSI 2007/42 rule 48(3))",
    )
