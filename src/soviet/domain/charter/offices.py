"""The charter's offices: who is elected in which body, how, and where holders sit.

An office belongs to a body, whose electorate elects it, and may seat its holders in a
council: that is how a council gets its deputies, so every council must be named by some
office's `seat_in`. Each office carries the charter's rules, overridden by its own.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import replace

from soviet.domain.charter._problems import Problems, each, found
from soviet.domain.charter._sites import InToml, Place, Site
from soviet.domain.charter._values import (
    Table,
    check_keys,
    choice,
    count,
    identifier,
    identifiers,
    name,
    one_of,
    tables,
    unique_id,
)
from soviet.domain.charter.bodies import known_body
from soviet.domain.charter.limits import MAX_SEATS
from soviet.domain.charter.rules import OFFICE_KEYS, RULE_KEYS, resolve_rules
from soviet.domain.model import (
    OFFICE_METHODS,
    POWERS,
    SECRET_METHODS,
    Body,
    Eligibility,
    Member,
    Office,
    Procedure,
    Rules,
    default_method,
)
from soviet.errors import CharterError


def read_offices(
    doc: Table,
    root: InToml,
    rules: Rules,
    bodies: tuple[Body, ...],
    problems: Problems | None = None,
) -> tuple[Office, ...]:
    """The `[[offices]]`, each with its rules resolved; then every council must have seats."""
    by_id = {body.id: body for body in bodies}
    offices: list[Office] = []
    seen: dict[str, Site] = {}
    entries = tables(doc, root, "offices")

    def read_office(table: Table, place: InToml) -> None:
        check_keys(
            table,
            place,
            ("id", "body", "title"),
            (
                "seats",
                "method",
                "seat_in",
                "eligible",
                "powers",
                "holders",
                *RULE_KEYS,
                *OFFICE_KEYS,
            ),
        )
        ident = unique_id(table, place, seen, "office")
        body = known_body(identifier(table, place, "body"), place.at("body"), by_id)
        title = name(table, place, "title")
        seat_in = _seat_in(table, place, body, by_id)
        council = by_id[seat_in] if seat_in is not None else None
        rule = None
        if council is not None and council.apportion is not None:
            if "seats" in table:
                raise place.at("seats").error(
                    f"council {council.id!r} apportions its seats ({council.apportion}): "
                    "leave seats out"
                )
            seats, most = 1, council.council_seats or MAX_SEATS  # counted by `size_offices`
        else:
            if "seats" not in table:
                raise place.at("seats").error("missing; this key is required")
            rule = _seats_rule(table, place)
            # a rule's seats are counted once the members are read (`size_offices`)
            seats = rule[1] if rule is not None else count(table, place, "seats", MAX_SEATS)
            most = seats if rule is None else (rule[2] or MAX_SEATS)
        method = _method(table, place, most)
        written = choice(table, place, "eligible", ("electorate", "members"), "electorate")
        eligible: Eligibility = "members" if written == "members" else "electorate"
        powers = identifiers(table, place, "powers", "power") if "powers" in table else []
        for i, power in enumerate(powers):
            one_of(power, place.at("powers", i), "power", sorted(POWERS))
        own = resolve_rules(table, place, rules)
        procedure = own.procedure
        _check_secret(table, place, ident, method, procedure)
        if procedure.threshold is not None and procedure.threshold > most:
            raise place.at("threshold").error(
                f"{procedure.threshold} is more than the office's {most} seat(s): a tally "
                "could never get that many trustees"
            )
        if rule is not None:
            per, least, cap = rule
            procedure = replace(procedure, seats_per=per, seats_min=least, seats_max=cap)
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
                procedure=procedure,
            )
        )

    before = found(problems)
    for table, place in entries:
        with each(problems):
            read_office(table, place)
    if found(problems) > before:  # the councils' seats are checked once every office reads
        return tuple(offices)
    with each(problems):
        _check_councils_have_seats(bodies, offices, root)
    with each(problems):
        _check_seats_form_no_cycle(offices, [place for _, place in entries])
    with each(problems):
        _check_trustees(offices, [place for _, place in entries], rules, root)
    return tuple(offices)


def _check_secret(
    table: Table, place: Place, ident: str, method: str, procedure: Procedure
) -> None:
    """A secret ballot counts only methods that add up, and names its trustees."""
    if procedure.ballot == "secret" and method not in SECRET_METHODS:
        raise place.at("ballot").error(
            f"office {ident!r} is elected by {method}, a ranked method: ranked secret "
            "ballots are not yet supported (use plurality or approval, or an open ballot)"
        )
    secret = procedure.ballot == "secret" or procedure.recall_ballot == "secret"
    if secret and procedure.trustees is None:
        key = "ballot" if procedure.ballot == "secret" else "recall_ballot"
        raise place.at(key).error(
            f"office {ident!r} has secret ballots but no trustees: name the office whose "
            'holders decrypt its tallies (trustees = "…")'
        )


def _check_trustees(
    offices: Sequence[Office], places: Sequence[InToml], rules: Rules, root: InToml
) -> None:
    """An office's trustees are an office of the charter with a threshold, not itself;
    secret motions name theirs in `[rules]`."""
    by_id = {office.id: office for office in offices}
    p = rules.procedure
    if p.motion_ballot == "secret":
        site = root.sub("rules")
        if p.motion_trustees is None:
            raise site.at("motion_ballot").error(
                "secret motions need trustees: name the office whose holders decrypt "
                'their tallies (motion_trustees = "…")'
            )
        keyholder = by_id.get(p.motion_trustees)
        if keyholder is None or keyholder.procedure.threshold is None:
            raise site.at("motion_trustees").error(
                f"{p.motion_trustees!r} is not an office of the charter with a threshold: "
                "trustees are the holders of such an office"
            )
    for office, place in zip(offices, places, strict=True):
        name = office.procedure.trustees
        if name is None:
            continue
        trustees = by_id.get(name)
        if trustees is None:
            raise place.at("trustees").error(
                f"office {name!r} is not in the charter: trustees are an office's holders"
            )
        if trustees.id == office.id:
            raise place.at("trustees").error(
                f"office {office.id!r} cannot be its own trustees: those who decrypt its "
                "tallies are another office's holders"
            )
        if trustees.procedure.threshold is None:
            raise place.at("trustees").error(
                f"trustee office {name!r} has no threshold: write how many of its holders "
                "must take part to decrypt a tally (threshold = …)"
            )


#: The most members one seat may stand for in `seats = { per = … }`.
MAX_PER = 100_000_000


def _seats_rule(table: Table, place: InToml) -> tuple[int, int, int | None] | None:
    """`seats = { per = 100, min = 1, max = 10 }`: (per, min, max), or None for a number."""
    value = table.get("seats")
    if not isinstance(value, dict):
        return None
    inner = place.sub("seats")
    check_keys(value, inner, ("per",), ("min", "max"))
    per = count(value, inner, "per", MAX_PER)
    least = count(value, inner, "min", MAX_SEATS, 1)
    most = count(value, inner, "max", MAX_SEATS) if "max" in value else None
    if most is not None and most < least:
        raise inner.at("max").error(f"{most} is below min {least}")
    return per, least, most


def size_offices(
    offices: Sequence[Office],
    bodies: Sequence[Body],
    members: Sequence[Member],
    root: InToml | None = None,
) -> tuple[Office, ...]:
    """Every office whose seats follow the size of its constituency, with the seats the
    charter's members give it: by its own `seats = { per … }`, or by the apportionment of
    the council it seats its holders in."""
    from soviet.tally.apportionment import ApportionmentError, apportion

    given: dict[str, int] = {}
    for i, council in enumerate(bodies):
        if council.apportion is None or council.council_seats is None:
            continue
        sending = [o for o in offices if o.seat_in == council.id]
        sizes = {o.id: _size(o.body, bodies, members) for o in sending}
        try:
            shared = apportion(sizes, council.council_seats, council.apportion)
        except ApportionmentError as error:
            site = (root or InToml("the charter", {}, ())).at("bodies", i, "council_seats")
            raise site.error(str(error)) from None
        given.update(shared.allocation)
    return tuple(
        replace(office, seats=given[office.id])
        if office.id in given
        else replace(office, seats=apportioned(office, bodies, members))
        if office.procedure.seats_per is not None
        else office
        for office in offices
    )


def _size(body: str, bodies: Iterable[Body], members: Iterable[Member]) -> int:
    below = constituency_bodies(body, bodies)
    return sum(1 for m in members if below.intersection(m.bodies))


def apportioned(office: Office, bodies: Iterable[Body], members: Iterable[Member]) -> int:
    """The seats of an office sized by its constituency: one per `seats_per` of the members
    of its body and of the assemblies below it, rounded half up, within its bounds."""
    from soviet.tally.apportionment import seats_per

    p = office.procedure
    assert p.seats_per is not None, "an office sized by its constituency"
    return seats_per(_size(office.body, bodies, members), p.seats_per, p.seats_min, p.seats_max)


def constituency_bodies(body: str, bodies: Iterable[Body]) -> frozenset[str]:
    """The body and every body below it."""
    children: dict[str, list[str]] = {}
    for b in bodies:
        if b.parent is not None:
            children.setdefault(b.parent, []).append(b.id)
    found, todo = {body}, [body]
    while todo:
        for child in children.get(todo.pop(), ()):
            if child not in found:
                found.add(child)
                todo.append(child)
    return frozenset(found)


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


def _check_seats_form_no_cycle(offices: Sequence[Office], places: Sequence[InToml]) -> None:
    """Refuse councils that seat their deputies in each other, directly or round a longer
    cycle: each would be elected by deputies that it elects, so none could be filled
    first. The error is at the first office of the cycle, and names all of them."""
    seating: dict[str, list[int]] = {}
    for i, office in enumerate(offices):
        if office.seat_in is not None:
            seating.setdefault(office.body, []).append(i)
    state: dict[str, bool] = {}  # a body on the current path (True) or done (False)
    for office in offices:
        if office.seat_in is None or office.body in state:
            continue
        # Depth first, without recursion: path[j] seats stack[j] in stack[j + 1].
        stack = [(office.body, iter(seating.get(office.body, ())))]
        path: list[int] = []
        state[office.body] = True
        while stack:
            body, onward = stack[-1]
            step = next(onward, None)
            if step is None:
                state[body] = False
                stack.pop()
                if path:
                    path.pop()
                continue
            target = offices[step].seat_in
            assert target is not None
            if state.get(target) is True:
                start = [b for b, _ in stack].index(target)
                raise _cycle_error([*path[start:], step], offices, places)
            if target not in state:
                state[target] = True
                path.append(step)
                stack.append((target, iter(seating.get(target, ()))))


def _cycle_error(
    cycle: list[int], offices: Sequence[Office], places: Sequence[InToml]
) -> CharterError:
    first = cycle.index(min(cycle))
    cycle = cycle[first:] + cycle[:first]
    steps = ", ".join(
        f"{offices[i].id!r} of {offices[i].body!r} sits in {offices[i].seat_in!r}" for i in cycle
    )
    site = places[cycle[0]].at("seat_in")
    return site.error(
        f"councils seat their deputies in each other: {steps}; each would be elected by the "
        "deputies it elects, so none could ever be filled first"
    )
