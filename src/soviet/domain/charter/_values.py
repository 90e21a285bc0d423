"""The typed values of a charter's tables, each refused with its site when it is wrong.

Every reader takes the table, the place that locates its fields, and the key; it returns
the value as the charter means it (stripped text, a checked id, a whole number) or raises
a `CharterError` naming the field and what would be accepted there.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping

from soviet.domain.charter._sites import InToml, Place, Site, hint
from soviet.domain.ids import id_problem, name_problem, shown

Table = Mapping[str, object]


def check_keys(
    table: Table, place: Place, required: Collection[str], optional: Collection[str]
) -> None:
    """Refuse a key the table may not have, then a required key it lacks."""
    for key in table:
        if key not in required and key not in optional:
            known = [*required, *optional]
            raise place.at(key).error(
                f"unknown key{hint(key[:100], known)}; expected one of {', '.join(known)}"
            )
    for key in required:
        if key not in table:
            raise place.at(key).error("missing; this key is required")


def as_table(value: object, site: Site) -> Table:
    if not isinstance(value, dict):
        raise site.error(f"must be a table, not {kind_of(value)}")
    return value


def tables(doc: Table, root: InToml, key: str) -> list[tuple[Table, InToml]]:
    """The tables of an array of tables (`[[key]]`, or `key = [{...}, ...]`)."""
    value = doc.get(key, [])
    if not isinstance(value, list):
        raise root.at(key).error(
            f"must be an array of tables, written [[{key}]], not {kind_of(value)}"
        )
    place = root.sub(key)
    return [(as_table(entry, place.at(i)), place.sub(i)) for i, entry in enumerate(value)]


def kind_of(value: object) -> str:
    """What a parsed value is, in TOML's words: "a string", "an array"."""
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


def text(table: Table, place: Place, key: str) -> str:
    """A string that is not blank, stripped."""
    value = table[key]
    if not isinstance(value, str):
        raise place.at(key).error(f"must be a string, not {kind_of(value)}")
    if not value.strip():
        raise place.at(key).error("must not be empty")
    return value.strip()


def name(table: Table, place: Place, key: str) -> str:
    """A name or a title: plain text, stripped, not blank, short enough to show."""
    value = text(table, place, key)
    problem = name_problem(value)
    if problem is not None:
        raise place.at(key).error(problem)
    return value


def identifier(table: Table, place: Place, key: str) -> str:
    return _check_identifier(text(table, place, key), place.at(key))


def unique_id(table: Table, place: Place, seen: dict[str, Site], what: str) -> str:
    """The table's `id`, refused if another `what` already uses it; `seen` records it."""
    ident = identifier(table, place, "id")
    site = place.at("id")
    if ident in seen:
        first = seen[ident]
        raise site.error(f"{what} id {ident!r} is already used at {first.source}:{first.line}")
    seen[ident] = site
    return ident


def _check_identifier(value: str, site: Site) -> str:
    problem = id_problem(value)
    if problem is not None:
        raise site.error(problem)
    return value


def _strings(table: Table, place: Place, key: str) -> list[str]:
    value = table[key]
    if not isinstance(value, list):
        raise place.at(key).error(f"must be an array of strings, not {kind_of(value)}")
    for i, item in enumerate(value):
        if not isinstance(item, str):
            raise place.at(key, i).error(f"must be a string, not {kind_of(item)}")
    return [item.strip() for item in value]


def identifiers(table: Table, place: Place, key: str, what: str) -> list[str]:
    """An array of ids, each once."""
    seen: set[str] = set()
    for i, value in enumerate(items := _strings(table, place, key)):
        _check_identifier(value, place.at(key, i))
        if value in seen:
            raise place.at(key, i).error(f"{what} {value!r} is listed twice")
        seen.add(value)
    return items


def one_of(value: str, site: Site, what: str, choices: Collection[str]) -> str:
    """`value` if it is one of `choices`; else an error listing them, the closest first."""
    if value not in choices:
        raise site.error(
            f"unknown {what} {shown(value)}{hint(value[:100], choices)}; "
            f"expected one of {', '.join(choices)}"
        )
    return value


def choice(table: Table, place: Place, key: str, choices: Collection[str], default: str) -> str:
    if key not in table:
        return default
    return one_of(text(table, place, key), place.at(key), key, choices)


def count(table: Table, place: Place, key: str, most: int, default: int | None = None) -> int:
    """A whole number from 1 to `most`; `default` where the key is absent and one is given."""
    if key not in table and default is not None:
        return default
    value = table[key]
    if isinstance(value, bool) or not isinstance(value, int):
        raise place.at(key).error(f"must be a whole number, not {kind_of(value)}")
    if value < 1:
        raise place.at(key).error(f"must be at least 1, not {whole(value)}")
    if value > most:
        raise place.at(key).error(f"must be at most {most:,}, not {whole(value)}")
    return value


def whole(value: int) -> str:
    """An integer as an error shows it: its digits, unless there are too many to print."""
    if abs(value) < 10**30:
        return str(value)
    return f"{'-' if value < 0 else ''}a number of more than 30 digits"
