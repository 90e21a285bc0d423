"""Where a charter's value was written: the file, line and field that an error names.

A field is the value's path in the parsed document, `offices[2].seat_in`, indices from 0.
Its line is the line of that path, or of the nearest enclosing one that has a line, so a
missing key is reported at its table's header. A cell of a members CSV is named by the
CSV file, the line of its row and its column.
"""

from __future__ import annotations

import difflib
import json
import re
import string
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Protocol

from soviet.domain._toml_lines import Path, locate
from soviet.domain.ids import printable
from soviet.errors import CharterError

_BARE = frozenset(string.ascii_letters + string.digits + "_-")
#: The most characters of a key that a field shows.
_LONGEST_KEY = 64


@dataclass(frozen=True, slots=True)
class Site:
    """The file, line and field of one value, to name in an error."""

    source: str
    line: int | None
    field: str

    def error(self, problem: str) -> CharterError:
        return CharterError(self.source, self.line, printable(self.field), printable(problem))


class Place(Protocol):
    """A table of values and the way to locate each of its fields."""

    def at(self, *sub: str | int) -> Site: ...


@dataclass(frozen=True)
class InToml:
    """A table of the charter's TOML: its path from the root, and the line of every path."""

    source: str
    lines: Mapping[Path, int]
    path: Path

    def at(self, *sub: str | int) -> Site:
        path = self.path + sub
        line = next(
            (self.lines[path[:n]] for n in range(len(path), 0, -1) if path[:n] in self.lines), 1
        )
        return Site(self.source, line, field_name(path))

    def sub(self, *sub: str | int) -> InToml:
        return InToml(self.source, self.lines, self.path + sub)


@dataclass(frozen=True, slots=True)
class InCsv:
    """A row of a members CSV, whose fields are its columns."""

    source: str
    line: int

    def at(self, *sub: str | int) -> Site:
        return Site(self.source, self.line, _key(str(sub[0])) if sub else "row")


def field_name(path: Path) -> str:
    """A path as a field is written in an error: `offices[2].seat_in`."""
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else f".{_key(part)}" if out else _key(part)
    return out or "charter"


def _key(key: str) -> str:
    """A key as a field names it: bare if it can be written bare, else quoted, cut short."""
    if key and all(char in _BARE for char in key) and len(key) <= _LONGEST_KEY:
        return key
    quoted = json.dumps(key[:_LONGEST_KEY])
    return quoted if len(key) <= _LONGEST_KEY else quoted[:-1] + '…"'


def syntax_error(exc: tomllib.TOMLDecodeError, text: str, source: str) -> CharterError:
    """The located error for a document `tomllib` refused; a key set twice names its field."""
    message = str(exc)
    found = re.search(r" \(at line (\d+), column \d+\)$", message)
    line = int(found.group(1)) if found else max(1, text.count("\n") + 1)
    problem = message[: found.start()] if found else message.removesuffix(" (at end of document)")
    field = "syntax"
    for path, repeated_at in locate(text).repeated:
        if repeated_at == line:
            field, problem = field_name(path), "set twice; a key may appear only once in its table"
    return CharterError(source, line, field, printable(problem[:1].lower() + problem[1:]))


def hint(word: str, choices: Iterable[str]) -> str:
    """A `(did you mean ...?)` for a word that is not one of `choices`, or nothing."""
    close = difflib.get_close_matches(word, list(choices), n=1)
    return f" (did you mean {close[0]!r}?)" if close else ""
