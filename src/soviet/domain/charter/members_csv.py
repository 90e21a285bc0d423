"""A members list kept as a CSV file beside the charter (`members = "members.csv"`).

The header row names the columns id, name and bodies, in any order; a row's bodies are
separated by `;` or spaces. Each row becomes a table like a `[[members]]` one, located by
the CSV's path (relative to the charter's) and its line, so that the same validation
names the same field either way. The file is read through `Read`: the domain opens no
files itself.
"""

from __future__ import annotations

import csv
import os.path
import re
from collections.abc import Callable, Iterator

from soviet.domain.charter._sites import InCsv, Place, Site, hint
from soviet.domain.charter._values import Table
from soviet.domain.charter.limits import check_csv_size

#: Reads a file named by the charter, relative to the charter, and returns its text.
Read = Callable[[str], str]

_CSV_COLUMNS = ("id", "name", "bodies")


def read_members_csv(path: str, site: Site, read: Read | None) -> Iterator[tuple[Table, Place]]:
    """The rows of a members CSV (columns id, name, bodies), each with its line, one by one
    as they are read: a large membership is never held as rows all at once."""
    if read is None:
        raise site.error(f"names the file {path!r}, but no files can be read here")
    try:
        text = read(path)
    except (OSError, UnicodeDecodeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        raise site.error(f"cannot read {path!r}: {reason}") from None
    source = os.path.normpath(os.path.join(os.path.dirname(site.source), path))
    check_csv_size(text, source)
    reader = csv.reader(_lines(text.removeprefix("\ufeff")), strict=True)
    del text
    header: list[str] | None = None
    start = 1
    try:
        for row in reader:
            place, start = InCsv(source, start), reader.line_num + 1
            if not any(cell.strip() for cell in row):
                continue
            if header is None:
                header = _header(row, place)
                continue
            if len(row) != len(header):
                raise place.at().error(f"{len(row)} cells where the header has {len(header)}")
            cells = {column: cell.strip() for column, cell in zip(header, row, strict=True)}
            bodies = [body for body in re.split(r"[;\s]+", cells["bodies"]) if body]
            yield {"id": cells["id"], "name": cells["name"], "bodies": bodies}, place
    except csv.Error as exc:
        raise InCsv(source, reader.line_num).at().error(f"not valid CSV: {exc}") from None
    if header is None:
        raise InCsv(source, 1).at().error("empty file; expected a header row id,name,bodies")


#: A line and its line break (\r\n, \n or a lone \r), as `csv` reads a file opened with
#: newline="".
_LINE = re.compile(r"[^\r\n]*(?:\r\n?|\n)|[^\r\n]+$")


def _lines(text: str) -> Iterator[str]:
    """The lines of `text`, each with its line break, one by one (a file's text as csv
    reads it, without a copy of the whole)."""
    for line in _LINE.finditer(text):
        yield line.group()


def _header(row: list[str], place: InCsv) -> list[str]:
    header = [cell.strip().lower() for cell in row]
    for column in header:
        if column not in _CSV_COLUMNS:
            raise place.at(column).error(
                f"unknown column{hint(column, _CSV_COLUMNS)}; expected id,name,bodies"
            )
        if header.count(column) > 1:
            raise place.at(column).error("column appears twice")
    for column in _CSV_COLUMNS:
        if column not in header:
            raise place.at(column).error("missing column; the header row is id,name,bodies")
    return header
