"""The log as a file: where an export goes (a file put in place whole, or a stream) and
how an export is read back. What it holds is `soviet.services.exports`'s to write:
one event per line, then the signed checkpoint that covers them.

Each event line is the event's log entry itself — the canonical (RFC 8785) JSON of
`{seq, at, type, actor, data}`, with `clock` for an event recorded under a set clock —
so the leaf hash of line n is SHA-256(0x00 ‖ line n). The last line is
`{"checkpoint": "<signed note>"}`, the checkpoint of the tree at some size up to the
number of events (at export time, the whole file when the log's key was at hand). Anyone
can then check the file with the verifier key alone: `soviet verify --export FILE --key
KEY`.
"""

from __future__ import annotations

import errno
import json
import os
import tempfile
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

import sqlalchemy as sa
from sqlalchemy.exc import ArgumentError

from soviet.errors import InputError
from soviet.services.exports import CHECKPOINT

#: The keys of an event line, exactly; and the key it may have besides, the marker of an
#: event recorded under a set clock.
EVENT_KEYS = frozenset({"seq", "at", "type", "actor", "data"})
CLOCK = "clock"
#: And the signed statement of a member's act.
SIGNED = "signed"


def shown(name: str | Path) -> str:
    """A file name as a message quotes it: a very long one shortened in the middle."""
    text = str(name)
    return text if len(text) <= 80 else f"{text[:48]}…{text[-24:]}"


def protected_files(db_url: str, key_path: Path | None) -> tuple[tuple[Path, str], ...]:
    """The files an export never replaces, each with what it is: a SQLite database with
    the files SQLite keeps beside it, and the log's signing key with its verifier key."""
    files: list[tuple[Path, str]] = []
    try:
        url = sa.make_url(db_url)
    except (ArgumentError, ValueError):
        url = None
    if (
        url is not None
        and url.get_backend_name() == "sqlite"
        and url.database not in (None, "", ":memory:")
    ):
        base = Path(str(url.database)).expanduser()
        files += [
            (base.with_name(base.name + suffix), "the database")
            for suffix in ("", "-wal", "-shm", "-journal")
        ]
    if key_path is not None:
        files += [
            (key_path, "the log's signing key"),
            (key_path.with_suffix(".pub"), "the log's verifier key"),
        ]
    return tuple(files)


def check_target(
    name: str, *, force: bool = False, protected: Sequence[tuple[Path, str]] = ()
) -> None:
    """Refuse (InputError) to export to `name`: an empty name, a folder, any of the
    `protected` files — compared with symbolic links followed — and, unless `force`, a
    file that exists."""
    if not name:
        raise InputError("the export's file name is empty: give a file, or '-' for standard output")
    path = Path(name)
    try:
        target = path.resolve()
        for guarded, what in protected:
            if target == guarded.resolve() or _same_file(path, guarded):
                raise InputError(
                    f"will not export over {shown(name)}: it is {what}, which "
                    "the log depends on; choose another file"
                )
        if path.is_dir():
            raise InputError(f"cannot export to {shown(name)}: it is a folder; name a file")
        if not force and os.path.lexists(path):
            raise InputError(
                f"{shown(name)} already exists: give --force to replace it, or choose another file"
            )
    except OSError as error:
        raise InputError(f"cannot write the export {shown(name)}: {error.strerror}") from None


def write_file(
    name: str,
    writer: Callable[[IO[bytes]], int],
    *,
    force: bool = False,
    protected: Sequence[tuple[Path, str]] = (),
) -> int:
    """Write an export to the file `name` through `writer`; returns what `writer` returns.

    Refuses what `check_target` refuses. The export goes to a new temporary file beside
    it, renamed into place once whole, so a failed export leaves whatever was there.
    """
    check_target(name, force=force, protected=protected)
    path = Path(name)
    try:
        fd, partial = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".partial", dir=path.parent)
    except OSError as error:
        raise InputError(f"cannot write the export {shown(name)}: {error.strerror}") from None
    try:
        with os.fdopen(fd, "wb") as out:
            count = writer(out)
            out.flush()
            os.fsync(out.fileno())
        _put_in_place(Path(partial), path, name, force)
    except OSError as error:
        raise InputError(f"cannot write the export {shown(name)}: {error.strerror}") from None
    finally:
        Path(partial).unlink(missing_ok=True)
    return count


@dataclass(frozen=True, slots=True)
class FileTarget:
    """An export to a file: refused as `check_target` refuses, written to a temporary file
    beside it and renamed into place once whole."""

    name: str
    force: bool = False
    protected: tuple[tuple[Path, str], ...] = ()

    def check(self) -> None:
        check_target(self.name, force=self.force, protected=self.protected)

    def write(self, writer: Callable[[IO[bytes]], int]) -> int:
        return write_file(self.name, writer, force=self.force, protected=self.protected)


@dataclass(frozen=True, slots=True)
class StreamTarget:
    """An export to an open stream, such as standard output ('-')."""

    out: IO[bytes]
    name: str = "-"

    def write(self, writer: Callable[[IO[bytes]], int]) -> int:
        count = writer(self.out)
        self.out.flush()
        return count


def _put_in_place(partial: Path, path: Path, name: str, force: bool) -> None:
    if force:
        os.replace(partial, path)
        return
    try:
        os.link(partial, path)  # never replaces: a file that appeared meanwhile stays
    except FileExistsError:
        raise InputError(
            f"{shown(name)} already exists: give --force to replace it, or choose another file"
        ) from None
    except OSError as error:
        if error.errno not in (errno.EPERM, errno.ENOTSUP, errno.EOPNOTSUPP, errno.EXDEV):
            raise
        if os.path.lexists(path):  # a file system without hard links
            raise InputError(
                f"{shown(name)} already exists: give --force to replace it, or choose another file"
            ) from None
        os.replace(partial, path)


def _same_file(path: Path, other: Path) -> bool:
    try:
        return os.path.samefile(path, other)
    except OSError:
        return False


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
            raise InputError(
                f"cannot read the export {shown(self.path)}: {error.strerror}"
            ) from None
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


def event_of(raw: bytes) -> tuple[dict[str, Any] | None, str]:
    """A log entry's event `{seq, at, type, actor, data}` (with `clock` and `signed` when
    it has them), or None and what is wrong with it: "is not JSON (…)", "is not an event
    …", "has a field of the wrong kind". An export's line and a served entry alike."""
    try:
        value = json.loads(raw)
    except ValueError as error:
        return None, f"is not JSON ({error})"
    if not isinstance(value, dict) or set(value) - {CLOCK, SIGNED} != EVENT_KEYS:
        return None, "is not an event {seq, at, type, actor, data}"
    kinds = (
        type(value["seq"]) is int
        and isinstance(value["at"], str)
        and isinstance(value["type"], str)
        and isinstance(value["data"], dict)
        and (value["actor"] is None or isinstance(value["actor"], str))
        and isinstance(value.get(CLOCK, ""), str)
        and isinstance(value.get(SIGNED, {}), dict)
    )
    return (value, "") if kinds else (None, "has a field of the wrong kind")


def _line(number: int, raw: bytes) -> Line:
    value, problem = event_of(raw)
    if value is None:
        return Line(number, raw, None, f"line {number} {problem}")
    return Line(number, raw, value)
