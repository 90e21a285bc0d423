"""The log's key, its signed checkpoints, proofs, exports and `verify` on a real database:
an untouched log verifies, and every signature and proof checks out offline."""

from __future__ import annotations

import json
import stat
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
import sqlalchemy as sa

from integration.conftest import Databases, city_federation
from integration.signed import SignedOrganization, elect_every_level, verify
from soviet.bootstrap import Settings, Soviet
from soviet.domain import events as ev
from soviet.domain.statements import sign, signed_from_json
from soviet.errors import InputError, LedgerError
from soviet.ledger.checkpoints import (
    Checkpoint,
    VerifierKey,
    generate_key,
    open_checkpoint,
    sign_checkpoint,
)
from soviet.ledger.entries import canonical, encode_event
from soviet.services import exports, members
from soviet.services.proof_checks import check_proof
from soviet.services.verification import Report
from soviet.storage import database, merkle, proving
from soviet.storage.database import snapshot
from soviet.storage.keys import KeyFile
from soviet.storage.verification import verify_database, verify_export


@pytest.fixture
def org(databases: Databases, tmp_path: Path) -> Iterator[SignedOrganization]:
    """A signed organization that has elected every level (four closes)."""
    made = SignedOrganization(databases.new(), tmp_path / "soviet.key")
    try:
        elect_every_level(made)
        yield made
    finally:
        made.dispose()


def verifier(org: SignedOrganization) -> VerifierKey:
    key = org.soviet.keys.load()
    assert key is not None
    return key.verifier()


def ok(report: Report) -> Report:
    assert report.ok, [d.to_json() for d in report.discrepancies]
    return report


def test_the_private_key_stays_in_its_own_file_and_the_log_carries_the_verifier_key(
    org: SignedOrganization, tmp_path: Path
) -> None:
    key_file = tmp_path / "soviet.key"
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert key_file.read_text().startswith("PRIVATE+KEY+councils.example.org/city+")
    public = (tmp_path / "soviet.pub").read_text().strip()
    first = org.events()[0]
    assert first.type == ev.ORGANIZATION_FOUNDED
    assert first.data["verifier_key"] == public == str(verifier(org))
    secret = key_file.read_text().strip().split("+", 4)[4]  # base64 of the private key
    assert len(secret) == 44
    with org.soviet.snapshot() as conn:
        for table in sa.inspect(conn).get_table_names():
            for row in conn.execute(sa.text(f"SELECT * FROM {table}")):
                assert not any(secret in str(value) for value in row), table
                assert not any("PRIVATE+KEY" in str(value) for value in row), table


def test_every_close_logs_a_checkpoint_of_the_log_up_to_its_result_and_mandates(
    org: SignedOrganization,
) -> None:
    events = org.events()
    closes = [e for e in events if e.type == ev.ELECTION_CLOSED]
    logged = [e for e in events if e.type == ev.CHECKPOINT_LOGGED]
    assert len(closes) == len(logged) == 4
    with org.soviet.snapshot() as conn:
        for close, entry in zip(closes, logged, strict=True):
            assert entry.data["cause"] == close.seq
            assert entry.actor is None
            checkpoint = open_checkpoint(str(entry.data["checkpoint"]).encode(), verifier(org))
            assert checkpoint.origin == "councils.example.org/city"
            assert checkpoint.size == entry.seq - 1
            assert checkpoint.root == merkle.root(conn, checkpoint.size)
            granted = [
                e for e in events if e.type == ev.MANDATE_GRANTED and e.data["cause"] == close.seq
            ]
            assert granted and all(e.seq <= checkpoint.size for e in granted)


def test_an_untouched_log_verifies_with_every_check_counted(org: SignedOrganization) -> None:
    report = ok(verify(org.url, key=verifier(org)))
    assert report.size == len(org.events())
    assert report.checks["checkpoints"].summary.startswith("4 logged checkpoints")
    assert report.checks["counts"].summary.startswith("4 closed elections recounted from")
    assert "rows of 24 projection tables" in report.checks["projections"].summary
    # every act of the log is signed by its actor
    acts = [e for e in org.events() if e.actor is not None]
    assert acts and all(e.signed is not None for e in acts)
    assert (report.signed, report.unsigned_before_keys) == (len(acts), 0)
    assert report.checks["signatures"].ran and report.checks["signatures"].ok
    assert not report.checks["since"].ran
    with org.soviet.snapshot() as conn:
        assert report.root == merkle.root(conn)


def test_verify_reads_one_state_of_the_log_while_acts_go_on(org: SignedOrganization) -> None:
    engine = database.create_engine(org.url)
    try:
        with snapshot(engine) as conn:
            before = merkle.tree_size(conn)
            org.tick(hours=1)
            org.act(lambda ws: members.join(ws, "a2-6", "a1", "a1-1"))  # commits meanwhile
            assert merkle.tree_size(conn) == before
            assert ok(verify_database(conn)).size == before
    finally:
        engine.dispose()
    assert ok(verify(org.url)).size == before + 1


def test_a_log_checked_against_another_key_fails_at_its_first_event(
    org: SignedOrganization,
) -> None:
    stranger = generate_key("councils.example.org/city").verifier()
    report = verify(org.url, key=stranger)
    first = report.first
    assert first is not None
    assert (first.seq, first.type, first.check) == (1, ev.ORGANIZATION_FOUNDED, "checkpoints")
    with pytest.raises(LedgerError, match="does not verify: checkpoints at seq 1"):
        report.raise_if_failed()


def test_the_log_only_grew_since_an_earlier_checkpoint(org: SignedOrganization) -> None:
    with org.soviet.snapshot() as conn:
        earlier = proving.signed_checkpoint(conn, 10, org.soviet.keys)
    assert earlier is not None
    org.tick(days=1)
    org.act(lambda ws: members.join(ws, "a2-6", "a1", "a1-1"))
    report = ok(verify(org.url, since=earlier.encode()))
    assert "only grew since the signed checkpoint at size 10" in report.checks["since"].summary


@pytest.mark.parametrize(
    ("size", "says"),
    [(10, "the log was rewritten"), (10_000, "entries were removed")],
)
def test_a_checkpoint_the_log_does_not_extend_fails_the_since_check(
    org: SignedOrganization, size: int, says: str
) -> None:
    key = org.soviet.keys.load()
    assert key is not None
    other_history = Checkpoint("councils.example.org/city", size, bytes(32))
    report = verify(org.url, since=sign_checkpoint(other_history, key))
    assert [c.name for c in report.checks.values() if not c.ok] == ["since"]
    assert says in report.checks["since"].found[0].detail


def test_an_export_verifies_with_the_verifier_key_alone(
    org: SignedOrganization, tmp_path: Path
) -> None:
    path = tmp_path / "log.jsonl"
    with org.soviet.reading() as reads, path.open("wb") as out:
        size = reads.size()
        note = reads.sign(size)
        assert exports.write(reads, out, size, note) == size
    lines = path.read_bytes().splitlines()
    assert len(lines) == size + 1
    assert json.loads(lines[-1]) == {"checkpoint": note}
    first = json.loads(lines[0])
    assert list(first) == ["actor", "at", "data", "seq", "type"]  # canonical: keys sorted
    assert lines[0] == encode_event(1, first["at"], first["type"], None, first["data"])

    report = ok(verify_export(path, key=verifier(org)))
    assert report.size == size
    assert "signs the root of its first" in report.checks["checkpoints"].summary
    assert not report.checks["projections"].ran

    # another key: the export's checkpoint and its logged checkpoints no longer open
    stranger = generate_key("councils.example.org/city").verifier()
    assert not verify_export(path, key=stranger).ok


def changed_ballot_in_an_export(
    org: SignedOrganization, tmp_path: Path, *, signed_anew: bool
) -> tuple[Path, int]:
    """An export of the log whose first ballot ranks a1-8, who is no candidate, first; with
    `signed_anew`, its statement says so too, signed by the voter's own key. Returns the
    file and the ballot's seq."""
    path = tmp_path / "log.jsonl"
    with org.soviet.reading() as reads, path.open("wb") as out:
        size = reads.size()
        exports.write(reads, out, size, reads.sign(size))
    lines = path.read_bytes().splitlines(keepends=True)
    ballot = next(i for i, line in enumerate(lines) if b'"ballot.cast"' in line)
    event = json.loads(lines[ballot])
    event["data"]["choice"] = ["a1-8", *event["data"]["choice"]]
    if signed_anew:
        statement = signed_from_json(event["signed"]).statement
        again = replace(statement, data={**statement.data, "choice": event["data"]["choice"]})
        event["signed"] = sign(again, org.keyring.key_of(event["actor"])).to_json()
    lines[ballot] = canonical(event) + b"\n"
    path.write_bytes(b"".join(lines))
    return path, ballot + 1


def assert_the_tree_shows_the_change_after(
    org: SignedOrganization, report: Report, seq: int
) -> None:
    """An export stores no leaf to compare, so the tree shows the change at the first root
    after it — the seed of the next close — bounded by the last checkpoint that matches."""
    closes = [e.seq for e in org.events() if e.type == ev.ELECTION_CLOSED]
    next_close = min(close for close in closes if close > seq)
    seeds = [d for d in report.checks["counts"].found if d.seq == next_close]
    assert seeds and f"to {next_close - 1} was changed" in seeds[0].detail
    failed = report.checks["checkpoints"].found
    assert failed and all(d.seq is None or d.seq > seq for d in failed)


def test_a_changed_line_of_an_export_fails_at_that_event(
    org: SignedOrganization, tmp_path: Path
) -> None:
    path, seq = changed_ballot_in_an_export(org, tmp_path, signed_anew=False)
    report = verify_export(path, key=verifier(org))
    # The voter's signed statement still says what they chose: the ballot differs from it.
    first = report.first
    assert first is not None
    assert (first.seq, first.type, first.check) == (seq, ev.BALLOT_CAST, "rules")
    assert first.detail.startswith('differs: choice[0]: logged "a1-8"')
    assert_the_tree_shows_the_change_after(org, report, seq)


def test_a_changed_line_of_an_export_signed_anew_by_its_voter_is_refused_by_the_rules(
    org: SignedOrganization, tmp_path: Path
) -> None:
    path, seq = changed_ballot_in_an_export(org, tmp_path, signed_anew=True)
    report = verify_export(path, key=verifier(org))
    # The rules refuse the changed ballot itself: it names one who is no candidate.
    first = report.first
    assert first is not None
    assert (first.seq, first.type, first.check) == (seq, ev.BALLOT_CAST, "rules")
    assert "not a candidate" in first.detail
    assert not report.checks["signatures"].found
    assert_the_tree_shows_the_change_after(org, report, seq)


def test_proofs_from_the_stored_tree_check_out_offline_against_a_signed_checkpoint(
    org: SignedOrganization,
) -> None:
    key = verifier(org)
    with org.soviet.snapshot() as conn:
        size = merkle.tree_size(conn)
        note = proving.signed_checkpoint(conn, size, org.soviet.keys)
        old_note = proving.signed_checkpoint(conn, 7, org.soviet.keys)
        inclusion = proving.inclusion(conn, 5)
        consistency = proving.consistency(conn, 7, size)
        with pytest.raises(InputError, match="seq 0 is not in the log"):
            proving.inclusion(conn, 0)
        with pytest.raises(InputError, match="0 < OLD <= NEW"):
            proving.consistency(conn, 8, 7)
    assert note is not None and old_note is not None
    event = org.events()[4].to_json()
    shown = check_proof(inclusion, [note.encode()], key, event)
    assert f"seq 5 is in the log councils.example.org/city at size {size}" in shown
    check_proof(consistency, [old_note.encode(), note.encode()], key)

    with pytest.raises(LedgerError, match="not the leaf the proof is for"):
        check_proof(inclusion, [note.encode()], key, org.events()[5].to_json())
    with pytest.raises(LedgerError, match="not seq 6"):
        check_proof(inclusion, [note.encode()], key, seq=6)
    with pytest.raises(LedgerError, match="no checkpoint given has that size"):
        check_proof(consistency, [note.encode()], key)
    stranger = generate_key("councils.example.org/city").verifier()
    with pytest.raises(LedgerError, match="not signed by a known key"):
        check_proof(inclusion, [note.encode()], stranger)


def test_a_checkpoint_is_signed_only_by_the_logs_own_key(
    org: SignedOrganization, tmp_path: Path
) -> None:
    with org.soviet.snapshot() as conn:
        with pytest.raises(InputError, match=r"there is no key file at .*nowhere\.key"):
            proving.signed_checkpoint(conn, 5, KeyFile(tmp_path / "nowhere.key"))
        other = KeyFile(tmp_path / "other.key")
        other.create("councils.example.org/city")
        with pytest.raises(InputError, match="is not this log's key"):
            proving.signed_checkpoint(conn, 5, other)


def test_founding_refuses_to_replace_an_existing_key_and_writes_nothing(
    databases: Databases, tmp_path: Path
) -> None:
    key_path = tmp_path / "soviet.key"
    key_path.write_text("an earlier organization's key\n")
    url = databases.new()
    soviet = Soviet(Settings(url, "2026-03-02T09:00:00Z", key_path), create=True)
    try:
        with pytest.raises(InputError, match="already exists"):
            soviet.found(city_federation())
    finally:
        soviet.dispose()
    assert_nothing_written(url)
    assert key_path.read_text() == "an earlier organization's key\n"
    assert not (tmp_path / "soviet.pub").exists()


def test_a_founding_that_cannot_write_its_key_leaves_no_database_behind(
    databases: Databases, tmp_path: Path
) -> None:
    url = databases.new()
    key_path = tmp_path / "no such folder" / "soviet.key"
    with (
        Soviet(Settings(url, "2026-03-02T09:00:00Z", key_path), create=True) as soviet,
        pytest.raises(InputError, match="cannot write the key file"),
    ):
        soviet.found(city_federation())
    assert_nothing_written(url)


def assert_nothing_written(url: str) -> None:
    """No schema, no rows: a new SQLite file is gone again; a PostgreSQL schema is empty."""
    if url.startswith("sqlite"):
        assert not Path(sa.make_url(url).database or "").exists()
        return
    engine = sa.create_engine(url)
    try:
        with engine.connect() as conn:
            assert sa.inspect(conn).get_table_names() == []
    finally:
        engine.dispose()
