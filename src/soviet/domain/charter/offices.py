"""The charter's offices: who is elected in which body, how, and where holders sit.

An office belongs to a body, whose electorate elects it, and may seat its holders in a
council: that is how a council gets its deputies, so every council must be named by some
office's `seat_in`. Each office carries the charter's rules, overridden by its own.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from soviet.domain.charter._sites import InToml, Place, Site
from soviet.domain.charter._values import (
    Table,
    check_keys,
    choice,
    count,
    identifier,
    identifiers,
    one_of,
    tables,
    text,
    unique_id,
)
from soviet.domain.charter.bodies import known_body
from soviet.domain.charter.rules import RULE_KEYS, resolve_rules
from soviet.domain.model import (
    OFFICE_METHODS,
    POWERS,
    Body,
    Eligibility,
    Office,
    Rules,
    default_method,
)


def read_offices(
    doc: Table, root: InToml, rules: Rules, bodies: tuple[Body, ...]
) -> tuple[Office, ...]:
    """The `[[offices]]`, each with its rules resolved; then every council must have seats."""
    by_id = {body.id: body for body in bodies}
    offices: list[Office] = []
    seen: dict[str, Site] = {}
    for table, place in tables(doc, root, "offices"):
        check_keys(
            table,
            place,
            ("id", "body", "title", "seats"),
            ("method", "seat_in", "eligible", "powers", "holders", *RULE_KEYS),
        )
        ident = unique_id(table, place, seen, "office")
        body = known_body(identifier(table, place, "body"), place.at("body"), by_id)
        title = text(table, place, "title")
        seats = count(table, place, "seats")
        method = _method(table, place, seats)
        seat_in = _seat_in(table, place, body, by_id)
        written = choice(table, place, "eligible", ("electorate", "members"), "electorate")
        eligible: Eligibility = "members" if written == "members" else "electorate"
        powers = identifiers(table, place, "powers", "power") if "powers" in table else []
        for i, power in enumerate(powers):
            one_of(power, place.at("powers", i), "power", sorted(POWERS))
        own = resolve_rules(table, place, rules)
        offices.append(
            Office(
                id=ident,
                body=body.id,
                title=title,
                seats=seats,
                method=method,
                seat_in=seat_in,
                eligible=eligible,
                powers=frozenset(powers),
                term_days=own.term_days,
                voting_days=own.voting_days,
                recall_petition=own.recall_petition,
                recall_immediate=own.recall_immediate,
                recall_quorum=own.recall_quorum,
            )
        )
    _check_councils_have_seats(bodies, offices, root)
    return tuple(offices)


def _method(table: Table, place: Place, seats: int) -> str:
    if table.get("method") == "yes-no":
        raise place.at("method").error(
            "yes-no decides recall votes and motions; it cannot elect an office"
        )
    method = choice(table, place, "method", OFFICE_METHODS, default_method(seats))
    if method == "irv" and seats > 1:
        raise place.at("method").error(f"irv elects one; for {seats} seats use stv or meek")
    return method


def _seat_in(table: Table, place: Place, body: Body, by_id: Mapping[str, Body]) -> str | None:
    if "seat_in" not in table:
        return None
    seat = known_body(identifier(table, place, "seat_in"), place.at("seat_in"), by_id)
    if seat.kind != "council":
        raise place.at("seat_in").error(
            f"{seat.id!r} is an assembly; holders can be seated only in a council"
        )
    if seat.id == body.id:
        raise place.at("seat_in").error(
            f"the office belongs to council {seat.id!r} and is elected by its deputies; "
            "it cannot also seat them there"
        )
    return seat.id


def _check_councils_have_seats(
    bodies: Iterable[Body], offices: Iterable[Office], root: InToml
) -> None:
    seated = {office.seat_in for office in offices}
    for i, body in enumerate(bodies):
        if body.kind == "council" and body.id not in seated:
            raise root.at("bodies", i, "kind").error(
                f"council {body.id!r} has no seats: no office names it in seat_in, "
                "so it could never have members"
            )
