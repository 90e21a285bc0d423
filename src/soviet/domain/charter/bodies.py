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
    identifier,
    tables,
    unique_id,
)
from soviet.domain.charter._values import name as read_name
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
            check_keys(table, place, ("id", "name", "kind"), ("parent",))
            ident = unique_id(table, place, seen, "body")
            name = read_name(table, place, "name")
            written = choice(table, place, "kind", ("assembly", "council"), "")
            kind: BodyKind = "council" if written == "council" else "assembly"
            parent = identifier(table, place, "parent") if "parent" in table else None
            bodies.append(Body(ident, name, kind, parent))
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


def known_body(ident: str, site: Site, by_id: Mapping[str, Body]) -> Body:
    """The body `ident` names; an error at `site`, with the closest id, if none does."""
    if ident not in by_id:
        raise site.error(f"unknown body {ident!r}{hint(ident, by_id)}")
    return by_id[ident]
