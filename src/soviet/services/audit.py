"""Handlers for the purge: `soviet audit` and `soviet audit --schedule`."""

from __future__ import annotations

from soviet.domain import events as ev
from soviet.domain.audit import Finding, audit
from soviet.domain.records import MandateRecord
from soviet.services import electorates
from soviet.services.consequences import end_mandate, fill_vacancy
from soviet.services.ports import Projections, Workspace


def findings(ws: Projections) -> list[Finding]:
    """Every office not held by a live elected mandate, one finding per problem."""
    offices = list(ws.offices().values())
    active: dict[str, list[MandateRecord]] = {}
    for mandate in ws.active_mandates():
        active.setdefault(mandate.office, []).append(mandate)
    eligible = {o.id: electorates.eligible(ws, o) for o in offices}
    return audit(offices, active, eligible, ws.founders(), ws.now)


def schedule(ws: Workspace) -> list[ev.Recorded]:
    """Record the end of every mandate whose term ran out, then open an election for
    every office with an open seat and no election under way."""
    recorded: list[ev.Recorded] = []
    for mandate in ws.active_mandates():
        # a cascade from an earlier expiry may already have ended this one
        if mandate.expired_at(ws.now) and ws.mandate(mandate.id).active:
            recorded.append(
                end_mandate(
                    ws,
                    ev.Event(
                        ev.MANDATE_EXPIRED,
                        None,
                        {
                            "mandate": mandate.id,
                            "reason": f"term ended at {mandate.until}",
                            "cause": None,
                        },
                    ),
                )
            )
    for office in ws.offices().values():
        opened = fill_vacancy(ws, office, cause=None)
        if opened is not None:
            recorded.append(opened)
    return recorded
