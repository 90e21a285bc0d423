"""Belenios's own tool votes in a soviet election: the board's secret election, written
while voting as a Belenios archive (`soviet export-belenios`), is all `belenios-tool`
needs to make a ballot with a credential of its own; cast with `soviet vote
--ballot-file`, the ballot is counted as any other, its tracker is Belenios's, and the
final archive passes Belenios's verifier. A ballot cast again by another member, or made
for another election, is refused."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import tarfile
from pathlib import Path
from typing import Any

import pytest

from e2e.conftest import CHARTERS, Cli, events_of

SECRET = CHARTERS / "secret.toml"
#: The board's candidates, in the order they are nominated: the answers of its question.
CANDIDATES = ("ana", "eve", "fay", "gus")


def belenios_tool() -> str:
    tool = shutil.which("belenios-tool")
    if tool is None:
        pytest.skip("belenios-tool is not installed (apt-get install belenios-tool)")
    return tool


def belenios(*args: str, cwd: Path | None = None, given: str | None = None) -> str:
    """`belenios-tool ARGS…`, which must succeed: its standard output (its reports go to
    standard error)."""
    done = subprocess.run(
        [belenios_tool(), *args],
        input=given,
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
        cwd=cwd,
        env={**os.environ, "BELENIOS_USE_URANDOM": "1"},
    )
    assert done.returncode == 0, f"belenios-tool {' '.join(args)}\n{done.stderr}"
    return done.stdout


def belenios_verify(folder: Path) -> str:
    """`belenios-tool election verify --dir FOLDER`, which must pass: its report."""
    done = subprocess.run(
        [belenios_tool(), "election", "verify", "--dir", str(folder)],
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout + done.stderr


def archive_texts(folder: Path) -> tuple[dict[str, Any], dict[str, str]]:
    """The events of the archive in a folder, by type (a list each), and its data items
    by their hash."""
    [archive] = folder.glob("*.bel")
    texts: dict[str, str] = {}
    with tarfile.open(archive) as tar:
        for member in tar.getmembers():
            file = tar.extractfile(member)
            if file is not None:
                texts[member.name] = file.read().decode("utf-8")
    events: dict[str, Any] = {}
    for name, text in texts.items():
        if name.endswith(".event.json"):
            event = json.loads(text)
            events.setdefault(event["type"], []).append(event)
    data = {n.removesuffix(".data.json"): t for n, t in texts.items() if n.endswith(".data.json")}
    return events, data


def setup_of(folder: Path) -> dict[str, str]:
    """The texts of an archive's setup: its election, trustees and credentials."""
    events, data = archive_texts(folder)
    [setup] = events["Setup"]
    parts = json.loads(data[setup["payload"]])
    return {part: data[digest] for part, digest in parts.items()}


def ballots_of(folder: Path) -> list[str]:
    """The ballots of an archive, as their texts."""
    events, data = archive_texts(folder)
    return [data[event["payload"]] for event in events.get("Ballot", [])]


def credential(uuid: str, group: str, folder: Path) -> Path:
    """A private credential of the election `uuid`, made by Belenios's credential
    authority (`setup generate-credentials`), in a file of its own."""
    folder.mkdir()
    belenios(
        "setup",
        "generate-credentials",
        "--uuid",
        uuid,
        "--group",
        group,
        "--count",
        "1",
        "--dir",
        str(folder),
    )
    [privcreds] = folder.glob("*.privcreds")
    [line] = privcreds.read_text(encoding="utf-8").splitlines()
    _, secret = line.split()  # "id credential"
    path = folder / "privcred"
    path.write_text(secret, encoding="utf-8")
    return path


def ballot(election: Path, privcred: Path, choices: list[list[int]], file: Path) -> Path:
    """A ballot made by `belenios-tool election generate-ballot` from the election's
    archive: for each question, the blank flag then one 0/1 per answer."""
    choice_file = file.with_suffix(".choices.json")
    choice_file.write_text(json.dumps(choices), encoding="utf-8")
    file.write_text(
        belenios(
            "election",
            "generate-ballot",
            "--dir",
            str(election),
            "--privcred",
            str(privcred),
            "--ballot",
            str(choice_file),
        ),
        encoding="utf-8",
    )
    return file


def another_election(exported: Path, folder: Path) -> tuple[str, Path]:
    """The same election under another uuid, set up in `folder` by Belenios (`archive
    init`) with a credential of its own: its uuid, and the file of that credential."""
    setup = setup_of(exported)
    election: dict[str, Any] = json.loads(setup["election"])
    uuid = belenios("setup", "generate-token").strip()
    assert uuid != election["uuid"]
    election["uuid"] = uuid
    folder.mkdir()
    (folder / "election.json").write_text(
        json.dumps(election, separators=(",", ":")), encoding="utf-8"
    )
    (folder / "trustees.json").write_text(setup["trustees"], encoding="utf-8")
    privcred = credential(uuid, election["group"], folder / "credentials")
    [pubcreds] = (folder / "credentials").glob("*.pubcreds")
    shutil.copy(pubcreds, folder / "public_creds.json")
    belenios("archive", "init", cwd=folder)
    return uuid, privcred


def tracker_of(run_stderr: str) -> str:
    return run_stderr.split("tracker is ")[1].split(":")[0]


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


def _keygen(cli: Cli, folder: Path) -> None:
    """Every teller's three steps, in turn."""
    for _ in range(3):
        for teller in ("ben", "cai", "dan"):
            cli.tick(minutes=1)
            key = str(folder / f"{teller}.trustee.key")
            cli.run("trustee", "keygen", "tellers", "--as", teller, "--trustee-key", key)


class Voting:
    """The board's secret election E1 under way, ana's ballot in, and exported while
    voting: the archive's folder, its uuid, and a ballot belenios-tool made there for eve
    (eve and gus) with a credential of its own."""

    def __init__(self, cli: Cli, folder: Path) -> None:
        self.cli = cli
        cli.run("init", "--charter", str(SECRET))
        cli.run("audit", "--schedule", code=1)
        _elect_tellers(cli)
        _keygen(cli, folder)
        for member in CANDIDATES:
            cli.tick(minutes=1)
            cli.run("election", "nominate", "E1", member, "--as", member)
        cli.run("election", "start", "E1", "--as", "ana")
        cli.tick(minutes=1)
        cli.run("vote", "E1", "ana", "eve", "fay", "--as", "ana")
        self.exported = folder / "e1-voting"
        done = cli.json("export-belenios", "E1", str(self.exported))
        assert (done["ballots"], done["shares"], done["result"]) == (1, 0, None)
        self.uuid: str = done["uuid"]
        election = json.loads(setup_of(self.exported)["election"])
        assert election["uuid"] == self.uuid
        [question] = election["questions"]
        assert (question["answers"], question["blank"]) == (list(CANDIDATES), True)
        self.group: str = election["group"]
        self.privcred = credential(self.uuid, self.group, folder / "eve-credential")
        self.ballot = ballot(self.exported, self.privcred, [[0, 0, 1, 0, 1]], folder / "eve.json")


@pytest.fixture
def voting(cli: Cli, tmp_path: Path) -> Voting:
    belenios_tool()
    return Voting(cli, tmp_path)


def test_a_ballot_made_by_belenios_tool_is_counted_and_the_election_verifies_in_belenios(
    voting: Voting, tmp_path: Path
) -> None:
    cli = voting.cli
    # the archive, mid-vote, already verifies in Belenios
    assert "all checks passed" in belenios_verify(voting.exported)

    cli.tick(minutes=1)
    cast = cli.run("vote", "E1", "--ballot-file", str(voting.ballot), "--as", "eve")
    tracker = tracker_of(cast.stderr)
    text = voting.ballot.read_text(encoding="utf-8").strip()
    # the tracker is Belenios's: the ballot's SHA-256 in base64
    assert tracker == belenios("sha256-b64", given=text).strip()
    [logged] = [
        e
        for e in events_of(cli.log(), "ballot.cast")
        if (e["actor"], e["data"]["election"]) == ("eve", "E1")
    ]
    assert logged["data"]["sealed"] == text

    for voter, names in (
        ("ben", ["ana", "eve"]),
        ("cai", ["ana"]),
        ("fay", ["ana", "fay"]),
        ("gus", ["eve"]),
    ):
        cli.tick(minutes=1)
        cli.run("vote", "E1", *names, "--as", voter)
    cli.tick(minutes=1)
    cli.run("vote", "E1", "--blank", "--as", "dan")
    found = cli.json("tracker", "E1", tracker)
    assert (found["voter"], found["latest"], found["tallied"]) == ("eve", True, None)

    cli.tick(minutes=1)
    [tallied] = cli.run("election", "close", "E1", "--as", "ana", "--json").json_lines()
    assert (tallied["type"], tallied["data"]["ballots"]) == ("vote.tallied", 7)
    assert cli.json("tracker", "E1", tracker)["tallied"] is True
    shared = []
    for teller in ("ben", "cai"):
        cli.tick(minutes=1)
        key = str(tmp_path / f"{teller}.trustee.key")
        shared += cli.run(
            "trustee", "decrypt", "E1", "--as", teller, "--trustee-key", key, "--json"
        ).json_lines()
    [closed] = [e for e in shared if e["type"] == "election.closed"]
    # gus's one mark is the ballot belenios-tool made: nobody else named him
    assert closed["data"]["result"]["secret"] == {
        "blank": 1,
        "answers": list(CANDIDATES),
        "marks": [4, 4, 2, 1],
    }
    assert sorted(closed["data"]["winners"]) == ["ana", "eve", "fay"]

    cli.run("verify")
    final = tmp_path / "e1-final"
    exported = cli.json("export-belenios", "E1", str(final))
    assert exported["uuid"] == voting.uuid
    assert exported["result"] == [[1, 4, 4, 2, 1]]
    assert (exported["ballots"], exported["shares"]) == (7, 2)
    assert text in ballots_of(final)
    assert "all checks passed" in belenios_verify(final)


def test_a_belenios_ballot_is_refused_from_another_member_or_for_another_election(
    voting: Voting, tmp_path: Path
) -> None:
    cli = voting.cli
    cli.tick(minutes=1)
    cli.run("vote", "E1", "--ballot-file", str(voting.ballot), "--as", "eve")

    # eve's ballot, cast again by fay, is eve's
    cli.tick(minutes=1)
    cli.refused(
        "vote",
        "E1",
        "--ballot-file",
        str(voting.ballot),
        "--as",
        "fay",
        says=["eve", "cast your own"],
    )
    # so is any ballot made with eve's credential
    same = ballot(voting.exported, voting.privcred, [[0, 0, 0, 1, 0]], tmp_path / "same.json")
    cli.refused(
        "vote",
        "E1",
        "--ballot-file",
        str(same),
        "--as",
        "fay",
        says=["credential is", "eve"],
    )

    # a ballot belenios-tool made for another election (another uuid)
    uuid, privcred = another_election(voting.exported, tmp_path / "other")
    elsewhere = ballot(tmp_path / "other", privcred, [[0, 1, 0, 0, 0]], tmp_path / "other.json")
    assert json.loads(elsewhere.read_text(encoding="utf-8"))["election_uuid"] == uuid
    cli.refused(
        "vote", "E1", "--ballot-file", str(elsewhere), "--as", "fay", says=[uuid, voting.uuid]
    )

    # eve may vote again with her own credential; fay votes with her own ballot
    again = ballot(voting.exported, voting.privcred, [[0, 0, 1, 0, 0]], tmp_path / "again.json")
    cli.tick(minutes=1)
    cli.run("vote", "E1", "--ballot-file", str(again), "--as", "eve")
    cli.run("vote", "E1", "fay", "--as", "fay")
    cast = [e for e in events_of(cli.log(), "ballot.cast") if e["data"]["election"] == "E1"]
    assert [e["actor"] for e in cast] == ["ana", "eve", "eve", "fay"]
    assert "replaces" in cast[2]["data"]
    cli.run("verify")
