"""The limits of a charter: sizes, numbers, nesting and ids that a small file could use to
exhaust the machine or to store differently on SQLite and PostgreSQL, and councils that
seat their deputies in each other. Each is refused with file, line and field."""

from __future__ import annotations

import time
from collections.abc import Callable

import pytest

from soviet.demo import national
from soviet.domain.charter import limits, parse_charter
from soviet.domain.charter.limits import (
    MAX_CHARTER_CHARACTERS,
    MAX_CSV_CHARACTERS,
    MAX_DAYS,
    MAX_KEY_PARTS,
    MAX_NESTING,
    MAX_SEATS,
)
from soviet.errors import CharterError

BASE = """\
name = "Depot Union"
founders = ["ivanova"]

[rules]
term_days = 365
voting_days = 7

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
"""

#: Two more councils above the district, and offices that seat each in the next.
COUNCILS = """
[[bodies]]
id = "city"
name = "City Council"
kind = "council"

[[bodies]]
id = "region"
name = "Regional Council"
kind = "council"

[[offices]]
id = "district.deputy"
body = "district"
title = "Deputy to the city"
seats = 1
seat_in = "city"

[[offices]]
id = "city.deputy"
body = "city"
title = "Deputy to the region"
seats = 1
seat_in = "region"
"""


def changed(old: str, new: str, text: str = BASE) -> str:
    assert text.count(old) == 1, old
    return text.replace(old, new)


def line_of(text: str, fragment: str) -> int:
    lines = [n for n, line in enumerate(text.splitlines(), 1) if fragment in line]
    assert len(lines) == 1, (fragment, lines)
    return lines[0]


def refused(text: str, read: Callable[[str], str] | None = None) -> CharterError:
    with pytest.raises(CharterError) as caught:
        parse_charter(text, "union.toml", read)
    assert "\n" not in str(caught.value)
    return caught.value


def test_the_base_charter_of_these_tests_is_valid() -> None:
    assert len(parse_charter(BASE, "union.toml").offices) == 2
    assert len(parse_charter(BASE + COUNCILS, "union.toml").offices) == 4


# -- numbers -------------------------------------------------------------------------


def test_an_office_may_have_up_to_a_thousand_seats() -> None:
    text = changed("seats = 2\n", f"seats = {MAX_SEATS}\n")

    assert parse_charter(text, "union.toml").offices[0].seats == 1_000


@pytest.mark.parametrize("seats", ["1001", "2147483648", "1000000000000", "9223372036854775808"])
def test_an_office_with_more_than_a_thousand_seats_is_refused(seats: str) -> None:
    text = changed("seats = 2\n", f"seats = {seats}\n")

    error = refused(text)

    assert (error.line, error.field) == (line_of(text, f"seats = {seats}"), "offices[0].seats")
    assert error.problem == f"must be at most 1,000, not {seats}"


def test_terms_and_voting_periods_may_last_up_to_a_hundred_years() -> None:
    text = changed("term_days = 365\n", f"term_days = {MAX_DAYS}\n")
    text = changed("voting_days = 7\n", f"voting_days = {MAX_DAYS}\n", text)

    rules = parse_charter(text, "union.toml").rules

    assert (rules.term_days, rules.voting_days) == (36_500, 36_500)


@pytest.mark.parametrize(
    ("old", "new", "field"),
    [
        ("term_days = 365\n", "term_days = 3000000\n", "rules.term_days"),
        ("voting_days = 7\n", "voting_days = 36501\n", "rules.voting_days"),
        ("seats = 1\n", "seats = 1\nterm_days = 4294967296\n", "offices[1].term_days"),
    ],
)
def test_a_term_or_voting_period_over_a_hundred_years_is_refused(
    old: str, new: str, field: str
) -> None:
    text = changed(old, new)

    error = refused(text)

    assert (error.line, error.field) == (line_of(text, new.splitlines()[-1]), field)
    assert error.problem.startswith("must be at most 36,500, not ")


@pytest.mark.parametrize(
    "number",
    ["9" * 5000, "-" + "9" * 5000, "0x" + "f" * 300, "1." + "0" * 5000, "1e" + "9" * 200],
)
def test_a_number_too_long_to_mean_anything_is_refused_at_its_line(number: str) -> None:
    text = changed("seats = 2\n", f"seats = {number}\n")

    error = refused(text)

    assert (error.line, error.field) == (line_of(text, f"seats = {number}"), "offices[0].seats")
    assert "a number is written in at most 100" in error.problem


def test_a_huge_whole_share_is_refused_without_printing_its_digits() -> None:
    text = changed("voting_days = 7\n", f"voting_days = 7\nrecall_quorum = {10**90}\n")

    error = refused(text)

    assert (error.line, error.field) == (line_of(text, "recall_quorum"), "rules.recall_quorum")
    assert error.problem == "a number of more than 30 digits is outside [0, 1]"


@pytest.mark.parametrize("share", ['"1e-9999999999"', '"1/' + "3" * 40 + '"'])
def test_a_share_written_as_long_text_or_with_an_exponent_is_refused_at_once(share: str) -> None:
    text = changed("voting_days = 7\n", f"voting_days = 7\nrecall_quorum = {share}\n")
    began = time.perf_counter()

    error = refused(text)

    assert time.perf_counter() - began < 1
    assert (error.line, error.field) == (line_of(text, "recall_quorum"), "rules.recall_quorum")
    assert "is not a share" in error.problem


# -- the shape of the text -------------------------------------------------------------


@pytest.mark.parametrize(("opening", "closing"), [("[", "]"), ("{a = ", "}"), ("[{a = ", "}]")])
@pytest.mark.parametrize("depth", [MAX_NESTING + 1, 1_000, 100_000])
def test_values_nested_beyond_the_limit_are_refused(opening: str, closing: str, depth: int) -> None:
    text = changed("voting_days = 7\n", f"voting_days = {opening * depth}1{closing * depth}\n")

    error = refused(text)

    assert (error.line, error.field) == (line_of(text, "voting_days ="), "rules.voting_days")
    assert error.problem == "arrays and inline tables nested more than 32 deep"


def test_values_nested_up_to_the_limit_reach_the_charter_checks() -> None:
    text = changed("voting_days = 7\n", f"voting_days = {'[' * MAX_NESTING}{']' * MAX_NESTING}\n")

    error = refused(text)

    assert error.field == "rules.voting_days"
    assert error.problem == "must be a whole number, not an array"


def test_brackets_inside_strings_and_comments_do_not_count_as_nesting() -> None:
    deep = "[" * 100
    text = changed('title = "Deputy from the depot"\n', f"title = 'Deputy {deep}' # {deep}\n")
    text = changed('name = "Anna Ivanova"\n', f'name = """Anna {deep}\n"""\n', text)

    charter = parse_charter(text, "union.toml")

    assert charter.offices[0].title == f"Deputy {deep}"


@pytest.mark.parametrize("parts", [MAX_KEY_PARTS + 1, 20_000])
def test_a_key_of_too_many_dotted_parts_is_refused_at_once(parts: int) -> None:
    key = ".".join(["term_days", *["a"] * (parts - 1)])
    text = changed("term_days = 365\n", f"{key} = 365\n")
    began = time.perf_counter()

    error = refused(text)

    assert time.perf_counter() - began < 1
    assert error.line == line_of(text, "term_days.a")
    assert error.field.startswith("rules.term_days.a.a")
    assert "more than 32 dotted parts" in error.problem


def test_a_table_header_of_too_many_dotted_parts_is_refused() -> None:
    text = BASE + "\n[" + ".".join(["x"] * 40) + "]\n"

    error = refused(text)

    assert error.line == len(text.splitlines())
    assert "more than 32 dotted parts" in error.problem


def test_dots_in_values_and_quoted_keys_are_not_dotted_parts() -> None:
    dotted = ".".join(["a"] * 40)
    text = changed('title = "Deputy from the depot"\n', f'title = "{dotted}"\n')

    assert parse_charter(text, "union.toml").offices[0].title == dotted
    error = refused(changed("term_days = 365\n", f'"{dotted}" = 365\n'))
    assert error.problem.startswith("unknown key")


def test_a_charter_longer_than_the_limit_is_refused() -> None:
    text = BASE + "#" * (MAX_CHARTER_CHARACTERS - len(BASE) + 1)

    error = refused(text)

    assert (error.source, error.field) == ("union.toml", "charter")
    assert "at most 4,000,000" in error.problem


def test_a_members_csv_longer_than_the_limit_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(limits, "MAX_CSV_CHARACTERS", 10_000)  # the real one is 500 MB
    csv = "id,name,bodies\nivanova,Anna Ivanova,depot\n" + "\n" * 10_000
    text = BASE[: BASE.index("[[members]]")].replace(
        'founders = ["ivanova"]\n', 'founders = ["ivanova"]\nmembers = "people.csv"\n'
    )

    error = refused(text, lambda name: csv)

    assert (error.source, error.field) == ("people.csv", "row")
    assert f"the file has {len(csv):,} characters; a members CSV has at most 10,000" in (
        error.problem
    )


def test_the_members_csv_limit_admits_ten_million_members_of_a_national_federation() -> None:
    federation = national.plan(10_000, 5, 1)
    rows = [",".join(row) + "\n" for row in national.people(federation)]

    characters = sum(len(row) for row in rows) / len(rows) * 10_000_000

    assert characters < MAX_CSV_CHARACTERS


def test_a_quoted_key_with_a_line_break_is_named_on_one_line() -> None:
    text = changed("term_days = 365\n", '"term\\ndays" = 365\n')

    error = refused(text)

    assert error.field == 'rules."term\\ndays"'


# -- ids and names ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("old", "new", "field"),
    [
        ('id = "depot"\n', 'id = "Depot"\n', "bodies[0].id"),
        ('id = "depot.deputy"\n', 'id = "depot deputy"\n', "offices[0].id"),
        ('id = "ivanova"\n', 'id = "ivanova\\u202e"\n', "members[0].id"),
        ('id = "ivanova"\n', 'id = "іvanova"\n', "members[0].id"),  # a Ukrainian і
        ('id = "ivanova"\n', f'id = "{"i" * 200}"\n', "members[0].id"),
        ('founders = ["ivanova"]\n', 'founders = ["Ivanova"]\n', "founders[0]"),
    ],
)
def test_an_id_outside_the_pattern_is_refused_at_its_field(old: str, new: str, field: str) -> None:
    text = changed(old, new)

    error = refused(text)

    assert (error.line, error.field) == (line_of(text, new.strip()), field)
    assert "an id is 1 to 64 characters: lowercase letters a-z" in error.problem


@pytest.mark.parametrize(
    ("old", "new", "field"),
    [
        ('name = "Anna Ivanova"\n', 'name = "Anna\\nIvanova"\n', "members[0].name"),
        ('name = "Anna Ivanova"\n', 'name = "Anna \\u202eavonavI"\n', "members[0].name"),
        ('name = "Depot"\n', 'name = "Dep\\u0000ot"\n', "bodies[0].name"),
        ('title = "Deputy from the depot"\n', f'title = "{"x" * 201}"\n', "offices[0].title"),
        ('name = "Depot Union"\n', 'name = "Depot\\u2066Union"\n', "name"),
    ],
)
def test_a_name_that_is_not_plain_text_is_refused_at_its_field(
    old: str, new: str, field: str
) -> None:
    text = changed(old, new)

    error = refused(text)

    assert (error.line, error.field) == (line_of(text, new.strip()), field)


@pytest.mark.parametrize(
    ("row", "field"),
    [
        ("Ivanova,Anna Ivanova,depot", "id"),
        ("ivanova ,Anna Ivanova,depot", "id"),  # cells are stripped, so this one is fine
        ("ivanova,Anna Ivanova,Depot", "bodies"),
        ('ivanova,"Anna\nIvanova",depot', "name"),
        ("ivanova,Anna \u202eIvanova,depot", "name"),
    ],
)
def test_a_csv_id_or_name_outside_the_rules_names_the_csv_line(row: str, field: str) -> None:
    text = BASE[: BASE.index("[[members]]")].replace(
        'founders = ["ivanova"]\n', 'founders = ["ivanova"]\nmembers = "people.csv"\n'
    )
    csv = f"id,name,bodies\n{row}\n"
    if row.startswith("ivanova ,"):
        assert parse_charter(text, "union.toml", lambda name: csv).members[0].id == "ivanova"
        return

    error = refused(text, lambda name: csv)

    assert (error.source, error.line, error.field) == ("people.csv", 2, field)


# -- councils seated in each other --------------------------------------------------------


def test_two_councils_that_seat_their_deputies_in_each_other_are_refused() -> None:
    region = COUNCILS[COUNCILS.index('[[bodies]]\nid = "region"') : COUNCILS.index("[[offices]]")]
    text = BASE + COUNCILS.replace(region, "").replace('seat_in = "region"', 'seat_in = "district"')

    error = refused(text)

    assert (error.line, error.field) == (
        line_of(text, 'seat_in = "city"'),
        "offices[2].seat_in",
    )
    assert error.problem.startswith(
        "councils seat their deputies in each other: 'district.deputy' of 'district' sits in "
        "'city', 'city.deputy' of 'city' sits in 'district'"
    )


def test_a_longer_cycle_of_seated_councils_is_refused_naming_every_office_in_it() -> None:
    text = (
        BASE
        + COUNCILS
        + (
            '\n[[offices]]\nid = "region.deputy"\nbody = "region"\ntitle = "Deputy back down"\n'
            'seats = 1\nseat_in = "district"\n'
        )
    )

    error = refused(text)

    assert error.field == "offices[2].seat_in"
    for office in ("'district.deputy'", "'city.deputy'", "'region.deputy'"):
        assert office in error.problem
    assert "depot.deputy" not in error.problem


def test_a_council_seating_its_own_deputies_in_itself_is_refused() -> None:
    text = changed("seats = 1\n", 'seats = 1\nseat_in = "district"\n')

    error = refused(text)

    assert error.field == "offices[1].seat_in"
    assert "cannot also seat them there" in error.problem


def test_a_chain_of_councils_each_seated_in_the_next_is_not_a_cycle() -> None:
    charter = parse_charter(BASE + COUNCILS, "union.toml")

    assert [office.seat_in for office in charter.offices] == ["district", None, "city", "region"]
