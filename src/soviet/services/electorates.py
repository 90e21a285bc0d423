"""Who elects an office, and who may stand for it."""

from __future__ import annotations

from collections.abc import Set as AbstractSet

from soviet.domain.model import Office
from soviet.errors import NotFound
from soviet.services.ports import Projections


def office(ws: Projections, office_id: str) -> Office:
    """The office, or NotFound."""
    offices = ws.offices()
    if office_id not in offices:
        raise NotFound("office", office_id)
    return offices[office_id]


def electorate(ws: Projections, of: Office) -> AbstractSet[str]:
    """The members of the office's body: people for an assembly, seated deputies for a
    council."""
    body = ws.bodies()[of.body]
    if body.kind == "assembly":
        return ws.assembly_members(body.id)
    return ws.seated(body.id)


def eligible(ws: Projections, of: Office) -> AbstractSet[str]:
    """Who may stand for (and keep) the office."""
    if of.eligible == "members":
        return ws.member_ids()
    return electorate(ws, of)
