"""The charter's bodies: assemblies of members and councils of seated deputies.

Bodies form a forest: each may name a parent body, which must exist, and no chain of
parents may come back to where it started.
"""

from __future__ import annotations

from collections.abc import Mapping

from soviet.domain.charter._problems import Problems, each, found
from soviet.domain.charter._sites import InToml, Site, hint
from soviet.domain.charter._values import (
    Table,
    check_keys,
    choice,
    count,
    identifier,
    kind_of,
    tables,
    unique_id,
)
from soviet.domain.charter._values import name as read_name
from soviet.domain.charter.limits import MAX_SEATS
from soviet.domain.model import Body, BodyKind


def read_bodies(doc: Table, root: InToml, problems: Problems | None = None) -> tuple[Body, ...]:
    """The `[[bodies]]`, at least one, with ids used once and parents forming no cycle."""
    entries = tables(doc, root, "bodies")
    if not entries:
        raise root.at("bodies").error("at least one body is needed")
    bodies: list[Body] = []
    seen: dict[str, Site] = {}
    before = found(problems)
    for table, place in entries:
        with each(problems):
            check_keys(table, place, ("id", "name", "kind"), ("parent", *COUNCIL_KEYS))
            ident = unique_id(table, place, seen, "body")
            name = read_name(table, place, "name")
            written = choice(table, place, "kind", ("assembly", "council"), "")
            kind: BodyKind = "council" if written == "council" else "assembly"
            parent = identifier(table, place, "parent") if "parent" in table else None
            bodies.append(Body(ident, name, kind, parent, *_council(table, place, kind)))
    if found(problems) > before:  # the parents are checked once every body has been read
        return tuple(bodies)
    by_id = {body.id: body for body in bodies}
    for body, (_, place) in zip(bodies, entries, strict=True):
        if body.parent is not None:
            with each(problems):
                known_body(body.parent, place.at("parent"), by_id)
    if found(problems) > before:
        return tuple(bodies)
    for body, (_, place) in zip(bodies, entries, strict=True):
        chain = [body.id]
        while (parent := by_id[chain[-1]].parent) is not None and parent not in chain:
            chain.append(parent)
        if parent == body.id:
            cycle = " → ".join(repr(ident) for ident in [*chain, body.id])
            raise place.at("parent").error(f"parents form a cycle: {cycle}")
    return tuple(bodies)


#: The keys only a council's table writes.
COUNCIL_KEYS = ("apportion", "council_seats", "weighted")


def _council(table: Table, place: InToml, kind: BodyKind) -> tuple[str | None, int | None, bool]:
    """A council's `apportion = "sainte-lague"` with its `council_seats`, and `weighted`."""
    for key in COUNCIL_KEYS:
        if key in table and kind != "council":
            raise place.at(key).error("only a council's table writes it: this is an assembly")
    method = None
    if "apportion" in table:
        from soviet.tally.apportionment import METHODS  # only for a council that apportions

        method = choice(table, place, "apportion", tuple(METHODS), "")
        if "council_seats" not in table:
            raise place.at("apportion").error(
                "names how the council's seats are shared: give their number, council_seats"
            )
    elif "council_seats" in table:
        raise place.at("council_seats").error(
            'the council\'s seats are shared by a method: give apportion = "sainte-lague" '
            "(or huntington-hill, dhondt, hamilton)"
        )
    seats = count(table, place, "council_seats", MAX_SEATS) if method is not None else None
    weighted = False
    if "weighted" in table:
        value = table["weighted"]
        if not isinstance(value, bool):
            raise place.at("weighted").error(f"must be true or false, not {kind_of(value)}")
        weighted = value
    return method, seats, weighted


def known_body(ident: str, site: Site, by_id: Mapping[str, Body]) -> Body:
    """The body `ident` names; an error at `site`, with the closest id, if none does."""
    if ident not in by_id:
        raise site.error(f"unknown body {ident!r}{hint(ident, by_id)}")
    return by_id[ident]
