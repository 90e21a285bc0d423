"""Printing a charter: the text re-reads to the same organization, and says what it cannot
carry; the charter as it stands, read from a state in memory."""

from __future__ import annotations

import dataclasses
import tomllib
from collections.abc import Callable
from dataclasses import replace
from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from soviet.domain import catalogue as c
from soviet.domain import events as ev
from soviet.domain.charter import parse_charter
from soviet.domain.charter.limits import MAX_DAYS
from soviet.domain.charter.printing import print_charter, printed, toml_string
from soviet.domain.charter.rules import ORGANIZATION_KEYS
from soviet.domain.charter.standing import charter_of, founding_rules
from soviet.domain.events import Event, Recorded
from soviet.domain.founding import found
from soviet.domain.ids import ID_PATTERN, name_problem
from soviet.domain.model import (
    LEGACY,
    OFFICE_METHODS,
    Body,
    Charter,
    Holding,
    Member,
    Office,
    Procedure,
    Rules,
)
from soviet.domain.state import MemoryState
from soviet.ledger.entries import parse_canonical_value

ROOT = Path(__file__).resolve().parents[3]
#: Every charter of the repository: the examples and the tests' own.
CHARTER_FILES = sorted(
    [
        *(ROOT / "examples").glob("*.toml"),
        *(Path(__file__).parent / "charters").glob("*.toml"),
        *(ROOT / "tests" / "e2e" / "charters").glob("*.toml"),
    ]
)
NOW = "2026-01-05T09:00:00Z"


def read_beside(charter: Path) -> Callable[[str], str]:
    return lambda name: (charter.parent / name).read_text(encoding="utf-8")


def parse_file(path: Path) -> Charter:
    return parse_charter(path.read_text(encoding="utf-8"), str(path), read_beside(path))


def reread(charter: Charter) -> Charter:
    return parse_charter(print_charter(charter), "printed.toml")


def as_it_stands(charter: Charter) -> Charter:
    """A charter as the state gives it back: no holdings, members in order of their ids,
    each member's assemblies in order."""
    members = sorted(
        (Member(m.id, m.name, tuple(sorted(m.bodies))) for m in charter.members),
        key=lambda m: m.id,
    )
    return replace(charter, members=tuple(members), holdings=())


def replay(charter: Charter, *later: Event) -> MemoryState:
    """The state of a log founded on the charter (every act signed, so the enrollment
    days are logged), then `later` events."""
    state = MemoryState()
    codes = {m.id: f"code-{m.id}" for m in charter.members}
    for seq, event in enumerate([*found(charter, "a-verifier-key", codes, NOW), *later], 1):
        data, _ = parse_canonical_value(dict(event.data))
        state.apply(Recorded(seq, NOW, event.type, event.actor, data))
    return state


def standing_in(charter: Charter, *later: Event) -> Charter:
    """The charter as it stands in the log founded on `charter`, then `later`."""
    founded = next(found(charter, "a-verifier-key"))
    data, _ = parse_canonical_value(dict(founded.data))
    payload = c.decode_as(c.OrganizationFounded, data)
    return charter_of(
        replay(charter, *later), payload.name, founding_rules(dataclasses.asdict(payload.rules))
    )


# -- the charters of the repository ------------------------------------------------------


def test_the_repository_has_charters_to_print() -> None:
    assert len(CHARTER_FILES) >= 5
    assert ROOT / "examples" / "federation.toml" in CHARTER_FILES


@pytest.mark.parametrize("path", CHARTER_FILES, ids=lambda p: p.name)
def test_every_charter_of_the_repository_re_reads_to_itself(path: Path) -> None:
    charter = parse_file(path)
    again = printed(charter)
    assert again.notes == ()
    assert parse_charter(again.text, "printed.toml") == charter


@pytest.mark.parametrize("path", CHARTER_FILES, ids=lambda p: p.name)
def test_printing_a_printed_charter_again_changes_nothing(path: Path) -> None:
    text = print_charter(parse_file(path))
    assert print_charter(parse_charter(text, "printed.toml")) == text


def test_a_members_csv_is_printed_as_members_tables() -> None:
    text = print_charter(parse_file(ROOT / "examples" / "federation.toml"))
    assert "members.csv" not in text
    assert '[[members]]\nid = "ivanova"\nname = "Anna Ivanova"\nbodies = ["tram-depot"]\n' in text


def test_imported_holders_are_printed_with_their_office() -> None:
    charter = parse_file(Path(__file__).parent / "charters" / "inline-members.toml")
    assert charter.holdings == (Holding("bakery.board", "novak"),)
    assert 'holders = ["novak"]' in print_charter(charter)
    assert reread(charter).holdings == charter.holdings


# -- what the text looks like ------------------------------------------------------------

TWO_ASSEMBLIES = """\
name = "Depot \\"Union\\" \\\\ Yard"
founders = ["ada"]

[rules]
term_days = 200
election_quorum = "1/3"
max_offices = 2

[[bodies]]
id = "depot"
name = "Depot"
kind = "assembly"
parent = "council"

[[bodies]]
id = "yard"
name = "Yard"
kind = "assembly"
parent = "council"

[[bodies]]
id = "council"
name = "Council"
kind = "council"

[[offices]]
id = "depot.deputy"
body = "depot"
title = "Deputy"
seats = 1
seat_in = "council"

[[offices]]
id = "yard.deputy"
body = "yard"
title = "Deputy"
seats = 2
seat_in = "council"
term_days = 90
recall_quorum = 0.5
exclusive = true

[[members]]
id = "ada"
name = "Ada"
bodies = ["yard", "depot"]
"""


def two_assemblies() -> Charter:
    return parse_charter(TWO_ASSEMBLIES, "two.toml")


def test_rules_are_written_in_full_and_an_office_writes_only_what_it_sets_apart() -> None:
    text = print_charter(two_assemblies())
    rules = tomllib.loads(text)["rules"]
    assert rules["term_days"] == 200
    assert rules["voting_days"] == 7  # a default, written all the same
    assert rules["election_quorum"] == "1/3"
    assert rules["max_offices"] == 2
    depot, yard = tomllib.loads(text)["offices"]
    assert depot == {
        "id": "depot.deputy",
        "body": "depot",
        "title": "Deputy",
        "seats": 1,
        "method": "irv",
        "seat_in": "council",
    }
    assert yard["term_days"] == 90
    assert yard["recall_quorum"] == "1/2"  # a share as an exact fraction
    assert yard["exclusive"] is True
    assert "voting_days" not in yard


def test_a_comment_names_each_part_of_the_charter() -> None:
    text = print_charter(two_assemblies())
    for header in ("[rules]", "[[bodies]]", "[[offices]]", "[[members]]"):
        before = text.splitlines()[text.splitlines().index(header) - 1]
        assert before.startswith("# "), header


def test_the_heading_comes_first_each_line_a_comment() -> None:
    text = print_charter(two_assemblies(), ["Depot — as it stands", "a line\nbroken"])
    assert text.startswith("# Depot — as it stands\n# a line broken\n\n")
    assert reread(two_assemblies()) == two_assemblies()


def test_names_with_quotes_and_backslashes_are_escaped() -> None:
    charter = two_assemblies()
    assert charter.name == 'Depot "Union" \\ Yard'
    assert 'name = "Depot \\"Union\\" \\\\ Yard"' in print_charter(charter)
    assert reread(charter).name == charter.name


def test_a_members_assemblies_keep_the_order_they_were_written_in() -> None:
    assert reread(two_assemblies()).members == (Member("ada", "Ada", ("yard", "depot")),)


@given(st.text(alphabet=st.characters(exclude_categories=["Cs"]), max_size=40))
def test_any_text_is_a_toml_string_that_reads_back_as_itself(text: str) -> None:
    assert tomllib.loads(f"key = {toml_string(text)}")["key"] == text


# -- what a charter cannot write ---------------------------------------------------------


def test_a_legacy_procedure_is_named_as_what_the_text_cannot_carry() -> None:
    charter = two_assemblies()
    legacy = replace(
        charter,
        rules=replace(charter.rules, procedure=LEGACY),
        offices=tuple(replace(o, procedure=LEGACY) for o in charter.offices),
    )
    result = printed(legacy)
    assert any("[rules] legacy is true" in note for note in result.notes)
    assert any(n.startswith("every office: petition_days is none") for n in result.notes)
    assert "# Re-read, this text differs from the charter it was printed from:" in result.text
    # all the same, the text is a charter, with as much of the procedure as it can say
    again = parse_charter(result.text, "printed.toml")
    assert again.rules.procedure.nominations == "open"
    assert again.rules.procedure.uncontested == "count"
    assert again.rules.procedure.petition_days == 30


def test_an_office_whose_quorum_a_charter_cannot_unset_is_named() -> None:
    charter = two_assemblies()
    depot, yard = charter.offices
    unset = replace(depot, procedure=replace(depot.procedure, election_quorum=None))
    result = printed(replace(charter, offices=(unset, yard)))
    assert result.notes == (
        "office 'depot.deputy': election_quorum is none, which a charter cannot write; "
        "re-read, it is 1/3",
    )


def test_a_member_of_no_assembly_is_left_out_and_said_so() -> None:
    charter = two_assemblies()
    alone = replace(
        charter,
        members=(*charter.members, Member("bea", "Bea", ())),
        founders=("ada", "bea"),
    )
    result = printed(alone)
    assert len(result.notes) == 1
    assert "member 'bea' belongs to no assembly" in result.notes[0]
    assert "left out of founders too" in result.notes[0]
    again = parse_charter(result.text, "printed.toml")
    assert [m.id for m in again.members] == ["ada"]
    assert again.founders == ("ada",)


def test_a_text_that_does_not_re_read_says_why() -> None:
    charter = two_assemblies()
    result = printed(replace(charter, members=(Member("ada", "Ada", ()),)))
    assert any(n.startswith("it does not re-read as a charter: ") for n in result.notes)


# -- random charters ---------------------------------------------------------------------

ids = st.from_regex(ID_PATTERN, fullmatch=True)
names = (
    st.text(
        alphabet=st.characters(exclude_categories=["Cs", "Cc", "Zl", "Zp"]),
        min_size=1,
        max_size=24,
    )
    .map(str.strip)
    .filter(lambda name: bool(name) and name_problem(name) is None)
)
days = st.integers(1, MAX_DAYS)


@st.composite
def shares(draw: st.DrawFn, low: Fraction, low_allowed: bool) -> Fraction:
    """An exact share of at most 1, above `low` (or at it, when allowed)."""
    denominator = draw(st.integers(1, 12))
    allowed = [
        share
        for share in (Fraction(n, denominator) for n in range(denominator + 1))
        if share > low or (low_allowed and share == low)
    ]
    return draw(st.sampled_from(allowed))


#: The procedure's fields the random charters vary, by strategy (the others keep their
#: defaults, in `[rules]` and every office alike).
PROCEDURE = {
    "nomination_days": st.integers(0, MAX_DAYS),
    "nominations": st.sampled_from(["closed", "open"]),
    "uncontested": st.sampled_from(["elect", "ballot", "count"]),
    "extend_votes": st.booleans(),
    "holdover": st.booleans(),
    "auto_close": st.booleans(),
    "petition_days": days,
    "recall_cooldown_days": st.integers(0, MAX_DAYS),
}


@st.composite
def rule_sets(draw: st.DrawFn, quorum: bool | None = None) -> Rules:
    """Rules a charter can write: the recall petition's share at most the immediate one,
    and (when `quorum` says) an election quorum or none."""
    immediate = draw(shares(Fraction(1, 2), True))
    petition = min(draw(shares(Fraction(0), False)), immediate)
    values: dict[str, Any] = {key: draw(strategy) for key, strategy in PROCEDURE.items()}
    has_quorum = draw(st.booleans()) if quorum is None else quorum
    values["election_quorum"] = draw(shares(Fraction(0), False)) if has_quorum else None
    return Rules(
        term_days=draw(days),
        voting_days=draw(days),
        recall_petition=petition,
        recall_immediate=immediate,
        recall_quorum=draw(shares(Fraction(0), True)),
        procedure=replace(Procedure(), **values),
    )


def organization_fields(rules: Rules) -> dict[str, Any]:
    """The procedure's fields only `[rules]` writes, which every office inherits."""
    return {
        key: getattr(rules.procedure, key)
        for key in ORGANIZATION_KEYS
        if hasattr(rules.procedure, key)
    }


@st.composite
def offices_of(draw: st.DrawFn, ident: str, body: str, seat_in: str | None, rules: Rules) -> Office:
    seats = draw(st.integers(1, 5) | st.just(1000))
    methods = [m for m in OFFICE_METHODS if seats == 1 or m != "irv"]
    # an office of a charter with an election quorum has one too: none cannot be written
    own = draw(rule_sets(quorum=True if rules.procedure.election_quorum is not None else None))
    # each rule the office's own, or the charter's
    kept = draw(st.sets(st.sampled_from(["term_days", "voting_days", "recall_quorum"])))
    procedure = replace(
        own.procedure,
        exclusive=draw(st.booleans()),
        **organization_fields(rules),
        **{
            key: getattr(rules.procedure, key)
            for key in draw(st.sets(st.sampled_from(sorted(PROCEDURE))))
        },
    )
    return Office(
        id=ident,
        body=body,
        title=draw(names),
        seats=seats,
        method=draw(st.sampled_from(methods)),
        seat_in=seat_in,
        eligible=draw(st.sampled_from(["electorate", "members"])),
        powers=draw(st.sampled_from([frozenset(), frozenset({"admit"})])),
        term_days=rules.term_days if "term_days" in kept else own.term_days,
        voting_days=rules.voting_days if "voting_days" in kept else own.voting_days,
        recall_petition=own.recall_petition,
        recall_immediate=own.recall_immediate,
        recall_quorum=rules.recall_quorum if "recall_quorum" in kept else own.recall_quorum,
        procedure=procedure,
    )


@st.composite
def charters(draw: st.DrawFn) -> Charter:
    """A valid charter: assemblies and councils in a forest, every council seated by an
    office of a body below it (so no seats form a cycle), members in assemblies."""
    body_ids = draw(st.lists(ids, min_size=2, max_size=7, unique=True))
    split = draw(st.integers(1, len(body_ids)))
    assemblies, councils = body_ids[:split], body_ids[split:]
    bodies = [
        Body(b, draw(names), "council", draw(st.sampled_from([None, *councils[:i]])))
        for i, b in enumerate(councils)
    ] + [
        Body(b, draw(names), "assembly", draw(st.sampled_from([None, *councils])))
        for b in assemblies
    ]
    rules = draw(rule_sets())
    rules = replace(rules, enrollment_days=draw(days))
    rules = replace(
        rules, procedure=replace(rules.procedure, max_offices=draw(st.none() | st.integers(1, 9)))
    )
    office_ids = iter(
        draw(st.lists(ids, min_size=len(councils) + 3, max_size=len(councils) + 3, unique=True))
    )
    offices = []
    for i, council in enumerate(councils):  # seated from an assembly or a council after it
        below = st.sampled_from([*assemblies, *councils[i + 1 :]])
        offices.append(draw(offices_of(next(office_ids), draw(below), council, rules)))
    for _ in range(draw(st.integers(0, 3))):
        body = draw(st.sampled_from(body_ids))
        higher = councils[: councils.index(body)] if body in councils else councils
        seat_in = draw(st.sampled_from([None, *higher]))
        offices.append(draw(offices_of(next(office_ids), body, seat_in, rules)))
    member_ids = draw(st.lists(ids, min_size=1, max_size=6, unique=True))
    members = tuple(
        Member(
            m,
            draw(names),
            tuple(draw(st.lists(st.sampled_from(assemblies), min_size=1, unique=True))),
        )
        for m in member_ids
    )
    return Charter(
        name=draw(names),
        origin=draw(st.from_regex(r"[a-z0-9][a-z0-9.~/-]{0,30}", fullmatch=True)),
        rules=rules,
        bodies=tuple(draw(st.permutations(bodies))),
        offices=tuple(draw(st.permutations(offices))),
        members=members,
        founders=tuple(draw(st.lists(st.sampled_from(member_ids), min_size=1, unique=True))),
    )


@settings(max_examples=150, deadline=None)
@given(charters())
def test_a_random_charter_re_reads_to_itself(charter: Charter) -> None:
    result = printed(charter)
    assert result.notes == ()
    assert parse_charter(result.text, "printed.toml") == charter


@settings(max_examples=60, deadline=None)
@given(charters())
def test_a_random_charter_stands_as_founded_in_a_log_in_memory(charter: Charter) -> None:
    stands = standing_in(charter)
    assert stands == as_it_stands(charter)
    assert printed(stands).notes == ()
    assert parse_charter(print_charter(stands), "printed.toml") == stands


# -- the charter as it stands ------------------------------------------------------------


def act(kind: str, actor: str, **data: Any) -> Event:
    return Event(kind, actor, data)


def test_the_charter_as_it_stands_carries_admissions_joins_and_leaves() -> None:
    charter = two_assemblies()
    stands = standing_in(
        charter,
        act(ev.MEMBER_ADMITTED, "ada", member="bea", name="Bea Brown", bodies=["depot"]),
        act(ev.MEMBER_JOINED, "ada", member="bea", body="yard"),
        act(ev.MEMBER_LEFT, "ada", member="ada", body="yard"),
    )
    assert stands.members == (
        Member("ada", "Ada", ("depot",)),
        Member("bea", "Bea Brown", ("depot", "yard")),
    )
    again = parse_charter(print_charter(stands), "printed.toml")
    assert again.members == stands.members
    assert (again.rules, again.bodies, again.offices) == (
        charter.rules,
        charter.bodies,
        charter.offices,
    )


def test_the_charter_as_it_stands_names_no_imported_holder() -> None:
    charter = parse_file(Path(__file__).parent / "charters" / "inline-members.toml")
    stands = standing_in(charter)
    assert stands.holdings == ()
    assert "holders" not in print_charter(stands)
    assert stands == as_it_stands(charter)


def test_the_enrollment_days_are_those_the_log_holds() -> None:
    charter = replace(two_assemblies(), rules=replace(two_assemblies().rules, enrollment_days=45))
    assert standing_in(charter).rules.enrollment_days == 45
    assert "enrollment_days = 45" in print_charter(standing_in(charter))


def test_rules_logged_before_procedures_were_are_the_legacy_ones() -> None:
    logged: dict[str, Any] = {
        "term_days": 30,
        "voting_days": 3,
        "recall_petition": "1/4",
        "recall_immediate": "1/2",
        "recall_quorum": "1/3",
    }
    rules = founding_rules(logged)
    assert rules.procedure == LEGACY
    assert (rules.term_days, rules.recall_quorum) == (30, Fraction(1, 3))
