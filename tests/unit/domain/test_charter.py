"""Parsing a charter: the example adopts, defaults resolve, and every error is located."""

from __future__ import annotations

from collections.abc import Callable
from fractions import Fraction
from pathlib import Path

import pytest

from soviet.domain.charter import derive_origin, parse_charter
from soviet.domain.model import Holding, Rules
from soviet.errors import CharterError

ROOT = Path(__file__).parents[3]
EXAMPLES = ROOT / "examples"
FIXTURES = Path(__file__).parent / "charters"

# A valid charter whose lines are each unique, so a test can change one and find it.
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
id = "yard"
name = "Yard"
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
id = "yard.deputy"
body = "yard"
title = "Deputy from the yard"
seats = 1
seat_in = "district"

[[offices]]
id = "district.chair"
body = "district"
title = "Chair of the district"
seats = 1
method = "plurality"

[[members]]
id = "ivanova"
name = "Anna Ivanova"
bodies = ["depot"]

[[members]]
id = "petrov"
name = "Pyotr Petrov"
bodies = ["yard"]
"""


def changed(old: str, new: str, text: str = BASE) -> str:
    """The base charter with one unique fragment replaced."""
    assert text.count(old) == 1, old
    return text.replace(old, new)


def line_of(text: str, fragment: str) -> int:
    """The line (1-based) of the one line of `text` that contains `fragment`."""
    lines = [n for n, line in enumerate(text.splitlines(), 1) if fragment in line]
    assert len(lines) == 1, (fragment, lines)
    return lines[0]


def lines_equal_to(text: str, line: str) -> list[int]:
    """The lines (1-based) of `text` that are exactly `line`."""
    return [n for n, each in enumerate(text.splitlines(), 1) if each == line]


def files(**texts: str) -> Callable[[str], str]:
    """A reader over in-memory files, named by keyword (dashes written as underscores)."""
    by_name = {name.replace("_", "-") + ".csv": text for name, text in texts.items()}

    def read(path: str) -> str:
        if path not in by_name:
            raise FileNotFoundError(2, "No such file or directory", path)
        return by_name[path]

    return read


def refused(text: str, read: Callable[[str], str] | None = None) -> CharterError:
    with pytest.raises(CharterError) as caught:
        parse_charter(text, "union.toml", read)
    return caught.value


def read_beside(charter: Path) -> Callable[[str], str]:
    return lambda name: (charter.parent / name).read_text(encoding="utf-8")


# -- charters that parse ----------------------------------------------------------


def test_the_example_federation_charter_parses() -> None:
    path = EXAMPLES / "federation.toml"

    charter = parse_charter(path.read_text(encoding="utf-8"), str(path), read_beside(path))

    assert charter.name == "Riverside Workers' Federation"
    assert charter.origin == "councils.example.org/riverside"
    assert charter.founders == ("ivanova", "okafor")
    assert [(b.id, b.kind, b.parent) for b in charter.bodies] == [
        ("tram-depot", "assembly", "district"),
        ("bakery", "assembly", "district"),
        ("post-office", "assembly", "district"),
        ("district", "council", "city"),
        ("city", "council", None),
    ]
    offices = {office.id: office for office in charter.offices}
    assert (offices["city.chair"].seats, offices["city.chair"].method) == (1, "irv")
    executive = offices["city.executive"]
    assert (executive.seats, executive.method, executive.powers) == (3, "stv", frozenset({"admit"}))
    assert executive.eligible == "members"
    assert {o.seat_in for o in charter.offices} == {"district", "city", None}
    assert len(charter.members) == 30
    assert charter.holdings == ()


def test_a_member_of_two_assemblies_lists_both_in_the_example_csv() -> None:
    path = EXAMPLES / "federation.toml"

    charter = parse_charter(path.read_text(encoding="utf-8"), str(path), read_beside(path))

    members = {member.id: member for member in charter.members}
    assert members["kuznetsova"].bodies == ("bakery", "post-office")
    assert members["garcia"].name == "Diego García"


def test_method_defaults_to_irv_for_one_seat_and_stv_for_more() -> None:
    charter = parse_charter(BASE, "union.toml")

    methods = {office.id: (office.seats, office.method) for office in charter.offices}
    assert methods == {
        "depot.deputy": (2, "stv"),
        "yard.deputy": (1, "irv"),
        "district.chair": (1, "plurality"),
    }


def test_offices_inherit_the_charter_rules_and_override_them_one_by_one() -> None:
    text = changed("term_days = 365\n", 'term_days = 200\nrecall_quorum = "1/2"\n')
    text = changed(
        'seats = 2\nseat_in = "district"\n',
        'seats = 2\nseat_in = "district"\nterm_days = 90\nrecall_petition = 0.1\n',
        text,
    )

    charter = parse_charter(text, "union.toml")

    deputy, other = charter.offices[0], charter.offices[1]
    assert charter.rules == Rules(term_days=200, recall_quorum=Fraction(1, 2))
    assert (deputy.term_days, deputy.recall_petition) == (90, Fraction(1, 10))
    assert (deputy.voting_days, deputy.recall_quorum) == (7, Fraction(1, 2))
    assert (other.term_days, other.recall_petition) == (200, Fraction(1, 4))


def test_rules_left_out_take_the_model_defaults() -> None:
    text = changed("[rules]\nterm_days = 365\nvoting_days = 7\n", "")

    charter = parse_charter(text, "union.toml")

    assert charter.rules == Rules()
    assert charter.offices[0].recall_immediate == Fraction(1, 2)


def test_eligibility_defaults_to_the_electorate_and_powers_to_none() -> None:
    office = parse_charter(BASE, "union.toml").offices[0]

    assert (office.eligible, office.powers) == ("electorate", frozenset())


@pytest.mark.parametrize(
    ("written", "share"),
    [
        ('"1/4"', Fraction(1, 4)),
        ('"0.3"', Fraction(3, 10)),
        ("0.1", Fraction(1, 10)),
        ("1", Fraction(1)),
        ("1.0", Fraction(1)),
        ('"2/3"', Fraction(2, 3)),
    ],
)
def test_shares_are_read_exactly(written: str, share: Fraction) -> None:
    text = changed("voting_days = 7\n", f"voting_days = 7\nrecall_quorum = {written}\n")

    assert parse_charter(text, "union.toml").rules.recall_quorum == share


def test_a_recall_quorum_of_zero_is_allowed() -> None:
    text = changed("voting_days = 7\n", "voting_days = 7\nrecall_quorum = 0\n")

    assert parse_charter(text, "union.toml").rules.recall_quorum == 0


def test_origin_is_derived_from_the_name_when_left_out() -> None:
    assert parse_charter(BASE, "union.toml").origin == "depot-union"
    assert derive_origin("Line Workers' Federation") == "line-workers-federation"
    assert derive_origin("Fédération  des Cheminots") == "federation-des-cheminots"


def test_imported_holders_become_holdings_in_charter_order() -> None:
    text = changed(
        'seats = 2\nseat_in = "district"\n',
        'seats = 2\nseat_in = "district"\nholders = ["ivanova"]\n',
    )
    text = changed('method = "plurality"\n', 'method = "plurality"\nholders = ["ivanova"]\n', text)

    charter = parse_charter(text, "union.toml")

    assert charter.holdings == (
        Holding("depot.deputy", "ivanova"),
        Holding("district.chair", "ivanova"),
    )


def test_members_may_be_inline_tables_in_an_array() -> None:
    path = FIXTURES / "inline-members.toml"

    charter = parse_charter(path.read_text(encoding="utf-8"), str(path))

    assert [(m.id, m.bodies) for m in charter.members] == [
        ("novak", ("bakery",)),
        ("garcia", ("bakery",)),
    ]
    assert charter.offices[0].method == "meek"
    assert charter.holdings == (Holding("bakery.board", "novak"),)


def test_members_are_read_from_a_csv_file_named_by_the_charter() -> None:
    path = FIXTURES / "csv-members.toml"

    charter = parse_charter(path.read_text(encoding="utf-8"), str(path), read_beside(path))

    assert [(m.id, m.name, m.bodies) for m in charter.members] == [
        ("okafor", "Ngozi Okafor", ("counter",)),
        ("larsen", "Ingrid Larsen", ("sorting",)),
        ("popescu", "Andrei Popescu, Jr.", ("counter", "sorting")),
        ("fischer", "Lena Fischer", ("counter", "sorting")),
    ]


def test_a_csv_with_a_byte_order_mark_and_columns_in_any_order_is_read() -> None:
    text = CSV_CHARTER
    read = files(people="\ufeffbodies,id,name\r\ndepot,ivanova,Anna Ivanova\r\n")

    charter = parse_charter(text, "union.toml", read)

    assert [(m.id, m.bodies) for m in charter.members] == [("ivanova", ("depot",))]


# -- syntax and shape ---------------------------------------------------------------


def test_a_toml_syntax_error_names_its_line() -> None:
    text = changed('name = "Yard"\n', 'name = "Yard\n')

    error = refused(text)

    assert (error.source, error.line, error.field) == (
        "union.toml",
        line_of(text, '"Yard'),
        "syntax",
    )
    assert str(error).startswith(f"union.toml:{error.line}: syntax: ")


def test_a_key_written_twice_names_the_second_line_and_the_key() -> None:
    text = changed('title = "Chair of the district"\n', 'title = "Chair"\ntitle = "Chair!"\n')

    error = refused(text)

    assert (error.line, error.field) == (line_of(text, '"Chair!"'), "offices[2].title")


@pytest.mark.parametrize(
    ("old", "new", "field"),
    [
        ('name = "Depot Union"\n', "", "name"),
        ('founders = ["ivanova"]\n', "", "founders"),
    ],
)
def test_a_missing_top_level_key_is_reported_at_line_one(old: str, new: str, field: str) -> None:
    error = refused(changed(old, new))

    assert (error.line, error.field) == (1, field)


def test_missing_members_are_reported() -> None:
    text = BASE[: BASE.index("[[members]]")]

    error = refused(text)

    assert (error.line, error.field) == (1, "members")


@pytest.mark.parametrize(
    ("old", "new", "header", "field"),
    [
        ("seats = 1\nseat_in", "seat_in", 'id = "yard.deputy"', "offices[1].seats"),
        ('title = "Deputy from the depot"\n', "", 'id = "depot.deputy"', "offices[0].title"),
        ('kind = "council"\n', "", 'id = "district"', "bodies[2].kind"),
        ('name = "Pyotr Petrov"\n', "", 'id = "petrov"', "members[1].name"),
    ],
)
def test_a_missing_key_is_reported_at_its_table_header(
    old: str, new: str, header: str, field: str
) -> None:
    text = changed(old, new)

    error = refused(text)

    assert (error.line, error.field) == (line_of(text, header) - 1, field)
    assert error.problem == "missing; this key is required"


@pytest.mark.parametrize(
    ("old", "new", "fragment", "field"),
    [
        ("seats = 2\n", "seets = 2\n", "seets", "offices[0].seets"),
        ('founders = ["ivanova"]\n', 'founder = ["ivanova"]\n', "founder", "founder"),
        ("term_days = 365\n", "term = 365\n", "term =", "rules.term"),
        ('name = "Depot"\n', 'name = "Depot"\nsize = 3\n', "size", "bodies[0].size"),
        ('bodies = ["yard"]\n', 'bodies = ["yard"]\nemail = "p@x"\n', "email", "members[1].email"),
    ],
)
def test_an_unknown_key_is_reported_where_it_is_written(
    old: str, new: str, fragment: str, field: str
) -> None:
    text = changed(old, new)

    error = refused(text)

    assert (error.line, error.field) == (line_of(text, fragment), field)
    assert "unknown key" in error.problem


def test_a_misspelt_key_suggests_the_right_one() -> None:
    error = refused(changed("seats = 2\n", "seets = 2\n"))

    assert "did you mean 'seats'?" in str(error)


@pytest.mark.parametrize(
    ("old", "new", "fragment", "field"),
    [
        ("seats = 2\n", 'seats = "2"\n', 'seats = "2"', "offices[0].seats"),
        ("seats = 2\n", "seats = true\n", "seats = true", "offices[0].seats"),
        ("seats = 2\n", "seats = 2.5\n", "seats = 2.5", "offices[0].seats"),
        ('name = "Depot Union"\n', "name = 5\n", "name = 5", "name"),
        ('bodies = ["yard"]\n', 'bodies = "yard"\n', 'bodies = "yard"', "members[1].bodies"),
        ('bodies = ["yard"]\n', "bodies = [7]\n", "bodies = [7]", "members[1].bodies[0]"),
        ('founders = ["ivanova"]\n', 'founders = "ivanova"\n', "founders =", "founders"),
        (
            "voting_days = 7\n",
            "voting_days = 7\nrecall_quorum = true\n",
            "true",
            "rules.recall_quorum",
        ),
        ('kind = "council"\n', 'kind = ["council"]\n', '["council"]', "bodies[2].kind"),
        (
            'method = "plurality"\n',
            'method = "plurality"\npowers = "admit"\n',
            "powers",
            "offices[2].powers",
        ),
    ],
)
def test_a_value_of_the_wrong_type_is_reported(
    old: str, new: str, fragment: str, field: str
) -> None:
    text = changed(old, new)

    error = refused(text)

    assert (error.line, error.field) == (line_of(text, fragment), field)


def test_rules_written_as_a_value_instead_of_a_table_are_reported() -> None:
    text = changed('founders = ["ivanova"]\n', 'founders = ["ivanova"]\nrules = 5\n')
    text = changed("[rules]\nterm_days = 365\nvoting_days = 7\n", "", text)

    error = refused(text)

    assert (error.line, error.field) == (line_of(text, "rules = 5"), "rules")


def test_bodies_written_as_a_single_table_are_reported() -> None:
    text = 'name = "U"\nfounders = ["a"]\nmembers = []\n\n[bodies]\nid = "a"\n'

    error = refused(text)

    assert (error.line, error.field) == (5, "bodies")
    assert "[[bodies]]" in error.problem


# -- ids and references -----------------------------------------------------------


@pytest.mark.parametrize(
    ("old", "new", "field"),
    [
        ('id = "yard"\n', 'id = "depot"\n', "bodies[1].id"),
        ('id = "yard.deputy"\n', 'id = "depot.deputy"\n', "offices[1].id"),
        ('id = "petrov"\n', 'id = "ivanova"\n', "members[1].id"),
    ],
)
def test_a_duplicate_id_is_reported_at_its_second_use(old: str, new: str, field: str) -> None:
    text = changed(old, new)
    second = lines_equal_to(text, new.strip())[-1]

    error = refused(text)

    assert (error.line, error.field) == (second, field)
    assert "already used at union.toml:" in error.problem


def test_an_id_with_spaces_is_refused() -> None:
    text = changed('id = "yard"\n', 'id = "the yard"\n')

    error = refused(text)

    assert (error.line, error.field) == (line_of(text, '"the yard"'), "bodies[1].id")


@pytest.mark.parametrize(
    ("old", "new", "fragment", "field"),
    [
        (
            'name = "Depot"\nkind = "assembly"\nparent = "district"\n',
            'name = "Depot"\nkind = "assembly"\nparent = "distrct"\n',
            "distrct",
            "bodies[0].parent",
        ),
        ('body = "yard"\n', 'body = "yrd"\n', "yrd", "offices[1].body"),
        (
            'seats = 2\nseat_in = "district"\n',
            'seats = 2\nseat_in = "dist"\n',
            'seat_in = "dist"',
            "offices[0].seat_in",
        ),
        ('bodies = ["yard"]\n', 'bodies = ["yard", "mill"]\n', "mill", "members[1].bodies[1]"),
        (
            'founders = ["ivanova"]\n',
            'founders = ["ivanova", "sidorov"]\n',
            "sidorov",
            "founders[1]",
        ),
        (
            'method = "plurality"\n',
            'method = "plurality"\nholders = ["nobody"]\n',
            "nobody",
            "offices[2].holders[0]",
        ),
    ],
)
def test_an_unknown_reference_is_reported(old: str, new: str, fragment: str, field: str) -> None:
    text = changed(old, new)

    error = refused(text)

    assert (error.line, error.field) == (line_of(text, fragment), field)


def test_an_unknown_reference_suggests_a_close_id() -> None:
    error = refused(changed('body = "yard"\n', 'body = "yrd"\n'))

    assert error.problem == "unknown body 'yrd' (did you mean 'yard'?)"


def test_a_founder_in_a_multi_line_array_is_reported_on_its_own_line() -> None:
    text = changed('founders = ["ivanova"]\n', 'founders = [\n  "ivanova",\n  "ivanov",\n]\n')

    error = refused(text)

    assert (error.line, error.field) == (4, "founders[1]")
    assert "did you mean 'ivanova'?" in error.problem


def test_a_cycle_of_parents_is_refused_at_its_first_body() -> None:
    text = changed('kind = "council"\n', 'kind = "council"\nparent = "depot"\n')

    error = refused(text)

    assert error.field == "bodies[0].parent"
    assert error.line == lines_equal_to(text, 'parent = "district"')[0]
    assert error.problem == "parents form a cycle: 'depot' → 'district' → 'depot'"


def test_a_body_that_is_its_own_parent_is_refused() -> None:
    text = changed('kind = "council"\n', 'kind = "council"\nparent = "district"\n')

    error = refused(text)

    assert error.field == "bodies[2].parent"
    assert error.line == lines_equal_to(text, 'parent = "district"')[-1]


def test_an_office_seated_in_an_assembly_is_refused() -> None:
    text = changed('seats = 1\nseat_in = "district"\n', 'seats = 1\nseat_in = "depot"\n')

    error = refused(text)

    assert (error.line, error.field) == (line_of(text, 'seat_in = "depot"'), "offices[1].seat_in")
    assert "assembly" in error.problem


def test_an_office_of_a_council_seated_in_that_same_council_is_refused() -> None:
    text = changed('method = "plurality"\n', 'method = "plurality"\nseat_in = "district"\n')

    error = refused(text)

    assert error.field == "offices[2].seat_in"
    assert error.line == line_of(text, 'method = "plurality"') + 1


def test_a_council_no_office_seats_anyone_in_is_refused() -> None:
    text = changed('seats = 2\nseat_in = "district"\n', "seats = 2\n")
    text = changed('seats = 1\nseat_in = "district"\n', "seats = 1\n", text)

    error = refused(text)

    assert (error.line, error.field) == (line_of(text, 'kind = "council"'), "bodies[2].kind")
    assert "no seats" in error.problem


# -- offices ------------------------------------------------------------------------


@pytest.mark.parametrize("seats", ["0", "-1"])
def test_an_office_with_fewer_than_one_seat_is_refused(seats: str) -> None:
    text = changed("seats = 2\n", f"seats = {seats}\n")

    error = refused(text)

    assert (error.line, error.field) == (line_of(text, f"seats = {seats}"), "offices[0].seats")


@pytest.mark.parametrize("method", ["borda", "STV", "yes-no"])
def test_an_unknown_counting_method_is_refused(method: str) -> None:
    text = changed('method = "plurality"\n', f'method = "{method}"\n')

    error = refused(text)

    assert (error.line, error.field) == (line_of(text, "method ="), "offices[2].method")


def test_irv_for_more_than_one_seat_is_refused() -> None:
    text = changed(
        'seats = 2\nseat_in = "district"\n', 'seats = 2\nmethod = "irv"\nseat_in = "district"\n'
    )

    error = refused(text)

    assert (error.line, error.field) == (line_of(text, 'method = "irv"'), "offices[0].method")


def test_an_unknown_eligibility_is_refused() -> None:
    text = changed('method = "plurality"\n', 'method = "plurality"\neligible = "anyone"\n')

    error = refused(text)

    assert (error.line, error.field) == (line_of(text, "eligible"), "offices[2].eligible")


@pytest.mark.parametrize(
    ("powers", "index"), [('["admit", "dissolve"]', 1), ('["amdit"]', 0), ('["admit", "admit"]', 1)]
)
def test_an_unknown_or_repeated_power_is_refused(powers: str, index: int) -> None:
    text = changed('method = "plurality"\n', f'method = "plurality"\npowers = {powers}\n')

    error = refused(text)

    assert (error.line, error.field) == (line_of(text, "powers"), f"offices[2].powers[{index}]")


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("recall_petition", "0"),
        ("recall_petition", '"5/4"'),
        ("recall_petition", "-0.25"),
        ("recall_immediate", "0.49"),
        ("recall_immediate", '"1/3"'),
        ("recall_immediate", "2"),
        ("recall_quorum", "1.01"),
        ("recall_quorum", '"-1/3"'),
    ],
)
def test_a_share_outside_its_range_is_refused(key: str, value: str) -> None:
    text = changed("voting_days = 7\n", f"voting_days = 7\n{key} = {value}\n")

    error = refused(text)

    assert (error.line, error.field) == (line_of(text, f"{key} ="), f"rules.{key}")
    assert "is outside" in error.problem


@pytest.mark.parametrize("value", ['"a quarter"', '"1/0"', "inf", "nan", '""'])
def test_a_share_that_is_not_a_number_is_refused(value: str) -> None:
    text = changed("voting_days = 7\n", f"voting_days = 7\nrecall_quorum = {value}\n")

    error = refused(text)

    assert (error.line, error.field) == (line_of(text, "recall_quorum"), "rules.recall_quorum")


def test_a_share_overridden_by_an_office_is_checked_at_the_office() -> None:
    text = changed(
        'seats = 1\nseat_in = "district"\n',
        'seats = 1\nseat_in = "district"\nrecall_immediate = 0.4\n',
    )

    error = refused(text)

    assert (error.line, error.field) == (line_of(text, "0.4"), "offices[1].recall_immediate")


def test_a_petition_share_above_the_immediate_share_is_refused() -> None:
    text = changed("voting_days = 7\n", 'voting_days = 7\nrecall_petition = "3/5"\n')

    error = refused(text)

    assert (error.line, error.field) == (line_of(text, "3/5"), "rules.recall_petition")


@pytest.mark.parametrize(
    ("old", "new", "field"),
    [
        ("term_days = 365\n", "term_days = 0\n", "rules.term_days"),
        ("voting_days = 7\n", "voting_days = -2\n", "rules.voting_days"),
        ("seats = 2\n", "seats = 2\nterm_days = 0\n", "offices[0].term_days"),
        ("seats = 2\n", "seats = 2\nvoting_days = 0\n", "offices[0].voting_days"),
    ],
)
def test_a_term_or_voting_period_under_one_day_is_refused(old: str, new: str, field: str) -> None:
    text = changed(old, new)

    error = refused(text)

    assert (error.line, error.field) == (line_of(text, new.splitlines()[-1]), field)


# -- holders ------------------------------------------------------------------------


def test_more_holders_than_seats_is_refused() -> None:
    text = changed(
        'method = "plurality"\n', 'method = "plurality"\nholders = ["ivanova", "petrov"]\n'
    )

    error = refused(text)

    assert (error.line, error.field) == (line_of(text, "holders"), "offices[2].holders")


def test_a_holder_outside_the_assembly_electing_the_office_is_refused() -> None:
    text = changed(
        'seats = 2\nseat_in = "district"\n',
        'seats = 2\nseat_in = "district"\nholders = ["petrov"]\n',
    )

    error = refused(text)

    assert (error.line, error.field) == (line_of(text, "holders"), "offices[0].holders[0]")
    assert "electorate" in error.problem


def test_a_council_office_holder_must_be_an_imported_deputy_of_that_council() -> None:
    text = changed('method = "plurality"\n', 'method = "plurality"\nholders = ["petrov"]\n')

    error = refused(text)

    assert (error.line, error.field) == (line_of(text, "holders"), "offices[2].holders[0]")


def test_an_office_open_to_all_members_may_import_any_member() -> None:
    text = changed(
        'method = "plurality"\n',
        'method = "plurality"\neligible = "members"\nholders = ["petrov"]\n',
    )

    assert parse_charter(text, "union.toml").holdings == (Holding("district.chair", "petrov"),)


# -- members and founders -----------------------------------------------------------


def test_a_member_in_no_assembly_is_refused() -> None:
    text = changed('bodies = ["yard"]\n', "bodies = []\n")

    error = refused(text)

    assert (error.line, error.field) == (line_of(text, "bodies = []"), "members[1].bodies")


def test_a_member_listed_in_a_council_is_refused() -> None:
    text = changed('bodies = ["yard"]\n', 'bodies = ["yard", "district"]\n')

    error = refused(text)

    assert (error.line, error.field) == (line_of(text, '"district"]'), "members[1].bodies[1]")
    assert "council" in error.problem


def test_a_founder_who_is_not_a_member_is_refused() -> None:
    text = changed('founders = ["ivanova"]\n', 'founders = ["lenin"]\n')

    error = refused(text)

    assert (error.line, error.field) == (2, "founders[0]")


def test_a_charter_without_founders_is_refused() -> None:
    text = changed('founders = ["ivanova"]\n', "founders = []\n")

    error = refused(text)

    assert (error.line, error.field) == (2, "founders")


@pytest.mark.parametrize("name", ['""', '"   "'])
def test_an_empty_organization_name_is_refused(name: str) -> None:
    text = changed('name = "Depot Union"\n', f"name = {name}\n")

    error = refused(text)

    assert (error.line, error.field) == (1, "name")


def test_a_name_no_origin_can_be_derived_from_needs_an_explicit_origin() -> None:
    text = changed('name = "Depot Union"\n', 'name = "Союз депо"\n')

    error = refused(text)
    with_origin = parse_charter(
        changed('name = "Depot Union"\n', 'name = "Союз депо"\norigin = "example.org/depo"\n'),
        "union.toml",
    )

    assert (error.line, error.field) == (1, "name")
    assert with_origin.origin == "example.org/depo"


@pytest.mark.parametrize("origin", ["https://example.org/u", "example org", ""])
def test_an_origin_that_is_not_a_schemaless_url_is_refused(origin: str) -> None:
    text = changed('founders = ["ivanova"]\n', f'founders = ["ivanova"]\norigin = "{origin}"\n')

    error = refused(text)

    assert (error.line, error.field) == (3, "origin")


def test_an_unknown_key_of_an_inline_member_is_located_on_its_own_line() -> None:
    text = (FIXTURES / "inline-members.toml").read_text(encoding="utf-8")
    text = changed('"bakery",\n    ] },', '"bakery",\n    ], role = "baker" },', text)

    error = refused(text)

    assert (error.line, error.field) == (line_of(text, "role"), "members[1].role")


def test_a_missing_key_of_an_inline_member_is_located_at_its_opening_brace() -> None:
    text = (FIXTURES / "inline-members.toml").read_text(encoding="utf-8")
    text = changed('{ id = "novak", name = "Petra Novak", ', '{ id = "novak", ', text)

    error = refused(text)

    assert (error.line, error.field) == (line_of(text, '"novak", bodies'), "members[0].name")


# -- members CSV --------------------------------------------------------------------


def without_member_tables(text: str) -> str:
    return text[: text.index("[[members]]")]


# The base charter, with its members in people.csv (line 3: members = "people.csv").
CSV_CHARTER = without_member_tables(
    changed('founders = ["ivanova"]\n', 'founders = ["ivanova"]\nmembers = "people.csv"\n')
)


def test_the_csv_charter_fixture_for_these_tests_is_valid() -> None:
    read = files(people="id,name,bodies\nivanova,Anna Ivanova,depot\npetrov,Pyotr Petrov,yard\n")

    charter = parse_charter(CSV_CHARTER, "union.toml", read)

    assert [m.id for m in charter.members] == ["ivanova", "petrov"]


@pytest.mark.parametrize(
    ("csv", "line", "field"),
    [
        ("id,name,bodies\nivanova,Anna Ivanova,depot\npetrov,Pyotr Petrov,mill\n", 3, "bodies"),
        ("id,name,bodies\nivanova,Anna Ivanova,depot\n\npetrov,Pyotr Petrov,\n", 4, "bodies"),
        ("id,name,bodies\nivanova,Anna Ivanova,depot\nivanova,Anna Again,yard\n", 3, "id"),
        ("id,name,bodies\nivanova,Anna Ivanova,depot\n,Nobody,yard\n", 3, "id"),
        ("id,name,bodies\nivanova,Anna Ivanova,depot\npetrov,,yard\n", 3, "name"),
        ("id,name,bodies\nivanova,Anna Ivanova,depot\npetrov,Pyotr,yard,extra\n", 3, "row"),
        ("id,name,bodies\nivanova,Anna Ivanova,depot\npetrov,Pyotr,district\n", 3, "bodies"),
        ('id,name,bodies\nivanova,Anna Ivanova,"depot\nyard"\npetrov,Pyotr,mill\n', 4, "bodies"),
        ("id,name,bodies\nivanova,Anna Ivanova,depot;depot\n", 2, "bodies"),
        ('id,name,bodies\nivanova,"Anna Ivanova,depot\n', 2, "row"),
        ('id,name,bodies\nivanova,"Anna" Ivanova,depot\n', 2, "row"),
        ("id,name\nivanova,Anna Ivanova\n", 1, "bodies"),
        ("id,name,bodies,email\n", 1, "email"),
        ("", 1, "row"),
    ],
)
def test_a_bad_csv_row_names_the_csv_file_its_line_and_column(
    csv: str, line: int, field: str
) -> None:
    error = refused(CSV_CHARTER, files(people=csv))

    assert (error.source, error.line, error.field) == ("people.csv", line, field)
    assert str(error).startswith(f"people.csv:{line}: {field}: ")


def test_a_csv_error_names_the_file_beside_the_charter() -> None:
    csv = "id,name,bodies\nivanova,Anna Ivanova,dept\n"

    with pytest.raises(CharterError) as caught:
        parse_charter(CSV_CHARTER, "orgs/union.toml", files(people=csv))

    assert (caught.value.source, caught.value.line) == ("orgs/people.csv", 2)


def test_a_founder_missing_from_the_csv_is_reported_in_the_charter() -> None:
    error = refused(CSV_CHARTER, files(people="id,name,bodies\npetrov,Pyotr Petrov,yard\n"))

    assert (error.source, error.line, error.field) == ("union.toml", 2, "founders[0]")


def test_a_csv_file_that_cannot_be_read_is_reported_at_the_members_key() -> None:
    error = refused(CSV_CHARTER, files())

    assert (error.source, error.line, error.field) == ("union.toml", 3, "members")
    assert "No such file or directory" in error.problem


def test_a_csv_file_named_without_a_reader_is_reported_at_the_members_key() -> None:
    error = refused(CSV_CHARTER)

    assert (error.line, error.field) == (3, "members")


def test_members_of_another_type_than_tables_or_a_file_name_are_refused() -> None:
    text = CSV_CHARTER.replace('members = "people.csv"', "members = 3")

    error = refused(text)

    assert (error.line, error.field) == (3, "members")
