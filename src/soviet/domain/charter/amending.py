"""Amending the charter: a TOML fragment in the charter's own format, applied to the charter
as it stands and validated as a whole charter is.

A fragment holds any of:

- `[rules]`: defaults to change (the top body's to amend: they reach every office);
- `[[bodies]]`: bodies to add, as in a charter;
- `[[offices]]`: offices to add, as in a charter, or, by the `id` of one that exists,
  the keys of it to change (seats, method, term, recall shares, powers, `seat_in`,
  `on_breach`, …); an office's `body` stays its own;
- `[[dissolve]]`: bodies to dissolve (`body`), with their offices, and the assembly their
  members move to (`members_to`, which an assembly with members must name).

`amend` applies the fragment to the tables of the charter as it stands
(`soviet.domain.charter.printing.tables`), writes the whole amended charter and reads it
with `parse_charter`, so that an amendment is held to every rule a charter is: a council
without a `seat_in` office, a cycle of parents, an office of an unknown body, a share out
of range. Every error names the fragment's file, the line of the key at fault in it, and
the field as the fragment numbers it (`offices[0].seats`); a problem the fragment causes
elsewhere (a council left without deputies) names the field of the amended charter, after
the fragment's first line.

The body that amends must hold the authority over what changes: a new body's parent, a new
or changed office's body, a dissolved body and the assembly its members move to, must be
that body or one below it; `[rules]` only the top body (one without a parent) amends.
"""

from __future__ import annotations

import dataclasses
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, TypeVar

from soviet.domain._toml_lines import locate
from soviet.domain.charter import parse_charter
from soviet.domain.charter._sites import InToml, syntax_error
from soviet.domain.charter._values import check_keys
from soviet.domain.charter.limits import check_toml_shape
from soviet.domain.charter.printing import Table, Tables, document, tables
from soviet.domain.model import Body, Charter, Office, Procedure, Rules
from soviet.errors import CharterError, CharterErrors

#: The parts a fragment may hold.
PARTS = ("rules", "bodies", "offices", "dissolve")
#: The most characters of a fragment (it travels in the motion's event).
MAX_FRAGMENT = 16_000
_INDEXED = re.compile(r"^(bodies|offices)\[(\d+)\](.*)$")


@dataclass(frozen=True)
class Amendment:
    """What an adopted fragment changes: the rules (when it writes `[rules]`), the bodies
    it adds, and each office it adds or changes, resolved as the charter reads them."""

    rules: Rules | None
    bodies: tuple[Body, ...]
    offices: tuple[Office, ...]
    #: The bodies dissolved, each with the assembly its members move to.
    dissolved: tuple[tuple[str, str | None], ...] = ()


def amend(current: Charter, fragment: str, source: str, by: str) -> Amendment:
    """The amendment that `fragment` (read from `source`) makes to `current`, proposed in
    the body `by`; CharterError naming the fragment's file, line and field if it does not
    validate or reaches beyond `by`'s authority."""
    if len(fragment) > MAX_FRAGMENT:
        raise CharterError(
            source, None, "charter", f"is {len(fragment):,} characters: at most {MAX_FRAGMENT:,}"
        )
    check_toml_shape(fragment, source)
    try:
        doc = tomllib.loads(fragment)
    except tomllib.TOMLDecodeError as exc:
        raise syntax_error(exc, fragment, source) from None
    lines = locate(fragment).lines
    root = InToml(source, lines, ())
    check_keys(doc, root, (), PARTS)
    if not any(doc.get(part) for part in PARTS):
        raise CharterError(source, None, "charter", "the fragment changes nothing")
    parts = tables(current)
    origins: dict[tuple[str, int], int] = {}  # (part, index amended) -> index in the fragment
    _apply_rules(doc, parts, root)
    existing = {table["id"] for table in parts.bodies}
    for i, table in enumerate(_tables(doc, "bodies", root)):
        ident = table.get("id")
        if ident in existing:
            raise (
                root.sub("bodies", i)
                .at("id")
                .error(f"body {ident!r} exists already: a fragment adds bodies, it changes none")
            )
        origins["bodies", len(parts.bodies)] = i
        parts.bodies.append(dict(table))
    known: dict[str, int] = {str(table["id"]): n for n, table in enumerate(parts.offices)}
    for i, table in enumerate(_tables(doc, "offices", root)):
        ident = table.get("id")
        if not isinstance(ident, str):
            raise root.sub("offices", i).at("id").error("names the office to add or change")
        if ident in known:
            if "body" in table and table["body"] != parts.offices[known[ident]]["body"]:
                raise (
                    root.sub("offices", i)
                    .at("body")
                    .error(
                        f"office {ident!r} is of {parts.offices[known[ident]]['body']!r}: an "
                        "amendment changes an office's rules, not its body"
                    )
                )
            parts.offices[known[ident]].update(table)
            origins["offices", known[ident]] = i
        else:
            origins["offices", len(parts.offices)] = i
            known[ident] = len(parts.offices)
            parts.offices.append(dict(table))
    dissolved = _dissolve(doc, parts, root)
    amended = _read(parts, source, lines, origins)
    change = _changes(current, _reread(current), amended, "rules" in doc)
    change = dataclasses.replace(change, dissolved=tuple(dissolved))
    _require_authority(change, amended, current.bodies, by, source, lines, origins, known)
    _require_over_dissolved(change, current, by, root)
    return change


def _dissolve(doc: Mapping[str, Any], parts: Tables, root: InToml) -> list[tuple[str, str | None]]:
    """Take each dissolved body out of the tables, with its offices, and move its members
    to the assembly it names."""
    bodies = {str(table["id"]): table for table in parts.bodies}
    dissolved: list[tuple[str, str | None]] = []
    for i, table in enumerate(_tables(doc, "dissolve", root)):
        place = root.sub("dissolve", i)
        check_keys(table, place, ("body",), ("members_to",))
        ident, target = table["body"], table.get("members_to")
        if not isinstance(ident, str) or ident not in bodies:
            raise place.at("body").error(f"names no body of the charter: {ident!r}")
        if target is not None and (
            not isinstance(target, str)
            or target == ident
            or bodies.get(target, {}).get("kind") != "assembly"
        ):
            raise place.at("members_to").error(
                f"must name another assembly of the charter, not {target!r}"
            )
        members = [m for m in parts.members if ident in m.get("bodies", [])]  # type: ignore[operator]
        if members and target is None:
            raise place.at("body").error(
                f"{ident!r} has {len(members)} member(s): name the assembly they move to "
                "(members_to)"
            )
        for member in members:
            held = [b for b in member["bodies"] if b != ident]  # type: ignore[union-attr]
            member["bodies"] = held if target in held else [*held, str(target)]
        parts.bodies[:] = [t for t in parts.bodies if t["id"] != ident]
        parts.offices[:] = [t for t in parts.offices if t["body"] != ident]
        dissolved.append((ident, target if isinstance(target, str) else None))
    return dissolved


def _covers(parents: Mapping[str, str | None], by: str, body: str | None) -> bool:
    """Whether `body` is `by` or lies below it."""
    seen: set[str] = set()
    while body is not None and body not in seen:
        if body == by:
            return True
        seen.add(body)
        body = parents.get(body)
    return False


def _require_over_dissolved(change: Amendment, current: Charter, by: str, root: InToml) -> None:
    """A body dissolves only what it holds authority over: the body and the assembly its
    members move to must be the amending body or below it."""
    parents = {b.id: b.parent for b in current.bodies}
    for i, (body, target) in enumerate(change.dissolved):
        for key, named in (("body", body), ("members_to", target)):
            if named is not None and not _covers(parents, by, named):
                raise (
                    root.sub("dissolve", i)
                    .at(key)
                    .error(
                        f"{named!r} is beyond the authority of {by!r} (itself and the bodies "
                        "below it)"
                    )
                )


def _tables(doc: Mapping[str, Any], part: str, root: InToml) -> list[Table]:
    value = doc.get(part, [])
    if not isinstance(value, list) or not all(isinstance(t, dict) for t in value):
        raise root.at(part).error(f"must be an array of tables ([[{part}]])")
    for i, table in enumerate(value):
        for key, item in table.items():
            _writable(item, root.sub(part, i).at(key))
    return value


def _apply_rules(doc: Mapping[str, Any], parts: Tables, root: InToml) -> None:
    rules = doc.get("rules", {})
    if not isinstance(rules, dict):
        raise root.at("rules").error("must be a table ([rules])")
    for key, item in rules.items():
        _writable(item, root.sub("rules").at(key))
    parts.rules.update(rules)


def _writable(value: object, site: Any) -> None:
    """A value the charter's text can carry: a string, a number, true or false, or a list
    of strings."""
    if isinstance(value, str | int | float | bool):
        return
    if isinstance(value, list) and all(isinstance(item, str) for item in value):
        return
    if isinstance(value, dict) and all(
        isinstance(item, int) and not isinstance(item, bool) for item in value.values()
    ):
        return  # `seats = { per = 100, min = 1 }`
    raise site.error(
        "must be a string, a number, true or false, a list of strings or a table of numbers"
    )


def _read(
    parts: Tables, source: str, lines: Mapping[Any, int], origins: Mapping[tuple[str, int], int]
) -> Charter:
    """The amended charter, read as any charter; its errors placed in the fragment."""
    text = document(parts)
    try:
        return parse_charter(text, source)
    except CharterErrors as errors:
        raise CharterErrors(
            source,
            [_placed(e, source, lines, origins) for e in errors.errors],
            errors.complete,
        ) from None
    except CharterError as error:
        raise _placed(error, source, lines, origins) from None


def _placed(
    error: CharterError,
    source: str,
    lines: Mapping[Any, int],
    origins: Mapping[tuple[str, int], int],
) -> CharterError:
    """An error of the amended charter, at its place in the fragment: the table the
    fragment wrote, renumbered as the fragment numbers it; elsewhere, after the fragment's
    first line, the field as the amended charter names it."""
    field = error.field
    match = _INDEXED.match(field)
    if match is not None:
        part, index, rest = match.group(1), int(match.group(2)), match.group(3)
        if (part, index) in origins:
            own = origins[part, index]
            key = rest.lstrip(".").split(".")[0].split("[")[0]
            line = lines.get((part, own, key)) or lines.get((part, own))
            return CharterError(source, line, f"{part}[{own}]{rest}", error.problem)
    if field.startswith("rules"):
        key = field.partition(".")[2]
        line = lines.get(("rules", key)) or lines.get(("rules",))
        return CharterError(source, line, field, error.problem)
    return CharterError(source, None, f"{field} (once amended)", error.problem)


def _reread(current: Charter) -> Charter:
    """The charter as it stands, as its text reads back: the baseline an amendment's
    changes are found against (a value a charter cannot write, such as a petition without
    a time limit, reads back otherwise, and is no change of the amendment's)."""
    try:
        return parse_charter(document(tables(current)), "the charter as it stands")
    except CharterError:
        return current


def _changes(current: Charter, baseline: Charter, amended: Charter, rules: bool) -> Amendment:
    """What the amendment changes: the fields in which the amended charter differs from
    the baseline, applied to the charter as it stands (whose other fields stay theirs)."""
    now = {o.id: o for o in current.offices}
    was = {o.id: o for o in baseline.offices}
    old_bodies = {b.id for b in current.bodies}
    offices = []
    for office in amended.offices:
        if office.id not in now:
            offices.append(office)
        elif was.get(office.id) != office:
            offices.append(_changed(now[office.id], was[office.id], office))
    return Amendment(
        rules=_changed(current.rules, baseline.rules, amended.rules) if rules else None,
        bodies=tuple(b for b in amended.bodies if b.id not in old_bodies),
        offices=tuple(offices),
    )


T = TypeVar("T", Office, Rules, Procedure)


def _changed(now: T, was: T, amended: T) -> T:
    """`now` with each field that differs between `was` and `amended` taken from
    `amended` (a procedure field by field)."""
    values: dict[str, Any] = {}
    for f in dataclasses.fields(now):
        before, after = getattr(was, f.name), getattr(amended, f.name)
        if before == after:
            continue
        if isinstance(after, Procedure):
            values[f.name] = _changed(getattr(now, f.name), before, after)
        else:
            values[f.name] = after
    return dataclasses.replace(now, **values)


def _require_authority(
    change: Amendment,
    amended: Charter,
    current_bodies: tuple[Body, ...],
    by: str,
    source: str,
    lines: Mapping[Any, int],
    origins: Mapping[tuple[str, int], int],
    known: Mapping[str, int],
) -> None:
    """Refuse what reaches beyond the authority of the body `by`: the body itself and the
    bodies below it."""
    parents = {b.id: b.parent for b in (*current_bodies, *amended.bodies)}
    if by not in parents:
        raise CharterError(source, None, "charter", f"{by!r} is no body of the charter")

    def covers(body: str | None) -> bool:
        return _covers(parents, by, body)

    if change.rules is not None and parents[by] is not None:
        raise CharterError(
            source,
            lines.get(("rules",)),
            "rules",
            f"the charter's [rules] are the top body's to amend, and {by!r} has a parent",
        )
    index = {b.id: n for n, b in enumerate(amended.bodies)}
    for body in change.bodies:
        if not covers(body.parent):
            own = origins.get(("bodies", index[body.id]), 0)
            raise CharterError(
                source,
                lines.get(("bodies", own, "parent")) or lines.get(("bodies", own)),
                f"bodies[{own}].parent",
                f"{body.id!r} would sit under {body.parent!r}, beyond the authority of "
                f"{by!r} (itself and the bodies below it)",
            )
    for office in change.offices:
        if not covers(office.body):
            own = origins.get(("offices", known[office.id]), 0)
            raise CharterError(
                source,
                lines.get(("offices", own)),
                f"offices[{own}]",
                f"office {office.id!r} is of {office.body!r}, beyond the authority of "
                f"{by!r} (itself and the bodies below it)",
            )
