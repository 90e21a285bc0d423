"""Cast-vote-record CSV files: one row per ballot, or per distinct ballot with a count.

    Precinct,1st Choice,2nd Choice,3rd Choice,Count
    W-10 P-02,Jacob Frey,Nekima Levy-Pounds,undervote,1
    W-6 P-03,overvote,Jacob Frey,,2

Rank columns are those whose header says `choice`, `rank` or `pref`, ordered by the number
in the header (`1ST CHOICE`, `choice 2`) or else left to right. A `count` (or `weight`)
column gives each row's number of ballots; other columns (precinct, ballot id) are ignored.
A blank cell or `undervote` is a skipped rank, `overvote` several marks at one rank; any
other text is a candidate's name.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Sequence

import numpy as np

from soviet.ballots._marks import OVERVOTE, SKIP, Marks
from soviet.ballots.files import BallotFile, assemble
from soviet.ballots.rules import BallotRules
from soviet.errors import BallotFileError

_RANK_HEADER = re.compile(r"choice|rank|pref", re.IGNORECASE)
_NUMBER = re.compile(r"\d+")
_COUNT_HEADERS = ("count", "weight")
_MARKERS = {"": SKIP, "undervote": SKIP, "overvote": OVERVOTE}


def read_cvr(
    data: bytes | str,
    source: str,
    rules: BallotRules | None = None,
    *,
    candidates: Sequence[str] | None = None,
) -> BallotFile:
    """The ballots of a cast-vote-record CSV; `candidates`, if given, fixes names and order.

    Without `candidates`, every name found is a candidate, in alphabetical order.
    """
    text = _decode(data)
    rows = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(rows)
    except StopIteration:
        raise BallotFileError(source, None, "empty file: expected a header row") from None
    except csv.Error as error:
        raise BallotFileError(source, 1, f"unreadable CSV: {error}") from None
    ranks, count_column = _columns(header, source)
    number: dict[str, int] = {}
    if candidates is not None:
        number = {name: index for index, name in enumerate(candidates)}
        if len(number) != len(candidates):
            raise ValueError("candidate names must be distinct")
    fixed = candidates is not None
    marks: list[list[int]] = []
    weights: list[int] = []
    try:
        for row in rows:
            if not any(cell.strip() for cell in row):
                continue
            line = rows.line_num
            if len(row) != len(header):
                raise BallotFileError(
                    source, line, f"expected {len(header)} fields as in the header, found {len(row)}"
                )
            marks.append([_mark(row[column], number, fixed, source, line) for column in ranks])
            weights.append(1 if count_column is None else _count(row[count_column], source, line))
    except csv.Error as error:
        raise BallotFileError(source, rows.line_num, f"unreadable CSV: {error}") from None
    names = list(number)
    matrix = np.array(marks, dtype=np.int32).reshape(len(marks), len(ranks))
    if not fixed:
        names, matrix = _alphabetical(names, matrix)
    return assemble(
        names,
        matrix,
        np.array(weights, dtype=np.int64),
        rules or BallotRules(),
        title="",
        withdrawn=frozenset(),
        seats=None,
        source=source,
    )


def _decode(data: bytes | str) -> str:
    if isinstance(data, str):
        return data
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("latin-1")


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
    counts = [
        index for index, name in enumerate(header) if name.strip().lower() in _COUNT_HEADERS
    ]
    if len(counts) > 1:
        raise BallotFileError(source, 1, "more than one count column")
    return ranks, counts[0] if counts else None


def _mark(cell: str, number: dict[str, int], fixed: bool, source: str, line: int) -> int:
    name = cell.strip()
    code = number.get(name)
    if code is not None:
        return code
    marker = _MARKERS.get(name.lower())
    if marker is not None:
        return marker
    if fixed:
        raise BallotFileError(source, line, f"unknown candidate {name!r}")
    number[name] = len(number)
    return number[name]


def _count(cell: str, source: str, line: int) -> int:
    text = cell.strip()
    if not text.isdigit():
        raise BallotFileError(
            source, line, f"the count must be a whole number of ballots, found {text!r}"
        )
    return int(text)


def _alphabetical(names: list[str], matrix: Marks) -> tuple[list[str], Marks]:
    """Renumber candidates so that their numbers follow their names' order."""
    order = sorted(range(len(names)), key=lambda index: names[index])
    renumber = np.empty(len(names) + 3, np.int32)
    renumber[:3] = [OVERVOTE, SKIP, -1]  # codes -3, -2, -1 map to themselves
    renumber[3 + np.array(order, dtype=np.intp)] = np.arange(len(names), dtype=np.int32)
    return [names[index] for index in order], renumber[matrix + 3]
