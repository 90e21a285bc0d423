"""Secret ballots in the charter: an office's `ballot` and `recall_ballot`, the office
whose holders decrypt its tallies (`trustees`) and how many of them must (`threshold`).
A charter that cannot run its secret votes is refused at the file, line and field of the
problem; one that can reads into each office's procedure and prints back to itself."""

from __future__ import annotations

import tomllib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from soviet.domain.charter import parse_charter
from soviet.domain.charter.printing import printed
from soviet.domain.model import OFFICE_METHODS, RANKED_METHODS, SECRET_METHODS, Charter
from soviet.errors import CharterError, CharterErrors

#: The board elected by secret ballot, decrypted by any two of three tellers.
CHARTER = """\
name = "Print Shop"
founders = ["ana"]

[rules]
nominations = "open"

[[bodies]]
id = "shop"
name = "Shop assembly"
kind = "assembly"

[[offices]]
id = "board"
body = "shop"
title = "Board"
seats = 3
method = "plurality"
ballot = "secret"
trustees = "tellers"

[[offices]]
id = "tellers"
body = "shop"
title = "Tellers"
seats = 3
method = "approval"
threshold = 2

[[members]]
id = "ana"
name = "Ana Duarte"
bodies = ["shop"]
"""

SOURCE = "shop.toml"


def parsed(text: str) -> Charter:
    return parse_charter(text, SOURCE)


def refused(text: str) -> CharterError:
    with pytest.raises(CharterError) as raised:
        parsed(text)
    return raised.value


def edited(*edits: tuple[str, str], text: str = CHARTER) -> str:
    for old, new in edits:
        assert text.count(old) == 1, old
        text = text.replace(old, new)
    return text


def line_of(text: str, needle: str, after: str = "") -> int:
    """The line of `needle`, the first after `after` where it is given."""
    start = text.index(after) if after else 0
    return text.count("\n", 0, text.index(needle, start)) + 1


def problems(error: CharterError) -> list[CharterError]:
    return list(error.errors) if isinstance(error, CharterErrors) else [error]


def assert_one_problem(error: CharterError, line: int, field: str, *says: str) -> None:
    """A single problem, at this line and field, its message saying each of `says`."""
    assert type(error) is CharterError, str(error)
    assert (error.source, error.line, error.field) == (SOURCE, line, field), str(error)
    for fragment in says:
        assert fragment in error.problem, f"{fragment!r} not in {error.problem!r}"
    assert str(error).startswith(f"{SOURCE}:{line}: {field}: ")


# -- what reads -----------------------------------------------------------------------------


def test_a_secret_office_carries_its_ballot_and_trustees_and_the_trustees_their_threshold() -> None:
    board, tellers = parsed(CHARTER).offices
    assert board.id == "board" and tellers.id == "tellers"
    p = board.procedure
    assert (p.ballot, p.recall_ballot, p.trustees, p.threshold) == (
        "secret",
        "open",
        "tellers",
        None,
    )
    q = tellers.procedure
    assert (q.ballot, q.recall_ballot, q.trustees, q.threshold) == ("open", "open", None, 2)


def test_ballots_are_open_and_no_office_has_trustees_unless_the_charter_says_so() -> None:
    text = edited(
        ('ballot = "secret"\ntrustees = "tellers"\n', ""),
        ("threshold = 2\n", ""),
    )
    charter = parsed(text)
    assert charter.rules.procedure.ballot == "open"
    assert charter.rules.procedure.recall_ballot == "open"
    assert charter.rules.procedure.motion_ballot == "open"
    for each in charter.offices:
        p = each.procedure
        assert (p.ballot, p.recall_ballot, p.trustees, p.threshold) == ("open", "open", None, None)


@pytest.mark.parametrize("method", sorted(SECRET_METHODS & set(OFFICE_METHODS)))
def test_a_secret_ballot_elects_by_a_method_that_adds_up_marks(method: str) -> None:
    assert method in ("plurality", "approval")
    board = parsed(edited(('method = "plurality"', f'method = "{method}"'))).offices[0]
    assert (board.method, board.procedure.ballot) == (method, "secret")


def test_a_secret_recall_vote_serves_an_office_elected_by_a_ranked_method() -> None:
    # the recall is a yes-no vote, which a secret ballot counts whatever elects the office
    text = edited(
        ('method = "plurality"', 'method = "stv"'),
        ('ballot = "secret"', 'recall_ballot = "secret"'),
    )
    board = parsed(text).offices[0]
    assert (board.method, board.procedure.ballot, board.procedure.recall_ballot) == (
        "stv",
        "open",
        "secret",
    )


def test_a_secret_recall_of_rules_serves_every_office_with_trustees_or_an_open_one() -> None:
    text = edited(
        ('nominations = "open"', 'nominations = "open"\nrecall_ballot = "secret"'),
        ("threshold = 2", 'threshold = 2\nrecall_ballot = "open"'),
    )
    charter = parsed(text)
    board, tellers = charter.offices
    assert charter.rules.procedure.recall_ballot == "secret"
    assert board.procedure.recall_ballot == "secret"
    assert tellers.procedure.recall_ballot == "open"


def test_a_threshold_may_ask_for_every_seat_of_the_trustee_office() -> None:
    tellers = parsed(edited(("threshold = 2", "threshold = 3"))).offices[1]
    assert tellers.procedure.threshold == tellers.seats == 3


# -- what is refused ------------------------------------------------------------------------

#: Each ranked method, with seats it may elect (irv elects one).
RANKED = {"irv": 1, "stv": 3, "meek": 3, "schulze": 3, "ranked-pairs": 3}


def test_the_ranked_methods_are_every_method_a_secret_ballot_cannot_count() -> None:
    assert set(RANKED) == set(RANKED_METHODS) == set(OFFICE_METHODS) - SECRET_METHODS


@pytest.mark.parametrize("method", sorted(RANKED))
def test_a_secret_office_elected_by_a_ranked_method_is_refused(method: str) -> None:
    text = edited(
        ('seats = 3\nmethod = "plurality"', f'seats = {RANKED[method]}\nmethod = "{method}"')
    )
    assert_one_problem(
        refused(text),
        line_of(text, 'ballot = "secret"'),
        "offices[0].ballot",
        "office 'board'",
        f"elected by {method}, a ranked method",
        "ranked secret ballots are not yet supported",
    )


def test_a_secret_ballot_without_trustees_is_refused() -> None:
    text = edited(('trustees = "tellers"\n', ""))
    assert_one_problem(
        refused(text),
        line_of(text, 'ballot = "secret"'),
        "offices[0].ballot",
        "office 'board' has secret ballots but no trustees",
        'trustees = "…"',
    )


def test_a_secret_recall_vote_without_trustees_is_refused() -> None:
    text = edited(('ballot = "secret"\ntrustees = "tellers"', 'recall_ballot = "secret"'))
    assert_one_problem(
        refused(text),
        line_of(text, 'recall_ballot = "secret"'),
        "offices[0].recall_ballot",
        "office 'board' has secret ballots but no trustees",
    )


def test_a_secret_recall_of_rules_is_refused_for_each_office_without_trustees() -> None:
    # the tellers name no trustees and keep the rules' secret recall: refused at the
    # head of their table, since the key they inherit is not written there
    text = edited(('nominations = "open"', 'nominations = "open"\nrecall_ballot = "secret"'))
    assert_one_problem(
        refused(text),
        line_of(text, "[[offices]]", after='id = "board"'),
        "offices[1].recall_ballot",
        "office 'tellers' has secret ballots but no trustees",
    )
    # without the board's trustees, both offices are refused, in reading order
    both = edited(('trustees = "tellers"\n', ""), text=text)
    error = refused(both)
    assert isinstance(error, CharterErrors)
    assert [(e.line, e.field) for e in error.errors] == [
        (line_of(both, 'ballot = "secret"', after='id = "board"'), "offices[0].ballot"),
        (line_of(both, "[[offices]]", after='id = "board"'), "offices[1].recall_ballot"),
    ]


def test_trustees_that_are_no_office_of_the_charter_are_refused() -> None:
    text = edited(('trustees = "tellers"', 'trustees = "counters"'))
    assert_one_problem(
        refused(text),
        line_of(text, "trustees ="),
        "offices[0].trustees",
        "office 'counters' is not in the charter",
    )


def test_an_office_that_is_its_own_trustees_is_refused() -> None:
    text = edited(
        ('trustees = "tellers"', 'trustees = "board"\nthreshold = 2'),
    )
    assert_one_problem(
        refused(text),
        line_of(text, "trustees ="),
        "offices[0].trustees",
        "office 'board' cannot be its own trustees",
    )


def test_trustees_without_a_threshold_are_refused() -> None:
    text = edited(("threshold = 2\n", ""))
    assert_one_problem(
        refused(text),
        line_of(text, "trustees ="),
        "offices[0].trustees",
        "trustee office 'tellers' has no threshold",
        "threshold = …",
    )


def test_a_threshold_above_the_seats_of_its_office_is_refused() -> None:
    text = edited(("threshold = 2", "threshold = 4"))
    assert_one_problem(
        refused(text),
        line_of(text, "threshold = 4"),
        "offices[1].threshold",
        "4 is more than the office's 3 seat(s)",
    )


@pytest.mark.parametrize(
    ("written", "says"),
    [
        ("0", "must be at least 1, not 0"),
        ("-1", "must be at least 1, not -1"),
        ('"2"', "must be a whole number, not a string"),
        ("2.0", "must be a whole number, not a decimal"),
    ],
)
def test_a_threshold_that_is_not_a_whole_number_of_trustees_is_refused(
    written: str, says: str
) -> None:
    text = edited(("threshold = 2", f"threshold = {written}"))
    assert_one_problem(refused(text), line_of(text, "threshold = "), "offices[1].threshold", says)


def test_a_ballot_that_is_neither_open_nor_secret_is_refused_naming_the_choices() -> None:
    text = edited(('ballot = "secret"', 'ballot = "hidden"'))
    assert_one_problem(
        refused(text),
        line_of(text, 'ballot = "hidden"'),
        "offices[0].ballot",
        "unknown ballot 'hidden'",
        "expected one of open, secret",
    )


@pytest.mark.parametrize("key", ["recall_ballot", "motion_ballot"])
def test_a_rule_of_ballots_that_is_neither_open_nor_secret_is_refused(key: str) -> None:
    text = edited(('nominations = "open"', f'nominations = "open"\n{key} = "hidden"'))
    assert_one_problem(
        refused(text),
        line_of(text, f'{key} = "hidden"'),
        f"rules.{key}",
        f"unknown {key} 'hidden'",
        "expected one of open, secret",
    )


@pytest.mark.parametrize("key", ["ballot", "trustees", "threshold"])
def test_what_only_an_office_writes_is_refused_in_the_rules(key: str) -> None:
    value = {"ballot": '"secret"', "trustees": '"tellers"', "threshold": "2"}[key]
    text = edited(('nominations = "open"', f'nominations = "open"\n{key} = {value}'))
    assert_one_problem(
        refused(text), line_of(text, f"{key} = {value}"), f"rules.{key}", "unknown key"
    )


def test_problems_of_secret_ballots_in_several_offices_are_reported_together() -> None:
    text = edited(
        ('method = "plurality"', 'method = "schulze"'),
        ("threshold = 2", "threshold = 9"),
    )
    error = refused(text)
    assert isinstance(error, CharterErrors)
    assert [(e.line, e.field) for e in error.errors] == [
        (line_of(text, 'ballot = "secret"'), "offices[0].ballot"),
        (line_of(text, "threshold = 9"), "offices[1].threshold"),
    ]


# -- printing ---------------------------------------------------------------------------------


def test_a_printed_secret_charter_re_reads_to_the_same_offices() -> None:
    text = edited(
        ('nominations = "open"', 'nominations = "open"\nrecall_ballot = "secret"'),
        ("threshold = 2", 'threshold = 2\nrecall_ballot = "open"'),
    )
    charter = parsed(text)
    again = printed(charter)
    assert again.notes == ()
    assert parse_charter(again.text, "printed.toml").offices == charter.offices
    assert parse_charter(again.text, "printed.toml") == charter
    tables = tomllib.loads(again.text)
    assert tables["rules"]["recall_ballot"] == "secret"
    board, tellers = tables["offices"]
    assert (board["ballot"], board["trustees"]) == ("secret", "tellers")
    assert "threshold" not in board and "recall_ballot" not in board  # as the rules say
    assert (tellers["threshold"], tellers["recall_ballot"]) == (2, "open")
    assert "ballot" not in tellers and "trustees" not in tellers


# -- any combination --------------------------------------------------------------------------


@settings(max_examples=60, deadline=None)
@given(
    method=st.sampled_from(OFFICE_METHODS),
    ballot=st.sampled_from(["open", "secret"]),
    recall=st.sampled_from(["open", "secret"]),
    trustees=st.booleans(),
    threshold=st.none() | st.integers(min_value=0, max_value=5),
)
def test_any_secret_charter_is_refused_where_it_breaks_a_rule_or_else_reads_and_prints(
    method: str, ballot: str, recall: str, trustees: bool, threshold: int | None
) -> None:
    seats = 1 if method == "irv" else 3
    board = f'seats = {seats}\nmethod = "{method}"\nballot = "{ballot}"\n'
    board += f'recall_ballot = "{recall}"\n'
    board += 'trustees = "tellers"\n' if trustees else ""
    text = edited(
        ('seats = 3\nmethod = "plurality"\nballot = "secret"\ntrustees = "tellers"\n', board),
        ("threshold = 2\n", "" if threshold is None else f"threshold = {threshold}\n"),
    )
    expected: list[str] = []
    if ballot == "secret" and method in RANKED_METHODS:
        expected.append("offices[0].ballot")
    elif "secret" in (ballot, recall) and not trustees:
        expected.append("offices[0].ballot" if ballot == "secret" else "offices[0].recall_ballot")
    if threshold is not None and not 1 <= threshold <= 3:
        expected.append("offices[1].threshold")
    if not expected and trustees and threshold is None:  # checked once every office reads
        expected.append("offices[0].trustees")
    if expected:
        assert [e.field for e in problems(refused(text))] == expected
        return
    charter = parsed(text)
    p = charter.offices[0].procedure
    assert (p.ballot, p.recall_ballot) == (ballot, recall)
    assert p.trustees == ("tellers" if trustees else None)
    assert charter.offices[1].procedure.threshold == threshold
    again = printed(charter)
    assert again.notes == ()
    assert parse_charter(again.text, "printed.toml") == charter
