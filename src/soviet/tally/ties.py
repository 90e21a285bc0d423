"""Breaking ties: by earlier rounds where a rule says so, then by a lot anyone can redraw.

The lot is deterministic given the seed (the log's root hash at the close of an election):
each tied candidate gets the digest ``SHA-256(seed || 0x0a || context || 0x0a || name)``
and the candidates are drawn in ascending order of digest. The context names the method,
the purpose, the round and the tied candidates, so every tie draws independently and the
recorded `Tie` holds all that is needed to redo the draw by hand.

Where a published count settled lots by a fixed order instead (droop's reports use the
ballot file's candidate order), the ``tie_order`` option replaces the lot by that order.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

from soviet.tally.errors import TallyError
from soviet.tally.results import Tie

#: One round's votes in a rule's history: each candidate's votes (exact integers), by number.
Votes = npt.NDArray[np.int64]


class TieBreaker:
    """Breaks the ties of one count and keeps the record of each."""

    def __init__(
        self,
        candidates: Sequence[str],
        *,
        method: str,
        seed: bytes,
        tie_order: Sequence[str] | None = None,
    ) -> None:
        self.candidates = tuple(candidates)
        self.method = method
        self.seed = bytes(seed)
        self.ties: list[Tie] = []
        self._rank: dict[int, int] | None = None
        if tie_order is not None:
            names = list(tie_order)
            if sorted(names) != sorted(self.candidates):
                raise TallyError(
                    f"option tie_order must list every candidate once: got {names}, "
                    f"candidates are {list(self.candidates)}"
                )
            index = {name: i for i, name in enumerate(self.candidates)}
            self._rank = {index[name]: r for r, name in enumerate(names)}

    def draw(self, tied: Sequence[int], purpose: str, round_number: int | None) -> list[int]:
        """Order tied candidates by lot (or by the given tie order); the first is chosen."""
        group = sorted(set(tied))
        names = [self.candidates[c] for c in group]
        if len(group) == 1:
            return group
        if self._rank is not None:
            rank = self._rank
            order = sorted(group, key=lambda c: rank[c])
            self.ties.append(
                Tie(
                    between=tuple(names),
                    purpose=purpose,
                    broken_by="order given",
                    chosen=self.candidates[order[0]],
                    round=round_number,
                )
            )
            return order
        where = "" if round_number is None else f"round {round_number}"
        context = "|".join([self.method, purpose, where, ",".join(names)])
        order = sorted(group, key=lambda c: self._digest(context, self.candidates[c]))
        self.ties.append(
            Tie(
                between=tuple(names),
                purpose=purpose,
                broken_by="lot",
                chosen=self.candidates[order[0]],
                round=round_number,
                seed=self.seed.hex(),
                context=context,
                draw=tuple(self.candidates[c] for c in order),
            )
        )
        return order

    def lot(self, tied: Sequence[int], purpose: str, round_number: int | None) -> int:
        """Choose one of the tied candidates by lot (or by the given tie order)."""
        return self.draw(tied, purpose, round_number)[0]

    def by_history(
        self,
        tied: Sequence[int],
        history: Sequence[Votes],
        *,
        lowest: bool,
        purpose: str,
        round_number: int,
    ) -> int:
        """Choose among tied candidates by the most recent round at which they differed.

        ``history`` holds each round's votes, oldest first. Going back from the latest,
        the first round at which the tied candidates' votes differ keeps only those with the
        fewest (``lowest``) or most votes there; if one remains, that one is chosen, else the
        search goes on among those that remain. Equal at every round: lot.
        """
        group = sorted(set(tied))
        if len(group) == 1:
            return group[0]
        for back, votes in enumerate(reversed(history)):
            values = [int(votes[c]) for c in group]
            extreme = min(values) if lowest else max(values)
            narrowed = [c for c, v in zip(group, values, strict=True) if v == extreme]
            if len(narrowed) == 1:
                chosen = narrowed[0]
                decided = len(history) - back
                self.ties.append(
                    Tie(
                        between=tuple(self.candidates[c] for c in sorted(set(tied))),
                        purpose=purpose,
                        broken_by=f"votes at round {decided}",
                        chosen=self.candidates[chosen],
                        round=round_number,
                    )
                )
                return chosen
            group = narrowed
        return self.lot(group, purpose, round_number)

    def _digest(self, context: str, name: str) -> bytes:
        message = self.seed + b"\n" + context.encode() + b"\n" + name.encode()
        return hashlib.sha256(message).digest()
