"""The part of `MemoryState` that holds secret ballots: the rows of each key ceremony and
each secret vote (`soviet.domain.secrecy`), and a tallied election's status.

Its handlers are journalled like the rest of the state (`soviet.domain._journal`).
"""

from __future__ import annotations

from collections.abc import Sequence

from soviet.domain import catalogue as c
from soviet.domain import secret_rows as secrecy
from soviet.domain._journal import Journalled
from soviet.domain.events import Recorded


class SecretState(Journalled):
    """Key ceremonies and secret votes, advanced by the events that change them."""

    def __init__(self) -> None:
        super().__init__()
        self._secret: dict[str, tuple[secrecy.SecretRow, ...]] = {}

    def _note_secret(self, e: Recorded, p: c.Payload) -> None:
        for subject in secrecy.subjects_of(e.seq, p):
            row = secrecy.SecretRow(e.seq, e.at, e.actor, p)
            self._put(self._secret, subject, (*self._secret.get(subject, ()), row))

    def _tallied(self, e: Recorded, p: c.VoteTallied) -> None:
        self._note_secret(e, p)
        self._tallying(p.vote)

    def _tallying(self, election: str) -> None:
        """The election's vote is closed and waits for its trustees."""
        raise NotImplementedError

    def secret_rows(self, subject: str) -> Sequence[secrecy.SecretRow]:
        return self._secret.get(subject, ())
