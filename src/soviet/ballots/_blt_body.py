"""The ballot lines of a BLT file, turned into a marks matrix in bulk.

Every step works on whole arrays — the bytes, the tokens, the lines, the rank columns —
so a million ballot lines cost a few dozen numpy passes, not a million Python steps. Only
tokens that are not plain numbers (`-`, `a=b`, `-=-`) are looked at one by one, and only
when they join candidates with `=`.
"""

from __future__ import annotations

import re

import numpy as np
import numpy.typing as npt

from soviet.ballots._marks import END, Marks, Weights
from soviet.errors import BallotFileError

_SPACE = 32
_NEWLINE = 10
_DASH = 45
_ZERO = 48
_LONGEST_NUMBER = 18
# Read values of the tokens that are not numbers; a mark's code is its read value - 1.
_SKIP_VALUE = -1
_OVERVOTE_VALUE = -2
_JOINED = re.compile(rb"(?:\d+|-)(?:=(?:\d+|-))+")

Ints = npt.NDArray[np.int64]


class _Lines:
    """Where each line's tokens begin, so an error can name its line."""

    def __init__(self, first_token: Ints, first_line: int) -> None:
        self.first_token = first_token
        self.first_line = first_line

    def of_token(self, token: int) -> int:
        index = int(np.searchsorted(self.first_token, token, side="right")) - 1
        return self.first_line + index


def parse_body(
    data: bytes, start: int, end: int, first_line: int, candidates: int, source: str
) -> tuple[Marks, Weights]:
    """Marks and weights of the ballot lines in `data[start:end]`, which begins at `first_line`."""
    raw = np.frombuffer(data, np.uint8, count=end - start, offset=start)
    digit = raw - np.uint8(_ZERO)  # wraps: only digits land in 0..9
    in_token = raw > _SPACE
    edges = np.diff(in_token.view(np.int8), prepend=np.int8(0), append=np.int8(0))
    starts = np.flatnonzero(edges == 1)
    ends = np.flatnonzero(edges == -1)
    del edges
    newlines = np.flatnonzero(raw == _NEWLINE)
    line_starts = np.concatenate(([0], newlines + 1))
    lines = _Lines(np.searchsorted(starts, line_starts), first_line)
    token_count = np.diff(np.append(lines.first_token, starts.size))

    value = _read_numbers(digit, starts, ends)
    odd = np.flatnonzero(in_token & (digit > 9))
    del in_token
    if odd.size:
        _read_marks(data, start, raw, odd, starts, ends, value, candidates, lines, source)
    elif starts.size and int((ends - starts).max()) > _LONGEST_NUMBER:
        token = int(np.argmax(ends - starts > _LONGEST_NUMBER))
        raise BallotFileError(source, lines.of_token(token), "number too large")

    filled = np.flatnonzero(token_count > 0)
    first = lines.first_token[filled]
    count = token_count[filled]
    last = first + count - 1
    _check_lines(value, first, last, count, candidates, lines, source)
    marks = _columns(value, first, count - 2)
    return marks, value[first]


def _read_numbers(digit: npt.NDArray[np.uint8], starts: Ints, ends: Ints) -> Ints:
    """Each token read as a decimal number, one digit position at a time over all tokens."""
    if not starts.size:
        return np.zeros(0, np.int64)
    length = ends - starts
    value = digit[starts].astype(np.int64)
    longest = min(int(length.max()), _LONGEST_NUMBER)
    for place in range(1, longest):
        longer = np.flatnonzero(length > place)
        value[longer] = value[longer] * 10 + digit[starts[longer] + place]
    return value


def _read_marks(
    data: bytes,
    offset: int,
    raw: npt.NDArray[np.uint8],
    odd: Ints,
    starts: Ints,
    ends: Ints,
    value: Ints,
    candidates: int,
    lines: _Lines,
    source: str,
) -> None:
    """Give `-` (skipped rank) and `a=b` / `-=-` (overvote) tokens their values, or fail."""
    tokens = np.unique(np.searchsorted(starts, odd, side="right") - 1)
    length = ends[tokens] - starts[tokens]
    dash = (length == 1) & (raw[starts[tokens]] == _DASH)
    value[tokens[dash]] = _SKIP_VALUE
    for token in tokens[~dash].tolist():
        text = data[offset + int(starts[token]) : offset + int(ends[token])]
        line = lines.of_token(token)
        if not _JOINED.fullmatch(text):
            shown = text.decode("utf-8", "replace")
            raise BallotFileError(
                source,
                line,
                f"unexpected {shown!r}: a ballot line holds a weight, candidate numbers "
                "('-' for a skipped rank, 'a=b' for an overvote) and a closing 0",
            )
        for part in text.split(b"="):
            if part != b"-" and not 1 <= int(part) <= candidates:
                raise BallotFileError(
                    source, line, f"candidate {int(part)} out of range 1..{candidates}"
                )
        value[token] = _OVERVOTE_VALUE
    numbers = np.ones(starts.size, bool)
    numbers[tokens] = False
    too_long = numbers & (ends - starts > _LONGEST_NUMBER)
    if too_long.any():
        raise BallotFileError(source, lines.of_token(int(np.argmax(too_long))), "number too large")


def _check_lines(
    value: Ints,
    first: Ints,
    last: Ints,
    count: Ints,
    candidates: int,
    lines: _Lines,
    source: str,
) -> None:
    """Each ballot line is `weight marks… 0`, every mark a candidate number, `-` or `a=b`."""
    if (short := count < 2).any():
        token = int(first[np.argmax(short)])
        raise BallotFileError(
            source,
            lines.of_token(token),
            "a ballot line needs a weight, the preferences and a closing 0"
            + (" (a lone 0 ends the ballots, but more lines follow it)" if value[token] == 0 else ""),
        )
    if (bad_weight := value[first] < 0).any():
        token = int(first[np.argmax(bad_weight)])
        raise BallotFileError(source, lines.of_token(token), "the weight must be a whole number")
    if (open_end := value[last] != 0).any():
        token = int(last[np.argmax(open_end)])
        raise BallotFileError(source, lines.of_token(token), "a ballot line must end with 0")
    inner = np.ones(value.size, bool)
    inner[first] = False
    inner[last] = False
    wrong = inner & ((value == 0) | (value > candidates))
    if wrong.any():
        token = int(np.argmax(wrong))
        number = int(value[token])
        problem = (
            "0 before the end of the ballot line (0 closes the line)"
            if number == 0
            else f"candidate {number} out of range 1..{candidates}"
        )
        raise BallotFileError(source, lines.of_token(token), problem)


def _columns(value: Ints, first: Ints, ranks: Ints) -> Marks:
    """The marks matrix: row i holds the `ranks[i]` tokens after line i's weight, as codes."""
    width = int(ranks.max(initial=0))
    marks = np.full((first.size, width), END, np.int32)
    for rank in range(width):
        rows = np.flatnonzero(ranks > rank)
        marks[rows, rank] = value[first[rows] + 1 + rank] - 1
    return marks
