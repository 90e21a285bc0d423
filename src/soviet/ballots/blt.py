"""BLT ballot files (the ERS / OpenSTV format), read in bulk.

    # an optional comment line
    4 2                 candidates seats
    -2                  optional: withdrawn candidates, negated
    [nick c p h x]      optional (droop's): a short name for each candidate, in order
    1 3 1 4 0           weight, candidate numbers (or nicknames) in order of preference, 0
    1 2 - 3=4 0         '-' a skipped rank, '3=4' an overvote ('-=-' one with unknown marks)
    0                   end of the ballots
    "Castor"            one quoted name per candidate, in number order
    "Pollux"
    "Helen"
    "Paris"
    "Title of the election"

Several sources publish the names without quotes, one a line (`Castor`); such a file is
read all the same, each line one name, with a `BallotFileWarning` naming its first line.

The file must be UTF-8 text with no control characters; it may name at most
`MAX_CANDIDATES` candidates, and its ballots may weigh at most `MAX_BALLOTS` in all.

With the rule `BallotRules.equal_rankings`, '3=4' ranks 3 and 4 equal at that rank instead,
as droop's dialect means it; the profile then carries tiers (see `Profile.tiers`).

The header and the names are read line by line; the ballot lines, which may number in the
millions, are read as arrays (see `_blt_body`).
"""

from __future__ import annotations

import codecs
import dataclasses
import re
from collections.abc import Callable

from soviet.ballots._blt_body import Dialect, parse_body
from soviet.ballots._equal import EqualRanks
from soviet.ballots._text import check_text
from soviet.ballots.files import BallotFile, assemble
from soviet.ballots.rules import BallotRules
from soviet.errors import BallotFileError, BallotFileWarning
from soviet.tally.limits import MAX_CANDIDATES

_QUOTED = re.compile(r'\s*"([^"]*)"')
#: A line of numbers, skipped ranks and overvotes (a ballot line, a withdrawn line), which
#: cannot be a name without quotes; nor can a line that ends with a ballot's closing 0.
_MARKS_ONLY = re.compile(rb"[-0-9=\s]+")


def read_blt(data: bytes | str, source: str, rules: BallotRules | None = None) -> BallotFile:
    """The ballots of a BLT file's contents; `source` names the file in error messages."""
    if isinstance(data, str):
        data = data.encode("utf-8")
    check_text(data, source)
    reader = _Reader(data, source)
    rules = rules or BallotRules()
    candidates, seats = reader.header()
    withdrawn, nicknames = reader.preamble(candidates)
    body_start, body_line = reader.position, reader.line
    marker_start = reader.end_marker()

    def marker_line() -> int:  # counted only for an error message: it costs a pass
        return data.count(b"\n", 0, marker_start) + 1

    equal = EqualRanks(candidates) if rules.equal_rankings else None
    dialect = Dialect(nicknames, equal)
    marks, weights = parse_body(
        data, body_start, marker_start, body_line, candidates, source, dialect
    )
    names, title, lenient = _names(data[marker_start:], marker_line, candidates, source)
    ballots = assemble(
        names,
        marks,
        weights,
        rules,
        title=title,
        withdrawn=withdrawn,
        seats=seats,
        source=source,
        grouped=True,
        equal=equal,
    )
    return ballots if lenient is None else dataclasses.replace(ballots, warnings=(lenient,))


class _Reader:
    """A cursor over the lines at the top of a BLT file."""

    def __init__(self, data: bytes, source: str) -> None:
        self.data = data
        self.source = source
        self.position = len(codecs.BOM_UTF8) if data.startswith(codecs.BOM_UTF8) else 0
        self.line = 1

    def _next(self) -> tuple[bytes, int] | None:
        """The next line that is neither blank nor a comment, and its number; advances."""
        while self.position < len(self.data):
            end = self.data.find(b"\n", self.position)
            end = len(self.data) if end < 0 else end
            text, number = self.data[self.position : end].strip(), self.line
            self.position, self.line = end + 1, self.line + 1
            if text and not text.startswith(b"#"):
                return text, number
        return None

    def header(self) -> tuple[int, int]:
        found = self._next()
        if found is None:
            raise BallotFileError(self.source, None, "empty file: expected a BLT header line")
        text, number = found
        fields = text.split()
        if len(fields) != 2 or not all(field.isdigit() for field in fields):
            raise BallotFileError(
                self.source,
                number,
                f"expected the header 'candidates seats' (two whole numbers), found {_show(text)}",
            )
        candidates, seats = int(fields[0]), int(fields[1])
        if candidates < 1:
            raise BallotFileError(self.source, number, "the header names no candidates")
        if candidates > MAX_CANDIDATES:
            raise BallotFileError(
                self.source,
                number,
                f"the header names {candidates} candidates; a count takes at most {MAX_CANDIDATES}",
            )
        if not 1 <= seats <= candidates:
            raise BallotFileError(
                self.source, number, f"seats must be between 1 and {candidates}, not {seats}"
            )
        return candidates, seats

    def preamble(self, candidates: int) -> tuple[frozenset[int], dict[bytes, int]]:
        """The optional lines before the ballots: withdrawn candidates, and droop's nicknames.

        They may come in either order, as droop reads them.
        """
        withdrawn: frozenset[int] = frozenset()
        nicknames: dict[bytes, int] = {}
        while True:
            mark = self.position, self.line
            found = self._next()
            if found is None:
                return withdrawn, nicknames
            text, number = found
            if text.startswith(b"["):
                nicknames = self._nicknames(text, number, candidates)
                continue
            fields = text.split()
            if not fields[0].startswith(b"-") or fields[0] == b"-" or b"=" in fields[0]:
                self.position, self.line = mark
                return withdrawn, nicknames
            withdrawn |= self._withdrawn(fields, number, candidates)

    def _nicknames(self, text: bytes, number: int, candidates: int) -> dict[bytes, int]:
        """droop's ``[nick a b c]``: a short name for each candidate, in number order."""
        words = text.strip(b"[]").split()
        if not (text.endswith(b"]") and words and words[0] == b"nick"):
            raise BallotFileError(
                self.source,
                number,
                f"of droop's option lines in brackets only [nick …] is read, not {_show(text)}",
            )
        nicknames = {word: index for index, word in enumerate(words[1:])}
        if len(words) - 1 != candidates or len(nicknames) != candidates:
            raise BallotFileError(
                self.source,
                number,
                f"[nick …] must give each of the {candidates} candidates one distinct nickname",
            )
        for word in nicknames:
            if word.isdigit() or word == b"-" or b"=" in word:
                raise BallotFileError(
                    self.source,
                    number,
                    f"nickname {_show(word)} would read as a mark: use letters",
                )
        return nicknames

    def _withdrawn(self, fields: list[bytes], number: int, candidates: int) -> frozenset[int]:
        """The candidates a line of negative numbers withdraws."""
        withdrawn: set[int] = set()
        for field in fields:
            if not (field.startswith(b"-") and field[1:].isdigit()):
                raise BallotFileError(
                    self.source,
                    number,
                    f"a withdrawn line holds negative candidate numbers only, found {_show(field)}",
                )
            if not 1 <= int(field[1:]) <= candidates:
                raise BallotFileError(
                    self.source,
                    number,
                    f"withdrawn candidate {int(field[1:])} out of range 1..{candidates}",
                )
            withdrawn.add(int(field[1:]) - 1)
        return frozenset(withdrawn)

    def end_marker(self) -> int:
        """Where the line `0` that ends the ballots starts.

        Found from the end of the file: it is the last line before the quoted names.
        """
        data = self.data
        line_end = len(data)
        while True:
            line_start = data.rfind(b"\n", 0, line_end) + 1
            text = data[line_start:line_end].strip()
            if text and not _after_ballots(text):
                break
            if line_start == 0:
                raise BallotFileError(self.source, None, "no ballots: the file holds only names")
            line_end = line_start - 1
        if line_start < self.position:
            raise BallotFileError(
                self.source, self.line, "expected ballot lines and a line 0 after the header"
            )
        if line_end == len(data) or not data[line_end:].strip():
            raise BallotFileError(
                self.source,
                data.count(b"\n", 0, line_start) + 1,
                "expected the quoted candidate names after the line 0 that ends the ballots",
            )
        if text != b"0":
            raise BallotFileError(
                self.source,
                data.count(b"\n", 0, line_start) + 1,
                "expected the line 0 that ends the ballots, then quoted candidate names; "
                f"found {_show(text)}",
            )
        return line_start


def _after_ballots(text: bytes) -> bool:
    """Whether a line can come after the line `0`: quoted names, a name without quotes or a
    comment — not the line `0` itself, nor a line that reads as a ballot."""
    if text.startswith((b'"', b"#")):
        return True
    return not (_MARKS_ONLY.fullmatch(text) or text.endswith((b" 0", b"\t0")))


def _names(
    trailer: bytes, first_line: Callable[[], int], candidates: int, source: str
) -> tuple[list[str], str, BallotFileWarning | None]:
    """The candidate names and the optional title after the line `0`, and the warning for
    names written without quotes, if any were.

    `first_line()` is the number of the line `0`; it is asked for only to word an error or
    a warning.
    """
    text = trailer.decode("utf-8")  # checked to be UTF-8 before anything was read
    strings: list[tuple[str, int, bool]] = []  # each name, its line, whether it was quoted
    for offset, line in enumerate(text.split("\n")[1:], start=1):
        number = offset  # from the line 0; made absolute where an error is raised
        bare = line.strip()
        if bare.startswith("#"):
            continue
        if bare and not bare.startswith('"'):
            if '"' in bare:
                raise BallotFileError(
                    source,
                    first_line() + number,
                    f"a name without quotes holds a quote ({_show(bare.encode())}): quote "
                    "each name whole, one or more to a line",
                )
            strings.append((bare, number, False))
            continue
        position = 0
        while position < len(line.rstrip()):
            match = _QUOTED.match(line, position)
            if match is None:
                rest = line[position:].strip()
                problem = (
                    "a name's closing quote is missing"
                    if rest.startswith('"')
                    else f"expected a quoted name, found {rest!r}"
                )
                raise BallotFileError(source, first_line() + number, problem)
            strings.append((match.group(1), number, True))
            position = match.end()
    if len(strings) < candidates:
        last = strings[-1][1] if strings else 0
        raise BallotFileError(
            source,
            first_line() + last,
            f"expected {candidates} candidate names, found {len(strings)}",
        )
    if len(strings) > candidates + 1:
        _, number, quoted = strings[candidates + 1]
        raise BallotFileError(
            source,
            first_line() + number,
            f"expected {candidates} candidate names and a title, found more "
            f"{'quoted text' if quoted else 'text'}",
        )
    names = [name for name, _, _ in strings[:candidates]]
    seen: dict[str, int] = {}
    for name, number, _ in strings[:candidates]:
        if not name.strip():
            raise BallotFileError(source, first_line() + number, "a candidate's name is empty")
        if name in seen:
            base = first_line()
            raise BallotFileError(
                source,
                base + number,
                f"candidate name {name!r} appears twice (also line {base + seen[name]})",
            )
        seen[name] = number
    title = strings[candidates][0] if len(strings) > candidates else ""
    return names, title, _unquoted(strings, first_line, source)


def _unquoted(
    strings: list[tuple[str, int, bool]], first_line: Callable[[], int], source: str
) -> BallotFileWarning | None:
    """The warning for the names and title read without quotes, naming the first of them."""
    lines = [number for _, number, quoted in strings if not quoted]
    if not lines:
        return None
    count = f"{len(lines)} line{'s' if len(lines) != 1 else ''}"
    return BallotFileWarning(
        source,
        first_line() + lines[0],
        f"names without quotes ({count}, the first here), each line read as one name; "
        'quote them ("Castor") to be sure they are read as meant',
    )


def _show(text: bytes) -> str:
    shown = text.decode("utf-8", "replace")
    return repr(shown if len(shown) <= 40 else shown[:37] + "...")
