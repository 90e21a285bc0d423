"""The charter's members and its founders, who are members too.

Members are listed as `[[members]]` tables or in a CSV file the charter names; either
way each belongs to at least one assembly (a council's members are the deputies seated
in it, never listed). The founders admit members until an office with the admit power
is elected.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from soviet.domain.charter._problems import Problems, each, found
from soviet.domain.charter._sites import InToml, Place, Site, hint
from soviet.domain.charter._values import (
    Table,
    check_keys,
    identifiers,
    kind_of,
    tables,
    unique_id,
)
from soviet.domain.charter._values import name as read_name
from soviet.domain.charter.bodies import known_body
from soviet.domain.charter.members_csv import Read, read_members_csv
from soviet.domain.model import Body, Member


def read_members(
    doc: Table,
    root: InToml,
    bodies: tuple[Body, ...],
    read: Read | None,
    problems: Problems | None = None,
) -> tuple[Member, ...]:
    """The `[[members]]` tables, or the rows of the CSV file `members` names."""
    entries: Iterable[tuple[Table, Place]]
    if isinstance(doc["members"], str):
        entries = read_members_csv(doc["members"], root.at("members"), read)
    elif not isinstance(doc["members"], list):
        raise root.at("members").error(
            f"must be [[members]] tables or the name of a CSV file, not {kind_of(doc['members'])}"
        )
    else:
        entries = tables(doc, root, "members")
    by_id = {body.id: body for body in bodies}
    members: list[Member] = []
    seen: dict[str, Site] = {}
    # The assemblies of a member, one tuple for all the members of the same ones: a large
    # membership holds a tuple per assembly, not per member.
    shared: dict[tuple[str, ...], tuple[str, ...]] = {}
    before = found(problems)
    for table, place in entries:
        with each(problems):
            check_keys(table, place, ("id", "name", "bodies"), ())
            ident = unique_id(table, place, seen, "member")
            name = read_name(table, place, "name")
            member_of = identifiers(table, place, "bodies", "body")
            if not member_of:
                raise place.at("bodies").error("a member must belong to at least one assembly")
            assemblies = []
            for i, body in enumerate(member_of):
                known = known_body(body, place.at("bodies", i), by_id)
                if known.kind == "council":
                    raise place.at("bodies", i).error(
                        f"{body!r} is a council: its members are the deputies seated in it, "
                        "so list members in assemblies only"
                    )
                assemblies.append(known.id)  # the body's own id: one string for all its members
            of = tuple(assemblies)
            members.append(Member(ident, name, shared.setdefault(of, of)))
    if not members and found(problems) == before:  # else each listed has a problem
        raise root.at("members").error("at least one member is needed")
    return tuple(members)


def read_founders(
    doc: Table, root: InToml, members: tuple[Member, ...], problems: Problems | None = None
) -> tuple[str, ...]:
    """The `founders`: at least one, each a member."""
    founders = identifiers(doc, root, "founders", "founder")
    if not founders:
        raise root.at("founders").error(
            "at least one founder is needed; founders admit members until an office with "
            "the admit power is elected"
        )
    by_id = {member.id: member for member in members}
    for i, founder in enumerate(founders):
        with each(problems):
            known_member(founder, root.at("founders", i), by_id)
    return tuple(founders)


def known_member(ident: str, site: Site, by_id: Mapping[str, Member]) -> Member:
    """The member `ident` names; an error at `site`, with the closest id, if none does."""
    if ident not in by_id:
        raise site.error(f"{ident!r} is not a member{hint(ident, by_id)}")
    return by_id[ident]
