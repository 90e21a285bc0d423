"""Bad input of every kind: one line on stderr naming what is wrong and where, exit code 2,
and nothing written — not an event, not a row, not even an empty database file."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest

from e2e.conftest import SEATED, START, WORKS, Cli, by_id, instant

# -- charters ------------------------------------------------------------------------------


@dataclass(frozen=True)
class CharterEdit:
    """One change to works.toml and the error it must cause: the field, and the line of
    `at` (its `nth` occurrence) in the changed charter."""

    old: str
    new: str
    field: str
    at: str
    problem: str
    nth: int = 1


CHARTER_EDITS = {
    "malformed-toml": CharterEdit(
        old='name = "Mill Assembly"',
        new='name = "Mill Assembly',
        field="syntax",
        at='name = "Mill Assembly',
        problem="",
    ),
    "duplicate-id": CharterEdit(
        old='id = "mill.stewards"',
        new='id = "mill.deputy"',
        field="offices[2].id",
        at='id = "mill.deputy"',
        nth=2,
        problem="office id 'mill.deputy' is already used",
    ),
    "unknown-reference": CharterEdit(
        old='seat_in = "council"\nholders',
        new='seat_in = "counsel"\nholders',
        field="offices[1].seat_in",
        at='seat_in = "counsel"',
        problem="unknown body 'counsel' (did you mean 'council'?)",
    ),
    "cycle-of-parents": CharterEdit(
        old='kind = "council"\n',
        new='kind = "council"\nparent = "mill"\n',
        field="bodies[1].parent",
        at='parent = "council"',
        nth=2,
        problem="parents form a cycle",
    ),
    "seat-in-not-a-council": CharterEdit(
        old='seat_in = "council"\nholders',
        new='seat_in = "foundry"\nholders',
        field="offices[1].seat_in",
        at='seat_in = "foundry"',
        problem="'foundry' is an assembly",
    ),
    "no-seats": CharterEdit(
        old='seats = 2\nmethod = "approval"',
        new='seats = 0\nmethod = "approval"',
        field="offices[2].seats",
        at="seats = 0",
        problem="must be at least 1, not 0",
    ),
    "unknown-method": CharterEdit(
        old='method = "approval"',
        new='method = "borda"',
        field="offices[2].method",
        at='method = "borda"',
        problem="unknown method 'borda'",
    ),
    "share-out-of-range": CharterEdit(
        old="voting_days = 3\n",
        new='voting_days = 3\nrecall_quorum = "3/2"\n',
        field="rules.recall_quorum",
        at="recall_quorum",
        problem="3/2 is outside [0, 1]",
    ),
    "member-in-no-assembly": CharterEdit(
        old='name = "Olga Knipper"\nbodies = ["mill"]',
        new='name = "Olga Knipper"\nbodies = []',
        field="members[7].bodies",
        at="bodies = []",
        problem="at least one assembly",
    ),
}


def line_of(text: str, needle: str, nth: int) -> int:
    """The line (from 1) of the nth occurrence of `needle`."""
    at = -1
    for _ in range(nth):
        at = text.index(needle, at + 1)
    return text.count("\n", 0, at) + 1


@pytest.mark.parametrize("edit", CHARTER_EDITS.values(), ids=CHARTER_EDITS.keys())
def test_a_bad_charter_is_refused_naming_its_file_line_and_field(
    cli: Cli, tmp_path: Path, edit: CharterEdit
) -> None:
    original = WORKS.read_text(encoding="utf-8")
    assert original.count(edit.old) == 1
    text = original.replace(edit.old, edit.new)
    charter = tmp_path / "charter.toml"
    charter.write_text(text, encoding="utf-8")
    where = f"{charter}:{line_of(text, edit.at, edit.nth)}: {edit.field}: "
    cli.refused("init", "--charter", str(charter), says=[where, edit.problem])
    assert not cli.snapshot()  # no database was even created


# -- databases -----------------------------------------------------------------------------


def test_a_database_never_initialised_is_refused_and_left_as_it_was(
    cli: Cli, tmp_path: Path
) -> None:
    cli.refused("show", "members", says=["no soviet organization", "soviet init"])
    cli.refused(
        "member",
        "add",
        "zed",
        "--body",
        "mill",
        "--as",
        "ada",
        says=["no soviet organization", "soviet init"],
    )
    missing = tmp_path / "missing.toml"
    cli.refused("init", "--charter", str(missing), says=[str(missing), "cannot read the file"])
    assert not cli.snapshot()


@pytest.mark.parametrize(
    ("url", "says"),
    [
        ("sqlite:///{folder}/no-such-folder/soviet.db", "no-such-folder does not exist"),
        ("postgresql+psycopg://nobody@127.0.0.1:1/x", "cannot open database"),
        ("not a database url", "cannot use database URL 'not a database url'"),
        ("mysql://nobody@127.0.0.1/x", "cannot use database URL 'mysql://nobody@127.0.0.1/x'"),
    ],
    ids=["folder-missing", "server-unreachable", "garbage", "driver-missing"],
)
def test_a_database_url_that_cannot_be_opened_is_refused_naming_it(
    tmp_path: Path, url: str, says: str
) -> None:
    url = url.format(folder=tmp_path)
    error = Cli(url, tmp_path).run("init", "--charter", str(WORKS), code=2).error
    assert says in error
    assert not (tmp_path / "no-such-folder").exists()


# -- acts the rules refuse -----------------------------------------------------------------


def prepare(cli: Cli) -> None:
    """Found seated.toml with something of everything to get wrong:

    - E4 council.secretary closed: olga elected, so the founders no longer admit;
    - E3 council.chair voting: roll ada, boris, mira; candidates boris and mira; ada has
      voted; boris has since left the foundry, so sits in no council and is ineligible;
    - E1 foundry.deputy nominating, nobody nominated;
    - P1 against mira's mill seat (M3), opened by nils: open, 1 signature of 5.
    """
    cli.run("init", "--charter", str(SEATED))
    cli.tick(hours=1)
    cli.run("audit", "--schedule", code=1)
    cli.run("election", "nominate", "E4", "olga", "--as", "ada")
    cli.run("election", "accept", "E4", "--as", "olga")
    cli.run("election", "start", "E4", "--as", "ada")
    cli.run("vote", "E4", "olga", "--as", "ada")
    cli.tick(days=4)
    cli.run("election", "close", "E4", "--as", "boris")
    cli.run("election", "nominate", "E3", "boris", "--as", "ada")
    cli.run("election", "accept", "E3", "--as", "boris")
    cli.run("election", "nominate", "E3", "mira", "--as", "ada")
    cli.run("election", "accept", "E3", "--as", "mira")
    cli.run("election", "start", "E3", "--as", "mira")
    cli.run("vote", "E3", "mira", "boris", "--as", "ada")
    cli.run("member", "leave", "boris", "--body", "foundry", "--as", "boris")
    cli.run("recall", "open", "M3", "--reason", "voted against the mill", "--as", "nils")
    elections = by_id(cli.json("show", "elections"))
    assert {e: elections[e]["status"] for e in elections} == {
        "E1": "nominating",
        "E2": "nominating",
        "E3": "voting",
        "E4": "closed",
    }
    assert elections["E4"]["winners"] == ["olga"]


@dataclass(frozen=True)
class Refusal:
    """A command the rules refuse, what its error must name, and the clock to run it at
    (None: the test's clock)."""

    args: tuple[str, ...]
    says: tuple[str, ...]
    now: str | None = None


def refusal(*args: str, says: str | tuple[str, ...], now: str | None = None) -> Refusal:
    return Refusal(args, (says,) if isinstance(says, str) else says, now)


REFUSALS = {
    "unknown candidate": refusal(
        "election", "nominate", "E1", "nobody", "--as", "chen", says="unknown member 'nobody'"
    ),
    "unknown office": refusal(
        "election",
        "open",
        "council.treasurer",
        "--as",
        "ada",
        says="unknown office 'council.treasurer'",
    ),
    "unknown election": refusal(
        "election", "start", "E99", "--as", "ada", says="unknown election 'E99'"
    ),
    "unknown petition": refusal(
        "recall", "sign", "P99", "--as", "olga", says="unknown petition 'P99'"
    ),
    "unknown mandate": refusal(
        "recall", "open", "M99", "--reason", "gone", "--as", "nils", says="unknown mandate 'M99'"
    ),
    "unknown body": refusal(
        "member", "add", "zed", "--body", "bakery", "--as", "olga", says="unknown body 'bakery'"
    ),
    "a vote by a non-elector": refusal(
        "vote", "E3", "mira", "--as", "chen", says="'chen' is not on the roll of election E3"
    ),
    "a blank ballot that names someone": refusal(
        "vote", "E3", "mira", "--blank", "--as", "ada", says="names no candidate"
    ),
    "a vote both blank and abstaining": refusal(
        "vote", "E3", "--blank", "--abstain", "--as", "ada", says="not both"
    ),
    "a vote for a non-candidate": refusal(
        "vote", "E3", "ada", "--as", "mira", says="'ada' is not a candidate in election E3"
    ),
    "a vote for a candidate no longer eligible": refusal(
        "vote",
        "E3",
        "mira",
        "boris",
        "--as",
        "mira",
        says="'boris' is no longer eligible for office 'council.chair'",
    ),
    "a vote after the close": refusal(
        "vote", "E4", "olga", "--as", "mira", says="election E4 is closed"
    ),
    "a vote before the start": refusal(
        "vote", "E1", "ada", "--as", "chen", says="election E1 is not open for voting"
    ),
    "a ballot naming a candidate twice": refusal(
        "vote", "E3", "mira", "mira", "--as", "mira", says="each candidate at most once"
    ),
    "closing an election early": refusal(
        "election",
        "close",
        "E3",
        "--as",
        "ada",
        says=("election E3 cannot close before", "2 of 3 electors have not voted"),
    ),
    "opening a second election": refusal(
        "election",
        "open",
        "council.chair",
        "--as",
        "ada",
        says="'council.chair' already has election E3",
    ),
    "nominating an ineligible candidate": refusal(
        "election",
        "nominate",
        "E1",
        "mira",
        "--as",
        "chen",
        says="'mira' is not eligible for office 'foundry.deputy'",
    ),
    "nominating as a non-elector": refusal(
        "election",
        "nominate",
        "E1",
        "chen",
        "--as",
        "mira",
        says=("'mira' may not nominate in election E1", "'foundry'"),
    ),
    "signing twice": refusal(
        "recall", "sign", "P1", "--as", "nils", says="'nils' has already signed petition P1"
    ),
    "signing outside the electorate": refusal(
        "recall",
        "sign",
        "P1",
        "--as",
        "chen",
        says=("'chen' may not sign petition P1", "'mill.deputy'"),
    ),
    "a second petition against one mandate": refusal(
        "recall",
        "open",
        "M3",
        "--reason",
        "again",
        "--as",
        "olga",
        says=("petition P1 against mandate M3 is already open", "soviet recall sign P1"),
    ),
    "a petition without a reason": refusal(
        "recall", "open", "M1", "--reason", " ", "--as", "chen", says="states its reason"
    ),
    "a recall vote before the threshold": refusal(
        "recall", "vote", "P1", "yes", "--as", "nils", says="petition P1 is open"
    ),
    "admitting without the power": refusal(
        "member",
        "add",
        "zed",
        "--body",
        "mill",
        "--as",
        "nils",
        says="'nils' may not admit members to 'mill'",
    ),
    "admitting a member twice": refusal(
        "member", "add", "mira", "--body", "mill", "--as", "olga", says="'mira' exists already"
    ),
    "init twice": refusal("init", "--charter", str(SEATED), says="already holds an organization"),
    "SOVIET_NOW not ISO 8601": refusal(
        "recall",
        "sign",
        "P1",
        "--as",
        "olga",
        now="yesterday-ish",
        says="SOVIET_NOW='yesterday-ish' is not an ISO 8601 instant",
    ),
    "SOVIET_NOW earlier than the log": refusal(
        "recall",
        "sign",
        "P1",
        "--as",
        "olga",
        now=instant(START),
        says=f"the clock ({instant(START)}) is earlier than the log's last event",
    ),
}


def test_every_act_the_rules_refuse_exits_2_naming_why_and_writes_nothing(cli: Cli) -> None:
    # One organization serves every case (a refused act leaves it as it was), so the
    # cases run in one test and report together.
    prepare(cli)
    failures: list[str] = []
    for name, case in REFUSALS.items():
        try:
            cli.refused(*case.args, says=case.says, now=case.now)
        except AssertionError as failure:
            failures.append(f"{name}: {failure}")
    assert not failures, "\n\n".join(failures)


def test_acting_as_nobody_is_refused_naming_the_unknown_member(cli: Cli) -> None:
    cli.run("init", "--charter", str(SEATED))
    cli.refused(
        "election", "open", "foundry.deputy", "--as", "nobody", says=["unknown member 'nobody'"]
    )


def test_a_usage_error_exits_2_and_writes_nothing(cli: Cli) -> None:
    cli.run("init", "--charter", str(WORKS))
    before = cli.snapshot()
    missing = cli.run("vote", "E1", "--as", "ada", code=2)
    assert "name at least one candidate, or cast --blank, or --abstain" in missing.stderr
    unknown = cli.run("election", "elect", "E1", "--as", "ada", code=2)
    assert "No such command 'elect'" in unknown.stderr
    assert cli.snapshot() == before
