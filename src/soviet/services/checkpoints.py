"""Logging checkpoints: a signed checkpoint of the tree, recorded as an event of the log.

An election's close logs one once its result and mandates are recorded, so that every
result is anchored by the log's signature and anyone holding the verifier key can check
that the log that reported it was never rewritten afterwards.
"""

from __future__ import annotations

from soviet.domain import events as ev
from soviet.services.ports import Workspace


def log_checkpoint(ws: Workspace, cause: int) -> ev.Recorded | None:
    """Record the signed checkpoint of the log as it stands (every event before this one);
    nothing for a log founded without a key."""
    note = ws.checkpoint()
    if note is None:
        return None
    return ws.record(ev.Event(ev.CHECKPOINT_LOGGED, None, {"checkpoint": note, "cause": cause}))
