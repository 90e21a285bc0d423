"""SOVIET_NOW through the CLI: reads may use it as it is; acts need SOVIET_ALLOW_CLOCK=1
too, and the events they record say they were recorded under a set clock; a log that ran
ahead of the real clock refuses acts on the real clock, saying how to go on."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

from e2e.conftest import WORKS, Cli, instant

#: The environment of a command run without the allowance.
NOT_ALLOWED = {"SOVIET_ALLOW_CLOCK": ""}
#: The environment of a command run on the real clock.
REAL_CLOCK = {"SOVIET_NOW": ""}
ADD_ZOE = ("member", "add", "zoe", "--name", "Zoe", "--body", "mill", "--as", "ada")


def test_init_under_a_set_clock_without_the_allowance_is_refused_and_leaves_no_database(
    cli: Cli,
) -> None:
    error = cli.refused(
        "init",
        "--charter",
        str(WORKS),
        says=[f"SOVIET_NOW={cli.now}", "SOVIET_ALLOW_CLOCK=1", "nothing was written"],
        env=NOT_ALLOWED,
    )
    assert "Traceback" not in error
    assert not (cli.folder / "soviet.key").exists()
    assert not (cli.folder / "soviet.pub").exists()


def test_reads_use_a_set_clock_without_the_allowance_and_acts_are_refused(cli: Cli) -> None:
    cli.run("init", "--charter", str(WORKS))
    cli.tick(hours=1)
    for act in (ADD_ZOE, ("audit", "--schedule")):
        cli.refused(*act, says=["SOVIET_NOW=", "SOVIET_ALLOW_CLOCK=1"], env=NOT_ALLOWED)

    before = cli.snapshot()
    size = len(cli.log())
    reads = (
        ("show", "members"),
        ("log",),
        ("verify",),
        ("checkpoint",),
        ("prove", "inclusion", "1"),
        ("export", str(cli.folder / "log.jsonl")),
    )
    for read in reads:
        cli.run(*read, env=NOT_ALLOWED)
    cli.run("audit", code=1, env=NOT_ALLOWED)  # findings: every office vacant
    assert cli.snapshot() == before
    assert len((cli.folder / "log.jsonl").read_text().splitlines()) == size + 1


def test_events_recorded_under_a_set_clock_carry_the_marker_and_verify_counts_them(
    cli: Cli,
) -> None:
    cli.run("init", "--charter", str(WORKS))
    cli.tick(hours=1)
    cli.run(*ADD_ZOE)
    cli.tick(hours=1)
    cli.run(*ADD_ZOE[:2], "yuri", "--name", "Yuri", "--body", "mill", "--as", "ada", env=REAL_CLOCK)
    log = cli.log()
    *set_clock, admitted, enrolled = log
    assert {e.get("clock") for e in set_clock} == {"set"}
    # the last two, on the real clock, yuri's admission and his enrollment: no marker
    assert [(e["type"], e["data"]["member"]) for e in (admitted, enrolled)] == [
        ("member.admitted", "yuri"),
        ("member.key_registered", "yuri"),
    ]
    assert "clock" not in admitted and "clock" not in enrolled

    report = cli.json("verify")
    assert report["ok"] and report["clock_set"] == len(set_clock)
    said = cli.run("verify").stdout.replace("\n", " ")
    assert f"{len(set_clock)} events were recorded under a set clock (SOVIET_NOW)" in said

    # an event with its marker is the leaf its proof is for
    marked = log[1]
    (cli.folder / "proof.json").write_text(cli.run("prove", "inclusion", "2").stdout)
    (cli.folder / "now.txt").write_text(cli.run("checkpoint").stdout)
    cli.run(
        "verify-proof",
        "proof.json",
        "--checkpoint",
        "now.txt",
        "--key",
        str(cli.folder / "soviet.pub"),
        "--leaf",
        json.dumps(marked),
    )
    unmarked = {k: v for k, v in marked.items() if k != "clock"}
    cli.run(
        "verify-proof",
        "proof.json",
        "--checkpoint",
        "now.txt",
        "--key",
        str(cli.folder / "soviet.pub"),
        "--leaf",
        json.dumps(unmarked),
        code=1,
    )


def test_a_rehearsal_ahead_of_the_real_clock_refuses_acts_on_it_until_set_again(
    cli: Cli,
) -> None:
    future = datetime.now(UTC) + timedelta(days=3650)
    cli.clock = future
    cli.run("init", "--charter", str(WORKS))
    size = len(cli.log())
    cli.refused(
        *ADD_ZOE,
        says=[
            f"the log's last event (seq {size}) was recorded at {instant(future)}",
            "ahead of the real clock",
            "under SOVIET_NOW",
            "acts are refused until the real clock passes it",
            "set SOVIET_NOW to that instant or later with SOVIET_ALLOW_CLOCK=1",
        ],
        env=REAL_CLOCK,
    )
    cli.run("show", "members", env=REAL_CLOCK)  # a read on the real clock is fine

    # going backwards on a set clock stays refused, and says where the log stands
    cli.refused(
        *ADD_ZOE,
        now=instant(future - timedelta(days=1)),
        says=[f"is earlier than the log's last event (seq {size}", "never goes backwards"],
    )
    cli.tick(minutes=1)
    cli.run(*ADD_ZOE)  # the rehearsal goes on
