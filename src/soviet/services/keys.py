"""Acts of members' keys: rotation, a lost key's reset, codes issued; and the upgrade of a
log founded before members held keys, which from then on signs every act."""

from __future__ import annotations

from collections.abc import Sequence

from soviet.domain import commands as cmd
from soviet.domain import events as ev
from soviet.domain.clock import after_days
from soviet.domain.events import Event, Recorded
from soviet.domain.model import Rules
from soviet.services.deciding import act
from soviet.services.ports import Workspace


def adopt_keys(ws: Workspace, codes: Sequence[tuple[str, str]]) -> Recorded:
    """Record that the log takes members' keys from now on, with an enrollment code (by
    its hash) for every member, good for the default number of days."""
    days = Rules().enrollment_days
    expires = after_days(ws.now, days)
    return ws.record(
        Event(
            ev.KEYS_ADOPTED,
            None,
            {
                "enrollment_days": days,
                "codes": [
                    {"member": member, "code": code, "expires": expires} for member, code in codes
                ],
            },
        )
    )


def rotate(ws: Workspace, member: str, public_key: str) -> Recorded:
    """`soviet key rotate --as MEMBER`: the member's new key, signed by the one it replaces."""
    return act(ws, cmd.RotateKey(member, public_key))


def reset(ws: Workspace, member: str, reason: str, code: str, actor: str) -> Recorded:
    """`soviet member reset-key MEMBER --reason TEXT --as OFFICER`: revoke a lost key and
    issue a new code (by its hash)."""
    return act(ws, cmd.ResetKey(actor, member, reason, code))


def issue_codes(ws: Workspace, codes: Sequence[tuple[str, str]], actor: str) -> Recorded:
    """`soviet member codes --as OFFICER`: new codes (member, hash) for members who hold
    no key yet."""
    return act(ws, cmd.IssueCodes(actor, tuple(codes)))
