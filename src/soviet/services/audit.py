"""Handlers for the purge: `soviet audit` and `soviet audit --schedule`."""

from __future__ import annotations

from soviet.domain import electorates
from soviet.domain.audit import Finding, audit, breaches
from soviet.domain.commands import ApplyDue, ScheduleAudit
from soviet.domain.events import Recorded
from soviet.domain.records import MandateRecord
from soviet.services.deciding import take
from soviet.services.ports import Projections, Workspace


def findings(ws: Projections) -> list[Finding]:
    """Every office not held by a live elected mandate, one finding per problem."""
    offices = list(ws.offices().values())
    active: dict[str, list[MandateRecord]] = {}
    for mandate in ws.active_mandates():
        active.setdefault(mandate.office, []).append(mandate)
    eligible = {o.id: electorates.eligible(ws, o) for o in offices}
    found = audit(offices, active, eligible, ws.founders(), ws.now, ws.pending_elections())
    by_id = {m.id: m for held in active.values() for m in held}
    return found + breaches(ws.breaches(), by_id)


def schedule(ws: Workspace) -> list[Recorded]:
    """Record the end of every mandate whose term ran out, then open an election for
    every office with an open seat and no election under way — with every consequence."""
    return take(ws, ScheduleAudit())


def apply_due(ws: Workspace) -> list[Recorded]:
    """Record what the clock has made due (every act does this first): terms that ended,
    uncontested elections whose nominations closed, votes the charter closes by
    themselves, petitions that ran out of time — with every consequence."""
    return take(ws, ApplyDue())
