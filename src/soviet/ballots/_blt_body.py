"""The ballot lines of a BLT file, turned into marks in bulk.

A million ballot lines must cost a few dozen numpy passes, not a million Python steps. So
the bytes are classified all at once; every token end and every newline is kept, in
order, as one *item* holding what the token reads as; a line is the run of items between
two newlines; and rank r of every line is read with one gather. Lines with anything
unusual — an overvote `a=b`, a stray character, a missing closing 0, a candidate out of
range — are set aside and read one at a time by `_read_line`, which words every error, so
messages are the same whichever path met the line. So are lines naming candidates by
droop's nicknames, and lines whose `a=b` ranks candidates equal (see `_equal`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt

from soviet.ballots._equal import EqualRanks
from soviet.ballots._marks import END, OVERVOTE, SKIP, Marks, Weights, group
from soviet.ballots._text import check_weights
from soviet.errors import BallotFileError

Ints = npt.NDArray[np.int64]
Bytes = npt.NDArray[np.uint8]
Small = npt.NDArray[np.signedinteger[Any]]

_NEWLINE = 10
_SPACE = 32
_DASH = 45
_ZERO = 48
_LONGEST_NUMBER = 18
# What an item reads as, besides a number: a mark's code is its item value - 1, so `-`
# reads as SKIP and the closing 0 as END.
_SKIPPED = SKIP + 1
_LINE_END = _NEWLINE - _ZERO  # a newline's byte, read as a digit
_ODD = -100
_PIECE = 1 << 21  # bytes of ballot lines read at a time


@dataclass(frozen=True)
class Dialect:
    """How a file names its marks beyond plain BLT: droop's nicknames and equal rankings.

    `nicknames` maps a candidate's short name to their number (0-based); with `equal`,
    `a=b` ranks a and b equal (a group mark of `equal`) instead of being an overvote.
    """

    nicknames: Mapping[bytes, int] = field(default_factory=dict)
    equal: EqualRanks | None = None


_PLAIN = Dialect()


@dataclass(frozen=True)
class _Items:
    """The token ends and newlines of the body, in order, with what each one reads as."""

    value: Small  # 0..candidates, candidates + 1 for any larger number, or a code above
    line_end: Ints  # the item index of every newline
    newline: npt.NDArray[np.bool_]  # which bytes are newlines
    long_index: Ints  # items that are numbers of two or more digits…
    long_value: Ints  # …and their exact values


def parse_body(
    data: bytes,
    start: int,
    end: int,
    first_line: int,
    candidates: int,
    source: str,
    dialect: Dialect = _PLAIN,
) -> tuple[Marks, Weights]:
    """Marks and weights of the ballot lines in `data[start:end]`, which begins at `first_line`.

    Identical lines come back grouped; `data[end - 1]` must be a newline (or `start == end`).
    The lines are read a piece of a few megabytes at a time, so that every pass works in
    cache on memory it reuses, and only the marks of all lines are kept to be grouped.
    """
    dtype = np.int8 if candidates < 125 else np.int16 if candidates < 32000 else np.int32
    if dialect.equal is not None:
        dtype = np.int32  # group marks are numbered past the candidates
    pieces: list[tuple[Small, Weights]] = []
    line = first_line
    total = 0
    while start < end:
        stop = data.find(b"\n", min(start + _PIECE, end) - 1) + 1 or end
        marks, weights, lines, total = _parse_piece(
            data, start, stop, line, (candidates, source, dialect), total
        )
        pieces.append((marks.astype(dtype, copy=False), weights))
        start, line = stop, line + lines
    width = max((marks.shape[1] for marks, _ in pieces), default=0)
    rows = sum(marks.shape[0] for marks, _ in pieces)
    joined = np.full((rows, width), END, dtype)
    row = 0
    for marks, _ in pieces:
        joined[row : row + marks.shape[0], : marks.shape[1]] = marks
        row += marks.shape[0]
    weights = np.concatenate([w for _, w in pieces]) if pieces else np.zeros(0, np.int64)
    marked = candidates if dialect.equal is None else dialect.equal.marks
    return group(joined, weights, marked)


def _parse_piece(
    data: bytes, start: int, end: int, first_line: int, reading: _Reading, total: int
) -> tuple[Small, Weights, int, int]:
    """The marks and weights of the lines in `data[start:end]`, how many lines it holds, and
    the running total of weights after them (`total` before them)."""
    candidates = reading[0]
    raw = np.frombuffer(data, np.uint8, count=end - start, offset=start)
    items = _items(raw, candidates)
    line_first = np.concatenate(([0], items.line_end[:-1] + 1))
    size = items.line_end - line_first
    plain = _plain_lines(items, line_first, size, candidates)
    kept = np.flatnonzero(plain)
    in_order = np.zeros(size.size, np.int64)  # each line's weight, blank lines 0
    in_order[kept] = _weights(items, line_first[kept])
    marks, weights = _rank_columns(items.value, line_first[kept], size[kept] - 2, in_order[kept])
    odd = np.flatnonzero(~plain & (size > 0))
    if odd.size:
        line_end = np.flatnonzero(items.newline)
        line_start = np.concatenate(([0], line_end[:-1] + 1))
        more_marks, more_weights = _read_lines(
            data, start, line_start[odd], line_end[odd], first_line + odd, reading
        )
        in_order[odd] = more_weights
        marks, weights = _stack(marks, weights, more_marks, more_weights)
    total = check_weights(in_order, total, lambda index: first_line + index, reading[1])
    return marks, weights, int(items.line_end.size), total


def _items(raw: Bytes, candidates: int) -> _Items:
    """Every token end and newline of `raw`, with the value of the token ending there."""
    separator = raw <= _SPACE
    keep = np.empty(raw.size, bool)
    np.greater(separator[1:], separator[:-1], out=keep[:-1])  # a token byte, then a separator
    keep[-1] = False
    newline = raw == _NEWLINE
    keep |= newline
    where = np.flatnonzero(keep)
    del keep
    value = _byte_values(raw.take(where), candidates)
    line_end = np.flatnonzero(value == _LINE_END)
    # Tokens of two or more bytes end where a token byte follows a token byte.
    joined = np.zeros(raw.size, bool)
    np.logical_and(separator[2:], ~separator[1:-1], out=joined[1:-1])
    joined[1:-1] &= ~separator[:-2]
    del separator
    long_index = np.flatnonzero(joined.take(where))
    long_value = np.zeros(0, np.int64)
    if long_index.size:
        exact = _read_long_tokens(raw, where[long_index])
        number = exact >= 0
        value[long_index] = np.where(number, np.minimum(exact, candidates + 1), _ODD)
        long_index, long_value = long_index[number], exact[number]
    return _Items(value, line_end, newline, long_index, long_value)


def _byte_values(byte: Bytes, candidates: int) -> Small:
    """What a one-byte token reads as: a digit, `-` (a skipped rank), a newline, or odd."""
    value = (byte - np.uint8(_ZERO)).view(np.int8)  # digits 0..9, the rest wraps
    odd = (value > 9) | ((value < 0) & (value != _LINE_END) & (value != _DASH - _ZERO))
    if odd.any():
        np.copyto(value, np.int8(_ODD), where=odd)
    dash = value == _DASH - _ZERO
    if dash.any():
        np.copyto(value, np.int8(_SKIPPED), where=dash)
    if candidates < 127:
        return value
    wider: Small = value.astype(np.int16 if candidates < 32767 else np.int32)
    return wider


def _read_long_tokens(raw: Bytes, last: Ints) -> Ints:
    """Tokens of two or more bytes, read backwards from their last byte: a number, or -1."""
    value = (raw.take(last).astype(np.int64)) - _ZERO
    value[(value < 0) | (value > 9)] = -1
    place = 1
    active = np.flatnonzero(value >= 0)
    while active.size:
        at = last[active] - place
        byte = raw.take(np.maximum(at, 0))
        ended = (at < 0) | (byte <= _SPACE)
        digit = byte.astype(np.int64) - _ZERO
        value[active[~ended & ((digit < 0) | (digit > 9))]] = -1
        going = ~ended & (digit >= 0) & (digit <= 9)
        active, digit = active[going], digit[going]
        if place >= _LONGEST_NUMBER:
            value[active] = -1  # too long to read exactly; `_read_line` says so
            break
        value[active] += digit * 10**place
        place += 1
    return value


def _plain_lines(
    items: _Items, line_first: Ints, size: Ints, candidates: int
) -> npt.NDArray[np.bool_]:
    """The lines the bulk path reads: `weight marks… 0`, every mark in range or `-`."""
    value = items.value
    last = np.maximum(items.line_end - 1, 0)
    plain: npt.NDArray[np.bool_] = (
        (size >= 2) & (value.take(line_first) >= 0) & (value.take(last) == 0)
    )
    wrong = _wrong_marks(value, candidates)
    wrong[items.line_end] = False
    wrong[line_first[size > 0]] = False
    wrong[last] = False
    at = np.flatnonzero(wrong)
    if at.size:
        plain[np.searchsorted(items.line_end, at)] = False
    return plain


def _wrong_marks(value: Small, candidates: int) -> npt.NDArray[np.bool_]:
    """Items that cannot stand between a weight and the closing 0 (newlines among them)."""
    if value.dtype == np.int8:
        wrong = np.ones(256, bool)
        wrong[1 : candidates + 1] = False
        wrong[_SKIPPED % 256] = False
        found: npt.NDArray[np.bool_] = wrong.take(value.view(np.uint8))
    else:
        found = (value > candidates) | ((value <= 0) & (value != _SKIPPED))
    return found


def _weights(items: _Items, first: Ints) -> Weights:
    weights = items.value.take(first).astype(np.int64)
    index = items.long_index
    if index.size:
        # Only the long numbers that open a line are weights.
        opening = (index == 0) | (items.value.take(np.maximum(index - 1, 0)) == _LINE_END)
        index, exact = index[opening], items.long_value[opening]
        at = np.searchsorted(first, index)
        found = at < first.size
        found[found] &= first[at[found]] == index[found]
        weights[at[found]] = exact[found]
    return weights


def _rank_columns(
    value: Small, first: Ints, ranks: Ints, weights: Weights
) -> tuple[Small, Weights]:
    """The marks of the lines opening at `first`, rank r of every line read in one gather.

    Lines are sorted longest first, so rank r is read from a prefix of them; the weights
    come back in the same order.
    """
    if not first.size:
        return np.zeros((0, 0), value.dtype), weights
    width = int(ranks.max())
    order = np.argsort((width - ranks).astype(np.int16), kind="stable")
    at = first[order] + 1
    reaching = np.cumsum(np.bincount(ranks, minlength=width + 1)[::-1])[::-1]
    marks = np.full((first.size, width), END, value.dtype)
    for rank in range(width):
        head = int(reaching[rank + 1])
        at_head = at[:head]
        np.subtract(value.take(at_head), 1, out=marks[:head, rank])
        at_head += 1
    return marks, weights[order]


_Reading = tuple[int, str, Dialect]
"""What reading a line needs beside it: the number of candidates, the file's name, its dialect."""


def _read_lines(
    data: bytes, offset: int, starts: Ints, ends: Ints, numbers: Ints, reading: _Reading
) -> tuple[Marks, Weights]:
    rows: list[list[int]] = []
    weights: list[int] = []
    for start, end, number in zip(starts.tolist(), ends.tolist(), numbers.tolist(), strict=True):
        weight, marks = _read_line(data[offset + start : offset + end], number, reading)
        rows.append(marks)
        weights.append(weight)
    matrix = np.full((len(rows), max(map(len, rows), default=0)), END, np.int32)
    for index, row in enumerate(rows):
        matrix[index, : len(row)] = row
    return matrix, np.array(weights, dtype=np.int64)


def _read_line(text: bytes, number: int, reading: _Reading) -> tuple[int, list[int]]:
    """One ballot line, read exactly; every problem with a line is worded here."""
    source = reading[1]
    tokens = text.split()
    if len(tokens) < 2:
        lone_zero = tokens == [b"0"]
        raise BallotFileError(
            source,
            number,
            "a ballot line needs a weight, the preferences and a closing 0"
            + (" (a lone 0 ends the ballots, but more ballot lines follow it)" * lone_zero),
        )
    weight, *middle, closing = tokens
    if not weight.isdigit():
        raise BallotFileError(
            source, number, f"the weight must be a whole number, found {_shown(weight)}"
        )
    if len(weight) > _LONGEST_NUMBER:
        raise BallotFileError(source, number, "the weight is too large")
    if not (closing.isdigit() and int(closing) == 0):
        raise BallotFileError(
            source, number, f"a ballot line must end with 0, found {_shown(closing)}"
        )
    return int(weight), [_read_mark(token, number, reading) for token in middle]


def _read_mark(token: bytes, number: int, reading: _Reading) -> int:
    candidates, source, dialect = reading
    if token == b"-":
        return SKIP
    if token.isdigit():
        if int(token) == 0:
            raise BallotFileError(
                source, number, "0 before the end of the ballot line (0 closes the line)"
            )
        if len(token) > _LONGEST_NUMBER or int(token) > candidates:
            raise BallotFileError(
                source, number, f"candidate {_shown(token)} out of range 1..{candidates}"
            )
        return int(token) - 1
    named = dialect.nicknames.get(token)
    if named is not None:
        return named
    parts = token.split(b"=")
    if len(parts) > 1 and all(_is_mark(part, dialect) for part in parts):
        members: list[int] = []
        for part in parts:
            if part.isdigit() and not 1 <= int(part) <= candidates:
                raise BallotFileError(
                    source, number, f"candidate {_shown(part)} out of range 1..{candidates}"
                )
            if part != b"-":
                members.append(int(part) - 1 if part.isdigit() else dialect.nicknames[part])
        if dialect.equal is None or b"-" in parts:
            return OVERVOTE
        return dialect.equal.mark(members)
    raise BallotFileError(
        source,
        number,
        f"unexpected {_shown(token)}: a ballot line holds a weight, candidate numbers "
        "('-' for a skipped rank, 'a=b' for an overvote) and a closing 0",
    )


def _is_mark(part: bytes, dialect: Dialect) -> bool:
    """Whether one part of `a=b` names a mark: a number, `-`, or a nickname."""
    return part == b"-" or part.isdigit() or part in dialect.nicknames


def _shown(token: bytes) -> str:
    text = token.decode("utf-8", "replace")
    return text if len(text) <= 20 else text[:17] + "..."


def _stack(
    marks: Small, weights: Weights, more_marks: Marks, more_weights: Weights
) -> tuple[Small, Weights]:
    width = max(marks.shape[1], more_marks.shape[1])
    joined = np.full((marks.shape[0] + more_marks.shape[0], width), END, np.int32)
    joined[: marks.shape[0], : marks.shape[1]] = marks
    joined[marks.shape[0] :, : more_marks.shape[1]] = more_marks
    return joined, np.concatenate((weights, more_weights))
