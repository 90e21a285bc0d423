"""The command line under hostile use: usage errors are one line, out-of-range numbers and
clocks are refused, and an act that was committed is never reported as a failure because
its output could not be written."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from e2e.conftest import WORKS, Cli


def founded(cli: Cli) -> Cli:
    cli.run("init", "--charter", str(WORKS))
    return cli


def test_every_usage_error_is_one_line_naming_the_commands_help(cli: Cli) -> None:
    founded(cli)
    cases = {
        ("vote", "E1", "--as", "ada"): ("name at least one candidate", "--blank"),
        ("election", "elect", "E1", "--as", "ada"): (
            "No such command 'elect'",
            "`soviet election --help`",
        ),
        ("show", "nothing"): ("'nothing' is not one of", "`soviet show --help`"),
        ("log", "--since", "many"): ("Invalid value for '--since'", "`soviet log --help`"),
        ("show", "bodies", "--colour"): ("No such option: --colour", "`soviet show --help`"),
        ("election",): ("Missing command", "`soviet election --help`"),
        ("frobnicate",): ("No such command 'frobnicate'", "`soviet --help`"),
    }
    for args, says in cases.items():
        cli.refused(*args, says=says)


def test_a_seq_past_what_the_log_can_hold_is_refused(cli: Cli) -> None:
    founded(cli)
    cli.refused("log", "--since", str(2**63), says=["'--since'", "9223372036854775807"])
    cli.refused("log", "--since", "0", says=["'--since'", "greater than or equal to 1"])
    assert cli.run("log", "--since", str(2**63 - 1)).stdout == ""


@pytest.mark.parametrize("now", ["9999-12-31T23:59:59-01:00", "0001-01-01T00:00:00+01:00"])
def test_a_clock_that_leaves_the_calendar_once_taken_to_utc_is_refused(cli: Cli, now: str) -> None:
    founded(cli)
    cli.refused("show", "bodies", now=now, says=[f"SOVIET_NOW={now!r}", "years 0001 to 9999"])


def test_an_act_whose_period_would_end_past_the_year_9999_is_refused(cli: Cli) -> None:
    founded(cli)
    late = "9999-12-30T00:00:00Z"
    cli.refused(  # its nominations would close after the last instant the log can write
        "election",
        "open",
        "foundry.deputy",
        "--as",
        "ada",
        now=late,
        says=["3 days after 9999-12-30T00:00:00Z", "past the year 9999"],
    )
    cli.run("election", "open", "foundry.deputy", "--as", "ada", now="9999-12-25T00:00:00Z")
    for candidate in ("ada", "boris", "chen"):
        cli.run("election", "nominate", "E1", candidate, "--as", candidate, now=late)
    cli.refused(
        "election",
        "start",
        "E1",
        "--as",
        "ada",
        now=late,
        says=["3 days after 9999-12-30T00:00:00Z", "past the year 9999"],
    )


def run_with_stdout(cli: Cli, stdout: int, *args: str) -> subprocess.CompletedProcess[str]:
    environment = cli.environment(now=cli.tick(minutes=1))
    return subprocess.run(
        [sys.executable, "-m", "soviet", *args],
        cwd=cli.folder,
        env=environment,
        stdout=stdout,
        stderr=subprocess.PIPE,
        text=True,
        timeout=120,
        check=False,
    )


def test_an_act_committed_with_standard_output_full_reports_the_commit_and_succeeds(
    cli: Cli,
) -> None:
    founded(cli)
    if not Path("/dev/full").exists():
        pytest.skip("this system has no /dev/full to fill standard output")
    with open("/dev/full", "w") as full:
        done = run_with_stdout(
            cli, full.fileno(), "election", "open", "foundry.deputy", "--as", "ada"
        )
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    [line] = done.stderr.splitlines()
    assert line.startswith("note: the act was recorded (1 event, #"), line
    assert "No space left on device" in line
    assert [e["type"] for e in cli.log()][-1] == "election.opened"


def test_an_act_committed_with_standard_output_closed_succeeds(cli: Cli) -> None:
    founded(cli)
    environment = cli.environment(now=cli.tick(minutes=1))
    # The shell closes descriptor 1 before soviet starts.
    done = subprocess.run(
        [
            "sh",
            "-c",
            'exec "$0" -m soviet election open foundry.deputy --as ada >&-',
            sys.executable,
        ],
        cwd=cli.folder,
        env=environment,
        stderr=subprocess.PIPE,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    assert [e["type"] for e in cli.log()][-1] == "election.opened"


def test_a_reader_that_goes_away_ends_the_log_quietly(cli: Cli) -> None:
    founded(cli)
    environment = cli.environment()
    reader = subprocess.Popen(
        [sys.executable, "-m", "soviet", "log", "--json"],
        cwd=cli.folder,
        env=environment,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert reader.stdout is not None and reader.stderr is not None
    reader.stdout.close()  # gone before the first line is written
    stderr = reader.stderr.read().decode()
    reader.stderr.close()
    # The parser ends a write to a closed pipe with exit code 1 and no message, as click does.
    assert reader.wait(timeout=120) in (0, 1), stderr
    assert stderr == ""


def test_export_to_a_closed_standard_output_is_one_line_of_bad_input(cli: Cli) -> None:
    founded(cli)
    environment = cli.environment()
    done = subprocess.run(
        ["sh", "-c", 'exec "$0" -m soviet export - >&-', sys.executable],
        cwd=cli.folder,
        env=environment,
        stderr=subprocess.PIPE,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 2, done.stderr
    [line] = done.stderr.splitlines()
    assert line == "error: export -: there is no standard output to write to (it is closed)"
