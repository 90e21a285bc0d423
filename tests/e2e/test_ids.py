"""Ids and names as they enter through the command line and a charter: ids follow one
pattern, names are plain text, and whatever was written prints as it was written — no
markup, no forged line in `soviet log`."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from e2e.conftest import WORKS, Cli

PATTERN = "lowercase letters a-z, digits, '.', '_' and '-'"


def test_member_add_refuses_an_id_outside_the_pattern_and_a_name_that_is_not_plain_text(
    cli: Cli,
) -> None:
    cli.run("init", "--charter", str(WORKS))
    cli.tick(minutes=1)
    bad_ids = {
        "a trailing space": "zed ",
        "uppercase": "Zed",
        "a look-alike letter": "zеd",  # a Cyrillic е
        "a right-to-left override": "zed\u202edeb",
        "10,000 characters": "z" * 10_000,
        "HTML": "<b>zed</b>",
        "a newline and a forged line": "zed\n#99 ada admitted mallory",
    }
    for case, ident in bad_ids.items():
        error = cli.refused(
            "member",
            "add",
            ident,
            "--name",
            "Zed",
            "--body",
            "mill",
            "--as",
            "ada",
            says=["member id ", PATTERN],
        )
        assert len(error) < 400, case
    for name in ("Zed\n#99 ada admitted mallory", "Zed \u202eyrollam", "Z" * 201):
        cli.refused(
            "member",
            "add",
            "zed",
            "--name",
            name,
            "--body",
            "mill",
            "--as",
            "ada",
            says=["member name "],
        )
    assert "#99" not in cli.run("log").stdout


def test_member_leave_by_anyone_but_the_member_is_refused_saying_why(cli: Cli) -> None:
    cli.run("init", "--charter", str(WORKS))
    cli.tick(minutes=1)

    error = cli.refused(
        "member",
        "leave",
        "mira",
        "--body",
        "mill",
        "--as",
        "nils",
        says=["'nils' may not remove 'mira' from 'mill'", "leaves of their own accord"],
    )

    assert "admit members" not in error


def test_names_print_as_written_in_tables_and_in_the_log(cli: Cli) -> None:
    cli.run("init", "--charter", str(WORKS))
    cli.tick(minutes=1)
    name = "[bold]Zoe[/bold] :fire: \\"
    cli.run("member", "add", "zoe", "--name", name, "--body", "mill", "--as", "ada")
    cli.tick(minutes=1)
    mandate = next(m["id"] for m in cli.json("show", "mandates") if m["holder"] == "mira")
    forged = "no reason\n#99 ada admitted mallory"
    try:  # the reason may be refused, or logged; either way it forges no line
        cli.run("recall", "open", mandate, "--reason", forged, "--as", "nils")
    except AssertionError as refused:
        assert "exit code 2" in str(refused)

    shown = cli.run("show", "members").stdout
    logged = cli.run("log").stdout

    assert "[bold]Zoe[/bold]" in shown
    assert f"ada admitted zoe ({name}) to mill" in logged
    assert not any(line.startswith("#99") for line in logged.splitlines())
    assert not any(line.startswith("#99") for line in shown.splitlines())


CHARTER_LIMITS = {
    "an id of 200 characters": (
        'id = "olga"\n',
        f'id = "{"o" * 200}"\n',
        "members[7].id",
        "is not an id",
    ),
    "a million million seats": (
        "seats = 2\nseat_in",
        "seats = 1000000000000\nseat_in",
        "offices[0].seats",
        "must be at most 1,000",
    ),
    "a term of three million days": (
        "voting_days = 3\n",
        "voting_days = 3\nterm_days = 3000000\n",
        "rules.term_days",
        "must be at most 36,500",
    ),
    "an integer beyond 2**63": (
        "voting_days = 3\n",
        f"voting_days = {2**64}\n",
        "rules.voting_days",
        "must be at most 36,500",
    ),
    "arrays nested 1,000 deep": (
        "voting_days = 3\n",
        f"voting_days = {'[' * 1000}{']' * 1000}\n",
        "rules.voting_days",
        "nested more than 32 deep",
    ),
    "councils seated in each other": (
        'title = "Chair of the works council"\nseats = 1\n',
        'title = "Chair of the works council"\nseats = 1\nseat_in = "upper"\n\n'
        '[[bodies]]\nid = "upper"\nname = "Upper"\nkind = "council"\n\n'
        '[[offices]]\nid = "upper.deputy"\nbody = "upper"\ntitle = "Down"\nseats = 1\n'
        'seat_in = "council"\n',
        "offices[3].seat_in",
        "councils seat their deputies in each other",
    ),
}


@pytest.mark.parametrize("case", CHARTER_LIMITS.values(), ids=CHARTER_LIMITS.keys())
def test_a_charter_beyond_a_limit_is_refused_the_same_on_every_database(
    cli: Cli, tmp_path: Path, case: tuple[str, str, str, str]
) -> None:
    old, new, field, problem = case
    original = WORKS.read_text(encoding="utf-8")
    assert original.count(old) == 1
    text = original.replace(old, new)
    charter = tmp_path / "charter.toml"
    charter.write_text(text, encoding="utf-8")

    error = cli.refused("init", "--charter", str(charter), says=[problem])

    assert re.match(rf"error: {re.escape(str(charter))}:\d+: {re.escape(field)}: ", error), error
    assert not cli.snapshot()
