"""`soviet apportion FILE.csv --seats N`: share a council's seats among constituencies in
proportion to their sizes, by any registered apportionment method.

Like `count`, it reads a file and needs no database, so it imports none. The file is a CSV
whose first row names the columns: one of names, one of sizes (whole numbers ≥ 0, digits
with or without thousands commas: `1,234`). By default the names are the first column that
does not hold numbers, and the sizes the first after it that does (in more than half of its
rows; else the first such column before the names); `--name` and `--size` choose them by
their header.
"""

from __future__ import annotations

import csv
import io
import json
import re
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import Annotated

import typer

from soviet.cli import app
from soviet.domain.ids import name_problem, printable, shown
from soviet.errors import SizesFileError
from soviet.tally.apportionment import MAX_SIZE, METHODS, Allocation, apportion

_NUMBER = re.compile(r"[+-]?[0-9][0-9,]*(?:\.[0-9]*)?")
_WHOLE = re.compile(r"[0-9]+|[0-9]{1,3}(?:,[0-9]{3})+")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


@dataclass(frozen=True)
class Sizes:
    """The constituencies of a file: names and sizes in the file's order, and the headers of
    the two columns they were read from."""

    names: tuple[str, ...]
    sizes: tuple[int, ...]
    name_column: str
    size_column: str


@app.command("apportion")
def apportion_file(
    file: Annotated[
        Path, typer.Argument(help="A CSV with a header row, a column of names and one of sizes.")
    ],
    seats: Annotated[int, typer.Option("--seats", help="Seats to share.", show_default=False)],
    method: Annotated[
        str, typer.Option("--method", "-m", help=f"Apportionment method: {', '.join(METHODS)}.")
    ] = "huntington-hill",
    minimum: Annotated[
        int, typer.Option("--min", help="Seats every constituency gets at least.")
    ] = 1,
    maximum: Annotated[
        int | None,
        typer.Option("--max", help="Seats a constituency gets at most.", show_default=False),
    ] = None,
    name: Annotated[
        str | None,
        typer.Option(
            "--name",
            help="Header of the column of names. Default: the first that holds no numbers.",
            show_default=False,
        ),
    ] = None,
    size: Annotated[
        str | None,
        typer.Option(
            "--size",
            help="Header of the column of sizes. Default: the first after the names that "
            "holds numbers.",
            show_default=False,
        ),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the seats as JSON.")] = False,
) -> None:
    """Share a council's seats among constituencies in proportion to their sizes.

    Example: soviet apportion states.csv --seats 435 --method huntington-hill
    """
    table = read_sizes(file, name, size)
    result = apportion(
        dict(zip(table.names, table.sizes, strict=True)), seats, method, minimum, maximum
    )
    if as_json:
        sys.stdout.write(json.dumps(result.to_json(), ensure_ascii=False, indent=2) + "\n")
    else:
        _print_table(result, table, file.name)


def read_sizes(path: Path, name: str | None = None, size: str | None = None) -> Sizes:
    """The constituencies of a CSV file, read strictly (see the module's docstring)."""
    source = str(path)
    try:
        data = path.read_bytes()
    except OSError as error:
        raise SizesFileError(source, None, None, f"cannot read: {error.strerror}") from None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        raise SizesFileError(source, line, None, "not UTF-8 text") from None
    if found := _CONTROL.search(text):
        line = text.count("\n", 0, found.start()) + 1
        code = ord(found.group())
        what = "a NUL byte" if code == 0 else f"control character 0x{code:02x}"
        raise SizesFileError(source, line, None, f"{what}; the file must be plain text")
    rows: list[tuple[int, list[str]]] = []
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        for row in reader:
            if any(cell.strip() for cell in row):
                rows.append((reader.line_num, [cell.strip() for cell in row]))
    except csv.Error as error:
        raise SizesFileError(source, reader.line_num, None, f"not CSV: {error}") from None
    if not rows:
        raise SizesFileError(source, None, None, "empty: the first row must name the columns")
    (_, header), body = rows[0], rows[1:]
    if not body:
        raise SizesFileError(source, rows[0][0], None, "no constituency below the header row")
    names_at = _column(source, header, name, "--name")
    sizes_at = _column(source, header, size, "--size")
    if names_at is None:
        names_at = _first(header, body, numbers=False, besides=sizes_at)
    if sizes_at is None:
        sizes_at = _first(header, body, numbers=True, besides=names_at, after=names_at)
        if sizes_at is not None and _NUMBER.fullmatch(header[sizes_at]):
            raise SizesFileError(
                source,
                rows[0][0],
                sizes_at + 1,
                f"the first row must name the columns, and {header[sizes_at]!r} reads as a "
                f"size; if it is the header of the sizes, say --size {header[sizes_at]}",
            )
    if names_at is None or sizes_at is None:
        missing = "names (text)" if names_at is None else "sizes (whole numbers)"
        option = "--name" if names_at is None else "--size"
        raise SizesFileError(
            source, None, None, f"no column of {missing}; choose one with {option}"
        )
    if names_at == sizes_at:
        raise SizesFileError(source, None, None, "the names and the sizes are the same column")
    return _read_rows(source, header, body, names_at, sizes_at)


def _column(source: str, header: Sequence[str], wanted: str | None, option: str) -> int | None:
    """The index of the column a `--name` or `--size` header chooses."""
    if wanted is None:
        return None
    found = [i for i, title in enumerate(header) if title == wanted.strip()]
    if len(found) != 1:
        said = "two columns are" if found else "no column is"
        known = ", ".join(repr(title) for title in header)
        raise SizesFileError(
            source, None, None, f"{said} named {wanted!r} ({option}); the columns are: {known}"
        )
    return found[0]


def _first(
    header: Sequence[str],
    body: Sequence[tuple[int, list[str]]],
    *,
    numbers: bool,
    besides: int | None,
    after: int | None = None,
) -> int | None:
    """The first column that holds numbers in more than half of its rows (or, for names,
    the first that does not); `after` a column, the first after it if there is one (an id
    column before the names is not their sizes)."""
    start = 0 if after is None else after + 1
    for index in list(range(start, len(header))) + list(range(start)):
        cells = [row[index] for _, row in body if index < len(row)]
        numeric = 2 * sum(1 for cell in cells if _NUMBER.fullmatch(cell)) > len(cells)
        if index != besides and numeric == numbers:
            return index
    return None


def _read_rows(
    source: str,
    header: Sequence[str],
    body: Sequence[tuple[int, list[str]]],
    names_at: int,
    sizes_at: int,
) -> Sizes:
    """The names and sizes of the rows below the header, each checked where it stands."""
    names: dict[str, int] = {}
    sizes: list[int] = []
    for line, row in body:
        if len(row) > len(header):
            raise SizesFileError(
                source,
                line,
                len(header) + 1,
                f"{len(row)} cells, and the header names {len(header)} columns (a size "
                'written with commas is quoted: "1,234")',
            )
        if max(names_at, sizes_at) >= len(row):
            lacks = "size" if sizes_at >= len(row) else "name"
            raise SizesFileError(source, line, len(row) + 1, f"the row has no {lacks}")
        name, cell = row[names_at], row[sizes_at]
        if not name:
            raise SizesFileError(source, line, names_at + 1, "a constituency without a name")
        if problem := name_problem(name):
            raise SizesFileError(source, line, names_at + 1, f"the name {shown(name)} {problem}")
        if name in names:
            raise SizesFileError(
                source, line, names_at + 1, f"{shown(name)} again (first on line {names[name]})"
            )
        names[name] = line
        sizes.append(_size(source, line, sizes_at + 1, header[sizes_at], cell))
    return Sizes(tuple(names), tuple(sizes), header[names_at], header[sizes_at])


def _size(source: str, line: int, column: int, title: str, cell: str) -> int:
    if not _WHOLE.fullmatch(cell):
        if cell.startswith("-") and _NUMBER.fullmatch(cell):
            problem = "is negative"
        else:
            problem = "is not a whole number"
        raise SizesFileError(
            source,
            line,
            column,
            f"the size {shown(cell)} {problem}; the sizes ({title!r}) are whole numbers "
            "≥ 0, such as 1234 or 1,234",
        )
    value = int(cell.replace(",", ""))
    if value > MAX_SIZE:
        raise SizesFileError(source, line, column, f"the size {cell} is above {MAX_SIZE:,}")
    return value


def _print_table(result: Allocation, table: Sizes, title: str) -> None:
    """The seats as a table: each constituency's size, quota (its exact share of the seats,
    to three decimals) and seats, in the file's order."""
    from rich.console import Console
    from rich.markup import escape
    from rich.table import Table

    total = sum(table.sizes)
    shown_table = Table(
        title=escape(printable(f"{title}: {result.seats} seats by {result.method}")),
        title_justify="left",
    )
    shown_table.add_column(escape(printable(table.name_column)), no_wrap=True)
    for column in (table.size_column, "quota", "seats"):
        shown_table.add_column(escape(printable(column)), justify="right", no_wrap=True)
    for (constituency, seats), value in zip(result.allocation.items(), table.sizes, strict=True):
        quota = _decimal(Fraction(value * result.seats, total)) if total else ""
        shown_table.add_row(escape(printable(constituency)), f"{value:,}", quota, str(seats))
    shown_table.add_section()
    shown_table.add_row("total", f"{total:,}", f"{result.seats}.000", str(result.seats))
    console = Console(highlight=False, emoji=False, soft_wrap=True)
    console.print(shown_table)
    for line in _notes(result):
        console.print(escape(printable(line)))


def _notes(result: Allocation) -> list[str]:
    """The lines under the table: the bounds, what the quota is, and any tie."""
    bounds = [f"at least {result.minimum} seat{'s' if result.minimum != 1 else ''} each"]
    if result.maximum is not None:
        bounds.append(f"at most {result.maximum}")
    lines = ["; ".join([*bounds[result.minimum == 0 :], "quota = size × seats / total"])]
    for tie in result.ties:
        seats = "seat" if tie.seats == 1 else f"{tie.seats} seats"
        lines.append(
            f"tie for the last {seats}: {', '.join(tie.between)} had equal claims; "
            f"given to {', '.join(tie.chosen)} by {tie.broken_by}"
        )
    return lines


def _decimal(value: Fraction) -> str:
    """A share to three decimals, rounded half up, for reading (the count itself is exact)."""
    thousandths = (value.numerator * 2000 + value.denominator) // (2 * value.denominator)
    return f"{thousandths // 1000}.{thousandths % 1000:03d}"
