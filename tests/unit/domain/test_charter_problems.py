"""A charter's problems are reported all at once, in the order the charter is read, each
naming its file, line and field; a check that needs a part with a problem waits for it."""

from __future__ import annotations

import pytest

from soviet.domain.charter import _problems, parse_charter
from soviet.errors import CharterError, CharterErrors

CHARTER = """\
name = "Depot Union"
founders = ["ivanova"]

[[bodies]]
id = "depot"
name = "Depot"
kind = "assembly"
parent = "district"

[[bodies]]
id = "district"
name = "District Council"
kind = "council"

[[offices]]
id = "depot.deputy"
body = "depot"
title = "Deputy from the depot"
seats = 2
seat_in = "district"

[[offices]]
id = "district.chair"
body = "district"
title = "Chair of the district"
seats = 1

[[members]]
id = "ivanova"
name = "Anna Ivanova"
bodies = ["depot"]

[[members]]
id = "petrov"
name = "Pyotr Petrov"
bodies = ["depot"]
"""


def refused(text: str) -> CharterError:
    with pytest.raises(CharterError) as raised:
        parse_charter(text, "union.toml")
    return raised.value


def edited(*edits: tuple[str, str]) -> str:
    text = CHARTER
    for old, new in edits:
        assert text.count(old) == 1, old
        text = text.replace(old, new)
    return text


def test_the_charter_reads_as_it_stands() -> None:
    assert [office.id for office in parse_charter(CHARTER, "union.toml").offices] == [
        "depot.deputy",
        "district.chair",
    ]


def line_of(text: str, needle: str) -> int:
    return text.count("\n", 0, text.index(needle)) + 1


def test_problems_in_several_tables_are_reported_together_in_reading_order() -> None:
    text = edited(
        ('name = "Depot Union"', 'name = ""'),
        ("seats = 2", "seats = 0"),
        ("seats = 1", 'seats = 1\nmethod = "borda"'),
        ('bodies = ["depot"]\n\n[[members]]', 'bodies = ["dpot"]\n\n[[members]]'),
    )
    error = refused(text)
    assert isinstance(error, CharterErrors)
    assert [(e.line, e.field) for e in error.errors] == [
        (1, "name"),
        (line_of(text, '["dpot"]'), "members[0].bodies[0]"),
        (line_of(text, "seats = 0"), "offices[0].seats"),
        (line_of(text, "borda"), "offices[1].method"),
    ]
    assert "unknown body 'dpot' (did you mean 'depot'?)" in str(error.errors[1])
    # as one line: the first problem, and how many more
    assert str(error) == "union.toml:1: name: must not be empty (and 3 more problems)"
    assert (error.line, error.field) == (1, "name")
    assert error.lines() == [
        "union.toml: 4 problems; nothing was adopted",
        *(str(e) for e in error.errors),
    ]


def test_a_single_problem_is_reported_as_it_is() -> None:
    error = refused(edited(("seats = 2", "seats = 0")))
    assert type(error) is CharterError
    assert str(error) == "union.toml:19: offices[0].seats: must be at least 1, not 0"


def test_checks_that_need_a_part_with_a_problem_wait_for_it_to_be_fixed() -> None:
    # The district's name is wrong: members and offices, which name bodies, are not read,
    # so the misspelt body of a member is reported only once the bodies read.
    text = edited(
        ('name = "District Council"', "name = 7"),
        ('bodies = ["depot"]\n\n[[members]]', 'bodies = ["dpot"]\n\n[[members]]'),
    )
    error = refused(text)
    assert type(error) is CharterError
    assert error.field == "bodies[1].name"
    fixed = text.replace("name = 7", 'name = "District Council"')
    assert refused(fixed).field == "members[0].bodies[0]"


def test_the_checks_across_a_part_wait_for_each_of_its_tables() -> None:
    # The only office seating deputies in the district has a problem: that the district
    # would have no seats is not reported besides it.
    error = refused(edited(('seat_in = "district"', 'seat_in = "distrct"')))
    assert type(error) is CharterError
    assert error.field == "offices[0].seat_in"


def test_founders_naming_no_member_are_each_reported() -> None:
    error = refused(edited(('founders = ["ivanova"]', 'founders = ["ivanov", "petrova"]')))
    assert isinstance(error, CharterErrors)
    assert [e.field for e in error.errors] == ["founders[0]", "founders[1]"]


def test_past_the_most_problems_the_checks_stop_and_say_so() -> None:
    members = "".join(
        f'\n[[members]]\nid = "m{i}"\nname = "Member {i}"\nbodies = ["nowhere"]\n'
        for i in range(_problems.MOST + 5)
    )
    error = refused(CHARTER + members)
    assert isinstance(error, CharterErrors)
    assert len(error.errors) == _problems.MOST
    assert not error.complete
    assert error.lines()[0] == (
        f"union.toml: the first {_problems.MOST} problems (the checks stopped there); "
        "nothing was adopted"
    )
    assert str(error).endswith(f"(and at least {_problems.MOST - 1} more problems)")
