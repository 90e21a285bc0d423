"""Seats by the constituency through the CLI: a charter whose deputies are one per so many
members, re-apportioned at once as members are admitted; a council that shares its seats
and weights its deputies' votes; both printed back by `soviet charter`."""

from __future__ import annotations

from pathlib import Path

from e2e.conftest import Cli

CHARTER = """\
name = "Harbour Works"
founders = ["ada"]

[rules]
nominations = "open"
uncontested = "count"
voting_days = 3

[[bodies]]
id = "council"
name = "Works Council"
kind = "council"
weighted = true

[[bodies]]
id = "dock"
name = "Dock Assembly"
kind = "assembly"
parent = "council"

[[offices]]
id = "dock.deputy"
body = "dock"
title = "Deputy of the dock"
seats = { per = 2, min = 1, max = 3 }
method = "stv"
seat_in = "council"
reapportion = "immediate"

[[offices]]
id = "council.chair"
body = "council"
title = "Chair"
seats = 1
method = "irv"
"""
MEMBERS = ["ada", "bo", "cy"]


def test_deputies_follow_the_docks_members_and_the_charter_prints_the_rule(
    cli: Cli, tmp_path: Path
) -> None:
    people = "".join(
        f'\n[[members]]\nid = "{m}"\nname = "{m.title()}"\nbodies = ["dock"]\n' for m in MEMBERS
    )
    charter = tmp_path / "harbour.toml"
    charter.write_text(CHARTER + people, encoding="utf-8")
    cli.run("init", "--charter", str(charter))
    offices = {o["id"]: o for o in cli.json("show", "offices")}
    assert offices["dock.deputy"]["seats"] == 2  # 3 members at one per 2: 1.5 rounds to 2
    cli.tick(hours=1)
    cli.run("member", "add", "dee", "--name", "Dee", "--body", "dock", "--as", "ada")
    added = cli.run(
        "member", "add", "eve", "--name", "Eve", "--body", "dock", "--as", "ada", "--json"
    )
    types = [e["type"] for e in added.json_lines()]
    assert "office.reapportioned" in types  # 5 members: 2.5 rounds to 3
    offices = {o["id"]: o for o in cli.json("show", "offices")}
    assert offices["dock.deputy"]["seats"] == 3
    printed = cli.json("charter")["charter"]
    assert "seats = { per = 2, min = 1, max = 3 }" in printed and "weighted = true" in printed
    log = cli.run("log").stdout
    assert "dock.deputy re-apportioned: 3 seat(s), was 2, for a constituency of 5 members" in log
