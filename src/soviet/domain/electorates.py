"""Who elects an office, who may stand for it and who admits members: read from the
state by the decider and its policies, and from the projections by the audit and the
read views (anything that answers `Organization`)."""

from __future__ import annotations

from collections.abc import Mapping
from collections.abc import Set as AbstractSet
from typing import Protocol

from soviet.domain.audit import is_live
from soviet.domain.model import Body, Office
from soviet.domain.records import MandateRecord
from soviet.errors import NotFound


class Organization(Protocol):
    """What these rules read: the charter's bodies and offices, who belongs where, and the
    active mandates (the decider's `State` and the storage's projections both answer it)."""

    def bodies(self) -> Mapping[str, Body]: ...

    def offices(self) -> Mapping[str, Office]: ...

    def offices_with(self, power: str) -> list[Office]:
        """The standing offices that hold `power`, in the charter's order."""
        ...

    def member_ids(self) -> AbstractSet[str]: ...

    def assembly_members(self, body: str) -> AbstractSet[str]: ...

    def seated(self, council: str) -> AbstractSet[str]: ...

    def active_mandates(
        self, office: str | None = None, holder: str | None = None
    ) -> list[MandateRecord]: ...


def office_of(state: Organization, office_id: str) -> Office:
    """The office, or NotFound."""
    offices = state.offices()
    if office_id not in offices:
        raise NotFound("office", office_id)
    return offices[office_id]


def electorate(state: Organization, office: Office) -> AbstractSet[str]:
    """The members of the office's body: people for an assembly, deputies for a council."""
    body = state.bodies()[office.body]
    if body.kind == "assembly":
        return state.assembly_members(body.id)
    return state.seated(body.id)


def body_electorate(state: Organization, body_id: str) -> AbstractSet[str]:
    """Who votes in a body's motions: its members, or its seated deputies; NotFound for a
    body the charter does not have."""
    bodies = state.bodies()
    if body_id not in bodies:
        raise NotFound("body", body_id)
    if bodies[body_id].kind == "assembly":
        return state.assembly_members(body_id)
    return state.seated(body_id)


def eligible(state: Organization, office: Office) -> AbstractSet[str]:
    """Who may stand for (and keep) the office."""
    if office.eligible == "members":
        return state.member_ids()
    return electorate(state, office)


def admitters(state: Organization, now: str) -> Mapping[str, frozenset[str]]:
    """Each body's live holders of offices with the power to admit."""
    holders: dict[str, set[str]] = {}
    for office in state.offices_with("admit"):
        can_stand = eligible(state, office)
        for mandate in state.active_mandates(office=office.id):
            if is_live(mandate, can_stand, now):
                holders.setdefault(office.body, set()).add(mandate.holder)
    return {body: frozenset(names) for body, names in holders.items()}
