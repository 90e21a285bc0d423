"""The purge: every office not held by a live elected mandate, one finding per problem.

A mandate is *live* when it is active, was granted by an election, its term has not run
out, and its holder is still eligible for the office. A seat without a live mandate is
*open*: an election may fill it. A mandate whose term ran out may still be active: it
*holds over* until its successor's election closes, where the charter says so.

An office whose votes are secret needs its trustee office to have as many live holders
as its threshold, or no tally of its can be decrypted: `trustees` says when it has not.

A deputy who voted against their body's instruction is a `breach` for as long as they
hold the mandate they voted by: the audit is clean again once the electorate has recalled
them or re-elected the seat.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from soviet.domain.model import Office
from soviet.domain.records import BreachRecord, ElectionRecord, MandateRecord

KINDS = (
    "vacant",
    "unelected",
    "provisional",
    "expired",
    "holdover",
    "ineligible",
    "no-candidate",
    "breach",
    "trustees",
)


@dataclass(frozen=True)
class Finding:
    """One problem with one office (or, for `provisional`, with the organization)."""

    office: str | None
    kind: str
    detail: str
    seat: int | None = None
    mandate: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "office": self.office,
            "kind": self.kind,
            "detail": self.detail,
            "seat": self.seat,
            "mandate": self.mandate,
        }


def is_live(mandate: MandateRecord, eligible: Collection[str], now: str) -> bool:
    """Whether a mandate holds its seat by a live election."""
    return (
        mandate.active
        and mandate.election is not None
        and not mandate.expired_at(now)
        and mandate.holder in eligible
    )


def live_holders(
    active: Sequence[MandateRecord], eligible: Collection[str], now: str
) -> dict[str, int]:
    """The holders of an office's live mandates, and the seat each holds."""
    return {m.holder: m.seat for m in active if is_live(m, eligible, now)}


def open_seats(
    office: Office, active: Sequence[MandateRecord], eligible: Collection[str], now: str
) -> list[int]:
    """The seat numbers of an office that no live mandate holds, in order."""
    held = {m.seat for m in active if is_live(m, eligible, now)}
    return [seat for seat in range(1, office.seats + 1) if seat not in held]


def office_findings(
    office: Office, active: Sequence[MandateRecord], eligible: Collection[str], now: str
) -> list[Finding]:
    """The findings for one office, seat by seat."""
    findings: list[Finding] = []
    by_seat = {m.seat: m for m in active}
    for seat in range(1, office.seats + 1):
        mandate = by_seat.get(seat)
        where = f"{office.title}, seat {seat} of {office.seats}"
        if mandate is None:
            findings.append(Finding(office.id, "vacant", f"{where}: nobody holds it", seat))
        elif mandate.election is None:
            findings.append(
                Finding(
                    office.id,
                    "unelected",
                    f"{where}: {mandate.holder} holds it without an election "
                    f"(mandate {mandate.id}, since {mandate.since})",
                    seat,
                    mandate.id,
                )
            )
        elif mandate.expired_at(now):
            held = office.procedure.holdover and not office.procedure.legacy
            findings.append(
                Finding(
                    office.id,
                    "holdover" if held else "expired",
                    f"{where}: the term of {mandate.holder} (mandate {mandate.id}) "
                    f"ran out at {mandate.until}"
                    + ("; they hold over until their successor's election closes" * held),
                    seat,
                    mandate.id,
                )
            )
        elif mandate.holder not in eligible:
            findings.append(
                Finding(
                    office.id,
                    "ineligible",
                    f"{where}: {mandate.holder} (mandate {mandate.id}) is no longer eligible "
                    f"for it",
                    seat,
                    mandate.id,
                )
            )
    return findings


def provisional_finding(
    offices: Sequence[Office],
    active: Mapping[str, Sequence[MandateRecord]],
    eligible: Mapping[str, Collection[str]],
    founders: Sequence[str],
    now: str,
) -> Finding | None:
    """The founders' provisional power, while no office with `admit` has a live holder."""
    admitting = [o for o in offices if "admit" in o.powers]
    for office in admitting:
        if any(is_live(m, eligible[office.id], now) for m in active.get(office.id, ())):
            return None
    names = ", ".join(founders)
    if not admitting:
        detail = (
            f"the charter declares no office with the power to admit, so the founders "
            f"({names}) hold it provisionally, without an election"
        )
    else:
        titles = ", ".join(o.id for o in admitting)
        detail = (
            f"the founders ({names}) hold the power to admit provisionally until "
            f"{titles} has an elected holder"
        )
    return Finding(None, "provisional", detail)


def trustee_findings(
    offices: Sequence[Office],
    active: Mapping[str, Sequence[MandateRecord]],
    eligible: Mapping[str, Collection[str]],
    now: str,
) -> list[Finding]:
    """Each office with secret ballots whose trustee office has fewer live holders than
    its threshold: its secret votes could not be decrypted (nor a new key made)."""
    by_id = {office.id: office for office in offices}
    findings: list[Finding] = []
    for office in offices:
        p = office.procedure
        if p.trustees is None or "secret" not in (p.ballot, p.recall_ballot):
            continue
        trustees = by_id.get(p.trustees)
        if trustees is None or trustees.procedure.threshold is None:
            continue
        live = sum(1 for m in active.get(trustees.id, ()) if is_live(m, eligible[trustees.id], now))
        needed = trustees.procedure.threshold
        if live < needed:
            findings.append(
                Finding(
                    office.id,
                    "trustees",
                    f"{office.title} votes in secret, but its trustees ({trustees.id}) have "
                    f"{live} live holder(s) of the {needed} needed to decrypt a tally",
                )
            )
    return findings


def election_findings(elections: Sequence[ElectionRecord], now: str) -> list[Finding]:
    """Elections whose nominations closed without a candidate: they stay open for
    nominations, and the seats they would fill stay open with them."""
    return [
        Finding(
            election.office,
            "no-candidate",
            f"election {election.id} has no candidate since its nominations closed at "
            f"{election.nominations_end}: it stays open for nominations",
        )
        for election in elections
        if election.status == "nominating"
        and not election.candidates
        and election.nominations_end is not None
        and election.nominations_end <= now
    ]


def audit(
    offices: Sequence[Office],
    active: Mapping[str, Sequence[MandateRecord]],
    eligible: Mapping[str, Collection[str]],
    founders: Sequence[str],
    now: str,
    elections: Sequence[ElectionRecord] = (),
) -> list[Finding]:
    """Every finding of the purge, the organization's first, then office by office, and
    the elections that wait for a candidate."""
    findings: list[Finding] = []
    provisional = provisional_finding(offices, active, eligible, founders, now)
    if provisional is not None:
        findings.append(provisional)
    for office in offices:
        findings.extend(
            office_findings(office, active.get(office.id, ()), eligible[office.id], now)
        )
    findings.extend(trustee_findings(offices, active, eligible, now))
    findings.extend(election_findings(elections, now))
    return findings


def breaches(found: Iterable[BreachRecord], active: Mapping[str, MandateRecord]) -> list[Finding]:
    """A `breach` for each vote against an instruction by a deputy who still holds the
    mandate they cast it by (`active`, by id): a recall, a resignation or a new election
    ends the finding with the mandate."""
    return [
        Finding(
            active[b.mandate].office,
            "breach",
            f"{b.member} voted {b.vote} on motion {b.motion} against the instruction "
            f"{b.instruction!r} of {b.body} (mandate {b.mandate}; on_breach = {b.on_breach})",
            seat=active[b.mandate].seat,
            mandate=b.mandate,
        )
        for b in found
        if b.mandate in active
    ]
