"""Every unit of work stores the signed checkpoint of the tree it leaves, beside the log,
and `verify` requires the latest signature to cover every event — of the database, and of
an export, whose last line is that signature."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa

from integration.conftest import Databases
from integration.signed import SignedOrganization, elect_every_level, verify
from soviet.bootstrap import Settings, Soviet
from soviet.domain import events as ev
from soviet.errors import InputError
from soviet.ledger.checkpoints import VerifierKey, open_checkpoint
from soviet.ledger.entries import canonical
from soviet.services import exports, members
from soviet.services.verification import Report
from soviet.storage import merkle
from soviet.storage.verification import verify_export


@pytest.fixture
def org(databases: Databases, tmp_path: Path) -> Iterator[SignedOrganization]:
    """A signed organization that has elected every level, then admitted one more member
    to a1: an act after the last close."""
    made = SignedOrganization(databases.new(), tmp_path / "soviet.key")
    try:
        elect_every_level(made)
        made.act(lambda ws: members.join(ws, "a2-6", "a1", "a1-1"))
        yield made
    finally:
        made.dispose()


def verifier(org: SignedOrganization) -> VerifierKey:
    key = org.soviet.keys.load()
    assert key is not None
    return key.verifier()


def stored(org: SignedOrganization) -> list[tuple[int, str]]:
    with org.soviet.snapshot() as conn:
        rows = conn.execute(sa.text("SELECT size, note FROM checkpoints ORDER BY size"))
        return [(int(size), str(note)) for size, note in rows]


def export_of(org: SignedOrganization, path: Path) -> list[bytes]:
    """Export the whole log to `path` as `soviet export` does; returns its lines."""
    with org.soviet.reading() as reads, path.open("wb") as out:
        size = reads.size()
        note, signed = exports.checkpoint_for(reads, size)
        assert signed == "stored"
        exports.write(reads, out, size, note)
    return path.read_bytes().splitlines(keepends=True)


def failed(report: Report, check: str, says: str) -> None:
    assert [c.name for c in report.checks.values() if not c.ok] == [check], report.to_json()
    details = [d.detail for d in report.checks[check].found]
    assert any(says in d for d in details), details


def test_every_act_stores_the_signed_checkpoint_of_the_log_it_leaves(
    org: SignedOrganization,
) -> None:
    checkpoints = stored(org)
    events = org.events()
    # the founding is one unit of work, the charter members' enrollments the next
    founding = next(e.seq for e in events if e.type == ev.MEMBER_KEY_REGISTERED) - 1
    enrolled = next(e.seq for e in events if e.type == ev.ELECTION_OPENED) - 1
    assert {e.type for e in events[founding:enrolled]} == {ev.MEMBER_KEY_REGISTERED}
    sizes = [size for size, _ in checkpoints]
    assert sizes[:2] == [founding, enrolled]
    assert sizes == sorted(set(sizes))
    closes = {e.seq for e in events if e.type == ev.CHECKPOINT_LOGGED}  # each ends a close
    assert closes <= set(sizes)
    with org.soviet.snapshot() as conn:
        size = merkle.tree_size(conn)
        assert sizes[-1] == size
        for covered, note in checkpoints:
            checkpoint = open_checkpoint(note.encode(), verifier(org))
            assert (checkpoint.size, checkpoint.root) == (covered, merkle.root(conn, covered))


def test_a_unit_of_work_that_records_nothing_stores_no_checkpoint(
    org: SignedOrganization,
) -> None:
    before = stored(org)
    org.tick(hours=1)
    org.read(lambda ws: ws.member_ids())
    assert stored(org) == before


def test_an_act_on_a_signed_log_without_its_key_is_refused_and_writes_nothing(
    org: SignedOrganization, tmp_path: Path
) -> None:
    before = org.snapshot(), stored(org)
    # the members' own keys at hand, but not the log's
    elsewhere = Soviet(Settings(org.url, org.now, tmp_path / "elsewhere.key"), signer=org.keyring)
    try:
        with pytest.raises(InputError, match=r"no key file at .*elsewhere\.key"):  # noqa: SIM117
            with elsewhere.unit_of_work() as ws:
                members.join(ws, "a2-5", "a1", "a1-1")
    finally:
        elsewhere.dispose()
    assert (org.snapshot(), stored(org)) == before
    ok(verify(org.url))


def ok(report: Report) -> Report:
    assert report.ok, [d.to_json() for d in report.discrepancies]
    return report


def test_the_database_verifies_with_its_latest_stored_checkpoint_signing_every_event(
    org: SignedOrganization,
) -> None:
    report = ok(verify(org.url, key=verifier(org)))
    summary = report.checks["checkpoints"].summary
    assert f"stored checkpoints signs the root of the log's first {report.size:,}" in summary
    assert not [n for n in report.notes if "covered by no signature" in n]


def test_an_export_ends_with_the_stored_checkpoint_of_all_its_events(
    org: SignedOrganization, tmp_path: Path
) -> None:
    lines = export_of(org, tmp_path / "log.jsonl")
    assert lines[-1].startswith(
        b'{"checkpoint":"councils.example.org/city\\n' + str(len(lines) - 1).encode()
    )
    ok(verify_export(tmp_path / "log.jsonl", key=verifier(org)))


def test_an_export_without_its_checkpoint_line_fails_unless_the_tail_may_be_unsigned(
    org: SignedOrganization, tmp_path: Path
) -> None:
    path = tmp_path / "log.jsonl"
    lines = export_of(org, path)
    path.write_bytes(b"".join(lines[:-1]))
    failed(verify_export(path, key=verifier(org)), "checkpoints", "signed by no checkpoint")
    report = ok(verify_export(path, key=verifier(org), unsigned_tail=True))
    assert "the export ends with no signed checkpoint" in report.notes


def test_an_export_cut_back_to_an_earlier_checkpoint_fails(
    org: SignedOrganization, tmp_path: Path
) -> None:
    path = tmp_path / "log.jsonl"
    lines = export_of(org, path)
    logged = [e for e in org.events() if e.type == ev.CHECKPOINT_LOGGED][-2]
    # the file as it stood at that logged checkpoint: its events, then without or with
    # the checkpoint it logged as the last line
    path.write_bytes(b"".join(lines[: logged.seq]))
    failed(
        verify_export(path, key=verifier(org)),
        "checkpoints",
        f"the checkpoint logged at seq {logged.seq}, covers {logged.seq - 1}",
    )
    ok(verify_export(path, key=verifier(org), unsigned_tail=True))
    note = canonical({"checkpoint": logged.data["checkpoint"]})
    path.write_bytes(b"".join(lines[: logged.seq]) + note + b"\n")
    failed(verify_export(path, key=verifier(org)), "checkpoints", "signed by no checkpoint")


def test_a_checkpoint_given_since_that_is_larger_than_the_export_fails(
    org: SignedOrganization, tmp_path: Path
) -> None:
    path = tmp_path / "log.jsonl"
    lines = export_of(org, path)
    later = stored(org)[-1][1].encode()
    logged = [e for e in org.events() if e.type == ev.CHECKPOINT_LOGGED][-1]
    path.write_bytes(b"".join(lines[: logged.seq]))
    report = verify_export(path, key=verifier(org), since=later, unsigned_tail=True)
    failed(report, "since", f"signs {len(lines) - 1:,} entries, the log has {logged.seq:,}")


def test_a_missing_projection_table_fails_the_projections_check_naming_it(
    org: SignedOrganization,
) -> None:
    engine = sa.create_engine(org.url)
    try:
        with engine.begin() as conn:
            conn.execute(sa.text("DROP TABLE recall_ballots"))
    finally:
        engine.dispose()
    failed(
        verify(org.url),
        "projections",
        "the projection table recall_ballots is missing from the database",
    )
