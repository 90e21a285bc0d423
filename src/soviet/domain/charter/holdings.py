"""The holders a charter imports: office holders from before the system, held unelected.

An office's `holders` fill at most its seats, and each must be a member in the office's
electorate at adoption (unless the office is open to every member). A council's
electorate is its deputies, and at adoption those are the imported holders of the
offices seated in it.
"""

from __future__ import annotations

from collections.abc import Mapping

from soviet.domain.charter._sites import InToml
from soviet.domain.charter._values import Table, identifiers, tables
from soviet.domain.charter.members import known_member
from soviet.domain.model import Body, Holding, Member, Office


def read_holdings(
    doc: Table,
    root: InToml,
    offices: tuple[Office, ...],
    bodies: tuple[Body, ...],
    members: tuple[Member, ...],
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
        if len(holders) > office.seats:
            raise place.at("holders").error(
                f"{len(holders)} holders for {office.seats} seat{'s' if office.seats > 1 else ''}"
            )
        for i, holder in enumerate(holders):
            member = known_member(holder, place.at("holders", i), member_by_id)
            if office.eligible == "electorate" and not _in_electorate(
                member, by_id[office.body], deputies
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
