"""`soviet export`: the log as a file, one event a line, then the signed checkpoint that
covers them — read from one snapshot, so a writer committing meanwhile changes nothing.

Each event line is the event's log entry itself (RFC 8785 JSON of `{seq, at, type, actor,
data}`, and `clock` for an event recorded under a set clock); the last line is
`{"checkpoint": "<signed note>"}`. The checkpoint is the one stored at the export's size;
else one signed now, if the log's key is at hand; else the latest signed one, which
covers a prefix and says so.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import IO, Literal, Protocol

from soviet.ledger.checkpoints import Checkpoint, parse_note
from soviet.ledger.entries import canonical, encode_event
from soviet.services.ports import LogReading

#: The key of the last line, which holds the signed checkpoint.
CHECKPOINT = "checkpoint"

#: Where an export's checkpoint comes from.
Source = Literal["stored", "now", "logged", "none"]


class ExportTarget(Protocol):
    """Where an export goes: a file written whole or not at all, or a stream."""

    @property
    def name(self) -> str: ...

    def write(self, writer: Callable[[IO[bytes]], int]) -> int:
        """Hand `writer` the output; returns what it returns once the output is in place."""
        ...


@dataclass(frozen=True, slots=True)
class Exported:
    """What an export wrote: how many events, and the checkpoint it ends with."""

    file: str
    events: int
    checkpoint: str | None
    source: Source
    #: How many events the checkpoint signs (None without one).
    covered: int | None


def checkpoint_for(log: LogReading, size: int) -> tuple[str | None, Source]:
    """The signed checkpoint an export of the first `size` events ends with, and where it
    comes from."""
    if log.verifier_key() is None:
        return None, "none"
    stored = log.latest_checkpoint(at_most=size)
    if stored is not None and stored[0] == size:
        return stored[1], "stored"
    if log.can_sign():
        return log.sign(size), "now"
    logged = log.latest_logged_checkpoint()
    if stored is not None and (logged is None or stored[0] >= logged[0] - 1):
        return stored[1], "stored"
    if logged is not None:
        return logged[1], "logged"
    return None, "none"


def write(log: LogReading, out: IO[bytes], size: int, checkpoint: str | None) -> int:
    """Write the events with seq 1 to `size`, then the checkpoint line; returns how many
    events were written."""
    written = 0
    for event in log.events(1, size + 1):
        out.write(
            encode_event(
                event.seq,
                event.at,
                event.type,
                event.actor,
                event.data,
                event.clock,
                event.signed,
            )
        )
        out.write(b"\n")
        written += 1
    if checkpoint is not None:
        out.write(canonical({CHECKPOINT: checkpoint}) + b"\n")
    return written


def export(log: LogReading, target: ExportTarget) -> Exported:
    """Export the whole log as the snapshot sees it to `target`."""
    size = log.size()
    note, source = checkpoint_for(log, size)
    count = target.write(lambda out: write(log, out, size, note))
    covered = None if note is None else Checkpoint.parse(parse_note(note.encode())[0]).size
    return Exported(target.name, count, note, source, covered)
