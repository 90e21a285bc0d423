"""Handlers for membership: admission to assemblies, joining and leaving them."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from soviet.domain import admission, ids
from soviet.domain import events as ev
from soviet.domain.audit import is_live
from soviet.domain.model import Member
from soviet.errors import NotFound, Refused
from soviet.services import electorates
from soviet.services.consequences import lapse_unentitled
from soviet.services.ports import Workspace


def _admitters(ws: Workspace) -> Mapping[str, frozenset[str]]:
    """Each body's live holders of offices with the power to admit."""
    holders: dict[str, set[str]] = {}
    for office in ws.offices().values():
        if "admit" not in office.powers:
            continue
        eligible = electorates.eligible(ws, office)
        for mandate in ws.active_mandates(office=office.id):
            if is_live(mandate, eligible, ws.now):
                holders.setdefault(office.body, set()).add(mandate.holder)
    return {body: frozenset(names) for body, names in holders.items()}


def _require_admitter(ws: Workspace, actor: str, body: str, leaving: str | None = None) -> None:
    ws.member(actor)
    if body not in ws.bodies():
        raise NotFound("body", body)
    admission.require_admitter(actor, body, ws.bodies(), _admitters(ws), ws.founders(), leaving)


def add(ws: Workspace, member_id: str, name: str, bodies: Sequence[str], actor: str) -> ev.Recorded:
    """`soviet member add ID --name NAME --body BODY… --as MEMBER`: the id follows the
    pattern of `soviet.domain.ids`, and the name (the id when none is given) is plain text."""
    ids.check_id(member_id, "member id")
    name = ids.check_name(name.strip(), "member name") if name.strip() else member_id
    if member_id in ws.member_ids():
        raise Refused(f"member {member_id!r} exists already; use `soviet member join`")
    for body in bodies:
        _require_admitter(ws, actor, body)
    member = Member(member_id, name, tuple(bodies))
    return ws.record(admission.admit(member, actor, ws.bodies()))


def join(ws: Workspace, member_id: str, body: str, actor: str) -> ev.Recorded:
    """`soviet member join ID --body BODY --as MEMBER`."""
    member = ws.member(member_id)
    _require_admitter(ws, actor, body)
    return ws.record(admission.join(member, body, actor, ws.bodies()))


def leave(ws: Workspace, member_id: str, body: str, actor: str) -> ev.Recorded:
    """`soviet member leave ID --body BODY --as MEMBER`: the member themselves, or one
    with the power to admit; mandates that needed the membership lapse."""
    member = ws.member(member_id)
    if body not in ws.bodies():
        raise NotFound("body", body)
    if actor != member_id:
        _require_admitter(ws, actor, body, leaving=member_id)
    left = ws.record(admission.leave(member, body, actor))
    lapse_unentitled(ws, member_id, body, cause=left.seq)
    return left
