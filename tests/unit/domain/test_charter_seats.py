"""Seats by the size of the constituency in the charter: `seats = { per, min, max }`
read, sized from the charter's members, printed back as the rule, and every mistake in it
located."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from soviet.domain.charter import parse_charter
from soviet.domain.charter.printing import printed
from soviet.errors import CharterError

CHARTER = """\
name = "Depot Union"
founders = ["m1"]

[[bodies]]
id = "district"
name = "District Council"
kind = "council"

[[bodies]]
id = "depot"
name = "Depot"
kind = "assembly"
parent = "district"

[[offices]]
id = "depot.deputy"
body = "depot"
title = "Deputy from the depot"
seats = SEATS
method = "stv"
seat_in = "district"
reapportion = "immediate"
"""


def charter(seats: str, members: int = 7) -> str:
    people = "".join(
        f'\n[[members]]\nid = "m{i}"\nname = "M {i}"\nbodies = ["depot"]\n'
        for i in range(1, members + 1)
    )
    return CHARTER.replace("SEATS", seats) + people


@pytest.mark.parametrize(
    ("members", "rule", "seats"),
    [
        (7, "{ per = 3 }", 2),
        (8, "{ per = 3 }", 3),
        (1, "{ per = 3 }", 1),
        (30, "{ per = 3, max = 4 }", 4),
        (2, "{ per = 10, min = 2 }", 2),
    ],
)
def test_an_office_of_one_seat_per_so_many_members_is_sized_by_its_constituency(
    members: int, rule: str, seats: int
) -> None:
    office = parse_charter(charter(rule, members), "union.toml").offices[0]
    assert office.seats == seats
    assert office.procedure.seats_per is not None and office.procedure.reapportion == "immediate"


@given(st.integers(1, 60), st.integers(1, 9), st.integers(1, 3), st.integers(0, 5))
def test_the_rule_prints_back_as_itself_and_re_reads_to_the_same_office(
    members: int, per: int, least: int, extra: int
) -> None:
    rule = f"{{ per = {per}, min = {least}, max = {least + extra} }}"
    adopted = parse_charter(charter(rule, members), "union.toml")
    text, notes = printed(adopted)
    assert notes == ()
    assert f"seats = {rule}" in text
    assert parse_charter(text, "printed").offices == adopted.offices
    assert least <= adopted.offices[0].seats <= least + extra


@pytest.mark.parametrize(
    ("rule", "says"),
    [
        ("{ per = 0 }", "seats.per: must be at least 1"),
        ("{ min = 2 }", "seats.per: missing"),
        ("{ per = 3, min = 4, max = 2 }", "seats.max: 2 is below min 4"),
        ("{ per = 3, each = 2 }", "seats.each: unknown key"),
        ('{ per = "three" }', "seats.per: must be a whole number"),
    ],
)
def test_a_seats_rule_that_cannot_be_read_is_refused_at_its_line(rule: str, says: str) -> None:
    with pytest.raises(CharterError) as caught:
        parse_charter(charter(rule), "union.toml")
    assert f"union.toml:{CHARTER.splitlines().index('seats = SEATS') + 1}:" in str(caught.value)
    assert says in str(caught.value)


def test_irv_cannot_elect_an_office_whose_seats_may_grow() -> None:
    text = charter("{ per = 3 }").replace('method = "stv"', 'method = "irv"')
    with pytest.raises(CharterError, match="irv elects one"):
        parse_charter(text, "union.toml")


COUNCIL = """\
name = "Depot Union"
founders = ["m1"]

[[bodies]]
id = "district"
name = "District Council"
kind = "council"
apportion = "sainte-lague"
council_seats = 5
weighted = true

[[bodies]]
id = "depot"
name = "Depot"
kind = "assembly"
parent = "district"

[[bodies]]
id = "yard"
name = "Yard"
kind = "assembly"
parent = "district"

[[offices]]
id = "depot.deputy"
body = "depot"
title = "Deputy from the depot"
method = "stv"
seat_in = "district"

[[offices]]
id = "yard.deputy"
body = "yard"
title = "Deputy from the yard"
method = "stv"
seat_in = "district"

[[offices]]
id = "district.chair"
body = "district"
title = "Chair"
seats = 1
method = "irv"
"""


def council(depot: int = 8, yard: int = 6, text: str = COUNCIL) -> str:
    people = [("depot", i) for i in range(depot)] + [("yard", i) for i in range(yard)]
    return text + "".join(
        f'\n[[members]]\nid = "{body}{i}"\nname = "{body} {i}"\nbodies = ["{body}"]\n'
        for body, i in people
    ).replace('"depot0"', '"m1"', 1)


def test_a_council_shares_its_seats_among_the_offices_that_seat_deputies_in_it() -> None:
    adopted = parse_charter(council(), "union.toml")
    seats = {o.id: o.seats for o in adopted.offices}
    # Sainte-Laguë, 5 seats for 8 and 6 members: 8, 6, 8/3, 2, 8/5
    assert (seats["depot.deputy"], seats["yard.deputy"]) == (3, 2)
    district = adopted.bodies[0]
    assert (district.apportion, district.council_seats, district.weighted) == (
        "sainte-lague",
        5,
        True,
    )
    text, notes = printed(adopted)
    assert notes == ()
    assert 'apportion = "sainte-lague"' in text and "council_seats = 5" in text
    again = parse_charter(text, "printed")
    assert again.bodies == adopted.bodies and again.offices == adopted.offices


@pytest.mark.parametrize(
    ("old", "new", "says"),
    [
        (
            'kind = "assembly"\nparent = "district"\n\n[[bodies]]\nid = "yard"',
            'kind = "assembly"\nparent = "district"\nweighted = true\n\n[[bodies]]\nid = "yard"',
            "weighted: only a council",
        ),
        ("council_seats = 5\n", "", "apportion: names how the council's seats are shared"),
        (
            'apportion = "sainte-lague"\n',
            "",
            "council_seats: the council's seats are shared by a method",
        ),
        ('apportion = "sainte-lague"', 'apportion = "lottery"', "apportion:"),
        ("council_seats = 5", "council_seats = 1", "council_seats:"),
        (
            'title = "Deputy from the yard"\n',
            'title = "Deputy from the yard"\nseats = 2\n',
            "leave seats out",
        ),
    ],
)
def test_a_councils_apportionment_or_weights_that_cannot_be_read_are_refused(
    old: str, new: str, says: str
) -> None:
    assert COUNCIL.count(old) == 1, old
    with pytest.raises(CharterError) as caught:
        parse_charter(council(text=COUNCIL.replace(old, new)), "union.toml")
    assert says in str(caught.value)
    assert str(caught.value).startswith("union.toml:")
