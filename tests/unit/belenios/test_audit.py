"""The audit of an election's archive (3.5): an election belenios-tool ran passes every
check with belenios-tool's result; each tampering, re-packed so that the chain holds,
is found by the check of its content and named by its event."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from soviet.belenios import wire
from soviet.belenios.archive import Archive, ArchiveWriter, NotAnArchive, read_archive
from soviet.belenios.audit import Audit, verify_archive
from soviet.belenios.ballots import parse_election
from soviet.belenios.credentials import credential_secret, public_credential
from soviet.belenios.proofs import proof_json, sign

from .conftest import ToolElection
from .test_archive import repack


@pytest.fixture(scope="module")
def audited(tool_election: ToolElection) -> Audit:
    return verify_archive(tool_election.archive)


@pytest.fixture(scope="module")
def archive(tool_election: ToolElection) -> Archive:
    return read_archive(tool_election.archive)


def payload_of(archive: Archive, kind: str, nth: int = 0) -> tuple[int, Any]:
    """The height and parsed payload of the ``nth`` event of a kind."""
    event = [event for event in archive.events if event.type == kind][nth]
    return event.height, json.loads(archive.payload(event))


def tampered(
    archive: Archive, tmp_path: Path, change: Callable[[Any], Any], kind: str, nth: int = 0
) -> Audit:
    """The audit of the archive with one event's payload (or what it refers to) changed
    by ``change`` on its parsed JSON, the chain re-packed to hold."""
    event = [event for event in archive.events if event.type == kind][nth]
    assert event.payload is not None
    target = event.payload
    if kind in ("EncryptedTally", "PartialDecryption"):  # the payload wraps the data
        wrapper = json.loads(archive.payload(event))
        target = wrapper.get("encrypted_tally") or wrapper["payload"]

    def edit(digest: str, text: str) -> str:
        return wire.dumps(change(json.loads(text))) if digest == target else text

    return verify_archive(repack(archive, tmp_path / "tampered.bel", edit))


def failed(audit: Audit, where: str, *words: str) -> str:
    """The one failure about ``where``, which says each of ``words``."""
    assert not audit.ok
    assert audit.result is None
    found = [failure for failure in audit.failures if failure.startswith(where)]
    assert found, f"no failure at {where}: {audit.failures}"
    for word in words:
        assert word in found[0], found[0]
    return found[0]


def resigned(election_text: str, credentials: tuple[str, ...], ballot: dict[str, Any]) -> Any:
    """A ballot signed again by the voter whose credential it bears, as the voter could
    sign anything: only the proofs then tell what is wrong in it."""
    election = parse_election(election_text)
    group = election.group
    for credential in credentials:
        if str(public_credential(group, credential, election.uuid)) == ballot["credential"]:
            secret = credential_secret(group, credential, election.uuid)
            break
    else:
        raise AssertionError("no credential of the ballot")
    unsigned = {key: value for key, value in ballot.items() if key != "signature"}
    signed = wire.fingerprint(wire.dumps(unsigned))
    return {
        **unsigned,
        "signature": {"hash": signed, "proof": proof_json(sign(group, secret, signed))},
    }


def election_text(archive: Archive) -> str:
    _, setup = payload_of(archive, "Setup")
    return archive.data[setup["election"]]


def test_an_election_belenios_tool_ran_passes_every_check(audited: Audit) -> None:
    assert audited.failures == []
    assert audited.ok
    said = " ".join(audited.checks)
    for words in (
        "the chain of",
        "(Setup)",
        "product of the trustees' sub-keys",
        "none twice",
        "ballots: every proof and signature verifies",
        "(EncryptedTally)",
        "partial decryptions: every proof verifies",
        "(Result): the result is the decryption of the tally",
    ):
        assert words in said, words


def test_the_result_is_belenios_tools_own(
    audited: Audit, archive: Archive, tool_election: ToolElection
) -> None:
    _, written = payload_of(archive, "Result")
    assert audited.result == written["result"]
    last: dict[str, str] = {}  # the last vote of each voter: the first voter voted again
    voters = (*tool_election.credentials, tool_election.credentials[0])
    for credential, vote in zip(voters, tool_election.votes, strict=True):
        last[credential] = vote
    sums = [
        [sum(column) for column in zip(*answers, strict=True)]
        for answers in zip(*(json.loads(vote) for vote in last.values()), strict=True)
    ]
    assert audited.result == sums


def test_an_altered_ciphertext_in_a_ballot_is_found_by_its_proof(
    archive: Archive, tool_election: ToolElection, tmp_path: Path
) -> None:
    group = parse_election(election_text(archive)).group
    text = election_text(archive)

    def alter(ballot: Any) -> Any:
        choice = ballot["answers"][0]["choices"][1]
        choice["alpha"] = str(group.times(int(choice["alpha"]), group.g))
        return resigned(text, tool_election.credentials, ballot)

    height, _ = payload_of(archive, "Ballot", 1)
    tallied, _ = payload_of(archive, "EncryptedTally")
    audit = tampered(archive, tmp_path, alter, "Ballot", 1)
    failed(audit, f"event {height} (Ballot), answer 1, ", "individual proof does not verify")
    failed(audit, f"event {tallied} (EncryptedTally)", "not the product")


def test_an_altered_beta_without_a_new_signature_is_found(archive: Archive, tmp_path: Path) -> None:
    group = parse_election(election_text(archive)).group

    def alter(ballot: Any) -> Any:
        choice = ballot["answers"][1]["choices"][0]
        choice["beta"] = str(group.times(int(choice["beta"]), group.g))
        return ballot

    audit = tampered(archive, tmp_path, alter, "Ballot", 0)
    failed(audit, "event 1 (Ballot)", "signed hash")


@pytest.mark.parametrize("field", ["challenge", "response"])
def test_a_forged_proof_in_a_ballot_is_found(
    archive: Archive, tool_election: ToolElection, tmp_path: Path, field: str
) -> None:
    text = election_text(archive)
    q = parse_election(text).group.q

    def forge(ballot: Any) -> Any:
        proof = ballot["answers"][1]["overall_proof"][0]
        proof[field] = str((int(proof[field]) + 1) % q)
        return resigned(text, tool_election.credentials, ballot)

    audit = tampered(archive, tmp_path, forge, "Ballot", 2)
    failed(audit, "event 3 (Ballot), answer 2", "overall proof does not verify")


def test_a_ballot_whose_credential_is_not_listed_is_found(archive: Archive, tmp_path: Path) -> None:
    _, setup = payload_of(archive, "Setup")
    _, ballot = payload_of(archive, "Ballot", 0)
    listed = setup["credentials"]

    def unlist(digest: str, text: str) -> str:
        if digest != listed:
            return text
        return wire.dumps([item for item in json.loads(text) if item != ballot["credential"]])

    audit = verify_archive(repack(archive, tmp_path / "unlisted.bel", unlist))
    failed(audit, "event 1 (Ballot)", "not on the list")


def test_a_weight_changed_in_the_list_of_credentials_is_found_by_the_tally(
    archive: Archive, tmp_path: Path
) -> None:
    _, setup = payload_of(archive, "Setup")
    _, ballot = payload_of(archive, "Ballot", 1)

    def reweigh(digest: str, text: str) -> str:
        if digest != setup["credentials"]:
            return text
        listed = json.loads(text)
        return wire.dumps(
            [f"{item},2" if item == ballot["credential"] else item for item in listed]
        )

    height, sized = payload_of(archive, "EncryptedTally")
    audit = verify_archive(repack(archive, tmp_path / "reweighed.bel", reweigh))
    weight = sized["total_weight"]
    failed(audit, f"event {height} (EncryptedTally)", f"total_weight is {weight}, not {weight + 1}")
    assert "raised to their weights" in audit.failures[0]


def test_a_wrong_partial_decryption_factor_is_found(archive: Archive, tmp_path: Path) -> None:
    group = parse_election(election_text(archive)).group

    def alter(decryption: Any) -> Any:
        factors = decryption["decryption_factors"]
        factors[1][2] = str(group.times(int(factors[1][2]), group.g))
        return decryption

    height, owned = payload_of(archive, "PartialDecryption", 1)
    audit = tampered(archive, tmp_path, alter, "PartialDecryption", 1)
    failed(audit, f"event {height} (PartialDecryption), trustee {owned['owner']}")


def test_a_changed_encrypted_tally_is_found(archive: Archive, tmp_path: Path) -> None:
    group = parse_election(election_text(archive)).group

    def alter(encrypted: Any) -> Any:
        cell = encrypted[0][0]
        cell["beta"] = str(group.times(int(cell["beta"]), group.g))
        return encrypted

    height, _ = payload_of(archive, "EncryptedTally")
    audit = tampered(archive, tmp_path, alter, "EncryptedTally")
    failed(audit, f"event {height} (EncryptedTally)", "not the product")


def test_a_changed_count_of_ballots_is_found(archive: Archive, tmp_path: Path) -> None:
    def recount(sized: Any) -> Any:
        return {**sized, "num_tallied": sized["num_tallied"] + 1}

    height, _ = payload_of(archive, "EncryptedTally")
    event = next(event for event in archive.events if event.type == "EncryptedTally")
    assert event.payload is not None

    def edit(digest: str, text: str) -> str:
        return wire.dumps(recount(json.loads(text))) if digest == event.payload else text

    audit = verify_archive(repack(archive, tmp_path / "recount.bel", edit))
    failed(audit, f"event {height} (EncryptedTally)", "num_tallied")


def test_a_changed_result_is_found(archive: Archive, tmp_path: Path) -> None:
    def alter(result: Any) -> Any:
        counts = result["result"]
        counts[0][0], counts[0][1] = counts[0][1], counts[0][0] + 1
        return result

    height, _ = payload_of(archive, "Result")
    audit = tampered(archive, tmp_path, alter, "Result")
    failed(audit, f"event {height} (Result)", "not the decryption of the tally")
    assert len(audit.failures) == 1


def test_a_count_written_otherwise_than_a_whole_number_is_found(
    archive: Archive, tmp_path: Path
) -> None:
    def alter(result: Any) -> Any:
        result["result"][0][0] = float(result["result"][0][0])
        return result

    height, _ = payload_of(archive, "Result")
    audit = tampered(archive, tmp_path, alter, "Result")
    failed(audit, f"event {height} (Result)", "not the decryption of the tally")


def test_an_election_key_that_is_not_the_trustees_is_found(
    archive: Archive, tmp_path: Path
) -> None:
    _, setup = payload_of(archive, "Setup")
    group = parse_election(election_text(archive)).group

    def rekey(digest: str, text: str) -> str:
        if digest != setup["election"]:
            return text
        election = json.loads(text)
        election["public_key"] = str(group.times(int(election["public_key"]), group.g))
        return wire.dumps(election)

    audit = verify_archive(repack(archive, tmp_path / "rekeyed.bel", rekey))
    failed(audit, "event 0 (Setup)", "product of the trustees' sub-keys")


def test_an_election_still_open_passes_without_a_result(archive: Archive, tmp_path: Path) -> None:
    end = next(event for event in archive.events if event.type == "EndBallots")
    audit = verify_archive(repack(archive, tmp_path / "open.bel", until=end.height - 1))
    assert audit.ok, audit.failures
    assert audit.result is None
    assert "no result yet: the election is not tallied" in audit.checks


def test_a_question_that_is_not_homomorphic_fails_the_audit(
    archive: Archive, tmp_path: Path
) -> None:
    _, setup = payload_of(archive, "Setup")

    def nonhomomorphic(digest: str, text: str) -> str:
        if digest != setup["election"]:
            return text
        election = json.loads(text)
        question = election["questions"][0]
        election["questions"][0] = {"type": "NonHomomorphic", "value": question}
        return wire.dumps(election)

    audit = verify_archive(repack(archive, tmp_path / "nh.bel", nonhomomorphic, until=2))
    failed(audit, "event 0 (Setup)", "not supported")


def test_a_shuffle_fails_the_audit_as_not_checked(archive: Archive, tmp_path: Path) -> None:
    tallied = next(event for event in archive.events if event.type == "EncryptedTally")

    def shuffle(writer: ArchiveWriter) -> None:
        shuffled = writer.add_data('{"ciphertexts":[],"proofs":[]}')
        writer.add_event("Shuffle", writer.add_data(wire.dumps({"owner": 1, "payload": shuffled})))

    path = repack(archive, tmp_path / "shuffled.bel", until=tallied.height, then=shuffle)
    audit = verify_archive(path)
    failed(audit, f"event {tallied.height + 1} (Shuffle)", "not checked")


def test_events_out_of_order_are_found(tmp_path: Path) -> None:
    with ArchiveWriter(tmp_path / "E.bel", 1) as writer:
        writer.add_event("EndBallots")
    audit = verify_archive(tmp_path / "E.bel")
    failed(audit, "event 0 (EndBallots)", "out of order")


def test_a_broken_chain_fails_the_audit_naming_the_member(archive: Archive, tmp_path: Path) -> None:
    path = repack(archive, tmp_path / "E.bel")
    data = bytearray(path.read_bytes())
    at = data.index(b'"num_tallied"')
    data[at + 15 : at + 16] = b"9"
    path.write_bytes(bytes(data))
    audit = verify_archive(path)
    assert not audit.ok
    assert audit.failures[0].startswith("the archive does not hold:")
    assert ".data.json: its content hashes to" in audit.failures[0]


def test_a_file_that_is_no_archive_is_refused(tmp_path: Path) -> None:
    (tmp_path / "E.bel").write_text("not a tar\n" * 60)
    with pytest.raises(NotAnArchive, match="not a tar archive"):
        verify_archive(tmp_path / "E.bel")
