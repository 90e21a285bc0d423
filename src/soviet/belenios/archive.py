"""The public data of an election: a Belenios archive, ``UUID.bel`` (specification 4.4).

An archive is an old-style tar file that only grows. Its first member, ``BELENIOS``, is
a header (version, timestamp of the start of the election); then come data
(``HASH.data.json``) and events (``HASH.event.json``), each named by the SHA-256 of its
content. The events form a chain: each names its parent, the event before it, and its
height counts from 0; an event's payload is a data member that comes earlier.

Reading checks all of that and says which member breaks it. Writing produces the bytes
belenios-tool writes (mode 0644, owner 0, every member dated by the header's timestamp,
no end-of-archive blocks), so that either tool can read what the other wrote and append
to it.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import BinaryIO

from soviet.belenios import wire
from soviet.belenios.errors import BeleniosError

#: The version of the archive format (of its header) this code reads and writes.
VERSION = 1

#: The kinds of events the specification knows, in the order they occur.
EVENT_TYPES = (
    "Setup",
    "Ballot",
    "EndBallots",
    "EncryptedTally",
    "Shuffle",
    "EndShuffles",
    "PartialDecryption",
    "Result",
)

HEADER_NAME = "BELENIOS"

_BLOCK = 512
_HASH = re.compile(r"[0-9a-f]{64}")
_MEMBER = re.compile(r"([0-9a-f]{64})\.(data|event)\.json")
_EVENT_FIELDS = ("parent", "height", "type", "payload")


class NotAnArchive(BeleniosError):
    """A file that is no Belenios archive at all (or a directory without one): nothing
    to verify, as against an archive whose members or chain do not hold."""


@dataclass(frozen=True)
class Header:
    """The ``BELENIOS`` member: the format's version and when the election started."""

    version: int
    timestamp: int


@dataclass(frozen=True)
class Event:
    """One event of the chain, as the archive holds it; ``position`` is its member's
    index in the archive (0 is the header)."""

    hash: str
    parent: str | None
    height: int
    type: str
    payload: str | None
    member: str
    position: int


@dataclass(frozen=True)
class Archive:
    """An archive read and checked: its header, every data item by its hash (the text as
    it was hashed), and the events in order."""

    path: Path
    header: Header
    data: Mapping[str, str]
    events: tuple[Event, ...]
    #: For each data item, the index of the member that first held it.
    positions: Mapping[str, int]

    def payload(self, event: Event) -> str:
        """The text of an event's payload (an error for an event without one)."""
        if event.payload is None:
            raise BeleniosError(f"event {event.height} ({event.type}): it has no payload")
        return self.data[event.payload]

    def referenced(self, reference: object, event: Event, where: str) -> str:
        """The text of a data item that an event's payload refers to by its hash: it must
        be in the archive before the event."""
        if not isinstance(reference, str) or not _HASH.fullmatch(reference):
            raise BeleniosError(f"{where}: {reference!r:.80} is not a SHA-256 hash in hex")
        position = self.positions.get(reference)
        if position is None:
            raise BeleniosError(f"{where}: no data {reference} in the archive")
        if position > event.position:
            raise BeleniosError(f"{where}: the data {reference} comes after the event")
        return self.data[reference]


def find_archive(directory: Path) -> Path:
    """The one ``*.bel`` archive in a directory, or an error saying what was found."""
    if not directory.exists():
        raise NotAnArchive(f"{directory}: no such directory")
    if not directory.is_dir():
        raise NotAnArchive(f"{directory}: not a directory (give the election's directory)")
    try:
        found = sorted(path for path in directory.glob("*.bel") if path.is_file())
    except OSError as error:
        raise NotAnArchive(f"{directory}: cannot be read: {error.strerror}") from None
    if not found:
        raise NotAnArchive(f"{directory}: no election archive (UUID.bel) in the directory")
    if len(found) > 1:
        names = ", ".join(path.name for path in found)
        raise NotAnArchive(f"{directory}: several archives ({names}); keep only one")
    return found[0]


def read_archive(path: Path) -> Archive:
    """Read an archive, checking its members' names, hashes and chain of events."""
    try:
        with path.open("rb") as file:
            return _Reader(path, file).read()
    except OSError as error:
        raise NotAnArchive(f"{path}: cannot be read: {error.strerror or error}") from None


class _Reader:
    """Reads the members of one archive in order, checking each as it comes."""

    def __init__(self, path: Path, file: BinaryIO) -> None:
        self.path = path
        self.file = file
        self.data: dict[str, str] = {}
        self.positions: dict[str, int] = {}
        self.events: list[Event] = []

    def read(self) -> Archive:
        members = _Members(self.path, self.file)
        first = next(members, None)
        if first is None:
            raise NotAnArchive(f"{self.path}: empty, not a Belenios archive")
        name, content = first
        if name != HEADER_NAME:
            raise NotAnArchive(
                f"{self.path}: member 0 ({name}): the archive must start with {HEADER_NAME}"
            )
        header = self._header(content)
        for position, (name, content) in enumerate(members, start=1):
            self._member(position, name, content)
        return Archive(self.path, header, self.data, tuple(self.events), self.positions)

    def _header(self, content: bytes) -> Header:
        where = f"{self.path.name}: {HEADER_NAME}"
        try:
            value = wire.loads(_text(content, where), where)
        except BeleniosError as error:
            raise NotAnArchive(str(error)) from None
        if not isinstance(value, dict) or set(value) != {"version", "timestamp"}:
            raise NotAnArchive(f"{where}: expected an object of version and timestamp")
        version, timestamp = value["version"], value["timestamp"]
        if type(version) is not int or version != VERSION:
            raise NotAnArchive(f"{where}: version {version!r:.20} (this reads version 1)")
        if type(timestamp) is int and timestamp >= 0:
            return Header(version, timestamp)
        if isinstance(timestamp, str) and timestamp.isdigit() and len(timestamp) < 20:
            return Header(version, int(timestamp))
        raise NotAnArchive(f"{where}: timestamp {timestamp!r:.30} is not a number of seconds")

    def _member(self, position: int, name: str, content: bytes) -> None:
        where = f"{self.path.name}: {name}"
        named = _MEMBER.fullmatch(name)
        if named is None:
            raise BeleniosError(
                f"{where}: not a member of an archive (HASH.data.json or HASH.event.json)"
            )
        digest, kind = named.groups()
        actual = wire.sha256_hex(content)
        if actual != digest:
            raise BeleniosError(f"{where}: its content hashes to {actual}, not its name")
        text = _text(content, where)
        if kind == "data":
            self.data.setdefault(digest, text)
            self.positions.setdefault(digest, position)
        else:
            self.events.append(self._event(digest, text, name, position, where))

    def _event(self, digest: str, text: str, name: str, position: int, where: str) -> Event:
        value = wire.loads(text, where)
        if not isinstance(value, dict):
            raise BeleniosError(f"{where}: an event is a JSON object")
        if unknown := [key for key in value if key not in _EVENT_FIELDS]:
            raise BeleniosError(f"{where}: unknown field {unknown[0]!r:.40} in an event")
        height, kind = value.get("height"), value.get("type")
        parent, payload = value.get("parent"), value.get("payload")
        expected = len(self.events)
        if type(height) is not int:
            raise BeleniosError(f"{where}: the height {height!r:.20} is not a whole number")
        if height != expected:
            raise BeleniosError(f"{where}: height {height}, expected {expected}")
        if kind not in EVENT_TYPES:
            raise BeleniosError(f"{where}: {kind!r:.40} is not a type of event")
        if not self.events:
            if parent is not None:
                raise BeleniosError(f"{where}: the first event has a parent")
        else:
            previous = self.events[-1]
            if parent is None:
                raise BeleniosError(f"{where}: no parent (expected {previous.hash})")
            if parent != previous.hash:
                raise BeleniosError(
                    f"{where}: parent {parent!s:.70} is not the event before it ({previous.member})"
                )
        if payload is not None:
            if not isinstance(payload, str) or not _HASH.fullmatch(payload):
                raise BeleniosError(f"{where}: payload {payload!r:.70} is not a hash")
            if payload not in self.data:
                raise BeleniosError(
                    f"{where}: its payload {payload} is not in the archive before it"
                )
        return Event(digest, parent, height, kind, payload, name, position)


class _Members:
    """The members of an old-style tar file, as (name, content), each header checked."""

    def __init__(self, path: Path, file: BinaryIO) -> None:
        self.path = path
        self.file = file
        self.offset = 0

    def __iter__(self) -> _Members:
        return self

    def __next__(self) -> tuple[str, bytes]:
        block = self.file.read(_BLOCK)
        at = self.offset
        if not block:
            raise StopIteration
        if len(block) < _BLOCK:
            if at == 0:
                raise NotAnArchive(f"{self.path}: not a tar archive (shorter than a header)")
            raise BeleniosError(f"{self.path}: cut short at byte {at} (not a whole tar block)")
        if block == bytes(_BLOCK):  # end-of-archive blocks, as other tar writers add
            rest = self.file.read()
            if rest.strip(b"\0"):
                raise BeleniosError(f"{self.path}: data after the end of the archive (byte {at})")
            self.offset += _BLOCK + len(rest)
            raise StopIteration
        name, size = _parse_header(block, self.path, at)
        content = self.file.read(size)
        padding = -size % _BLOCK
        skipped = self.file.read(padding)
        if len(content) < size or len(skipped) < padding:
            raise BeleniosError(f"{self.path}: {name}: cut short (the archive ends in it)")
        self.offset += _BLOCK + size + padding
        return name, content


def _parse_header(block: bytes, path: Path, at: int) -> tuple[str, int]:
    """The name and size of the member a tar header block describes."""
    stored = _octal(block[148:156])
    unsigned = sum(block[:148]) + 8 * 32 + sum(block[156:])
    signed = unsigned - 2 * sum(b for b in block[:148] + block[156:] if b > 127)
    if stored is None or stored not in (unsigned, signed):
        if at == 0:
            raise NotAnArchive(f"{path}: not a tar archive (no valid header at its start)")
        raise BeleniosError(f"{path}: no valid tar header at byte {at}: the archive is damaged")
    try:
        name = block[:100].split(b"\0", 1)[0].decode()
    except UnicodeDecodeError:
        raise BeleniosError(f"{path}: a member's name at byte {at} is not text") from None
    if block[257:262] == b"ustar" and block[345:500].strip(b"\0"):
        prefix = block[345:500].split(b"\0", 1)[0].decode(errors="replace")
        name = f"{prefix}/{name}"
    size = _octal(block[124:136])
    if size is None:
        raise BeleniosError(f"{path}: {name}: the size in its header is not a number")
    if block[156:157] not in (b"0", b"\0"):
        raise BeleniosError(f"{path}: {name}: not a regular file")
    return name, size


def _octal(field: bytes) -> int | None:
    digits = field.strip(b"\0 ")
    if not digits or any(c not in b"01234567" for c in digits):
        return None
    return int(digits, 8)


def _text(content: bytes, where: str) -> str:
    try:
        return content.decode()
    except UnicodeDecodeError:
        raise BeleniosError(f"{where}: not UTF-8 text") from None


class ArchiveWriter:
    """Writes a new archive member by member, as belenios-tool writes one: the header
    first, then data and events; each event chained to the one before it."""

    def __init__(self, path: Path, timestamp: int) -> None:
        self.path = path
        self.timestamp = timestamp
        self._file: BinaryIO = path.open("wb")
        self._written: set[str] = set()
        self._last: str | None = None
        self._height = 0
        header = wire.dumps({"version": VERSION, "timestamp": str(timestamp)})
        self._write(HEADER_NAME, header.encode())

    def add_data(self, text: str) -> str:
        """Append a data member; returns its hash, by which events and data refer to it."""
        content = text.encode()
        digest = wire.sha256_hex(content)
        self._write(f"{digest}.data.json", content)
        self._written.add(digest)
        return digest

    def add_event(self, type: str, payload: str | None = None) -> str:
        """Append the next event of the chain; ``payload`` is the hash of data written
        before. Returns the event's hash."""
        if type not in EVENT_TYPES:
            raise BeleniosError(f"{type!r:.40} is not a type of event")
        if payload is not None and payload not in self._written:
            raise BeleniosError(f"event {self._height} ({type}): payload {payload} not written")
        event: dict[str, object] = {}
        if self._last is not None:
            event["parent"] = self._last
        event["height"] = self._height
        event["type"] = type
        if payload is not None:
            event["payload"] = payload
        content = wire.dumps(event).encode()
        digest = wire.sha256_hex(content)
        self._write(f"{digest}.event.json", content)
        self._last = digest
        self._height += 1
        return digest

    def close(self) -> None:
        self._file.close()

    def __enter__(self) -> ArchiveWriter:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    def _write(self, name: str, content: bytes) -> None:
        self._file.write(_tar_header(name, len(content), self.timestamp))
        self._file.write(content + bytes(-len(content) % _BLOCK))


def _tar_header(name: str, size: int, mtime: int) -> bytes:
    """An old-style (pre-POSIX) tar header for a regular file, as belenios-tool writes."""
    fields = [
        name.encode().ljust(100, b"\0"),
        b"0000644\0",
        b"0000000\0",
        b"0000000\0",
        b"%011o\0" % size,
        b"%011o\0" % mtime,
        b" " * 8,
        b"0",
        bytes(100),
    ]
    block = b"".join(fields).ljust(_BLOCK, b"\0")
    checksum = b"%06o\0 " % sum(block)
    return block[:148] + checksum + block[156:]
