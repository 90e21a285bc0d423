"""The log as a file: one event per line, then the signed checkpoint that covers them.

Each event line is the event's log entry itself — the canonical (RFC 8785) JSON of
`{seq, at, type, actor, data}` — so the leaf hash of line n is SHA-256(0x00 ‖ line n).
The last line is `{"checkpoint": "<signed note>"}`, the checkpoint of the tree at some
size up to the number of events (at export time, the whole file when the log's key was
at hand). Anyone can then check the file with the verifier key alone: `soviet verify
--export FILE --key KEY`.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from sqlalchemy import Connection

from soviet.errors import InputError
from soviet.ledger.entries import canonical, encode_event
from soviet.storage import log

#: The key of the last line, which holds the signed checkpoint.
CHECKPOINT = "checkpoint"
#: The keys of an event line, exactly.
EVENT_KEYS = frozenset({"seq", "at", "type", "actor", "data"})


def write(conn: Connection, out: IO[bytes], size: int, checkpoint: str | None) -> int:
    """Write the events with seq 1 to `size`, then the checkpoint line; returns how many
    events were written."""
    written = 0
    for event in log.read(conn, 1, size + 1):
        out.write(encode_event(event.seq, event.at, event.type, event.actor, event.data))
        out.write(b"\n")
        written += 1
    if checkpoint is not None:
        out.write(canonical({CHECKPOINT: checkpoint}) + b"\n")
    return written


@dataclass(frozen=True, slots=True)
class Line:
    """One event line of an export, as read: its number, its bytes, and its JSON (or the
    reason it is not an event)."""

    number: int
    raw: bytes
    event: dict[str, Any] | None
    problem: str = ""


class ExportFile:
    """An export, read in two passes: `scan` (size and checkpoint), then `lines`."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.events = 0
        self.checkpoint: bytes | None = None
        self.scan()

    def scan(self) -> None:
        """Count the event lines and read the checkpoint line at the end."""
        last = b""
        count = 0
        try:
            with self.path.open("rb") as file:
                for raw in file:
                    if raw.strip():
                        count += 1
                        last = raw
        except OSError as error:
            raise InputError(f"cannot read the export {self.path}: {error.strerror}") from None
        if count == 0:
            raise InputError(f"{self.path}: the export is empty")
        try:
            value = json.loads(last)
        except ValueError:
            value = None
        if isinstance(value, dict) and set(value) == {CHECKPOINT}:
            if not isinstance(value[CHECKPOINT], str):
                raise InputError(f"{self.path}: the checkpoint line holds no signed note")
            self.checkpoint = value[CHECKPOINT].encode("utf-8")
            count -= 1
        self.events = count

    def lines(self) -> Iterator[Line]:
        """The event lines, in the file's order (blank lines and the checkpoint skipped)."""
        left = self.events
        with self.path.open("rb") as file:
            for number, raw in enumerate(file, start=1):
                raw = raw.rstrip(b"\r\n")
                if not raw.strip():
                    continue
                if left == 0:
                    return
                left -= 1
                yield _line(number, raw)


def _line(number: int, raw: bytes) -> Line:
    try:
        value = json.loads(raw)
    except ValueError as error:
        return Line(number, raw, None, f"line {number} is not JSON ({error})")
    if not isinstance(value, dict) or set(value) != EVENT_KEYS:
        return Line(number, raw, None,
                    f"line {number} is not an event {{seq, at, type, actor, data}}")
    kinds = (
        type(value["seq"]) is int and isinstance(value["at"], str)
        and isinstance(value["type"], str) and isinstance(value["data"], dict)
        and (value["actor"] is None or isinstance(value["actor"], str))
    )
    if not kinds:
        return Line(number, raw, None, f"line {number} has a field of the wrong kind")
    return Line(number, raw, value)
