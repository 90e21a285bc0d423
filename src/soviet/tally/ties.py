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
        # Every digest starts with the seed and the context: hash that once, then each name.
        start = hashlib.sha256(self.seed + b"\n" + context.encode() + b"\n")
        digests = {c: _digest_of(start, self.candidates[c]) for c in group}
        order = sorted(group, key=digests.__getitem__)
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
        history: History | Sequence[Votes],
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
        if isinstance(history, History):
            if history.never_differed(group):
                return self.lot(group, purpose, round_number)
            matrix = history.matrix[:, group]
        else:
            matrix = np.array([np.asarray(votes)[group] for votes in history], dtype=np.int64)
            matrix = matrix.reshape(len(history), len(group))
        kept = np.arange(len(group))
        end = matrix.shape[0]
        while end:
            seen = matrix[:end][:, kept]
            differed = np.flatnonzero((seen != seen[:, :1]).any(axis=1))
            if not differed.size:
                break
            at = int(differed[-1])
            values = seen[at]
            kept = kept[values == (values.min() if lowest else values.max())]
            if kept.size == 1:
                chosen = group[int(kept[0])]
                self.ties.append(
                    Tie(
                        between=tuple(self.candidates[c] for c in group),
                        purpose=purpose,
                        broken_by=f"votes at round {at + 1}",
                        chosen=self.candidates[chosen],
                        round=round_number,
                    )
                )
                return chosen
            end = at
        return self.lot([group[int(i)] for i in kept], purpose, round_number)


def _digest_of(start: hashlib._Hash, name: str) -> bytes:
    """The lot's digest of one name: `start` (seed and context hashed) continued by the name."""
    digest = start.copy()
    digest.update(name.encode())
    return digest.digest()


class History:
    """Each round's votes, oldest first: the rows of one matrix that grows round by round.

    It also keeps, for every candidate, a number that stands for their votes at every round
    so far: two candidates share it exactly when they never differed, so a tie between
    such candidates (those with no votes yet, say) goes to the lot without reading back
    through every round — which, with many candidates, would cost rounds x candidates
    at every exclusion.
    """

    def __init__(self, candidates: int) -> None:
        self._rows = np.zeros((8, candidates), dtype=np.int64)
        self._size = 0
        self._story = np.zeros(candidates, dtype=np.int64)

    def append(self, votes: Votes) -> None:
        """Record one more round's votes (a copy is kept)."""
        if self._size == self._rows.shape[0]:
            grown = np.zeros((2 * self._size, self._rows.shape[1]), dtype=np.int64)
            grown[: self._size] = self._rows
            self._rows = grown
        self._rows[self._size] = votes
        self._size += 1
        latest = self._rows[self._size - 1]
        if not latest.size:
            return
        # Number the distinct (story so far, latest votes) pairs: those are the new stories.
        order = np.lexsort((latest, self._story))
        story, votes = self._story[order], latest[order]
        fresh = np.empty(order.size, dtype=np.bool_)
        fresh[0] = True
        fresh[1:] = (story[1:] != story[:-1]) | (votes[1:] != votes[:-1])
        self._story = np.empty(order.size, dtype=np.int64)
        self._story[order] = np.cumsum(fresh) - 1

    def __len__(self) -> int:
        return self._size

    @property
    def matrix(self) -> npt.NDArray[np.int64]:
        """The votes of every round so far, one row a round (a read-only view)."""
        view = self._rows[: self._size]
        view.setflags(write=False)
        return view

    def never_differed(self, candidates: Sequence[int]) -> bool:
        """Whether these candidates had equal votes at every round so far."""
        stories = self._story[list(candidates)]
        return bool((stories == stories[0]).all())
