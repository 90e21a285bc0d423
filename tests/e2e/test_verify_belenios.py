"""`soviet verify-belenios DIR`, run as a user runs it, on an election belenios-tool ran
with weighted voters and a revote: every check holds and the result is the tool's own
(exit 0); a result changed in the archive fails (exit 1); no election to audit is a
refusal of one line (exit 2)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import tarfile
from pathlib import Path
from typing import Any

import pytest

from e2e.conftest import soviet_count
from soviet.belenios import wire
from soviet.belenios.archive import ArchiveWriter, read_archive

#: The fixture `belenios_tool` (belenios-tool installed, or the test skipped).
pytest_plugins = ["unit.belenios.conftest"]

#: Voters as belenios-tool reads them (address, login, weight), their votes, and a revote.
VOTERS = "alice@example.org,alice,3\nbob@example.org\ncarol@example.org,carol,2\n"
VOTES = ("[[1,0],[0,1,0,0]]", "[[0,1],[0,0,1,1]]", "[[1,0],[1,0,0,0]]")
REVOTE = "[[0,1],[0,1,1,0]]"
#: Alice (3) voted again; Bob counts 1, Carol 2.
RESULT = [[2, 4], [2, 3, 4, 1]]
QUESTIONS = {
    "description": "A weighted vote.",
    "name": "The depot's committee",
    "questions": [
        {"answers": ["Yes", "No"], "min": 0, "max": 1, "question": "Strike?"},
        {
            "answers": ["Anna", "Boris", "Clara"],
            "blank": True,
            "min": 1,
            "max": 2,
            "question": "Delegates?",
        },
    ],
}


def run_tool(tool: Path, directory: Path, *arguments: str, stdin: str = "") -> str:
    """What belenios-tool prints, run in ``directory``; the test fails if the tool does."""
    environment = {**os.environ, "BELENIOS_USE_URANDOM": "1"}
    done = subprocess.run(
        [str(tool), *arguments],
        cwd=directory,
        input=stdin,
        capture_output=True,
        text=True,
        env=environment,
        check=False,
    )
    assert done.returncode == 0, f"belenios-tool {' '.join(arguments)}: {done.stderr}"
    return done.stdout


@pytest.fixture(scope="module")
def election(belenios_tool: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The directory of an election belenios-tool set up, voted, tallied and decrypted."""
    tool = belenios_tool
    here = tmp_path_factory.mktemp("weighted")
    uuid = run_tool(tool, here, "setup", "generate-token").strip()
    group = ("--group", "BELENIOS-2048")
    (here / "voters.txt").write_text(VOTERS)
    run_tool(
        tool, here, "setup", "generate-credentials", "--uuid", uuid, *group, "--file", "voters.txt"
    )
    next(here.glob("*.pubcreds")).rename(here / "public_creds.json")
    private = next(here.glob("*.privcreds"))
    credentials = [line.split()[1] for line in private.read_text().splitlines() if line]
    private.unlink()
    run_tool(tool, here, "setup", "generate-trustee-key", *group)
    (here / "public_keys.jsons").write_text(next(here.glob("*.pubkey")).read_text())
    run_tool(tool, here, "setup", "make-trustees")
    (here / "questions.json").write_text(json.dumps(QUESTIONS))
    run_tool(
        tool, here, "setup", "make-election", "--uuid", uuid, *group, "--template", "questions.json"
    )
    run_tool(tool, here, "archive", "init")
    for name in ("election.json", "trustees.json", "public_creds.json", "questions.json"):
        (here / name).unlink()
    for credential, vote in [*zip(credentials, VOTES, strict=True), (credentials[0], REVOTE)]:
        (here / "credential.txt").write_text(credential + "\n")
        (here / "vote.json").write_text(vote + "\n")
        ballot = run_tool(
            tool,
            here,
            *("election", "generate-ballot", "--privcred", "credential.txt"),
            *("--ballot", "vote.json"),
        )
        run_tool(tool, here, "archive", "add-event", "--type=Ballot", stdin=ballot)
    for name in ("credential.txt", "vote.json"):
        (here / name).unlink()
    run_tool(tool, here, "archive", "add-event", "--type=EndBallots")
    tally = run_tool(tool, here, "election", "compute-encrypted-tally")
    run_tool(tool, here, "archive", "add-event", "--type=EncryptedTally", stdin=tally)
    privkey = next(here.glob("*.privkey"))
    partial = run_tool(
        tool, here, "election", "decrypt", "--privkey", privkey.name, "--trustee-id", "1"
    )
    run_tool(tool, here, "archive", "add-event", "--type=PartialDecryption", stdin=partial)
    result = run_tool(tool, here, "election", "compute-result")
    run_tool(tool, here, "archive", "add-event", "--type=Result", stdin=result)
    for key in (*here.glob("*.privkey"), *here.glob("*.pubkey"), here / "public_keys.jsons"):
        key.unlink()
    return here


def tools_result(directory: Path) -> Any:
    """The result belenios-tool wrote: the payload of the archive's last event."""
    (archive,) = directory.glob("*.bel")
    with tarfile.open(archive) as tar:
        files = {}
        for member in tar.getmembers():
            extracted = tar.extractfile(member)
            assert extracted is not None
            files[member.name] = extracted.read().decode()
            last_name = member.name
    last = json.loads(files[last_name])
    assert last["type"] == "Result"
    return json.loads(files[f"{last['payload']}.data.json"])["result"]


def test_an_election_of_belenios_tool_verifies_with_the_tools_result(
    election: Path, tmp_path: Path
) -> None:
    run = soviet_count("verify-belenios", str(election), "--json", cwd=tmp_path)
    assert run.returncode == 0, run.stderr
    assert run.stderr == ""
    report = json.loads(run.stdout)
    assert report["ok"] is True
    assert report["failures"] == []
    assert report["result"] == tools_result(election) == RESULT
    assert any("total weight 6" in check for check in report["checks"])


def test_the_audit_for_people_lists_the_checks_and_the_result_by_answer(
    election: Path, tmp_path: Path
) -> None:
    run = soviet_count("verify-belenios", str(election), cwd=tmp_path)
    assert run.returncode == 0, run.stderr
    out = run.stdout
    assert "The depot's committee" in out
    assert "(Result): the result is the decryption of the tally" in out
    lines = [" ".join(line.split()) for line in out.splitlines()]
    for said in ("Strike?", "Yes 2", "No 4", "Delegates?", "(blank) 2", "Anna 3", "Clara 1"):
        assert said in lines, said
    assert lines[-1] == "Everything holds."


def test_a_changed_result_fails_the_audit(election: Path, tmp_path: Path) -> None:
    archive = read_archive(next(election.glob("*.bel")))
    *kept, last = archive.events
    assert last.type == "Result"
    forged = tmp_path / "forged"
    forged.mkdir()
    data = {position: digest for digest, position in archive.positions.items()}
    events = {event.position: event for event in kept}
    with ArchiveWriter(forged / archive.path.name, archive.header.timestamp) as writer:
        for position in range(1, kept[-1].position + 1):  # all but the result, as they were
            if position in events:
                writer.add_event(events[position].type, events[position].payload)
            else:
                writer.add_data(archive.data[data[position]])
        writer.add_event("Result", writer.add_data(wire.dumps({"result": [[4, 2], RESULT[1]]})))
    run = soviet_count("verify-belenios", str(forged), "--json", cwd=tmp_path)
    assert run.returncode == 1, run.stderr
    report = json.loads(run.stdout)
    assert report["ok"] is False
    assert report["result"] is None
    assert report["failures"] == ["event 8 (Result): the result is not the decryption of the tally"]
    (line,) = run.stderr.splitlines()
    assert line.startswith("error: the election does not verify: 1 check failed")
    assert "event 8 (Result)" in line


def test_no_election_to_audit_is_refused_in_one_line(election: Path, tmp_path: Path) -> None:
    missing = soviet_count("verify-belenios", str(tmp_path / "absent"), cwd=tmp_path)
    assert missing.returncode == 2
    assert missing.stdout == ""
    assert missing.stderr.splitlines() == [f"error: {tmp_path / 'absent'}: no such directory"]
    empty = tmp_path / "empty"
    empty.mkdir()
    run = soviet_count("verify-belenios", str(empty), cwd=tmp_path)
    assert run.returncode == 2
    assert "no election archive" in run.stderr
    (empty / "E.bel").write_text("not an archive\n" * 50)
    run = soviet_count("verify-belenios", str(empty), cwd=tmp_path)
    assert run.returncode == 2
    assert run.stderr.splitlines() == [
        f"error: {empty / 'E.bel'}: not a tar archive (no valid header at its start)"
    ]
    shutil.copy(next(election.glob("*.bel")), empty / "F.bel")
    run = soviet_count("verify-belenios", str(empty), cwd=tmp_path)
    assert run.returncode == 2
    assert "several archives (E.bel, F.bel)" in run.stderr
