"""Motions through the CLI: the works council takes a motion referred down, both assemblies
instruct their deputies, one deputy votes against the instruction — the roll call, the
decisions, the breach in `show breaches` and in the audit; and every act out of turn
refused with one line and nothing written."""

from __future__ import annotations

from pathlib import Path

from e2e.conftest import SEATED, Cli, events_of

# seated.toml: ada and boris (foundry, 5 members) and mira (mill, 5 members) sit in the
# works council from before the charter.
FOUNDRY = ["ada", "boris", "chen", "dora", "emil"]
MILL = ["mira", "nils", "olga", "piet", "quinn"]


def instruct(cli: Cli, body: str, motion: str, instruction: str, members: list[str]) -> str:
    """The body adopts, unanimously, an instruction to its deputies."""
    cli.tick(minutes=1)
    [proposed] = cli.run(
        "motion", "instruct", body, motion, instruction, "--as", members[0], "--json"
    ).json_lines()
    own = str(proposed["data"]["motion"])
    cli.run("motion", "second", own, "--as", members[1])
    cli.run("motion", "start", own, "--as", members[0])
    for member in members:
        cli.run("motion", "vote", own, "yes", "--as", member)
    closed = cli.run("motion", "close", own, "--as", members[0], "--json").json_lines()
    assert [e["type"] for e in closed][:2] == ["motion.closed", "decision.adopted"]
    return own


def test_a_council_motion_referred_down_is_instructed_and_a_breach_is_found(
    cli: Cli, tmp_path: Path
) -> None:
    cli.run("init", "--charter", str(SEATED))
    text = tmp_path / "fares.md"
    text.write_text("Abolish fares on the works' trams.\n", encoding="utf-8")
    cli.tick(hours=1)
    [proposed] = cli.run(
        "motion", "propose", "council", "--title", "Tram fares", "--text", str(text),
        "--as", "ada", "--json",
    ).json_lines()  # fmt: skip
    assert proposed["data"]["motion"] == "R1" and proposed["data"]["kind"] == "ordinary"
    cli.run("motion", "second", "R1", "--as", "mira")
    cli.run("motion", "refer", "R1", "--as", "boris")
    instruct(cli, "foundry", "R1", "no", FOUNDRY)
    instruct(cli, "mill", "R1", "no", MILL)
    cli.run("motion", "start", "R1", "--as", "ada")
    for deputy, vote in (("ada", "yes"), ("boris", "no"), ("mira", "no")):
        cli.run("motion", "vote", "R1", vote, "--as", deputy)
    closed = cli.run("motion", "close", "R1", "--as", "mira", "--json").json_lines()
    assert closed[0]["data"]["outcome"] == "rejected"
    [breach] = events_of(closed, "instruction.breached")
    assert (breach["data"]["member"], breach["data"]["body"]) == ("ada", "foundry")
    motion = cli.json("show", "motion", "R1")
    assert motion["roll_call"] == {"ada": "yes", "boris": "no", "mira": "no"}
    assert motion["instructions"] == {"foundry": "no", "mill": "no"}
    assert motion["text"] == "Abolish fares on the works' trams.\n"
    decisions = cli.json("show", "decisions", "--body", "mill")
    assert [(d["body"], d["number"], d["instruction"]) for d in decisions] == [("mill", 1, "no")]
    [listed] = cli.json("show", "breaches")
    assert (listed["member"], listed["council"], listed["instruction"], listed["vote"]) == (
        "ada",
        "council",
        "no",
        "yes",
    )
    audit = cli.json("audit", code=1)
    assert [f["mandate"] for f in audit if f["kind"] == "breach"] == ["M1"]
    table = cli.run("show", "motions").stdout
    assert "Tram fares" in table and "rejected" in table
    assert "breach: ada voted yes on motion R1" in cli.run("log").stdout


def test_acts_out_of_turn_are_refused_with_one_line_and_nothing_written(
    cli: Cli, tmp_path: Path
) -> None:
    cli.run("init", "--charter", str(SEATED))
    text = tmp_path / "fares.md"
    text.write_text("Abolish fares.\n", encoding="utf-8")
    cli.tick(hours=1)
    propose = ("motion", "propose", "council", "--title", "Fares", "--text", str(text))
    cli.refused(*propose, "--as", "chen", says=["'chen'", "seated deputy of 'council'"])
    cli.refused(*propose[:-1], str(tmp_path / "none.md"), "--as", "ada", says=["--text", "none.md"])
    cli.refused(*propose, "--kind", "sideways", "--as", "ada", says=["sideways"])
    cli.refused("motion", "second", "R1", "--as", "ada", says=["motion", "R1"])
    cli.run(*propose, "--as", "ada")
    cli.refused("motion", "start", "R1", "--as", "ada", says=["R1", "not been seconded"])
    cli.run("motion", "second", "R1", "--as", "boris")
    cli.refused("motion", "instruct", "mill", "R1", "no", "--as", "nils", says=["not referred"])
    cli.run("motion", "start", "R1", "--as", "ada")
    cli.refused("motion", "vote", "R1", "maybe", "--as", "ada", says=["'maybe'"])
    cli.refused("motion", "vote", "R1", "yes", "--as", "nils", says=["'nils'", "not on the roll"])
    cli.run("motion", "vote", "R1", "yes", "--as", "ada")
    cli.refused("motion", "vote", "R1", "no", "--as", "ada", says=["cast once"])
    cli.refused("motion", "close", "R1", "--as", "ada", says=["2 of 3 electors have not voted"])
    cli.tick(days=4)
    cli.refused("motion", "vote", "R1", "yes", "--as", "boris", says=["voting period ended"])
    [closed] = events_of(
        cli.run("motion", "close", "R1", "--as", "boris", "--json").json_lines(), "motion.closed"
    )
    assert closed["data"]["outcome"] == "rejected"  # 1 of 3 voted: short of half the roll
    cli.refused("motion", "close", "R1", "--as", "boris", says=["no vote to close"])
    cli.refused("show", "decisions", "R1", says=["takes no id"])


def test_an_amendment_by_decision_changes_the_charter_that_soviet_charter_prints(
    cli: Cli, tmp_path: Path
) -> None:
    cli.run("init", "--charter", str(SEATED))
    text = tmp_path / "why.md"
    text.write_text("Three deputies for the foundry, and a new assembly for the forge.\n")
    fragment = tmp_path / "amendment.toml"
    fragment.write_text(
        '[[offices]]\nid = "foundry.deputy"\nseats = 3\n\n'
        '[[bodies]]\nid = "forge"\nname = "Forge Assembly"\nkind = "assembly"\n'
        'parent = "foundry"\n',
        encoding="utf-8",
    )
    bad = tmp_path / "bad.toml"
    bad.write_text('[[offices]]\nid = "foundry.deputy"\nseats = "three"\n', encoding="utf-8")
    cli.tick(hours=1)
    propose = ("motion", "propose", "foundry", "--title", "Grow", "--text", str(text))
    cli.refused(*propose, "--kind", "amendment", "--charter", str(bad), "--as", "chen",
                says=["bad.toml:3", "offices[0].seats"])  # fmt: skip
    cli.refused(*propose, "--kind", "amendment", "--as", "chen", says=["--charter"])
    cli.run(*propose, "--kind", "amendment", "--charter", str(fragment), "--as", "chen")
    cli.run("motion", "second", "R1", "--as", "dora")
    cli.run("motion", "start", "R1", "--as", "chen")
    for member in ("ada", "boris", "chen", "dora"):
        cli.run("motion", "vote", "R1", "yes", "--as", member)
    cli.run("motion", "vote", "R1", "no", "--as", "emil")
    closed = cli.run("motion", "close", "R1", "--as", "chen", "--json").json_lines()
    assert [e["type"] for e in closed][:3] == [
        "motion.closed",
        "decision.adopted",
        "charter.amended",
    ]
    printed = cli.json("charter")
    [amendment] = printed["amendments"]
    assert (amendment["motion"], amendment["body"], amendment["decision"]) == ("R1", "foundry", 1)
    assert 'id = "forge"' in printed["charter"] and "seats = 3" in printed["charter"]
    assert "decision 1 of foundry (motion R1" in printed["charter"]
    again = tmp_path / "again.toml"
    again.write_text(printed["charter"], encoding="utf-8")
    other = cli.run("init", "--charter", str(again), "--db", str(tmp_path / "copy.db"))
    assert other.code == 0
    offices = cli.json("show", "offices")
    assert [o["seats"] for o in offices if o["id"] == "foundry.deputy"] == [3]
    audit = cli.json("audit", code=1)
    assert any(f["office"] == "foundry.deputy" and f["kind"] == "vacant" for f in audit)
