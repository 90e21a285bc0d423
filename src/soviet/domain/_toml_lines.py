"""The line of every key, table and array element of a TOML document.

`tomllib` returns values without positions, so charter errors locate their field
with this scanner. It walks the document as TOML does (headers, dotted and quoted
keys, arrays, inline tables, multi-line strings) and records the line on which each
path starts: a key for `key = value`, the header for `[table]` and `[[array]]`, the
opening `{` or the first character of an element inside an array.

A path is the chain of keys and array indices from the root, as in the parsed value:
`("offices", 2, "seat_in")` is the key `seat_in` of the third `[[offices]]` table, and
`("members", 0)` the first inline table of `members = [{...}, ...]`.

The scanner is meant for documents `tomllib` has accepted; on anything else it stops
quietly and returns what it found so far, so it never raises.
"""

from __future__ import annotations

import bisect
import contextlib
import tomllib
from dataclasses import dataclass, field

Path = tuple[str | int, ...]

_BARE_KEY = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-")
_SCALAR_END = frozenset(",]}#\n")


@dataclass
class Located:
    """Where each path of a document starts, and any key assigned twice."""

    lines: dict[Path, int] = field(default_factory=dict)
    #: Paths assigned by a second `key = value`, with the line of the second one.
    repeated: list[tuple[Path, int]] = field(default_factory=list)


class _Stop(Exception):
    """The text is not TOML the scanner understands; keep what was found."""


def locate(text: str) -> Located:
    """Scan a TOML document and return the line (1-based) of each path in it."""
    scanner = _Scanner(text)
    with contextlib.suppress(_Stop, RecursionError):
        scanner.document()
    return scanner.found


class _Scanner:
    def __init__(self, text: str) -> None:
        self.text = text
        self.pos = 0
        self.found = Located()
        self._starts = [0] + [i + 1 for i, c in enumerate(text) if c == "\n"]
        # Count of elements of each array of tables, keyed by its concrete path.
        self._arrays: dict[Path, int] = {}

    # -- positions -------------------------------------------------------------

    def line(self) -> int:
        return bisect.bisect_right(self._starts, self.pos)

    def peek(self, ahead: int = 0) -> str:
        at = self.pos + ahead
        return self.text[at] if at < len(self.text) else ""

    def startswith(self, token: str) -> bool:
        return self.text.startswith(token, self.pos)

    def record(self, path: Path, line: int) -> None:
        self.found.lines.setdefault(path, line)

    # -- whitespace and comments -----------------------------------------------

    def skip_blank(self) -> None:
        while self.peek() in (" ", "\t"):
            self.pos += 1

    def skip_comment(self) -> None:
        if self.peek() == "#":
            end = self.text.find("\n", self.pos)
            self.pos = len(self.text) if end < 0 else end

    def skip_space(self) -> None:
        """Skip blanks, newlines and comments (inside arrays and between statements)."""
        while True:
            self.skip_blank()
            self.skip_comment()
            if self.peek() in ("\n", "\r"):
                self.pos += 1
            else:
                return

    # -- statements ------------------------------------------------------------

    def document(self) -> None:
        table: Path = ()
        while True:
            self.skip_space()
            if self.pos >= len(self.text):
                return
            line = self.line()
            if self.startswith("[["):
                self.pos += 2
                table = self.array_header(self.key(), line)
                self.expect("]]")
            elif self.peek() == "[":
                self.pos += 1
                table = self.resolve(self.key(), line)
                self.expect("]")
            else:
                self.key_value(table)

    def array_header(self, keys: list[str], line: int) -> Path:
        parent = self.resolve(keys[:-1], line)
        array = (*parent, keys[-1])
        index = self._arrays.get(array, 0)
        self._arrays[array] = index + 1
        self.record(array, line)
        element = (*array, index)
        self.record(element, line)
        return element

    def resolve(self, keys: list[str], line: int) -> Path:
        """The concrete path of a header: a key naming an array of tables means its last."""
        path: Path = ()
        for key in keys:
            path = (*path, key)
            self.record(path, line)
            if path in self._arrays:
                path = (*path, self._arrays[path] - 1)
        return path

    def key_value(self, table: Path) -> None:
        line = self.line()
        keys = self.key()
        path = table
        for key in keys:
            path = (*path, key)
            if path in self.found.lines and key == keys[-1]:
                self.found.repeated.append((path, line))
            self.record(path, line)
        self.expect("=")
        self.value(path)

    def expect(self, token: str) -> None:
        self.skip_blank()
        if not self.startswith(token):
            raise _Stop
        self.pos += len(token)

    # -- keys ------------------------------------------------------------------

    def key(self) -> list[str]:
        keys = [self.simple_key()]
        while True:
            self.skip_blank()
            if self.peek() != ".":
                return keys
            self.pos += 1
            keys.append(self.simple_key())

    def simple_key(self) -> str:
        self.skip_blank()
        start = self.pos
        if self.peek() in ('"', "'"):
            self.string()
            raw = self.text[start : self.pos]
            try:
                return str(tomllib.loads(f"k = {raw}")["k"])
            except tomllib.TOMLDecodeError:
                raise _Stop from None
        while self.peek() in _BARE_KEY and self.peek() != "":
            self.pos += 1
        if self.pos == start:
            raise _Stop
        return self.text[start : self.pos]

    # -- values ----------------------------------------------------------------

    def value(self, path: Path) -> None:
        self.skip_blank()
        char = self.peek()
        if char in ('"', "'"):
            self.string()
        elif char == "[":
            self.array(path)
        elif char == "{":
            self.inline_table(path)
        else:
            start = self.pos
            while self.peek() not in _SCALAR_END and self.peek() != "":
                self.pos += 1
            if self.pos == start:
                raise _Stop

    def array(self, path: Path) -> None:
        self.pos += 1
        index = 0
        while True:
            self.skip_space()
            if self.peek() == "]":
                self.pos += 1
                return
            element = (*path, index)
            self.record(element, self.line())
            self.value(element)
            self.skip_space()
            if self.peek() == ",":
                self.pos += 1
            elif self.peek() != "]":
                raise _Stop
            index += 1

    def inline_table(self, path: Path) -> None:
        self.pos += 1
        while True:
            self.skip_space()
            if self.peek() == "}":
                self.pos += 1
                return
            self.key_value(path)
            self.skip_space()
            if self.peek() == ",":
                self.pos += 1
            elif self.peek() != "}":
                raise _Stop

    def string(self) -> None:
        quote = self.peek()
        if self.startswith(quote * 3):
            self.pos += 3
            self.skip_to(quote * 3, escapes=quote == '"')
            # A closing delimiter may be preceded by one or two quotes of the content.
            extra = 0
            while self.peek() == quote and extra < 2:
                self.pos += 1
                extra += 1
        else:
            self.pos += 1
            self.skip_to(quote, escapes=quote == '"')

    def skip_to(self, closing: str, *, escapes: bool) -> None:
        while True:
            if self.pos >= len(self.text):
                raise _Stop
            if escapes and self.peek() == "\\":
                self.pos += 2
            elif self.startswith(closing):
                self.pos += len(closing)
                return
            else:
                self.pos += 1
