"""The limits of a charter, which keep a small file from exhausting the machine.

Each is far above what an organization writes, and low enough that every value fits
what the log and both databases store the same way (a PostgreSQL INTEGER holds up to
2**31 - 1, the log's integers up to 2**63 - 1):

- an office has at most 1,000 seats;
- a term or voting period is 1 to 36,500 days (a hundred years);
- a charter file has at most 4,000,000 characters and a members CSV at most
  500,000,000 (ten million members of a generated national federation; its rows are read
  one by one, and a founding holds about 500 bytes a member);
- a key has at most 32 dotted parts (`a.b.c` has 3), arrays and inline tables nest at
  most 32 deep, and a number is written in at most 100 characters.

The shape of the TOML text (its size, dotted keys, nesting and numbers) is checked by
`check_toml_shape` before the text is parsed, since parsing a deep enough document
exhausts the stack, and locating the fields of one with very long keys, the memory.
"""

from __future__ import annotations

import re

from soviet.errors import CharterError

MAX_SEATS = 1_000
MAX_DAYS = 36_500
MAX_CHARTER_CHARACTERS = 4_000_000
MAX_CSV_CHARACTERS = 500_000_000
MAX_KEY_PARTS = 32
MAX_NESTING = 32
MAX_NUMBER_CHARACTERS = 100

# The tokens that matter to the shape of a TOML document: strings and comments (skipped
# whole, so that nothing inside them counts), line breaks, brackets, separators, and runs
# of the characters a bare key or a number is written with. An unterminated string runs
# to the end of its line (or, for a multi-line one, of the text); tomllib refuses it later.
_TOKEN = re.compile(
    r'"""(?:[^\\]|\\[\s\S])*?"""(?:"{1,2}(?!"))?|"""[\s\S]*'
    r"|'''[\s\S]*?'''(?:'{1,2}(?!'))?|'''[\s\S]*"
    r'|"(?:[^"\\\n]|\\.)*"?'
    r"|'[^'\n]*'?"
    r"|#[^\n]*"
    r"|[0-9A-Za-z_+\-:]+"
    r"|[\[\]{}=,.\n]"
)


def check_toml_shape(text: str, source: str) -> None:
    """Refuse a charter's text that is too long, or whose keys, nesting or numbers are
    beyond the limits, naming the line where the limit is passed."""
    if len(text) > MAX_CHARTER_CHARACTERS:
        raise CharterError(
            source,
            _line(text, MAX_CHARTER_CHARACTERS),
            "charter",
            f"the file has {len(text):,} characters; a charter has at most "
            f"{MAX_CHARTER_CHARACTERS:,} (list a large membership in a CSV file)",
        )
    _Shape(text, source).scan()


def check_csv_size(text: str, source: str) -> None:
    """Refuse a members CSV longer than the limit."""
    if len(text) > MAX_CSV_CHARACTERS:
        raise CharterError(
            source,
            _line(text, MAX_CSV_CHARACTERS),
            "row",
            f"the file has {len(text):,} characters; a members CSV has at most "
            f"{MAX_CSV_CHARACTERS:,} (admit more members with `soviet member add`)",
        )


def _line(text: str, pos: int) -> int:
    return text.count("\n", 0, pos) + 1


class _Shape:
    """One pass over the tokens, knowing whether each is part of a key or of a value."""

    def __init__(self, text: str, source: str) -> None:
        self.text = text
        self.source = source
        # The open arrays ("[") and inline tables ("{") around the current token.
        self.open: list[str] = []
        self.expect_key = True
        self.key_start: int | None = None
        self.parts = 0
        self.in_header = False
        self.array_header = False
        # The field an error names: the table of the last header, and the last key.
        self.table = ""
        self.assigned = "charter"
        self.arrays: dict[str, int] = {}

    def scan(self) -> None:
        for token in _TOKEN.finditer(self.text):
            kind = token.group()
            if kind[0] == "#":
                continue
            if kind == "\n":
                if not self.open:
                    self.expect_key, self.key_start, self.in_header = True, None, False
            elif self.expect_key:
                self.in_key(kind, token.start(), token.end())
            else:
                self.in_value(kind, token.start())

    def in_key(self, kind: str, start: int, end: int) -> None:
        if self.key_start is None:
            if kind == "[" and not self.open:
                self.in_header, self.key_start, self.parts = True, end, 1
                self.array_header = False
                return
            if kind == "}" and self.open and self.open[-1] == "{":
                self.open.pop()
                self.expect_key = False
                return
            self.key_start, self.parts = start, 1
        if kind == ".":
            self.parts += 1
            if self.parts > MAX_KEY_PARTS:
                key = self.key(start)
                raise self.error(
                    start,
                    key if self.in_header or self.open else self.field(key),
                    f"a key of more than {MAX_KEY_PARTS} dotted parts; a charter's keys "
                    "have at most 2",
                )
        elif kind == "=":
            if not self.open:
                self.assigned = self.field(self.key(start))
            self.expect_key, self.key_start = False, None
        elif kind == "]" and self.in_header:
            self.table = self.key(start)
            if self.array_header:
                index = self.arrays.get(self.table, 0)
                self.arrays[self.table] = index + 1
                self.table += f"[{index}]"
            self.assigned = self.table
            self.key_start, self.in_header = None, False
        elif kind == "[" and self.in_header:
            self.key_start = end  # the second bracket of an array of tables' header
            self.array_header = True

    def in_value(self, kind: str, start: int) -> None:
        if kind in ("[", "{"):
            self.open.append(kind)
            if len(self.open) > MAX_NESTING:
                raise self.error(
                    start,
                    self.assigned,
                    f"arrays and inline tables nested more than {MAX_NESTING} deep",
                )
            if kind == "{":
                self.expect_key, self.key_start = True, None
        elif kind in ("]", "}"):
            if self.open:
                self.open.pop()
        elif kind == ",":
            if self.open and self.open[-1] == "{":
                self.expect_key, self.key_start = True, None
        elif kind[0] not in "\"'" and len(kind) > MAX_NUMBER_CHARACTERS:
            raise self.error(
                start,
                self.assigned,
                f"a value of {len(kind):,} characters that is not a string; a number is "
                f"written in at most {MAX_NUMBER_CHARACTERS}",
            )

    def field(self, key: str) -> str:
        return f"{self.table}.{key}" if self.table else key

    def key(self, end: int) -> str:
        written = " ".join(self.text[self.key_start or 0 : end].split())
        return written if len(written) <= 60 else written[:60] + "…"

    def error(self, pos: int, field: str, problem: str) -> CharterError:
        return CharterError(self.source, _line(self.text, pos), field, problem)
