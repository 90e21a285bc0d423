"""Fixtures for the Belenios code: the reference tool, and an election it ran."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import tarfile
from dataclasses import dataclass
from pathlib import Path

import pytest

from soviet.belenios.ballots import Election, Question, make_election, parse_election
from soviet.belenios.credentials import credential_from_bytes
from soviet.belenios.group import BELENIOS_2048

BELENIOS_TOOL = Path("/usr/bin/belenios-tool")


def _install_tool() -> str | None:
    """Install Debian's belenios-tool, or say why it cannot be done."""
    if shutil.which("apt-get") is None:
        return "apt-get is not available"
    if os.geteuid() != 0:
        return "installing it needs root"
    command = ["apt-get", "install", "-y", "-q", "belenios-tool"]
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        return f"apt-get install failed: {done.stderr.strip()[-200:]}"
    return None


@pytest.fixture(scope="session")
def belenios_tool() -> Path:
    """The path of belenios-tool (Belenios 2.0), installed with apt-get when missing."""
    if not BELENIOS_TOOL.exists():
        reason = _install_tool()
        if reason is not None or not BELENIOS_TOOL.exists():
            pytest.skip(f"belenios-tool is not installed at {BELENIOS_TOOL} ({reason})")
    return BELENIOS_TOOL


@dataclass(frozen=True)
class ToolElection:
    """An election run from setup to result by belenios-tool, as the examples run one.

    Three threshold trustees (two of them needed) and one mandatory key, three voters,
    one revote; only two of the three threshold trustees decrypt. The directory is
    shared by every test: copy it before changing anything. Besides the final archive,
    two earlier states of it are kept: ``voting`` (ballots cast, voting still open) and
    ``tallied`` (the encrypted tally published, no partial decryption yet).
    """

    directory: Path
    uuid: str
    archive: Path
    voting: Path
    tallied: Path
    credentials: tuple[str, ...]
    votes: tuple[str, ...]

    def copy(self, destination: Path, state: str = "archive") -> Path:
        """A copy of the election directory, its archive the one of ``state``."""
        shutil.copytree(self.directory, destination)
        shutil.copyfile(getattr(self, state), destination / self.archive.name)
        return destination

    def archive_files(self) -> dict[str, str]:
        """Every file in the archive, by name, as text."""
        with tarfile.open(self.archive) as tar:
            files = {}
            for member in tar.getmembers():
                extracted = tar.extractfile(member)
                assert extracted is not None
                files[member.name] = extracted.read().decode()
            return files


VOTES = ("[[1,0],[0,1,0,0]]", "[[0,1],[0,1,0,1]]", "[[0,0],[1,0,0,0]]")
REVOTE = "[[1,0],[0,0,1,0]]"
QUESTIONS = {
    "description": "Description of the election.",
    "name": "Name of the election",
    "questions": [
        {"answers": ["Answer 1", "Answer 2"], "min": 0, "max": 1, "question": "Question 1?"},
        {
            "answers": ["Answer 1", "Answer 2", "Answer 3"],
            "blank": True,
            "min": 1,
            "max": 2,
            "question": "Question 2?",
        },
    ],
    "administrator": "Election administrator",
    "credential_authority": "Credential authority",
}


def run_tool(tool: Path, directory: Path, *arguments: str, stdin: str = "") -> str:
    """Run belenios-tool in ``directory`` and return what it prints, or fail with its error."""
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
    if done.returncode != 0:
        pytest.fail(f"belenios-tool {' '.join(arguments)} failed: {done.stderr.strip()}")
    return done.stdout


@pytest.fixture(scope="session")
def tool_election(belenios_tool: Path, tmp_path_factory: pytest.TempPathFactory) -> ToolElection:
    """An election made, voted, tallied and decrypted by belenios-tool in a fresh directory."""
    tool = belenios_tool
    root = tmp_path_factory.mktemp("belenios")
    uuid = run_tool(tool, root, "setup", "generate-token").strip()
    here = root / uuid
    here.mkdir()
    common = ("--uuid", uuid, "--group", "BELENIOS-2048")
    group = ("--group", "BELENIOS-2048")
    run_tool(tool, here, "setup", "generate-credentials", *common, "--count", str(len(VOTES)))
    next(here.glob("*.pubcreds")).rename(here / "public_creds.json")
    private = next(here.glob("*.privcreds"))
    credentials = tuple(line.split()[1] for line in private.read_text().splitlines() if line)
    private.rename(here / "private_creds.txt")

    threshold = ("setup", "generate-trustee-key-threshold", *group)
    for _ in range(3):
        run_tool(tool, here, *threshold, "--step", "1")
    certs = "".join(path.read_text() for path in sorted(here.glob("*.cert")))
    (here / "certs.jsons").write_text(certs)
    with_certs = (*threshold, "--certs", "certs.jsons")
    run_tool(tool, here, *with_certs, "--step", "2")
    keys = sorted(here.glob("*.key"))
    polynomials = "".join(
        run_tool(tool, here, *with_certs, "--key", key.name, "--step", "3", "--threshold", "2")
        for key in keys
    )
    (here / "polynomials.jsons").write_text(polynomials)
    run_tool(tool, here, *with_certs, "--step", "4", "--polynomials", "polynomials.jsons")
    voutputs = "".join(
        run_tool(
            tool,
            here,
            *with_certs,
            "--key",
            key.name,
            "--step",
            "5",
            stdin=key.with_suffix(".vinput").read_text(),
        )
        for key in keys
    )
    step6 = (*with_certs, "--step", "6", "--polynomials", "polynomials.jsons")
    (here / "threshold.json").write_text(run_tool(tool, here, *step6, stdin=voutputs))
    run_tool(tool, here, "setup", "generate-trustee-key", *group)
    pubkeys = "".join(path.read_text() for path in sorted(here.glob("*.pubkey")))
    (here / "public_keys.jsons").write_text(pubkeys)
    run_tool(tool, here, "setup", "make-trustees")
    (here / "threshold.json").unlink()
    (here / "questions.json").write_text(json.dumps(QUESTIONS))
    run_tool(tool, here, "setup", "make-election", *common, "--template", "questions.json")
    run_tool(tool, here, "archive", "init")
    for name in ("election.json", "trustees.json", "public_creds.json"):
        (here / name).unlink()

    def vote(credential: str, choices: str) -> None:
        (here / "credential.txt").write_text(credential + "\n")
        (here / "choices.json").write_text(choices + "\n")
        ballot = run_tool(
            tool,
            here,
            *("election", "generate-ballot", "--privcred", "credential.txt"),
            *("--ballot", "choices.json"),
        )
        run_tool(tool, here, "archive", "add-event", "--type=Ballot", stdin=ballot)

    for credential, choices in zip(credentials, VOTES, strict=True):
        vote(credential, choices)
    vote(credentials[0], REVOTE)
    states = root / "states"
    states.mkdir()
    archive = here / f"{uuid}.bel"
    shutil.copyfile(archive, states / "voting.bel")
    run_tool(tool, here, "archive", "add-event", "--type=EndBallots")
    tally = run_tool(tool, here, "election", "compute-encrypted-tally")
    run_tool(tool, here, "archive", "add-event", "--type=EncryptedTally", stdin=tally)
    shutil.copyfile(archive, states / "tallied.bel")
    for trustee_id, key in enumerate(keys[:2], start=2):
        partial = run_tool(
            tool,
            here,
            *("election", "decrypt-threshold", "--key", key.name),
            *("--decryption-key", key.with_suffix(".dkey").name),
            *("--trustee-id", str(trustee_id)),
        )
        run_tool(tool, here, "archive", "add-event", "--type=PartialDecryption", stdin=partial)
    privkey = next(here.glob("*.privkey"))
    partial = run_tool(
        tool, here, "election", "decrypt", "--privkey", privkey.name, "--trustee-id", "1"
    )
    run_tool(tool, here, "archive", "add-event", "--type=PartialDecryption", stdin=partial)
    result = run_tool(tool, here, "election", "compute-result")
    run_tool(tool, here, "archive", "add-event", "--type=Result", stdin=result)
    run_tool(tool, here, "election", "verify")
    return ToolElection(
        directory=here,
        uuid=uuid,
        archive=archive,
        voting=states / "voting.bel",
        tallied=states / "tallied.bel",
        credentials=credentials,
        votes=(*VOTES, REVOTE),
    )


@dataclass(frozen=True)
class ToolArchive:
    """The texts of an archive's parts, read the plain way: each event's payload in order."""

    election: str
    trustees: str
    credentials: str
    ballots: tuple[str, ...]
    sized_tally: str
    tally: str
    partial_decryptions: tuple[tuple[int, str], ...]
    result: str


def read_tool_archive(path: Path) -> ToolArchive:
    """Read the payloads of an archive's events (4.4), following the files in order."""
    with tarfile.open(path) as tar:
        texts: dict[str, str] = {}
        events: list[dict[str, object]] = []
        for member in tar.getmembers():
            extracted = tar.extractfile(member)
            assert extracted is not None
            text = extracted.read().decode()
            name = member.name.split(".")[0]
            texts[name] = text
            if member.name.endswith(".event.json"):
                events.append(json.loads(text))

    def payload(event: dict[str, object]) -> str:
        return texts[str(event["payload"])]

    parts: dict[str, list[str]] = {}
    for event in events:
        if "payload" in event:
            parts.setdefault(str(event["type"]), []).append(payload(event))
    setup = json.loads(parts["Setup"][0])
    sized = parts.get("EncryptedTally", ["{}"])[0]
    owned = [json.loads(text) for text in parts.get("PartialDecryption", [])]
    return ToolArchive(
        election=texts[setup["election"]],
        trustees=texts[setup["trustees"]],
        credentials=texts[setup["credentials"]],
        ballots=tuple(parts.get("Ballot", [])),
        sized_tally=sized,
        tally=texts.get(json.loads(sized).get("encrypted_tally", ""), ""),
        partial_decryptions=tuple((o["owner"], texts[o["payload"]]) for o in owned),
        result=parts.get("Result", [""])[0],
    )


@pytest.fixture(scope="session")
def tool_archive(tool_election: ToolElection) -> ToolArchive:
    """The parts of the archive of :func:`tool_election`."""
    return read_tool_archive(tool_election.archive)


@dataclass(frozen=True)
class OwnElection:
    """An election made here with one known key, for ballots we can decrypt ourselves."""

    election: Election
    private_key: int
    credentials: tuple[str, ...]


OWN_QUESTIONS = (
    Question("Chair?", ("Ada", "Bea"), 0, 1, False),
    Question("Council?", ("Cy", "Di", "Ed"), 1, 2, True),
    Question("Rules?", ("A", "B", "C", "D"), 2, 3, False),
)


@pytest.fixture(scope="session")
def own_election() -> OwnElection:
    """Three questions (one allowing a blank vote) under a key held here; four voters."""
    group = BELENIOS_2048
    x = group.random_exponent()
    text = make_election(
        uuid="SovietTest1234567",
        name="Test election",
        description="Made by the tests.",
        group=group,
        public_key=group.base_power(x),
        questions=OWN_QUESTIONS,
        administrator="Tests",
    )
    credentials = tuple(credential_from_bytes(bytes([n]) * 16) for n in range(4))
    return OwnElection(parse_election(text), x, credentials)
