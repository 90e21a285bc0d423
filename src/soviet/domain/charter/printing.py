"""Printing a charter: a `Charter` as TOML that `parse_charter` reads back to it.

Re-read, the text is the same organization: the same name and origin, the same rules,
the same bodies and offices in the same order with every rule resolved alike, the same
members with the same assemblies (a member's assemblies are a set: their order is not
kept), the same founders, and the same imported holders if the charter has any (the
charter as it stands has none: see `soviet.domain.charter.standing`).

The text is for a person to read as well: a comment heads each part; `[rules]` writes
every default it sets, and each office its id, body, title, seats and method, then only
what it sets apart from `[rules]`; members are `[[members]]` tables, never a CSV file.
Shares are exact fractions in quotes ("1/4").

Some values are beyond what a charter can write: a log founded before procedures were
logged runs its offices by older rules (`legacy`, petitions without a time limit), and a
member may have left every assembly, where a charter lists each member in at least one.
The printer writes what a charter can, leaves the rest out, re-reads its own text, and
names every difference that remains (`Printed.notes`) in comments at the head of the text:
a text without notes re-reads to the same organization.
"""

from __future__ import annotations

import dataclasses
import textwrap
from collections.abc import Iterable, Sequence
from fractions import Fraction
from typing import NamedTuple

from soviet.domain.charter import parse_charter
from soviet.domain.charter._sites import InToml
from soviet.domain.charter.rules import OFFICE_KEYS, ORGANIZATION_KEYS, RULE_KEYS, read_rules
from soviet.domain.model import Body, Charter, Member, Office, Rules
from soviet.errors import CharterError

#: A value of a printed table, as `tomllib` reads it back.
Value = str | int | float | bool | list[str] | dict[str, int]
Table = dict[str, Value]

#: The name the printer's own re-read gives the text.
SOURCE = "the printed charter"
_ROOT = InToml(SOURCE, {}, ())

_SECTIONS = {
    "organization": (
        "The organization: its name, the origin of its log's signed checkpoints, and its",
        "founders, who admit members until an office with the power to admit is elected.",
    ),
    "rules": (
        "The rules of every office unless its own table sets them apart: terms and voting",
        "periods in days, recall shares as exact fractions, and the procedure.",
    ),
    "bodies": (
        "Bodies: assemblies of members, and councils of the deputies seated in them;",
        "`parent` is the body a body sends its deputies to.",
    ),
    "offices": (
        "Offices: every position of authority, elected by its body's electorate; each",
        "writes the rules it sets apart from [rules].",
    ),
    "members": ("Members, and the assemblies each belongs to.",),
}


class Printed(NamedTuple):
    """A charter's text, and what it cannot carry (empty when it re-reads the same)."""

    text: str
    notes: tuple[str, ...]


def print_charter(charter: Charter, heading: Sequence[str] = ()) -> str:
    """The charter as TOML, `heading` first as comments; see `printed`."""
    return printed(charter, heading).text


def printed(charter: Charter, heading: Sequence[str] = ()) -> Printed:
    """The charter as TOML that re-reads to it, with the notes of what it cannot carry,
    which the text also says in comments after `heading`."""
    kept = {m.id for m in charter.members if m.bodies}
    left_out = [m for m in charter.members if not m.bodies]
    body = document(tables(charter))
    notes = [*_left_out(left_out, charter), *_differences(charter, body, kept)]
    head = [*heading]
    if notes:
        if head:
            head.append("")
        head.append("Re-read, this text differs from the charter it was printed from:")
        for note in notes:
            head += textwrap.wrap(note, 84, initial_indent="  - ", subsequent_indent="    ")
    text = "".join(f"{_comment(line)}\n" for line in head) + ("\n" if head else "") + body
    return Printed(text, tuple(notes))


# -- the tables ----------------------------------------------------------------------------


class Tables(NamedTuple):
    """A charter as the tables of its text: what `document` writes and an amendment
    changes (`soviet.domain.charter.amending`)."""

    top: Table
    rules: Table
    bodies: list[Table]
    offices: list[Table]
    members: list[Table]


def tables(charter: Charter) -> Tables:
    """The charter's tables: members who belong to no assembly left out (a charter cannot
    write them), and founders among them."""
    members = [m for m in charter.members if m.bodies]
    kept = {m.id for m in members}
    rules = _rules_table(charter.rules)
    base = _reread_rules(rules, charter.rules)
    holders: dict[str, list[str]] = {}
    for holding in charter.holdings:
        if holding.holder in kept:
            holders.setdefault(holding.office, []).append(holding.holder)
    top: Table = {
        "name": charter.name,
        "origin": charter.origin,
        "founders": [f for f in charter.founders if f in kept],
    }
    apportioning = {b.id for b in charter.bodies if b.apportion is not None}
    return Tables(
        top,
        rules,
        [_body_table(b) for b in charter.bodies],
        [
            _office_table(o, base, holders.get(o.id, []), o.seat_in in apportioning)
            for o in charter.offices
        ],
        [_member_table(m) for m in members],
    )


def _rules_table(rules: Rules) -> Table:
    """`[rules]`: every key a charter writes there, but those whose value it cannot write."""
    table: Table = {}
    for key in (*RULE_KEYS, *ORGANIZATION_KEYS):
        written = _written(_value(rules, key))
        if written is not None:
            table[key] = written
    return table


def _reread_rules(table: Table, rules: Rules) -> Rules:
    """The rules `[rules]` re-reads to: the base of every office's table. Should the table
    not read (a value out of a charter's range), the rules themselves: the re-read of the
    whole text then names the problem."""
    try:
        return read_rules({"rules": table}, _ROOT)
    except CharterError:
        return rules


def _body_table(body: Body) -> Table:
    table: Table = {"id": body.id, "name": body.name, "kind": body.kind}
    if body.parent is not None:
        table["parent"] = body.parent
    if body.apportion is not None and body.council_seats is not None:
        table["apportion"] = body.apportion
        table["council_seats"] = body.council_seats
    if body.weighted:
        table["weighted"] = True
    return table


def _office_table(office: Office, base: Rules, holders: list[str], shared: bool) -> Table:
    """An office's table: what every office writes, then what it sets apart from `base`
    (its seats not at all where the council it sits in apportions them, `shared`)."""
    p = office.procedure
    seats: Value = office.seats
    if p.seats_per is not None:  # the rule, not the seats it gives now
        rule = {"per": p.seats_per, "min": p.seats_min}
        seats = rule if p.seats_max is None else {**rule, "max": p.seats_max}
    table: Table = {"id": office.id, "body": office.body, "title": office.title}
    if not shared:
        table["seats"] = seats
    table["method"] = office.method
    if office.seat_in is not None:
        table["seat_in"] = office.seat_in
    if office.eligible != "electorate":
        table["eligible"] = office.eligible
    if office.powers:
        table["powers"] = sorted(office.powers)
    if holders:
        table["holders"] = holders
    for key in (*RULE_KEYS, *OFFICE_KEYS):
        own = _value(office, key)
        if own != _value(base, key):
            written = _written(own)
            if written is not None:
                table[key] = written
    return table


def _member_table(member: Member) -> Table:
    return {"id": member.id, "name": member.name, "bodies": list(member.bodies)}


def _value(of: Rules | Office, key: str) -> object:
    """The value of a charter key: a field of the rules or office, or of its procedure
    (None where neither has it)."""
    if key != "procedure" and hasattr(of, key):
        return getattr(of, key)
    return getattr(of.procedure, key, None)


def _written(value: object) -> Value | None:
    """A value as a charter writes it; None for one it cannot write (no limit, no quorum)."""
    if isinstance(value, Fraction):
        return _share(value)
    if isinstance(value, bool | int | str):
        return value
    return None


def _share(value: Fraction) -> str:
    return str(value)  # "1/4", or "1" and "0" for whole ones


# -- the text ------------------------------------------------------------------------------


def document(parts: Tables) -> str:
    """The text of a charter's tables, each part under its heading."""
    lines = [*_heading("organization"), *_pairs(parts.top), ""]
    lines += [*_heading("rules"), "[rules]", *_pairs(parts.rules), ""]
    sections = (("bodies", parts.bodies), ("offices", parts.offices), ("members", parts.members))
    for name, each in sections:
        lines += _heading(name)
        for i, table in enumerate(each):
            if i:
                lines.append("")
            lines += [f"[[{name}]]", *_pairs(table)]
        lines.append("")
    return "\n".join(lines)


def _heading(section: str) -> list[str]:
    return [_comment(line) for line in _SECTIONS[section]]


def _pairs(table: Table) -> list[str]:
    return [f"{key} = {_toml(value)}" for key, value in table.items()]


def _toml(value: Value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):  # a float only as an amendment wrote it (0.25)
        return repr(value)
    if isinstance(value, str):
        return toml_string(value)
    if isinstance(value, dict):  # an inline table of numbers: `seats = { per = 100 }`
        return "{ " + ", ".join(f"{key} = {number}" for key, number in value.items()) + " }"
    return "[" + ", ".join(toml_string(item) for item in value) + "]"


_ESCAPES = {
    '"': '\\"',
    "\\": "\\\\",
    "\b": "\\b",
    "\t": "\\t",
    "\n": "\\n",
    "\f": "\\f",
    "\r": "\\r",
}


def toml_string(text: str) -> str:
    """A TOML basic string: quotes and backslashes escaped, and every control character."""
    if text.isprintable() and '"' not in text and "\\" not in text:
        return f'"{text}"'
    out = []
    for char in text:
        if char in _ESCAPES:
            out.append(_ESCAPES[char])
        elif ord(char) < 0x20 or ord(char) == 0x7F:
            out.append(f"\\u{ord(char):04X}")
        else:
            out.append(char)
    return '"' + "".join(out) + '"'


def _comment(line: str) -> str:
    """A line as a TOML comment, one line whatever it holds (a comment takes no control
    characters but the tab)."""
    kept = "".join(" " if ord(c) < 0x20 or ord(c) == 0x7F else c for c in line)
    return f"# {kept}".rstrip()


# -- what the text cannot carry -------------------------------------------------------------


def _left_out(members: Iterable[Member], charter: Charter) -> list[str]:
    notes = []
    founders = set(charter.founders)
    for member in members:
        also = " (a founder: left out of founders too)" if member.id in founders else ""
        notes.append(
            f"member {member.id!r} belongs to no assembly, and a charter lists each member "
            f"in at least one: left out{also}"
        )
    return notes


def _differences(charter: Charter, text: str, kept: set[str]) -> list[str]:
    """What the text re-reads to otherwise than `charter` (members left out aside)."""
    try:
        again = parse_charter(text, SOURCE)
    except CharterError as error:
        return [f"it does not re-read as a charter: {error}"]
    notes: list[str] = []
    if (again.name, again.origin) != (charter.name, charter.origin):
        notes.append(f"its name and origin re-read as {again.name!r}, {again.origin!r}")
    notes += [f"[rules] {d}" for d in _fields(charter.rules, again.rules)]
    if again.bodies != charter.bodies:
        notes.append("its bodies re-read otherwise")
    if [o.id for o in again.offices] != [o.id for o in charter.offices]:
        notes.append("its offices re-read otherwise")
    else:
        offices: dict[str, list[str]] = {}
        for mine, read in zip(charter.offices, again.offices, strict=True):
            for difference in _fields(mine, read):
                offices.setdefault(difference, []).append(repr(mine.id))
        for difference, ids in offices.items():
            which = (
                "every office"
                if len(ids) == len(charter.offices) > 1
                else f"office{'s' if len(ids) > 1 else ''} {', '.join(ids)}"
            )
            notes.append(f"{which}: {difference}")
    members = {m.id: (m.name, frozenset(m.bodies)) for m in charter.members if m.id in kept}
    if {m.id: (m.name, frozenset(m.bodies)) for m in again.members} != members:
        notes.append("its members re-read otherwise")
    if again.founders != tuple(f for f in charter.founders if f in kept):
        notes.append("its founders re-read otherwise")
    if again.holdings != tuple(h for h in charter.holdings if h.holder in kept):
        notes.append("its imported holders re-read otherwise")
    return notes


def _fields(mine: Rules | Office, read: Rules | Office) -> list[str]:
    """Each field (the procedure's among them) whose re-read value is not `mine`'s."""
    found = []
    for of_mine, of_read in ((mine, read), (mine.procedure, read.procedure)):
        for field in dataclasses.fields(of_mine):
            if field.name == "procedure":
                continue
            own, again = getattr(of_mine, field.name), getattr(of_read, field.name)
            if own != again:
                found.append(
                    f"{field.name} is {_shown(own)}, which a charter cannot write; "
                    f"re-read, it is {_shown(again)}"
                )
    return found


def _shown(value: object) -> str:
    if value is None:
        return "none"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Fraction):
        return _share(value)
    if isinstance(value, frozenset):
        return repr(sorted(value))
    return repr(value) if isinstance(value, str) else str(value)
