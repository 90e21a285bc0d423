"""Acts of membership: admission to assemblies, joining and leaving them — each decided by
the rules and recorded with its consequences (`soviet.services.deciding`)."""

from __future__ import annotations

from collections.abc import Sequence

from soviet.domain import commands as cmd
from soviet.domain.events import Recorded
from soviet.services.deciding import act
from soviet.services.ports import Workspace


def add(
    ws: Workspace,
    member_id: str,
    name: str,
    bodies: Sequence[str],
    actor: str,
    *,
    code: str = "",
) -> Recorded:
    """`soviet member add ID --name NAME --body BODY… --as MEMBER`: the id follows the
    pattern of `soviet.domain.ids`, and the name (the id when none is given) is plain text.
    `code` is the hash of the new member's enrollment code, which the admitting officer
    draws and hands over (`soviet.domain.enrollment`)."""
    return act(ws, cmd.AdmitMember(actor, member_id, name, tuple(bodies), code))


def join(ws: Workspace, member_id: str, body: str, actor: str) -> Recorded:
    """`soviet member join ID --body BODY --as MEMBER`."""
    return act(ws, cmd.JoinBody(actor, member_id, body))


def leave(ws: Workspace, member_id: str, body: str, actor: str) -> Recorded:
    """`soviet member leave ID --body BODY --as ID`: only the member themselves; mandates
    that needed the membership lapse."""
    return act(ws, cmd.LeaveBody(actor, member_id, body))
