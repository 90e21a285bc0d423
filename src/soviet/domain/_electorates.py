"""Who elects an office, who may stand for it and who admits members, as the decider and
its policies read them from the state."""

from __future__ import annotations

from collections.abc import Mapping
from collections.abc import Set as AbstractSet

from soviet.domain.audit import is_live
from soviet.domain.model import Office
from soviet.domain.state import State
from soviet.errors import NotFound


def office_of(state: State, office_id: str) -> Office:
    """The office, or NotFound."""
    offices = state.offices()
    if office_id not in offices:
        raise NotFound("office", office_id)
    return offices[office_id]


def electorate(state: State, office: Office) -> AbstractSet[str]:
    """The members of the office's body: people for an assembly, deputies for a council."""
    body = state.bodies()[office.body]
    if body.kind == "assembly":
        return state.assembly_members(body.id)
    return state.seated(body.id)


def eligible(state: State, office: Office) -> AbstractSet[str]:
    """Who may stand for (and keep) the office."""
    if office.eligible == "members":
        return state.member_ids()
    return electorate(state, office)


def admitters(state: State, now: str) -> Mapping[str, frozenset[str]]:
    """Each body's live holders of offices with the power to admit."""
    holders: dict[str, set[str]] = {}
    for office in state.offices().values():
        if "admit" not in office.powers:
            continue
        can_stand = eligible(state, office)
        for mandate in state.active_mandates(office=office.id):
            if is_live(mandate, can_stand, now):
                holders.setdefault(office.body, set()).add(mandate.holder)
    return {body: frozenset(names) for body, names in holders.items()}
