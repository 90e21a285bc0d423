"""The projection of secret votes and key ceremonies: each event under every subject it
makes (`secret_rows`, `soviet.domain.secret_rows`)."""

from __future__ import annotations

from soviet.domain import catalogue as c
from soviet.domain.events import Recorded
from soviet.domain.secret_rows import subjects_of
from soviet.ledger.entries import compact
from soviet.storage import schema as t
from soviet.storage.writes import Writes


def secret_row(w: Writes, e: Recorded, p: c.Payload) -> None:
    """The event, under each key ceremony or secret vote it makes (`secret_rows`)."""
    for subject in subjects_of(e.seq, p):
        w.insert(
            t.secret_rows,
            dict(
                subject=subject,
                seq=e.seq,
                at=e.at,
                actor=e.actor,
                type=e.type,
                data=compact(e.data),
            ),
        )
