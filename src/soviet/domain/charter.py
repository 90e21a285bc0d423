"""Reading a charter: its TOML (and members CSV) into a validated `Charter`.

Every error names the file, the line and the field, as `charter.toml:12: offices[2].seat_in:
...`. Array indices in a field count from 0, as in the parsed document; the line tells
which table it is. A missing key is reported at the line of its table's header. Errors in
a members CSV name the CSV file and its line: `members.csv:14: bodies: ...`.

Validation is complete: a charter that parses can be adopted as it stands.
"""

from __future__ import annotations

import csv
import difflib
import io
import math
import os.path
import re
import tomllib
import unicodedata
from collections.abc import Callable, Collection, Iterable, Mapping
from dataclasses import dataclass
from fractions import Fraction
from typing import Protocol

from soviet.domain._toml_lines import Path, locate
from soviet.domain.model import (
    OFFICE_METHODS,
    POWERS,
    Body,
    BodyKind,
    Charter,
    Eligibility,
    Holding,
    Member,
    Office,
    Rules,
    default_method,
)
from soviet.errors import CharterError

#: Reads a file named by the charter, relative to the charter, and returns its text.
Read = Callable[[str], str]
Table = Mapping[str, object]

_RULE_KEYS = ("term_days", "voting_days", "recall_petition", "recall_immediate", "recall_quorum")
#: Each share's lowest value, whether that value is allowed, and the range as written.
_SHARE_RANGES = {
    "recall_petition": (Fraction(0), False, "(0, 1]"),
    "recall_immediate": (Fraction(1, 2), True, "[1/2, 1]"),
    "recall_quorum": (Fraction(0), True, "[0, 1]"),
}
_CSV_COLUMNS = ("id", "name", "bodies")
_ID = re.compile(r"[^\W_][\w.-]*\Z")
_ORIGIN = re.compile(r"[A-Za-z0-9][A-Za-z0-9._~:/-]*\Z")


def parse_charter(text: str, source: str, read: Read | None = None) -> Charter:
    """Parse and validate a charter; `read` opens a members file it names."""
    try:
        doc = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise _syntax_error(exc, text, source) from None
    root = _InToml(source, locate(text).lines, ())
    _check_keys(
        doc, root, ("name", "founders", "bodies", "members"), ("origin", "rules", "offices")
    )
    name = _text(doc, root, "name")
    origin = _origin(doc, root, name)
    rules = _rules(doc, root)
    bodies = _bodies(doc, root)
    members = _members(doc, root, bodies, read)
    offices, holdings = _offices(doc, root, rules, bodies, members)
    return Charter(
        name=name,
        origin=origin,
        rules=rules,
        bodies=bodies,
        offices=offices,
        members=members,
        founders=_founders(doc, root, members),
        holdings=holdings,
    )


def derive_origin(name: str) -> str:
    """The log origin of an organization that names none: its name, lowercase, dashed."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    dashed = re.sub(r"\s+", "-", ascii_name.lower())
    kept = re.sub(r"[^a-z0-9./-]", "", dashed)
    return re.sub(r"-{2,}", "-", kept).strip("-./")


# -- where a value was written ---------------------------------------------------


@dataclass(frozen=True)
class _Site:
    """The file, line and field of one value, to name in an error."""

    source: str
    line: int | None
    field: str

    def error(self, problem: str) -> CharterError:
        return CharterError(self.source, self.line, self.field, problem)


class _Place(Protocol):
    """A table of values and the way to locate each of its fields."""

    def at(self, *sub: str | int) -> _Site: ...


@dataclass(frozen=True)
class _InToml:
    source: str
    lines: Mapping[Path, int]
    path: Path

    def at(self, *sub: str | int) -> _Site:
        path = self.path + sub
        line = next(
            (self.lines[path[:n]] for n in range(len(path), 0, -1) if path[:n] in self.lines), 1
        )
        return _Site(self.source, line, _field(path))

    def sub(self, *sub: str | int) -> _InToml:
        return _InToml(self.source, self.lines, self.path + sub)


@dataclass(frozen=True)
class _InCsv:
    source: str
    line: int

    def at(self, *sub: str | int) -> _Site:
        return _Site(self.source, self.line, str(sub[0]) if sub else "row")


def _field(path: Path) -> str:
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else f".{part}" if out else part
    return out or "charter"


def _syntax_error(exc: tomllib.TOMLDecodeError, text: str, source: str) -> CharterError:
    message = str(exc)
    found = re.search(r" \(at line (\d+), column \d+\)$", message)
    line = int(found.group(1)) if found else max(1, text.count("\n") + 1)
    problem = message[: found.start()] if found else message.removesuffix(" (at end of document)")
    field = "syntax"
    for path, repeated_at in locate(text).repeated:
        if repeated_at == line:
            field, problem = _field(path), "set twice; a key may appear only once in its table"
    return CharterError(source, line, field, problem[:1].lower() + problem[1:])


def _hint(word: str, choices: Iterable[str]) -> str:
    close = difflib.get_close_matches(word, list(choices), n=1)
    return f" (did you mean {close[0]!r}?)" if close else ""


# -- typed values ----------------------------------------------------------------


def _check_keys(
    table: Table, place: _Place, required: Collection[str], optional: Collection[str]
) -> None:
    for key in table:
        if key not in required and key not in optional:
            known = [*required, *optional]
            raise place.at(key).error(
                f"unknown key{_hint(key, known)}; expected one of {', '.join(known)}"
            )
    for key in required:
        if key not in table:
            raise place.at(key).error("missing; this key is required")


def _table(value: object, site: _Site) -> Table:
    if not isinstance(value, dict):
        raise site.error(f"must be a table, not {_kind(value)}")
    return value


def _tables(doc: Table, root: _InToml, key: str) -> list[tuple[Table, _InToml]]:
    """The tables of an array of tables (`[[key]]`, or `key = [{...}, ...]`)."""
    value = doc.get(key, [])
    if not isinstance(value, list):
        raise root.at(key).error(
            f"must be an array of tables, written [[{key}]], not {_kind(value)}"
        )
    place = root.sub(key)
    return [(_table(entry, place.at(i)), place.sub(i)) for i, entry in enumerate(value)]


def _kind(value: object) -> str:
    if isinstance(value, bool):
        return "a boolean"
    kinds = {
        str: "a string",
        int: "an integer",
        float: "a decimal",
        list: "an array",
        dict: "a table",
    }
    return kinds.get(type(value), f"a {type(value).__name__}")


def _text(table: Table, place: _Place, key: str) -> str:
    value = table[key]
    if not isinstance(value, str):
        raise place.at(key).error(f"must be a string, not {_kind(value)}")
    if not value.strip():
        raise place.at(key).error("must not be empty")
    return value.strip()


def _ident(table: Table, place: _Place, key: str) -> str:
    return _check_ident(_text(table, place, key), place.at(key))


def _check_ident(value: str, site: _Site) -> str:
    if not _ID.match(value):
        raise site.error(
            f"{value!r} is not an id: use letters, digits, '.', '-' and '_', "
            "starting with a letter or a digit"
        )
    return value


def _strings(table: Table, place: _Place, key: str) -> list[str]:
    value = table[key]
    if not isinstance(value, list):
        raise place.at(key).error(f"must be an array of strings, not {_kind(value)}")
    for i, item in enumerate(value):
        if not isinstance(item, str):
            raise place.at(key, i).error(f"must be a string, not {_kind(item)}")
    return [item.strip() for item in value]


def _ids(table: Table, place: _Place, key: str, what: str) -> list[str]:
    """An array of ids, each once."""
    seen: set[str] = set()
    for i, value in enumerate(items := _strings(table, place, key)):
        _check_ident(value, place.at(key, i))
        if value in seen:
            raise place.at(key, i).error(f"{what} {value!r} is listed twice")
        seen.add(value)
    return items


def _choice(table: Table, place: _Place, key: str, choices: Iterable[str], default: str) -> str:
    if key not in table:
        return default
    value = _text(table, place, key)
    if value not in choices:
        raise place.at(key).error(
            f"unknown {key} {value!r}{_hint(value, choices)}; expected one of {', '.join(choices)}"
        )
    return value


def _count(table: Table, place: _Place, key: str, default: int | None = None) -> int:
    if key not in table and default is not None:
        return default
    value = table[key]
    if isinstance(value, bool) or not isinstance(value, int):
        raise place.at(key).error(f"must be a whole number, not {_kind(value)}")
    if value < 1:
        raise place.at(key).error(f"must be at least 1, not {value}")
    return value


def _share(table: Table, place: _Place, key: str, default: Fraction) -> Fraction:
    """A share, exactly: an int, a decimal read from its text, or a string "1/4" or "0.25"."""
    if key not in table:
        return default
    value, site = table[key], place.at(key)
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise site.error(f'must be a share such as "1/4" or 0.25, not {_kind(value)}')
    if isinstance(value, float) and not math.isfinite(value):
        raise site.error(f'must be a share such as "1/4" or 0.25, not {value}')
    try:
        share = Fraction(value) if isinstance(value, int) else Fraction(str(value).strip())
    except (ValueError, ZeroDivisionError):
        raise site.error(
            f'{value!r} is not a share: write a fraction "1/4" or a decimal 0.25'
        ) from None
    low, low_allowed, written = _SHARE_RANGES[key]
    if share > 1 or share < low or (share == low and not low_allowed):
        raise site.error(f"{_show(share)} is outside {written}")
    return share


def _show(share: Fraction) -> str:
    return (
        str(share.numerator) if share.denominator == 1 else f"{share.numerator}/{share.denominator}"
    )


# -- the charter's parts ---------------------------------------------------------


def _origin(doc: Table, root: _InToml, name: str) -> str:
    if "origin" not in doc:
        origin = derive_origin(name)
        if not origin:
            raise root.at("name").error(
                "no log origin can be derived from this name; set origin, "
                "such as 'councils.example.org/line-workers'"
            )
        return origin
    origin = _text(doc, root, "origin")
    if "://" in origin:
        raise root.at("origin").error(
            f"{origin!r} has a scheme; write it without, as 'example.org/name'"
        )
    if not _ORIGIN.match(origin):
        raise root.at("origin").error(
            f"{origin!r} is not a schema-less URL such as 'councils.example.org/line-workers'"
        )
    return origin


def _rules(doc: Table, root: _InToml) -> Rules:
    table = _table(doc.get("rules", {}), root.at("rules"))
    _check_keys(table, root.sub("rules"), (), _RULE_KEYS)
    return _resolve_rules(table, root.sub("rules"), Rules())


def _resolve_rules(table: Table, place: _Place, base: Rules) -> Rules:
    """The rules of `base`, with the overrides the table writes."""
    rules = Rules(
        term_days=_count(table, place, "term_days", base.term_days),
        voting_days=_count(table, place, "voting_days", base.voting_days),
        recall_petition=_share(table, place, "recall_petition", base.recall_petition),
        recall_immediate=_share(table, place, "recall_immediate", base.recall_immediate),
        recall_quorum=_share(table, place, "recall_quorum", base.recall_quorum),
    )
    written = [key for key in ("recall_petition", "recall_immediate") if key in table]
    if written and rules.recall_petition > rules.recall_immediate:
        raise place.at(written[0]).error(
            f"recall_petition {_show(rules.recall_petition)} is above recall_immediate "
            f"{_show(rules.recall_immediate)}: a petition would end the mandate at once "
            "before it could force a recall vote"
        )
    return rules


def _bodies(doc: Table, root: _InToml) -> tuple[Body, ...]:
    entries = _tables(doc, root, "bodies")
    if not entries:
        raise root.at("bodies").error("at least one body is needed")
    bodies: list[Body] = []
    seen: dict[str, _Site] = {}
    for table, place in entries:
        _check_keys(table, place, ("id", "name", "kind"), ("parent",))
        ident = _unique(_ident(table, place, "id"), place.at("id"), seen, "body")
        name = _text(table, place, "name")
        written = _choice(table, place, "kind", ("assembly", "council"), "")
        kind: BodyKind = "council" if written == "council" else "assembly"
        parent = _ident(table, place, "parent") if "parent" in table else None
        bodies.append(Body(ident, name, kind, parent))
    by_id = {body.id: body for body in bodies}
    for body, (_, place) in zip(bodies, entries, strict=True):
        if body.parent is not None and body.parent not in by_id:
            raise place.at("parent").error(
                f"unknown body {body.parent!r}{_hint(body.parent, by_id)}"
            )
    for body, (_, place) in zip(bodies, entries, strict=True):
        chain = [body.id]
        while (parent := by_id[chain[-1]].parent) is not None and parent not in chain:
            chain.append(parent)
        if parent == body.id:
            cycle = " → ".join(repr(ident) for ident in [*chain, body.id])
            raise place.at("parent").error(f"parents form a cycle: {cycle}")
    return tuple(bodies)


def _unique(ident: str, site: _Site, seen: dict[str, _Site], what: str) -> str:
    if ident in seen:
        first = seen[ident]
        raise site.error(f"{what} id {ident!r} is already used at {first.source}:{first.line}")
    seen[ident] = site
    return ident


def _members(
    doc: Table, root: _InToml, bodies: tuple[Body, ...], read: Read | None
) -> tuple[Member, ...]:
    entries: Iterable[tuple[Table, _Place]]
    if isinstance(doc["members"], str):
        entries = _csv_members(doc["members"], root.at("members"), read)
    elif not isinstance(doc["members"], list):
        raise root.at("members").error(
            f"must be [[members]] tables or the name of a CSV file, not {_kind(doc['members'])}"
        )
    else:
        entries = _tables(doc, root, "members")
    by_id = {body.id: body for body in bodies}
    members: list[Member] = []
    seen: dict[str, _Site] = {}
    for table, place in entries:
        _check_keys(table, place, ("id", "name", "bodies"), ())
        ident = _unique(_ident(table, place, "id"), place.at("id"), seen, "member")
        name = _text(table, place, "name")
        member_of = _ids(table, place, "bodies", "body")
        if not member_of:
            raise place.at("bodies").error("a member must belong to at least one assembly")
        for i, body in enumerate(member_of):
            if body not in by_id:
                raise place.at("bodies", i).error(f"unknown body {body!r}{_hint(body, by_id)}")
            if by_id[body].kind == "council":
                raise place.at("bodies", i).error(
                    f"{body!r} is a council: its members are the deputies seated in it, "
                    "so list members in assemblies only"
                )
        members.append(Member(ident, name, tuple(member_of)))
    if not members:
        raise root.at("members").error("at least one member is needed")
    return tuple(members)


def _csv_members(path: str, site: _Site, read: Read | None) -> list[tuple[Table, _Place]]:
    """The rows of a members CSV (columns id, name, bodies), each with its line."""
    if read is None:
        raise site.error(f"names the file {path!r}, but no files can be read here")
    try:
        text = read(path)
    except (OSError, UnicodeDecodeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        raise site.error(f"cannot read {path!r}: {reason}") from None
    source = os.path.normpath(os.path.join(os.path.dirname(site.source), path))
    reader = csv.reader(io.StringIO(text.removeprefix("\ufeff"), newline=""), strict=True)
    header: list[str] | None = None
    rows: list[tuple[Table, _Place]] = []
    start = 1
    try:
        for row in reader:
            place, start = _InCsv(source, start), reader.line_num + 1
            if not any(cell.strip() for cell in row):
                continue
            if header is None:
                header = _csv_header(row, place)
                continue
            if len(row) != len(header):
                raise place.at().error(f"{len(row)} cells where the header has {len(header)}")
            cells = {column: cell.strip() for column, cell in zip(header, row, strict=True)}
            bodies = [body for body in re.split(r"[;\s]+", cells["bodies"]) if body]
            rows.append(({"id": cells["id"], "name": cells["name"], "bodies": bodies}, place))
    except csv.Error as exc:
        raise _InCsv(source, reader.line_num).at().error(f"not valid CSV: {exc}") from None
    if header is None:
        raise _InCsv(source, 1).at().error("empty file; expected a header row id,name,bodies")
    return rows


def _csv_header(row: list[str], place: _InCsv) -> list[str]:
    header = [cell.strip().lower() for cell in row]
    for column in header:
        if column not in _CSV_COLUMNS:
            raise place.at(column).error(
                f"unknown column{_hint(column, _CSV_COLUMNS)}; expected id,name,bodies"
            )
        if header.count(column) > 1:
            raise place.at(column).error("column appears twice")
    for column in _CSV_COLUMNS:
        if column not in header:
            raise place.at(column).error("missing column; the header row is id,name,bodies")
    return header


def _offices(
    doc: Table, root: _InToml, rules: Rules, bodies: tuple[Body, ...], members: tuple[Member, ...]
) -> tuple[tuple[Office, ...], tuple[Holding, ...]]:
    by_id = {body.id: body for body in bodies}
    entries = _tables(doc, root, "offices")
    offices: list[Office] = []
    seen: dict[str, _Site] = {}
    for table, place in entries:
        _check_keys(
            table,
            place,
            ("id", "body", "title", "seats"),
            ("method", "seat_in", "eligible", "powers", "holders", *_RULE_KEYS),
        )
        ident = _unique(_ident(table, place, "id"), place.at("id"), seen, "office")
        body = _ident(table, place, "body")
        if body not in by_id:
            raise place.at("body").error(f"unknown body {body!r}{_hint(body, by_id)}")
        title = _text(table, place, "title")
        seats = _count(table, place, "seats")
        method = _method(table, place, seats)
        seat_in = _seat_in(table, place, by_id[body], by_id)
        written = _choice(table, place, "eligible", ("electorate", "members"), "electorate")
        eligible: Eligibility = "members" if written == "members" else "electorate"
        powers = _ids(table, place, "powers", "power") if "powers" in table else []
        for i, power in enumerate(powers):
            if power not in POWERS:
                raise place.at("powers", i).error(
                    f"unknown power {power!r}{_hint(power, POWERS)}; "
                    f"expected one of {', '.join(sorted(POWERS))}"
                )
        own = _resolve_rules(table, place, rules)
        offices.append(
            Office(
                id=ident,
                body=body,
                title=title,
                seats=seats,
                method=method,
                seat_in=seat_in,
                eligible=eligible,
                powers=frozenset(powers),
                term_days=own.term_days,
                voting_days=own.voting_days,
                recall_petition=own.recall_petition,
                recall_immediate=own.recall_immediate,
                recall_quorum=own.recall_quorum,
            )
        )
    _check_councils_have_seats(bodies, offices, root)
    return tuple(offices), _holdings(offices, entries, by_id, members)


def _method(table: Table, place: _Place, seats: int) -> str:
    if table.get("method") == "yes-no":
        raise place.at("method").error(
            "yes-no decides recall votes and motions; it cannot elect an office"
        )
    method = _choice(table, place, "method", OFFICE_METHODS, default_method(seats))
    if method == "irv" and seats > 1:
        raise place.at("method").error(f"irv elects one; for {seats} seats use stv or meek")
    return method


def _seat_in(table: Table, place: _Place, body: Body, by_id: Mapping[str, Body]) -> str | None:
    if "seat_in" not in table:
        return None
    seat_in = _ident(table, place, "seat_in")
    if seat_in not in by_id:
        raise place.at("seat_in").error(f"unknown body {seat_in!r}{_hint(seat_in, by_id)}")
    if by_id[seat_in].kind != "council":
        raise place.at("seat_in").error(
            f"{seat_in!r} is an assembly; holders can be seated only in a council"
        )
    if seat_in == body.id:
        raise place.at("seat_in").error(
            f"the office belongs to council {seat_in!r} and is elected by its deputies; "
            "it cannot also seat them there"
        )
    return seat_in


def _check_councils_have_seats(
    bodies: Iterable[Body], offices: Iterable[Office], root: _InToml
) -> None:
    seated = {office.seat_in for office in offices}
    for i, body in enumerate(bodies):
        if body.kind == "council" and body.id not in seated:
            raise root.at("bodies", i, "kind").error(
                f"council {body.id!r} has no seats: no office names it in seat_in, "
                "so it could never have members"
            )


def _holdings(
    offices: list[Office],
    entries: list[tuple[Table, _InToml]],
    by_id: Mapping[str, Body],
    members: tuple[Member, ...],
) -> tuple[Holding, ...]:
    """The imported holders, each a member eligible for the office at adoption."""
    member_by_id = {member.id: member for member in members}
    listed = {
        office.id: _ids(table, place, "holders", "holder") if "holders" in table else []
        for office, (table, place) in zip(offices, entries, strict=True)
    }
    # Imported deputies are the members of each council when the charter is adopted.
    deputies: dict[str, set[str]] = {}
    for office in offices:
        if office.seat_in is not None:
            deputies.setdefault(office.seat_in, set()).update(listed[office.id])
    holdings: list[Holding] = []
    for office, (_, place) in zip(offices, entries, strict=True):
        holders = listed[office.id]
        if len(holders) > office.seats:
            raise place.at("holders").error(
                f"{len(holders)} holders for {office.seats} seat{'s' if office.seats > 1 else ''}"
            )
        for i, holder in enumerate(holders):
            if holder not in member_by_id:
                raise place.at("holders", i).error(
                    f"{holder!r} is not a member{_hint(holder, member_by_id)}"
                )
            if office.eligible == "electorate" and not _in_electorate(
                member_by_id[holder], by_id[office.body], deputies
            ):
                electorate = (
                    f"a member of {office.body!r}"
                    if by_id[office.body].kind == "assembly"
                    else f"a deputy of {office.body!r} (a holder of an office seated in it)"
                )
                raise place.at("holders", i).error(
                    f"{holder!r} is not {electorate}, and the office is open only to "
                    'its electorate (set eligible = "members" to open it to every member)'
                )
            holdings.append(Holding(office.id, holder))
    return tuple(holdings)


def _in_electorate(member: Member, body: Body, deputies: Mapping[str, set[str]]) -> bool:
    if body.kind == "assembly":
        return body.id in member.bodies
    return member.id in deputies.get(body.id, set())


def _founders(doc: Table, root: _InToml, members: tuple[Member, ...]) -> tuple[str, ...]:
    founders = _ids(doc, root, "founders", "founder")
    if not founders:
        raise root.at("founders").error(
            "at least one founder is needed; founders admit members until an office with "
            "the admit power is elected"
        )
    known = {member.id for member in members}
    for i, founder in enumerate(founders):
        if founder not in known:
            raise root.at("founders", i).error(
                f"{founder!r} is not a member{_hint(founder, known)}"
            )
    return tuple(founders)
