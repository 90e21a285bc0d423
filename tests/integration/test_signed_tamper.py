"""Forgeries of members' acts by whoever can write to the database and holds the log's
key: events written in past the signature checks, with their projections, leaves, tree
and stored checkpoint made as soviet would make them — so only the members' own
signatures can tell. `verify` fails naming the seq, the type, and the actor and check.

One organization is built for the module: two elections closed (each logging a
checkpoint), then a tail after the last checkpoint — a member admitted who has not
enrolled yet, and the district's deputy election open to its vote, one ballot cast. Each
test forges its own copy.
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from datetime import timedelta
from functools import partial
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from integration.conftest import Databases
from integration.signed import SignedOrganization, verify
from soviet import codes_file
from soviet.bootstrap import Settings, Soviet, export_target
from soviet.domain import commands as cmd
from soviet.domain import enrollment, statements
from soviet.domain import events as ev
from soviet.domain.clock import format_instant, parse_instant
from soviet.domain.decider import derive
from soviet.domain.events import Event, Recorded
from soviet.domain.statements import Signed
from soviet.errors import LedgerError
from soviet.ledger.entries import canonical, encode_event
from soviet.ledger.hashing import leaf_hash
from soviet.services import elections, members
from soviet.services.deciding import Recording
from soviet.services.verification import Discrepancy, Report
from soviet.storage import database, merkle, proving
from soviet.storage import schema as t
from soviet.storage.keys import KeyFile
from soviet.storage.projectors import dumps
from soviet.storage.replay import replay
from soviet.storage.verification import verify_export
from soviet.storage.workspace import SqlWorkspace

ORIGIN = "councils.example.org/city"
#: The member admitted in the tail, who holds a code and no key.
NEWCOMER = "a1-9"


@dataclass(frozen=True)
class Built:
    url: str
    key: Path
    events: list[Recorded]
    election: str

    @property
    def last(self) -> Recorded:
        return self.events[-1]

    def registration(self, member: str) -> Recorded:
        return next(
            e
            for e in self.events
            if e.type == ev.MEMBER_KEY_REGISTERED and e.data["member"] == member
        )


def story(org: SignedOrganization) -> str:
    """Two closes, then the tail: a newcomer admitted, the district's election voting
    (candidates a2-1 and a1-2), and a2-1's ballot. Returns the election's id."""
    org.elect("a1.deputy", ["a1-2"])
    org.tick(hours=1)
    org.elect("a2.deputy", ["a2-1", "a2-2"])
    org.tick(hours=1)
    code = enrollment.code_hash(codes_file.draw())
    org.act(lambda ws: members.add(ws, NEWCOMER, "Newcomer", ["a1"], "a1-1", code=code))
    org.act(lambda ws: elections.open_election(ws, "district.deputy", "a1-2"))
    election = org.pending("district.deputy").id
    for candidate in ("a2-1", "a1-2"):
        org.act(
            partial(elections.nominate, election_id=election, candidate=candidate, actor="a1-2")
        )
        if candidate != "a1-2":
            org.act(partial(elections.accept, election_id=election, candidate=candidate))
    org.act(lambda ws: elections.start(ws, election, "a1-2"))
    org.tick(hours=0.1)
    org.act(lambda ws: elections.vote(ws, election, ["a2-1"], "a2-1"))
    return election


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Built]:
    folder = tmp_path_factory.mktemp("signed-tamper")
    databases = Databases(folder)
    key = folder / "soviet.key"
    org = SignedOrganization(databases.new(), key)
    try:
        election = story(org)
        yield Built(org.url, key, org.events(), election)
    finally:
        org.dispose()
        databases.drop_all()


@pytest.fixture
def copy(built: Built, databases: Databases) -> str:
    """A new database holding the same log, tree, projections and stored checkpoints."""
    url = databases.new()
    source, target = database.create_engine(built.url), database.create_engine(url)
    try:
        with source.connect() as src, src.begin(), target.connect() as dst, dst.begin():
            replay(src, dst)
            stored = [dict(row._mapping) for row in src.execute(sa.select(t.checkpoints))]
            dst.execute(sa.insert(t.checkpoints), stored)
    finally:
        source.dispose()
        target.dispose()
    report = verify(url)
    assert report.ok, report.discrepancies
    return url


# -- the forger's tools ----------------------------------------------------------------------


def write_in(built: Built, url: str, at: str, handler: Callable[[SqlWorkspace], object]) -> None:
    """Run a handler in a unit of work on the database at `url` at the instant `at`, with
    the log's key: whatever it records gets its rows, projections, leaves, tree nodes and
    the stored checkpoint, signed, as any act would."""
    soviet = Soviet(Settings(url, at, built.key))
    try:
        with soviet.unit_of_work() as ws:
            handler(ws)
    finally:
        soviet.dispose()


def past_the_checks(signed: Signed) -> Callable[[SqlWorkspace], object]:
    """Record a signed statement as `take` does, but without checking its signature: the
    rules derive its events, and the act's own event carries the statement."""

    def handler(ws: SqlWorkspace) -> None:
        recording = Recording(ws)
        derive(recording, cmd.ApplyDue(), ws.now)
        recording.statement = signed
        derive(recording, statements.command_of_statement(signed.statement), ws.now)

    return handler


def tamper(built: Built, url: str, change: Callable[[sa.Connection], int]) -> None:
    """Change the database with plain SQL (`change` returns the first seq it changed),
    then recompute every leaf and the stored tree from the events as they now are, and
    sign a stored checkpoint of it all with the log's key in place of those after the
    change."""
    engine = database.create_engine(url)
    try:
        with engine.begin() as conn:
            changed = change(conn)
            rows = conn.execute(
                sa.text("SELECT seq, at, type, actor, data, clock, signed FROM events ORDER BY seq")
            ).fetchall()
            leaves = []
            for row in rows:
                signed = None if row.signed is None else json.loads(row.signed)
                entry = encode_event(
                    row.seq, row.at, row.type, row.actor, json.loads(row.data), row.clock, signed
                )
                leaf = leaf_hash(entry)
                conn.execute(
                    sa.text("UPDATE events SET leaf = :l WHERE seq = :s"),
                    {"l": leaf, "s": row.seq},
                )
                leaves.append(leaf)
            conn.execute(sa.text("DELETE FROM merkle_nodes"))
            merkle.append_leaves(conn, 0, leaves)
            conn.execute(sa.text("DELETE FROM checkpoints WHERE size >= :s"), {"s": changed})
            proving.store(conn, len(leaves), KeyFile(built.key))
    finally:
        engine.dispose()


def statement_of(
    built: Built, command: cmd.Command, at: str, nonce: str | None = None
) -> statements.Statement:
    later = format_instant(parse_instant(at) + timedelta(minutes=10))
    return statements.statement_of(command, ORIGIN, nonce or secrets.token_hex(16), later)


def an_instant_after(event: Recorded, minutes: float = 1) -> str:
    return format_instant(parse_instant(event.at) + timedelta(minutes=minutes))


def events_of(url: str, start: int = 1) -> list[Recorded]:
    from soviet.storage import log

    engine = database.create_engine(url)
    try:
        with engine.connect() as conn:
            return list(log.read(conn, start))
    finally:
        engine.dispose()


def found_at(report: Report, seq: int, type: str, check: str) -> list[Discrepancy]:
    """Assert the report fails, its first discrepancy at `seq` of `type`, and that the
    check named found one there; returns what that check found there."""
    assert not report.ok, "the forged database verified"
    first = report.first
    assert first is not None and (first.seq, first.type) == (seq, type), report.discrepancies
    found = [d for d in report.checks[check].found if d.seq == seq and d.type == type]
    assert found, report.discrepancies
    with pytest.raises(LedgerError, match=f"at seq {seq} \\({type}\\)"):
        report.raise_if_failed()
    return found


def failing(report: Report) -> set[str]:
    return {name for name, check in report.checks.items() if not check.ok}


# -- (a) a ballot signed by a key that is not the voter's ------------------------------------


@pytest.mark.parametrize("names", ["the key that signed it", "the voter's key"])
def test_a_ballot_signed_by_a_key_that_is_not_the_voters_fails_at_that_ballot(
    built: Built, copy: str, names: str
) -> None:
    voter = "a2-2"
    registered = built.registration(voter)
    at = an_instant_after(built.last)
    impostor = Ed25519PrivateKey.generate()
    signed = statements.sign(
        statement_of(built, cmd.CastBallot(voter, built.election, ("a1-2",)), at), impostor
    )
    if names == "the voter's key":  # the envelope claims the voter's own key id
        signed = replace(signed, key=str(registered.data["key"]))

    write_in(built, copy, at, past_the_checks(signed))

    [forged] = events_of(copy, built.last.seq + 1)
    assert (forged.type, forged.actor, forged.signed) == (
        ev.BALLOT_CAST,
        voter,
        signed.to_json(),
    )
    report = verify(copy)
    assert failing(report) == {"signatures"}, report.discrepancies
    [found] = found_at(report, forged.seq, ev.BALLOT_CAST, "signatures")
    assert found.detail.startswith(f"signature: actor '{voter}': ")
    if names == "the voter's key":
        assert f"signature: the signature does not verify under key {registered.data['key']}" in (
            found.detail
        )
    else:
        assert (
            f"key: the statement is signed with key {signed.key}, not the key in force of '{voter}'"
            in (found.detail)
        )
        assert f"(registered at seq {registered.seq})" in found.detail


# -- (b) an old statement replayed -----------------------------------------------------------


def test_an_old_statement_replayed_as_a_new_event_fails_at_the_replay_naming_the_first(
    built: Built, copy: str
) -> None:
    original = built.last
    assert original.type == ev.BALLOT_CAST and original.signed is not None
    signed = statements.signed_from_json(original.signed)
    at = an_instant_after(original)  # still within its not_after

    def replayed(ws: SqlWorkspace) -> None:
        # the nonce's row would refuse it: the forger removes it first
        ws.conn.execute(
            t.nonces.delete().where(
                t.nonces.c.member == signed.statement.actor,
                t.nonces.c.nonce == signed.statement.nonce,
            )
        )
        past_the_checks(signed)(ws)

    write_in(built, copy, at, replayed)

    [again] = events_of(copy, original.seq + 1)
    assert again.signed == original.signed and again.data["replaces"] == original.seq
    report = verify(copy)
    [found] = found_at(report, again.seq, ev.BALLOT_CAST, "signatures")
    assert found.detail == (
        f"signature: actor 'a2-1': nonce: 'a2-1' signed a statement with nonce "
        f"{signed.statement.nonce} already: it was recorded at seq {original.seq}, and a "
        "statement is recorded once"
    )


# -- (c) a key registered without the member's code --------------------------------------------


def test_a_key_registered_for_a_member_without_their_codes_proof_fails_at_it(
    built: Built, copy: str
) -> None:
    admitted = next(
        e for e in built.events if e.type == ev.MEMBER_ADMITTED and e.data["member"] == NEWCOMER
    )
    at = an_instant_after(built.last)
    operator = Ed25519PrivateKey.generate()
    public = statements.public_key_text(operator)
    # the operator knows the code's hash from the log, not the code: the best "proof" at
    # hand is the hash itself
    proof = str(admitted.data["code"])
    signed = statements.sign(
        statement_of(built, cmd.EnrollKey(NEWCOMER, public, proof), at), operator
    )
    data = {
        "member": NEWCOMER,
        "key": statements.key_id(public),
        "public_key": public,
        "code": admitted.seq,
        "proof": proof,
    }

    registration = Event(ev.MEMBER_KEY_REGISTERED, NEWCOMER, data, signed.to_json())
    write_in(built, copy, at, lambda ws: ws.record(registration))

    seq = built.last.seq + 1
    report = verify(copy)
    [found] = found_at(report, seq, ev.MEMBER_KEY_REGISTERED, "rules")
    assert found.detail.startswith("refused: ")
    assert f"this is not the enrollment code of '{NEWCOMER}'" in found.detail
    assert f"(the latest, issued at seq {admitted.seq})" in found.detail


def test_a_members_key_taken_over_by_a_rotation_their_key_did_not_sign_fails_at_it(
    built: Built, copy: str
) -> None:
    member = "a2-2"
    registered = built.registration(member)
    at = an_instant_after(built.last)
    operator = Ed25519PrivateKey.generate()
    public = statements.public_key_text(operator)
    rotation = statements.sign(statement_of(built, cmd.RotateKey(member, public), at), operator)
    data = {
        "member": member,
        "key": statements.key_id(public),
        "public_key": public,
        "previous": registered.data["key"],
    }
    # then the operator votes as the member, with the key now on file
    vote = statements.sign(
        statement_of(built, cmd.CastBallot(member, built.election, ("a1-2",)), at), operator
    )

    def take_over(ws: SqlWorkspace) -> None:
        ws.record(Event(ev.MEMBER_KEY_REGISTERED, member, data, rotation.to_json()))
        past_the_checks(vote)(ws)

    write_in(built, copy, at, take_over)

    seq = built.last.seq + 1
    report = verify(copy)
    assert failing(report) == {"signatures"}, report.discrepancies
    [found] = found_at(report, seq, ev.MEMBER_KEY_REGISTERED, "signatures")
    assert found.detail == (
        f"signature: actor '{member}': key: the statement is signed with key "
        f"{statements.key_id(public)}, not the key in force of '{member}' (registered at seq "
        f"{registered.seq}), {registered.data['key']}"
    )


# -- (d) an act with its envelope removed ------------------------------------------------------


def test_an_act_with_its_signed_statement_removed_fails_at_it_as_unsigned(
    built: Built, copy: str
) -> None:
    vote = built.last

    def strip(conn: sa.Connection) -> int:
        conn.execute(sa.text("UPDATE events SET signed = NULL WHERE seq = :s"), {"s": vote.seq})
        conn.execute(sa.text("DELETE FROM nonces WHERE seq = :s"), {"s": vote.seq})
        return vote.seq

    tamper(built, copy, strip)

    assert events_of(copy, vote.seq)[0].signed is None
    report = verify(copy)
    assert failing(report) == {"signatures"}, report.discrepancies
    [found] = found_at(report, vote.seq, ev.BALLOT_CAST, "signatures")
    assert found.detail == (
        "unsigned: the act of 'a2-1' carries no signed statement, and every act of this log is "
        "signed by its actor"
    )


def test_an_act_whose_envelope_is_moved_to_another_members_event_fails_at_it(
    built: Built, copy: str
) -> None:
    vote = built.last

    def reattribute(conn: sa.Connection) -> int:
        conn.execute(sa.text("UPDATE events SET actor = 'a2-2' WHERE seq = :s"), {"s": vote.seq})
        conn.execute(sa.text("UPDATE ballots SET voter = 'a2-2' WHERE seq = :s"), {"s": vote.seq})
        return vote.seq

    tamper(built, copy, reattribute)

    report = verify(copy)
    [found] = found_at(report, vote.seq, ev.BALLOT_CAST, "signatures")
    assert (
        found.detail
        == "signature: actor 'a2-2': actor: the statement is the act of 'a2-1', not of 'a2-2'"
    )


# -- (e) an event's data changed, its statement left alone ---------------------------------------


def test_an_events_data_changed_with_its_statement_left_alone_fails_by_the_rules(
    built: Built, copy: str
) -> None:
    vote = built.last
    assert vote.data["choice"] == ["a2-1"]
    changed: dict[str, Any] = {**vote.data, "choice": ["a1-2"]}

    def change(conn: sa.Connection) -> int:
        conn.execute(
            sa.text("UPDATE events SET data = :d WHERE seq = :s"),
            {"d": canonical(changed).decode(), "s": vote.seq},
        )
        conn.execute(
            sa.text("UPDATE ballots SET choice = :c WHERE seq = :s"),
            {"c": dumps(["a1-2"]), "s": vote.seq},
        )
        return vote.seq

    tamper(built, copy, change)

    report = verify(copy)
    assert failing(report) == {"rules"}, report.discrepancies
    [found] = found_at(report, vote.seq, ev.BALLOT_CAST, "rules")
    assert found.detail.startswith("differs: ")
    assert "choice" in found.detail and "a1-2" in found.detail and "a2-1" in found.detail


# -- from an export ------------------------------------------------------------------------


def exported(url: str, key: Path, path: Path) -> Path:
    settings = Settings(url, None, key)
    with Soviet(settings) as soviet:
        soviet.export(export_target(settings, str(path), force=False, stdout=None))
    return path


def test_an_export_verifies_every_signature_and_a_forged_ballot_in_it_fails_at_its_seq(
    built: Built, copy: str, tmp_path: Path
) -> None:
    honest = verify_export(exported(built.url, built.key, tmp_path / "honest.jsonl"))
    assert honest.ok, honest.discrepancies
    assert honest.checks["signatures"].ran and honest.signed == sum(
        1 for e in built.events if e.signed is not None
    )

    voter = "a2-2"
    at = an_instant_after(built.last)
    impostor = Ed25519PrivateKey.generate()
    signed = statements.sign(
        statement_of(built, cmd.CastBallot(voter, built.election, ("a1-2",)), at), impostor
    )
    write_in(built, copy, at, past_the_checks(signed))
    report = verify_export(exported(copy, built.key, tmp_path / "forged.jsonl"))
    assert failing(report) == {"signatures"}, report.discrepancies
    [found] = found_at(report, built.last.seq + 1, ev.BALLOT_CAST, "signatures")
    assert found.detail.startswith(f"signature: actor '{voter}': key: ")
