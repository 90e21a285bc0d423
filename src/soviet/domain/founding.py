"""Adopting a charter: the events that found an organization."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import asdict
from fractions import Fraction
from typing import Any

from soviet.domain import events as ev
from soviet.domain.clock import after_days
from soviet.domain.model import Body, Charter, Member, Office, Rules

#: Each member's enrollment code, by its hash: a mapping by member id, or a function of
#: the member that issues it as it is asked for (once for each, in the charter's order).
Codes = Mapping[str, str] | Callable[[Member], str]


def _share(value: Fraction) -> str:
    return f"{value.numerator}/{value.denominator}"


def rules_to_json(rules: Rules) -> dict[str, Any]:
    return {
        "term_days": rules.term_days,
        "voting_days": rules.voting_days,
        "recall_petition": _share(rules.recall_petition),
        "recall_immediate": _share(rules.recall_immediate),
        "recall_quorum": _share(rules.recall_quorum),
        "procedure": rules.procedure.to_json(),
    }


def body_to_json(body: Body) -> dict[str, Any]:
    """A body as the log writes it: its apportionment and weights only where it has them."""
    data: dict[str, Any] = {
        "id": body.id,
        "name": body.name,
        "kind": body.kind,
        "parent": body.parent,
    }
    if body.apportion is not None:
        data.update(apportion=body.apportion, council_seats=body.council_seats)
    if body.weighted:
        data["weighted"] = True
    return data


def office_to_json(office: Office) -> dict[str, Any]:
    data = asdict(office)
    data["powers"] = sorted(office.powers)
    for key in ("recall_petition", "recall_immediate", "recall_quorum"):
        data[key] = _share(getattr(office, key))
    data["procedure"] = office.procedure.to_json()
    return data


def found(
    charter: Charter,
    verifier_key: str | None,
    codes: Codes | None = None,
    now: str | None = None,
) -> Iterator[ev.Event]:
    """The founding event, then one admission per member, then each imported holder: made
    one by one as they are recorded, so that founding a large membership holds no more
    than one member's events at a time.

    Admissions and imports are consequences of the founding (actor None, cause 1). With
    `codes` (each member's enrollment code, by its hash: `Codes`) and `now`, every act of the log
    will be signed by its actor: the founding says for how many days a code is good, and
    each admission carries the member's code and its expiry. Without them (as logs were
    founded before members held keys) acts are not signed.
    """
    founded = ev.Event(
        ev.ORGANIZATION_FOUNDED,
        None,
        {
            "name": charter.name,
            "origin": charter.origin,
            "rules": rules_to_json(charter.rules),
            "bodies": [body_to_json(b) for b in charter.bodies],
            "offices": [office_to_json(o) for o in charter.offices],
            "founders": list(charter.founders),
            "verifier_key": verifier_key,
        },
    )
    if codes is not None:
        founded.data["enrollment_days"] = charter.rules.enrollment_days  # type: ignore[index]
        if now is None:
            raise ValueError("a founding with codes needs its instant")
    expires = None if now is None else after_days(now, charter.rules.enrollment_days)
    return _events(charter, founded, codes, expires)


def _events(
    charter: Charter, founded: ev.Event, codes: Codes | None, expires: str | None
) -> Iterator[ev.Event]:
    yield founded
    for m in charter.members:
        data: dict[str, Any] = {
            "member": m.id,
            "name": m.name,
            "bodies": list(m.bodies),
            "cause": 1,
        }
        if codes is not None:
            data["code"] = codes(m) if callable(codes) else codes[m.id]
            data["code_expires"] = expires
        yield ev.Event(ev.MEMBER_ADMITTED, None, data)
    seats: dict[str, int] = {}
    for number, holding in enumerate(charter.holdings, start=1):
        seats[holding.office] = seats.get(holding.office, 0) + 1
        yield ev.Event(
            ev.MANDATE_IMPORTED,
            None,
            {
                "mandate": f"M{number}",
                "office": holding.office,
                "holder": holding.holder,
                "seat": seats[holding.office],
                "cause": 1,
            },
        )
