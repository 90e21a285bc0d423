"""Cast-vote-record CSV files: one row per ballot, or per distinct ballot with a count.

    Precinct,1st Choice,2nd Choice,3rd Choice,Count
    W-10 P-02,Jacob Frey,Nekima Levy-Pounds,undervote,1
    W-6 P-03,overvote,Jacob Frey,,2

Rank columns are those whose header says `choice`, `rank` or `pref`, ordered by the number
in the header (`1ST CHOICE`, `choice 2`) or else left to right. A `count` (or `weight`)
column gives each row's number of ballots; other columns (precinct, ballot id) are ignored.
A blank cell or `undervote` is a skipped rank, `overvote` several marks at one rank; any
other text is a candidate's name.

The file must be UTF-8 text with no control characters; it may name at most
`MAX_CANDIDATES` candidates, and its counts may add up to at most `MAX_BALLOTS`.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Sequence

import numpy as np

from soviet.ballots._marks import OVERVOTE, SKIP, Marks, Weights
from soviet.ballots._text import check_text, check_weights
from soviet.ballots.files import BallotFile, assemble
from soviet.ballots.rules import BallotRules
from soviet.errors import BallotFileError
from soviet.tally.limits import MAX_BALLOTS, MAX_CANDIDATES

_RANK_HEADER = re.compile(r"choice|rank|pref", re.IGNORECASE)
_NUMBER = re.compile(r"\d+")
_COUNT_HEADERS = ("count", "weight")
_WHOLE = re.compile(r"[0-9]+")
_LONGEST_COUNT = len(str(MAX_BALLOTS))
_MARKERS = {"": SKIP, "undervote": SKIP, "overvote": OVERVOTE}


def read_cvr(
    data: bytes | str,
    source: str,
    rules: BallotRules | None = None,
    *,
    candidates: Sequence[str] | None = None,
) -> BallotFile:
    """The ballots of a cast-vote-record CSV; `candidates`, if given, fixes names and order.

    Without `candidates`, every name found is a candidate, in alphabetical order. Cells are
    read a column at a time, each distinct text looked up once.
    """
    check_text(data, source)
    text = data if isinstance(data, str) else data.decode("utf-8-sig")
    try:
        reader = csv.reader(io.StringIO(text, newline=""))
        header = next(reader, None)
        if header is None:
            raise BallotFileError(source, None, "empty file: expected a header row")
        rows = [row for row in reader if any(row)]
    except csv.Error as error:
        raise BallotFileError(source, None, f"unreadable CSV: {error}") from None
    ranks, count_column = _columns(header, source)
    widths = [len(row) for row in rows]
    if rows and (min(widths) != len(header) or max(widths) != len(header)):
        index = next(i for i, width in enumerate(widths) if width != len(header))
        raise BallotFileError(
            source,
            _line_of(text, index),
            f"expected {len(header)} fields as in the header, found {widths[index]}",
        )
    fixed = candidates is not None
    number = {name: index for index, name in enumerate(candidates or ())}
    if fixed and len(number) != len(candidates or ()):
        raise ValueError("candidate names must be distinct")
    matrix = np.empty((len(rows), len(ranks)), np.int32)
    unknown: list[tuple[int, str]] = []
    for rank, column in enumerate(ranks):
        cells = [row[column] for row in rows]
        codes = _codes(cells, number, fixed)
        unknown += [(cells.index(c), c.strip()) for c, code in codes.items() if code is None]
        if not unknown:
            matrix[:, rank] = np.fromiter(map(codes.__getitem__, cells), np.int32, len(cells))
        if len(number) > MAX_CANDIDATES:
            raise BallotFileError(
                source,
                None,
                f"the file names more than {MAX_CANDIDATES} candidates, "
                f"the most a count takes (found {len(number)} by the column {header[column]!r})",
            )
    if unknown:
        index, name = min(unknown)
        raise BallotFileError(source, _line_of(text, index), f"unknown candidate {name!r}")
    weights = (
        np.ones(len(rows), np.int64)
        if count_column is None
        else _counts([row[count_column] for row in rows], source, text)
    )
    names = list(number)
    if not fixed:
        names, matrix = _alphabetical(names, matrix)
    return assemble(
        names,
        matrix,
        weights,
        rules or BallotRules(),
        title="",
        withdrawn=frozenset(),
        seats=None,
        source=source,
    )


def _columns(header: Sequence[str], source: str) -> tuple[list[int], int | None]:
    """The rank columns in rank order, and the count column if there is one."""
    ranks = [index for index, name in enumerate(header) if _RANK_HEADER.search(name)]
    if not ranks:
        raise BallotFileError(
            source,
            1,
            "no rank columns in the header: name them 'choice 1', 'choice 2', … "
            "(or '1st choice', 'rank 1', …)",
        )
    numbers = [_NUMBER.search(header[index]) for index in ranks]
    if all(numbers):
        ordinals = [int(found.group()) for found in numbers if found]
        if len(set(ordinals)) != len(ordinals):
            raise BallotFileError(source, 1, "two rank columns carry the same number")
        ranks = [index for _, index in sorted(zip(ordinals, ranks, strict=True))]
    counts = [index for index, name in enumerate(header) if name.strip().lower() in _COUNT_HEADERS]
    if len(counts) > 1:
        raise BallotFileError(source, 1, "more than one count column")
    return ranks, counts[0] if counts else None


def _codes(cells: list[str], number: dict[str, int], fixed: bool) -> dict[str, int | None]:
    """The mark each distinct cell text of a rank column stands for; new names join `number`.

    With the candidates `fixed`, a name not among them maps to None.
    """
    codes: dict[str, int | None] = {}
    for cell in sorted(set(cells)):
        name = cell.strip()
        code = number.get(name)
        if code is None:
            code = _MARKERS.get(name.lower())
        if code is None and not fixed:
            code = number[name] = len(number)
        codes[cell] = code
    return codes


def _counts(cells: list[str], source: str, text: str) -> Weights:
    """The count column: whole numbers of ballots, in ASCII digits, within the count's limits.

    Each distinct cell is read once; a count column holds few distinct numbers.
    """
    values: dict[str, int] = {}
    for cell in set(cells):
        digits = cell.strip()
        if _WHOLE.fullmatch(digits) is None:
            index = cells.index(cell)
            raise BallotFileError(
                source,
                _line_of(text, index),
                f"the count must be a whole number of ballots, found {_shown(digits)}",
            )
        if len(digits) > _LONGEST_COUNT or int(digits) > MAX_BALLOTS:
            raise BallotFileError(
                source,
                _line_of(text, cells.index(cell)),
                f"a count of {_shown(digits)} is more than the {MAX_BALLOTS} (2**53) ballots "
                "a count takes exactly",
            )
        values[cell] = int(digits)
    counts = np.fromiter(map(values.__getitem__, cells), np.int64, len(cells))
    check_weights(counts, 0, lambda index: _line_of(text, index), source)
    return counts


def _shown(cell: str) -> str:
    return repr(cell if len(cell) <= 24 else cell[:21] + "...")


def _line_of(text: str, index: int) -> int:
    """The line on which data row `index` (not counting the header or blank rows) ends."""
    reader = csv.reader(io.StringIO(text, newline=""))
    next(reader)
    seen = -1
    for row in reader:
        if any(row):
            seen += 1
            if seen == index:
                return reader.line_num
    return reader.line_num


def _alphabetical(names: list[str], matrix: Marks) -> tuple[list[str], Marks]:
    """Renumber candidates so that their numbers follow their names' order."""
    order = sorted(range(len(names)), key=lambda index: names[index])
    renumber = np.empty(len(names) + 3, np.int32)
    renumber[:3] = [OVERVOTE, SKIP, -1]  # codes -3, -2, -1 map to themselves
    renumber[3 + np.array(order, dtype=np.intp)] = np.arange(len(names), dtype=np.int32)
    return [names[index] for index in order], renumber[matrix + 3]
