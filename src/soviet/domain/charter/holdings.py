"""The holders a charter imports: office holders from before the system, held unelected.

An office's `holders` fill at most its seats, and each must be a member in the office's
electorate at adoption (unless the office is open to every member). A council's
electorate is its deputies, and at adoption those are the imported holders of the
offices seated in it.
"""

from __future__ import annotations

from collections.abc import Mapping

from soviet.domain.charter._problems import Problems, each
from soviet.domain.charter._sites import InToml, Site
from soviet.domain.charter._values import Table, identifiers, tables
from soviet.domain.charter.members import known_member
from soviet.domain.model import Body, Holding, Member, Office


def read_holdings(
    doc: Table,
    root: InToml,
    offices: tuple[Office, ...],
    bodies: tuple[Body, ...],
    members: tuple[Member, ...],
    problems: Problems | None = None,
) -> tuple[Holding, ...]:
    """The imported holders, each a member eligible for the office at adoption."""
    by_id = {body.id: body for body in bodies}
    member_by_id = {member.id: member for member in members}
    entries = tables(doc, root, "offices")
    listed = {
        office.id: identifiers(table, place, "holders", "holder") if "holders" in table else []
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
        if len(holders) > office.seats:  # collected; the office's holders are read no further
            with each(problems):
                raise place.at("holders").error(
                    f"{len(holders)} holders for {office.seats} "
                    f"seat{'s' if office.seats > 1 else ''}"
                )
            continue
        for i, holder in enumerate(holders):
            with each(problems):
                holdings.append(
                    _holding(office, holder, place.at("holders", i), by_id, deputies, member_by_id)
                )
    return tuple(holdings)


def _holding(
    office: Office,
    holder: str,
    site: Site,
    by_id: Mapping[str, Body],
    deputies: Mapping[str, set[str]],
    member_by_id: Mapping[str, Member],
) -> Holding:
    """One imported holder of an office: a member, in its electorate unless it is open."""
    member = known_member(holder, site, member_by_id)
    if office.eligible == "electorate" and not _in_electorate(member, by_id[office.body], deputies):
        electorate = (
            f"a member of {office.body!r}"
            if by_id[office.body].kind == "assembly"
            else f"a deputy of {office.body!r} (a holder of an office seated in it)"
        )
        raise site.error(
            f"{holder!r} is not {electorate}, and the office is open only to "
            'its electorate (set eligible = "members" to open it to every member)'
        )
    return Holding(office.id, holder)


def _in_electorate(member: Member, body: Body, deputies: Mapping[str, set[str]]) -> bool:
    if body.kind == "assembly":
        return body.id in member.bodies
    return member.id in deputies.get(body.id, set())
