"""Secret ballots through the CLI: three tellers elected in the open run their key
ceremony, the board is elected by secret ballot, one teller is recalled before the tally,
and the other two decrypt it — the mandates are granted as for an open ballot, and
`soviet verify` re-derives every step."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from e2e.conftest import CHARTERS, Cli, events_of

SECRET = CHARTERS / "secret.toml"


def belenios_verify(folder: Path) -> subprocess.CompletedProcess[str]:
    """`belenios-tool election verify --dir FOLDER` (skips when the tool is missing: the
    Belenios unit tests' fixture installs it, and `.ci/run` does)."""
    tool = shutil.which("belenios-tool")
    if tool is None:
        pytest.skip("belenios-tool is not installed (apt-get install belenios-tool)")
    return subprocess.run(
        [tool, "election", "verify", "--dir", str(folder)],
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )


def _elect_tellers(cli: Cli) -> None:
    """The tellers (E2, open, approval) elected: ben, cai and dan."""
    for member in ("ben", "cai", "dan"):
        cli.tick(minutes=1)
        cli.run("election", "nominate", "E2", member, "--as", member)
    cli.run("election", "start", "E2", "--as", "ana")
    for voter in ("ana", "ben", "cai", "dan", "eve", "fay", "gus"):
        cli.tick(minutes=1)
        cli.run("vote", "E2", "ben", "cai", "dan", "--as", voter)
    cli.run("election", "close", "E2", "--as", "ana")


def _keygen(cli: Cli, folder: Path) -> list[dict[str, Any]]:
    """Every teller's three steps, in turn; the events logged."""
    logged: list[dict[str, Any]] = []
    for _ in range(3):
        for teller in ("ben", "cai", "dan"):
            cli.tick(minutes=1)
            key = str(folder / f"{teller}.trustee.key")
            run = cli.run(
                "trustee", "keygen", "tellers", "--as", teller, "--trustee-key", key, "--json"
            )
            logged += run.json_lines()
    return logged


@pytest.fixture
def keyed(cli: Cli, tmp_path: Path) -> Cli:
    """The shop founded, its tellers elected and keyed, the board's candidates in."""
    cli.run("init", "--charter", str(SECRET))
    cli.run("audit", "--schedule", code=1)
    _elect_tellers(cli)
    for member in ("ana", "eve", "fay", "gus"):
        cli.tick(minutes=1)
        cli.run("election", "nominate", "E1", member, "--as", member)
    cli.refused("election", "start", "E1", "--as", "ana", says=["hold no key yet", "keygen"])
    steps = _keygen(cli, tmp_path)
    assert [e["type"] for e in steps].count("trustee.step") == 9
    [keyed] = [e for e in steps if e["type"] == "trustees.keyed"]
    assert keyed["data"]["trustees"] == ["ben", "cai", "dan"]
    assert keyed["data"]["threshold"] == 2
    return cli


def test_a_secret_election_is_tallied_by_two_of_three_trustees_after_one_is_recalled(
    keyed: Cli, tmp_path: Path
) -> None:
    cli = keyed
    [started] = cli.run("election", "start", "E1", "--as", "ana", "--json").json_lines()
    assert started["data"]["secret"]["ceremony"] > 0
    ballots = {
        "ana": ["ana", "eve", "fay"],
        "ben": ["ana", "eve"],
        "dan": ["gus"],
        "eve": ["eve", "fay", "gus"],
        "fay": ["gus"],  # replaced below
        "gus": ["ana"],
    }
    trackers = {}
    for voter, names in ballots.items():
        cli.tick(minutes=1)
        run = cli.run("vote", "E1", *names, "--as", voter)
        trackers[voter] = run.stderr.split("tracker is ")[1].split(":")[0]
    cli.run("vote", "E1", "--blank", "--as", "cai")
    cli.tick(minutes=1)
    cli.run("vote", "E1", "ana", "fay", "--as", "fay")
    cli.refused("vote", "E1", "ana", "eve", "fay", "gus", "--as", "ana", says=["at most 3"])
    log = cli.log()
    cast = [e for e in events_of(log, "ballot.cast") if e["data"]["election"] == "E1"]
    assert all(e["data"]["choice"] == [] and "sealed" in e["data"] for e in cast)
    assert "replaces" in cast[-1]["data"]  # fay's second ballot replaced her first
    assert all("ana" not in str(e["data"]["choice"]) for e in cast)

    fay_first = cli.json("tracker", "E1", trackers["fay"])
    assert (fay_first["voter"], fay_first["latest"], fay_first["tallied"]) == ("fay", False, None)

    cli.tick(minutes=1)
    [tallied] = cli.run("election", "close", "E1", "--as", "ana", "--json").json_lines()
    assert tallied["type"] == "vote.tallied"
    assert tallied["data"]["ballots"] == 7
    assert cli.json("tracker", "E1", trackers["ana"])["tallied"] is True

    # dan is recalled at once (4 of 7 sign); his share is no longer taken
    cli.tick(minutes=1)
    cli.run("recall", "open", "tellers:dan", "--reason", "lost the ballots", "--as", "ana")
    for signer in ("eve", "fay", "gus"):
        cli.tick(minutes=1)
        cli.run("recall", "sign", "P1", "--as", signer)
    dan_key = str(tmp_path / "dan.trustee.key")
    cli.refused(
        "trustee",
        "decrypt",
        "E1",
        "--as",
        "dan",
        "--trustee-key",
        dan_key,
        says=["no longer holds"],
    )

    cli.tick(minutes=1)
    ben = cli.run(
        "trustee",
        "decrypt",
        "E1",
        "--as",
        "ben",
        "--trustee-key",
        str(tmp_path / "ben.trustee.key"),
        "--json",
    ).json_lines()
    assert [e["type"] for e in ben] == ["tally.shared"]
    cli.tick(minutes=1)
    cai = cli.run(
        "trustee",
        "decrypt",
        "E1",
        "--as",
        "cai",
        "--trustee-key",
        str(tmp_path / "cai.trustee.key"),
        "--json",
    ).json_lines()
    types = [e["type"] for e in cai]
    assert types[:2] == ["tally.shared", "election.closed"]
    assert types[-1] == "checkpoint.logged"  # the close is anchored, as an open one is
    closed = cai[1]
    assert sorted(closed["data"]["winners"]) == ["ana", "eve", "fay"]  # eve, fay tie: a lot
    assert closed["data"]["result"]["secret"] == {
        "blank": 1,
        "answers": ["ana", "eve", "fay", "gus"],
        "marks": [4, 3, 3, 2],
    }
    assert closed["data"]["turnout"]["voted"] == 7
    granted = [e for e in cai if e["type"] == "mandate.granted"]
    assert sorted(e["data"]["holder"] for e in granted) == ["ana", "eve", "fay"]

    cli.run("verify")
    exported = cli.json("export-belenios", "E1", str(tmp_path / "e1"))
    assert exported["result"] == [[1, 4, 3, 3, 2]]
    assert (exported["ballots"], exported["shares"]) == (7, 2)
    checked = belenios_verify(tmp_path / "e1")
    assert checked.returncode == 0, checked.stderr
    assert "all checks passed" in checked.stderr + checked.stdout


def test_a_trustee_who_holds_no_seat_cannot_take_part_in_the_ceremony(
    cli: Cli, tmp_path: Path
) -> None:
    cli.run("init", "--charter", str(SECRET))
    cli.run("audit", "--schedule", code=1)
    _elect_tellers(cli)
    cli.refused(
        "trustee",
        "keygen",
        "tellers",
        "--as",
        "eve",
        "--trustee-key",
        str(tmp_path / "eve.key"),
        says=["does not hold office 'tellers'"],
    )
    cli.refused(
        "trustee",
        "keygen",
        "board",
        "--as",
        "ben",
        "--trustee-key",
        str(tmp_path / "ben.key"),
        says=["holds no key"],
    )


def test_a_secret_recall_vote_that_passes_ends_the_mandate_and_cascades(
    cli: Cli, tmp_path: Path
) -> None:
    cli.run("init", "--charter", str(SECRET))
    cli.run("audit", "--schedule", code=1)
    _elect_tellers(cli)
    _keygen(cli, tmp_path)
    # gus is the shop's deputy (E3) and chairs the district council (E4)
    cli.run("election", "nominate", "E3", "gus", "--as", "gus")
    cli.run("election", "start", "E3", "--as", "ana")
    for voter in ("ana", "ben", "cai", "dan", "eve", "fay", "gus"):
        cli.run("vote", "E3", "gus", "--as", voter)
    cli.run("election", "close", "E3", "--as", "ana")
    cli.run("election", "nominate", "E4", "gus", "--as", "gus")
    cli.run("election", "start", "E4", "--as", "gus")
    cli.run("vote", "E4", "gus", "--as", "gus")
    cli.run("election", "close", "E4", "--as", "gus")

    cli.tick(minutes=1)
    cli.run("recall", "open", "deputy:gus", "--reason", "never reports back", "--as", "ana")
    [_, opened] = cli.run("recall", "sign", "P1", "--as", "ben", "--json").json_lines()
    assert opened["type"] == "recall.vote_opened"
    assert "secret" in opened["data"] and "open_because" not in opened["data"]
    for voter, choice in (
        ("ana", "yes"),
        ("ben", "yes"),
        ("cai", "yes"),
        ("dan", "yes"),
        ("eve", "no"),
        ("fay", "abstain"),
        ("gus", "no"),
    ):
        cli.tick(minutes=1)
        cli.run("recall", "vote", "P1", choice, "--as", voter)
    cast = [e for e in events_of(cli.log(), "recall.ballot_cast")]
    assert {e["data"]["vote"] for e in cast} == {"secret"}
    cli.tick(minutes=1)
    [tallied] = cli.run("recall", "close", "P1", "--as", "ana", "--json").json_lines()
    assert (tallied["type"], tallied["data"]["ballots"]) == ("vote.tallied", 7)

    cli.run(
        "trustee",
        "decrypt",
        "P1",
        "--as",
        "ben",
        "--trustee-key",
        str(tmp_path / "ben.trustee.key"),
    )
    done = cli.run(
        "trustee",
        "decrypt",
        "P1",
        "--as",
        "cai",
        "--trustee-key",
        str(tmp_path / "cai.trustee.key"),
        "--json",
    ).json_lines()
    types = [e["type"] for e in done]
    assert types[:3] == ["tally.shared", "recall.closed", "mandate.recalled"]
    assert types[-1] == "checkpoint.logged"
    assert cli.json("show", "petition", "P1")["votes"] == {"secret": 7}
    closed = done[1]["data"]
    assert closed["outcome"] == "recalled"
    assert closed["result"]["rounds"][0]["votes"] == {"yes": 4, "no": 2}
    # the chair's seat in the district council was held by the deputy: it is lost too
    lapsed = [e for e in done if e["type"] == "mandate.lapsed"]
    assert len(lapsed) == 1
    opened_elections = [e["data"]["office"] for e in done if e["type"] == "election.opened"]
    assert "deputy" in opened_elections

    cli.run("verify")
    exported = cli.json("export-belenios", "P1", str(tmp_path / "p1"))
    assert exported["result"] == [[1, 4, 2]]
    checked = belenios_verify(tmp_path / "p1")
    assert checked.returncode == 0, checked.stderr


def test_a_secret_motion_is_decided_by_the_tellers_tally_and_anchored_by_a_checkpoint(
    cli: Cli, tmp_path: Path
) -> None:
    charter = tmp_path / "motions.toml"
    charter.write_text(
        SECRET.read_text(encoding="utf-8").replace(
            'recall_ballot = "secret"',
            'recall_ballot = "secret"\nmotion_ballot = "secret"\nmotion_trustees = "tellers"',
        ),
        encoding="utf-8",
    )
    cli.run("init", "--charter", str(charter))
    cli.run("audit", "--schedule", code=1)
    _elect_tellers(cli)
    _keygen(cli, tmp_path)
    text = tmp_path / "hours.md"
    text.write_text("The shop closes at six on Fridays.\n", encoding="utf-8")
    cli.tick(minutes=1)
    [proposed] = cli.run(
        "motion", "propose", "shop", "--title", "Friday hours", "--text", str(text),
        "--as", "eve", "--json",
    ).json_lines()  # fmt: skip
    motion = proposed["data"]["motion"]
    cli.run("motion", "second", motion, "--as", "fay")
    [started] = cli.run("motion", "start", motion, "--as", "eve", "--json").json_lines()
    assert started["data"]["secret"]["ceremony"] > 0
    votes = {"ana": "no", "ben": "yes", "cai": "yes", "dan": "abstain", "eve": "yes", "fay": "no",
             "gus": "no"}  # fmt: skip
    for voter, vote in votes.items():
        cli.tick(minutes=1)
        cli.run("motion", "vote", motion, vote, "--as", voter)
    cli.tick(minutes=1)
    cli.run("motion", "vote", motion, "yes", "--as", "ana")  # ana changes her mind
    cast = events_of(cli.log(), "motion.vote_cast")
    assert {e["data"]["vote"] for e in cast} == {"secret"} and "replaces" in cast[-1]["data"]
    shown = cli.json("show", "motion", motion)
    assert shown["roll_call"] == dict.fromkeys(sorted(votes), "secret")  # who, not how
    assert shown["votes"] == {"secret": 7}

    cli.tick(minutes=1)
    [tallied] = cli.run("motion", "close", motion, "--as", "eve", "--json").json_lines()
    assert (tallied["type"], tallied["data"]["ballots"]) == ("vote.tallied", 7)
    shared = []
    for teller in ("ben", "dan"):
        cli.tick(minutes=1)
        key = str(tmp_path / f"{teller}.trustee.key")
        shared.append(
            cli.run(
                "trustee", "decrypt", motion, "--as", teller, "--trustee-key", key, "--json"
            ).json_lines()
        )
    assert [e["type"] for e in shared[0]] == ["tally.shared"]
    types = [e["type"] for e in shared[1]]
    assert types[:3] == ["tally.shared", "motion.closed", "decision.adopted"]
    assert types[-1] == "checkpoint.logged"  # the close is anchored as an open one is
    closed = shared[1][1]["data"]
    assert closed["outcome"] == "adopted"
    assert closed["result"]["secret"] == {"blank": 1, "answers": ["yes", "no"], "marks": [4, 2]}

    assert cli.json("show", "motion", motion)["votes"] == {"yes": 4, "no": 2, "abstain": 1}
    cli.run("verify")
    exported = cli.json("export-belenios", motion, str(tmp_path / "motion"))
    assert exported["result"] == [[1, 4, 2]]
    checked = belenios_verify(tmp_path / "motion")
    assert checked.returncode == 0, checked.stderr
