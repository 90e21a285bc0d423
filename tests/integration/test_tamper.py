"""Changing a database behind the system's back, with plain SQL: `verify` fails and names
the place — the seq and type of the event where the log and the database part ways.

A signed organization is built once (four closes, four logged checkpoints, then a recall
petition signed and voted on after the last close); each test tampers with its own copy,
made by replaying its log into a new database and copying its stored checkpoints. Every
act carries its member's signed statement: a tamperer who wants the rules to pass has to
sign with the member's own key, and the log's signatures, counts and projections still
tell.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from functools import partial
from typing import Any

import pytest
import sqlalchemy as sa

from integration.conftest import Databases
from integration.signed import SignedOrganization, elect_every_level, verify
from soviet.domain import commands as cmd
from soviet.domain import events as ev
from soviet.domain.events import Recorded
from soviet.domain.statements import sign, signed_from_json
from soviet.errors import LedgerError
from soviet.keyring import Keyring
from soviet.ledger.checkpoints import Checkpoint, generate_key, parse_note, sign_checkpoint
from soviet.ledger.entries import canonical, encode_event
from soviet.ledger.hashing import leaf_hash
from soviet.services import recall
from soviet.storage import database, merkle
from soviet.storage.projectors import dumps
from soviet.storage.replay import replay
from soviet.storage.schema import checkpoints


@dataclass(frozen=True)
class Built:
    """The organization every test copies, and its log."""

    url: str
    events: list[Recorded]
    #: Every member's own key, which signed their acts, and the organization's origin.
    keyring: Keyring
    origin: str

    def first(self, kind: str, after: int = 0) -> Recorded:
        return next(e for e in self.events if e.type == kind and e.seq > after)


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Built]:
    folder = tmp_path_factory.mktemp("tamper")
    databases = Databases(folder)
    org = SignedOrganization(databases.new(), folder / "soviet.key")
    try:
        elect_every_level(org)
        petition_after_the_last_close(org)
        yield Built(org.url, org.events(), org.keyring, org.events()[0].data["origin"])
    finally:
        org.dispose()
        databases.drop_all()


def petition_after_the_last_close(org: SignedOrganization) -> None:
    """A petition against a1's deputy, a second signature that forces the recall vote, and
    two recall ballots — the log's tail, after the last close and its logged checkpoint."""
    [mandate] = org.read(lambda ws: ws.active_mandates(office="a1.deputy"))
    org.act(lambda ws: recall.open_petition(ws, mandate.id, "absent", "a1-3"))
    petition = org.read(lambda ws: ws.live_petition(mandate.id))
    assert petition is not None
    org.tick(hours=0.1)
    org.act(lambda ws: recall.sign(ws, petition.id, "a1-4"))
    for voter, choice in (("a1-5", "no"), ("a1-6", "yes")):
        org.tick(hours=0.1)
        org.act(partial(recall.vote, petition_id=petition.id, choice=choice, voter=voter))


@pytest.fixture
def copy(built: Built, databases: Databases) -> str:
    """A new database holding the same log, events, tree, projections and stored
    checkpoints."""
    url = databases.new()
    source, target = database.create_engine(built.url), database.create_engine(url)
    try:
        with source.connect() as src, src.begin(), target.connect() as dst, dst.begin():
            replay(src, dst)
            stored = [dict(row._mapping) for row in src.execute(sa.select(checkpoints))]
            dst.execute(sa.insert(checkpoints), stored)
    finally:
        source.dispose()
        target.dispose()
    assert verify(url).ok
    return url


def tamper(url: str, change: Callable[[sa.Connection], None]) -> None:
    engine = database.create_engine(url)
    try:
        with engine.begin() as conn:
            change(conn)
    finally:
        engine.dispose()


def sql(statement: str, **params: Any) -> Callable[[sa.Connection], None]:
    def run(conn: sa.Connection) -> None:
        conn.execute(sa.text(statement), params)

    return run


def data_of(conn: sa.Connection, seq: int) -> dict[str, Any]:
    text = conn.execute(sa.text("SELECT data FROM events WHERE seq = :s"), {"s": seq}).scalar()
    value = json.loads(str(text))
    assert isinstance(value, dict)
    return value


def rewrite(conn: sa.Connection, seq: int, data: dict[str, Any]) -> None:
    """Change an event's data as one who knows the scheme would: its leaf recomputed, and
    the whole stored tree rebuilt over the leaves, so only signatures and recounts can
    tell."""
    conn.execute(
        sa.text("UPDATE events SET data = :d WHERE seq = :s"),
        {"d": canonical(data).decode(), "s": seq},
    )
    rebuild_tree(conn)


def failed_at(url: str, seq: int, kind: str | None, check: str) -> str:
    """Assert `verify` fails with its first discrepancy at `seq`, of event type `kind`,
    found by `check`; returns what it says differs."""
    report = verify(url)
    first = report.first
    assert first is not None, "the tampered database verified"
    assert (first.seq, first.type, first.check) == (seq, kind, check), first
    with pytest.raises(LedgerError, match=f"at seq {seq}"):
        report.raise_if_failed()
    return first.detail


# -- the log -----------------------------------------------------------------------------


def test_one_changed_byte_in_an_events_data_is_found_at_that_event(built: Built, copy: str) -> None:
    ballot = built.first(ev.BALLOT_CAST)
    voted = str(ballot.data["choice"][0])
    other = voted[:-1] + ("3" if voted[-1] != "3" else "4")
    tamper(
        copy,
        sql(
            "UPDATE events SET data = REPLACE(data, :a, :b) WHERE seq = :s",
            a=voted,
            b=other,
            s=ballot.seq,
        ),
    )
    detail = failed_at(copy, ballot.seq, ev.BALLOT_CAST, "leaves")
    assert "is not the hash of the event" in detail


def test_a_deleted_event_is_found_where_the_log_skips_it(built: Built, copy: str) -> None:
    gone = built.first(ev.BALLOT_CAST, after=built.first(ev.BALLOT_CAST).seq)
    tamper(copy, sql("DELETE FROM events WHERE seq = :s", s=gone.seq))
    detail = failed_at(copy, gone.seq, None, "entries")
    assert f"entry {gone.seq} is missing" in detail
    assert f"goes on at {gone.seq + 1}" in detail


def test_two_swapped_events_are_found_at_the_first_of_them(built: Built, copy: str) -> None:
    started = built.first(ev.ELECTION_STARTED)
    ballot = built.first(ev.BALLOT_CAST, after=started.seq)

    def swap(conn: sa.Connection) -> None:
        move = "UPDATE events SET seq = :new WHERE seq = :old"
        conn.execute(sa.text(move), {"old": started.seq, "new": -1})
        conn.execute(sa.text(move), {"old": ballot.seq, "new": started.seq})
        conn.execute(sa.text(move), {"old": -1, "new": ballot.seq})

    tamper(copy, swap)
    failed_at(copy, started.seq, ev.BALLOT_CAST, "leaves")


def inserted_ballot(
    built: Built, signer: Keyring | None
) -> tuple[int, Callable[[sa.Connection], None]]:
    """Where a ballot by a2-6, who never voted in that election, is put right after the
    first ballot, with a correct leaf hash; and the change that puts it there. With
    `signer`, a2-6's statement of it, signed by the key it holds for a2-6."""
    ballot = built.first(ev.BALLOT_CAST)
    seq = ballot.seq + 1
    choice = list(ballot.data["choice"])
    forged = {"election": ballot.data["election"], "choice": choice}
    signed = None
    if signer is not None:
        act = cmd.CastBallot("a2-6", str(ballot.data["election"]), tuple(choice))
        signed = signer.sign(act, built.origin, ballot.at).to_json()

    def insert(conn: sa.Connection) -> None:
        # make room (through negative seqs: a key is never held twice), then the ballot
        conn.execute(sa.text("UPDATE events SET seq = -seq - 1 WHERE seq >= :s"), {"s": seq})
        conn.execute(sa.text("UPDATE events SET seq = -seq WHERE seq < 0"))
        entry = encode_event(seq, ballot.at, ev.BALLOT_CAST, "a2-6", forged, None, signed)
        conn.execute(
            sa.text(
                "INSERT INTO events (seq, at, type, actor, data, signed, leaf) "
                "VALUES (:s, :at, :t, :a, :d, :signed, :l)"
            ),
            {
                "s": seq,
                "at": ballot.at,
                "t": ev.BALLOT_CAST,
                "a": "a2-6",
                "d": canonical(forged).decode(),
                "signed": None if signed is None else canonical(signed).decode(),
                "l": leaf_hash(entry),
            },
        )

    return seq, insert


def assert_missing_from_the_database(url: str, seq: int) -> None:
    [missing] = [d for d in verify(url).checks["projections"].found if d.seq == seq]
    assert "a2-6" in missing.detail and "missing from the database" in missing.detail


def test_an_event_inserted_into_the_middle_is_found_where_it_was_put(
    built: Built, copy: str
) -> None:
    seq, insert = inserted_ballot(built, None)
    tamper(copy, insert)
    detail = failed_at(copy, seq, ev.BALLOT_CAST, "signatures")
    assert "the act of 'a2-6' carries no signed statement" in detail
    assert_missing_from_the_database(copy, seq)


def test_an_event_inserted_with_its_actors_own_signature_is_found_by_the_rules(
    built: Built, copy: str
) -> None:
    seq, insert = inserted_ballot(built, built.keyring)
    tamper(copy, insert)
    detail = failed_at(copy, seq, ev.BALLOT_CAST, "rules")
    assert "'a2-6' is not on the roll" in detail
    assert not verify(copy).checks["signatures"].found
    assert_missing_from_the_database(copy, seq)


def test_a_logged_checkpoint_signed_by_another_key_is_found_even_with_the_tree_rebuilt(
    built: Built, copy: str
) -> None:
    logged = built.first(ev.CHECKPOINT_LOGGED)
    real = Checkpoint.parse(parse_note(str(logged.data["checkpoint"]).encode())[0])
    impostor = generate_key(real.origin)
    note = sign_checkpoint(real, impostor).decode()
    tamper(copy, lambda conn: rewrite(conn, logged.seq, {**logged.data, "checkpoint": note}))
    detail = failed_at(copy, logged.seq, ev.CHECKPOINT_LOGGED, "checkpoints")
    assert "not signed by a known key" in detail


def test_a_logged_result_that_is_not_the_count_is_found_by_the_recount(
    built: Built, copy: str
) -> None:
    closed = built.first(ev.ELECTION_CLOSED)
    result = json.loads(json.dumps(closed.data["result"]))
    first_round = result["rounds"][0]["votes"]
    winner = str(closed.data["winners"][0])
    first_round[winner] = first_round[winner] + 1
    tamper(copy, lambda conn: rewrite(conn, closed.seq, {**closed.data, "result": result}))
    detail = failed_at(copy, closed.seq, ev.ELECTION_CLOSED, "counts")
    assert f"result.rounds[0].votes.{winner}: logged" in detail


# -- the projections ---------------------------------------------------------------------


def test_a_mandate_given_to_another_holder_is_found_at_the_grant(built: Built, copy: str) -> None:
    granted = built.first(ev.MANDATE_GRANTED)
    tamper(
        copy,
        sql("UPDATE mandates SET holder = :h WHERE id = :m", h="a1-5", m=granted.data["mandate"]),
    )
    detail = failed_at(copy, granted.seq, ev.MANDATE_GRANTED, "projections")
    assert f"holder is 'a1-5' in the database, '{granted.data['holder']}' by the log" in detail


def test_a_changed_ballot_choice_is_found_at_that_ballot(built: Built, copy: str) -> None:
    ballot = built.first(ev.BALLOT_CAST)
    tamper(
        copy,
        sql(
            "UPDATE ballots SET choice = :c WHERE election = :e AND voter = :v",
            c=dumps(["a1-5"]),
            e=ballot.data["election"],
            v=ballot.actor,
        ),
    )
    detail = failed_at(copy, ballot.seq, ev.BALLOT_CAST, "projections")
    assert "choice is '[\"a1-5\"]' in the database" in detail


def test_a_changed_vote_count_is_found_at_the_close(built: Built, copy: str) -> None:
    closed = built.first(ev.ELECTION_CLOSED)
    result = json.loads(json.dumps(closed.data["result"]))
    winner = str(closed.data["winners"][0])
    result["rounds"][0]["votes"][winner] += 10
    tamper(
        copy,
        sql(
            "UPDATE elections SET result = :r WHERE id = :e",
            r=dumps(result),
            e=closed.data["election"],
        ),
    )
    detail = failed_at(copy, closed.seq, ev.ELECTION_CLOSED, "projections")
    assert detail.startswith(f"elections {closed.data['election']}: result is")


def test_a_stored_merkle_node_changed_is_found_over_the_events_it_covers(
    built: Built, copy: str
) -> None:
    tamper(copy, sql("UPDATE merkle_nodes SET hash = :h WHERE level = 2 AND idx = 3", h=bytes(32)))
    detail = failed_at(copy, 16, None, "tree")
    assert detail == "Merkle node (2, 3) over seqs 13 to 16 is not the hash of its two children"


# -- the signed tail ---------------------------------------------------------------------


def rebuild_tree(conn: sa.Connection) -> None:
    """Recompute every leaf and the whole stored tree from the events as they now are."""
    rows = conn.execute(
        sa.text("SELECT seq, at, type, actor, data, clock, signed FROM events ORDER BY seq")
    )
    leaves = []
    for row in rows.fetchall():
        signed = None if row.signed is None else json.loads(row.signed)
        data = json.loads(row.data)
        leaf = leaf_hash(
            encode_event(row.seq, row.at, row.type, row.actor, data, row.clock, signed)
        )
        conn.execute(
            sa.text("UPDATE events SET leaf = :l WHERE seq = :s"), {"l": leaf, "s": row.seq}
        )
        leaves.append(leaf)
    conn.execute(sa.text("DELETE FROM merkle_nodes"))
    merkle.append_leaves(conn, 0, leaves)


def last_vote(built: Built) -> Recorded:
    return [e for e in built.events if e.type == ev.RECALL_BALLOT_CAST][-1]


def change_the_last_vote(
    built: Built, *, signed_anew: bool = True
) -> Callable[[sa.Connection], None]:
    """Turn the last recall ballot from yes to no, in the log and its projection alike,
    with the tree rebuilt and (`signed_anew`) its statement signed again by the voter's
    own key: only the log's signature can tell."""
    vote = last_vote(built)
    assert vote.data["vote"] == "yes" and vote.actor is not None and vote.signed is not None
    statement = signed_from_json(vote.signed).statement
    assert statement.data["vote"] == "yes"
    again = replace(statement, data={**statement.data, "vote": "no"})
    envelope = sign(again, built.keyring.key_of(vote.actor)).to_json()

    def change(conn: sa.Connection) -> None:
        conn.execute(
            sa.text("UPDATE events SET data = :d WHERE seq = :s"),
            {"d": canonical({**vote.data, "vote": "no"}).decode(), "s": vote.seq},
        )
        if signed_anew:
            conn.execute(
                sa.text("UPDATE events SET signed = :e WHERE seq = :s"),
                {"e": canonical(envelope).decode(), "s": vote.seq},
            )
        conn.execute(
            sa.text("UPDATE recall_ballots SET vote = 'no' WHERE seq = :s"), {"s": vote.seq}
        )
        rebuild_tree(conn)

    return change


def test_the_log_has_events_after_its_last_close(built: Built) -> None:
    closes = [e.seq for e in built.events if e.type == ev.ELECTION_CLOSED]
    assert last_vote(built).seq > max(closes) + 1  # its logged checkpoint is in between


def test_a_ballot_changed_after_the_last_close_with_the_tree_rebuilt_fails_at_the_stored_checkpoint(
    built: Built, copy: str
) -> None:
    tamper(copy, change_the_last_vote(built))
    report = verify(copy)
    assert [c.name for c in report.checks.values() if not c.ok] == ["checkpoints"]
    detail = report.checks["checkpoints"].found[0].detail
    assert "stored checkpoints signs" in detail and "the log was rewritten" in detail
    with pytest.raises(LedgerError, match="stored checkpoints"):
        report.raise_if_failed()


def test_a_ballot_changed_after_the_last_close_without_its_voters_signature_fails_there_too(
    built: Built, copy: str
) -> None:
    tamper(copy, change_the_last_vote(built, signed_anew=False))
    report = verify(copy)
    assert {c.name for c in report.checks.values() if not c.ok} == {"checkpoints", "rules"}
    [differs] = report.checks["rules"].found
    assert (differs.seq, differs.type) == (last_vote(built).seq, ev.RECALL_BALLOT_CAST)
    assert differs.detail.startswith("differs: vote")


def test_a_changed_tail_with_every_stored_checkpoint_deleted_is_signed_by_none(
    built: Built, copy: str
) -> None:
    def change(conn: sa.Connection) -> None:
        change_the_last_vote(built)(conn)
        conn.execute(sa.text("DELETE FROM checkpoints"))

    tamper(copy, change)
    logged = [e.seq for e in built.events if e.type == ev.CHECKPOINT_LOGGED][-1]
    detail = failed_at(copy, logged, ev.CHECKPOINT_LOGGED, "checkpoints")
    assert (
        f"signed by no checkpoint: the latest signature, the checkpoint logged at seq "
        f"{logged}, covers {logged - 1}" in detail
    )
    assert "--unsigned-tail" in detail
    report = verify(copy)
    assert [c.name for c in report.checks.values() if not c.ok] == ["checkpoints"]


def test_stored_checkpoints_signed_by_another_key_do_not_open(built: Built, copy: str) -> None:
    def forge(conn: sa.Connection) -> None:
        change_the_last_vote(built)(conn)
        size = len(built.events)
        root = merkle.root(conn, size)
        note = sign_checkpoint(
            Checkpoint("councils.example.org/city", size, root),
            generate_key("councils.example.org/city"),
        ).decode()
        conn.execute(sa.text("DELETE FROM checkpoints"))
        conn.execute(
            sa.text("INSERT INTO checkpoints (size, note) VALUES (:s, :n)"), {"s": size, "n": note}
        )

    tamper(copy, forge)
    report = verify(copy)
    assert not report.checks["checkpoints"].ok
    details = [d.detail for d in report.checks["checkpoints"].found]
    assert any("stored checkpoints does not open" in d for d in details), details


def test_the_last_events_removed_with_the_tree_rebuilt_fail_at_the_stored_checkpoint(
    built: Built, copy: str
) -> None:
    vote = last_vote(built)

    def cut(conn: sa.Connection) -> None:
        conn.execute(sa.text("DELETE FROM recall_ballots WHERE seq >= :s"), {"s": vote.seq})
        conn.execute(sa.text("DELETE FROM nonces WHERE seq >= :s"), {"s": vote.seq})
        conn.execute(sa.text("DELETE FROM events WHERE seq >= :s"), {"s": vote.seq})
        rebuild_tree(conn)

    tamper(copy, cut)
    report = verify(copy)
    assert [c.name for c in report.checks.values() if not c.ok] == ["checkpoints"]
    detail = report.checks["checkpoints"].found[0].detail
    assert f"signs {len(built.events):,} entries, the log has {vote.seq - 1:,}" in detail
    assert "entries were removed" in detail


def test_a_log_cut_back_with_its_later_checkpoints_fails_against_a_checkpoint_held_outside(
    built: Built, copy: str
) -> None:
    vote = last_vote(built)
    engine = database.create_engine(copy)
    try:
        with engine.connect() as conn, conn.begin():
            held = conn.execute(
                sa.text("SELECT note FROM checkpoints WHERE size = :s"), {"s": vote.seq}
            ).scalar_one()
    finally:
        engine.dispose()

    def cut(conn: sa.Connection) -> None:
        conn.execute(sa.text("DELETE FROM recall_ballots WHERE seq >= :s"), {"s": vote.seq})
        conn.execute(sa.text("DELETE FROM nonces WHERE seq >= :s"), {"s": vote.seq})
        conn.execute(sa.text("DELETE FROM events WHERE seq >= :s"), {"s": vote.seq})
        conn.execute(sa.text("DELETE FROM checkpoints WHERE size >= :s"), {"s": vote.seq})
        rebuild_tree(conn)

    tamper(copy, cut)
    # an earlier state, whole: only a checkpoint someone kept can show the log shrank
    assert verify(copy).ok
    report = verify(copy, since=str(held).encode())
    assert [c.name for c in report.checks.values() if not c.ok] == ["since"]
    assert "entries were removed" in report.checks["since"].found[0].detail
