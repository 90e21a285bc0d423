"""The rules of a mandate's own end: its holder resigns it."""

from __future__ import annotations

from soviet.domain import events as ev
from soviet.domain.ids import MAX_REASON_LENGTH, text_problem
from soviet.domain.records import MandateRecord
from soviet.errors import Refused


def resign(mandate: MandateRecord, actor: str, reason: str) -> ev.Event:
    """The holder gives up their mandate; the seat goes to a by-election at once, and the
    seats that depended on it are lost as for any lost seat."""
    if actor != mandate.holder:
        raise Refused(
            f"{actor!r} may not resign mandate {mandate.id}: only its holder, "
            f"{mandate.holder!r}, resigns it"
        )
    if not mandate.active:
        raise Refused(f"mandate {mandate.id} is {mandate.status}: there is nothing to resign")
    said = reason.strip() or "resigned"
    if (problem := text_problem(said, "a reason", MAX_REASON_LENGTH)) is not None:
        raise Refused(f"the resignation's reason {problem}")
    return ev.Event(
        ev.MANDATE_RESIGNED, actor, {"mandate": mandate.id, "reason": said, "cause": None}
    )
