"""Forgeries by whoever holds the database and the log's key: an event the rules did not
produce, written in, every leaf, node and checkpoint recomputed and re-signed with the
log's own key — so only the re-derivation of the rules can tell. `verify` fails naming
the seq where the log parts from what the rules derive. Each act keeps the statement its
member signed: an act changed without it differs from its statement where it is, and one
signed anew with the member's own key (a member who lends their key) still fails by the
rules where its consequences part from what is logged.

One organization is built for the module: elections at every level, a recall by
signatures that cascades up two levels with its by-elections, a contested by-election,
and a recall vote that fails. Each test forges its own copy.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from functools import partial
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from integration.conftest import Databases
from integration.signed import SignedOrganization, elect_every_level, verify
from soviet.domain import events as ev
from soviet.domain import votes
from soviet.domain.events import Recorded
from soviet.domain.statements import sign, signed_from_json
from soviet.keyring import Keyring
from soviet.ledger.checkpoints import Checkpoint, sign_checkpoint
from soviet.ledger.compact import Range
from soviet.ledger.entries import canonical, encode_event
from soviet.ledger.hashing import leaf_hash
from soviet.services import elections, recall
from soviet.storage import database, log, merkle, schema
from soviet.storage.keys import KeyFile
from soviet.storage.replay import replay
from soviet.storage.schema import checkpoints, events


@dataclass(frozen=True)
class Built:
    url: str
    key: Path
    events: list[Recorded]
    #: Every member's own key, which signed their acts.
    keyring: Keyring

    def find(self, kind: str, **data: Any) -> Recorded:
        return next(
            e
            for e in self.events
            if e.type == kind and all(e.data.get(k) == v for k, v in data.items())
        )


def story(org: SignedOrganization) -> None:
    elect_every_level(org)
    # a2-1 holds a2.deputy, the district's deputyship and the city's chair: three of the
    # six electors of a2 sign, half, and the mandate ends at once, cascading upward
    [deputy] = [
        m for m in org.read(lambda ws: ws.active_mandates(office="a2.deputy")) if m.holder == "a2-1"
    ]
    org.act(lambda ws: recall.open_petition(ws, deputy.id, "absent", "a2-3"))
    petition = org.read(lambda ws: ws.live_petition(deputy.id))
    assert petition is not None
    for signer in ("a2-4", "a2-5"):
        org.tick(hours=0.1)
        org.act(partial(recall.sign, petition_id=petition.id, actor=signer))
    org.tick(hours=1)
    # the by-election for the seat, contested: a2-3 against a2-4
    pending = org.pending("a2.deputy")
    org.act(lambda ws: elections.nominate(ws, pending.id, "a2-3", "a2-2"))
    org.act(lambda ws: elections.accept(ws, pending.id, "a2-3"))
    org.act(lambda ws: elections.nominate(ws, pending.id, "a2-4", "a2-2"))
    org.act(lambda ws: elections.accept(ws, pending.id, "a2-4"))
    org.act(lambda ws: elections.start(ws, pending.id, "a2-2"))
    roll = sorted(org.pending("a2.deputy").roll)
    for i, voter in enumerate(roll):
        org.tick(hours=0.1)
        choice = ["a2-3", "a2-4"] if i % 3 else ["a2-4", "a2-3"]
        org.act(partial(elections.vote, election_id=pending.id, choice=choice, voter=voter))
    org.act(lambda ws: elections.close(ws, pending.id, roll[0]))
    org.tick(hours=1)
    # a recall vote on a1's deputy that fails: two sign, the vote opens, 2 yes and 6 no
    [a1] = org.read(lambda ws: ws.active_mandates(office="a1.deputy"))
    org.act(lambda ws: recall.open_petition(ws, a1.id, "too quiet", "a1-3"))
    second = org.read(lambda ws: ws.live_petition(a1.id))
    assert second is not None
    org.act(lambda ws: recall.sign(ws, second.id, "a1-4"))
    voting = org.read(lambda ws: ws.petition(second.id))
    for i, voter in enumerate(sorted(voting.roll)):
        org.tick(hours=0.1)
        org.act(
            partial(
                recall.vote, petition_id=second.id, choice="yes" if i < 2 else "no", voter=voter
            )
        )
    org.act(lambda ws: recall.close(ws, second.id, "a1-1"))


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Built]:
    folder = tmp_path_factory.mktemp("forgery")
    databases = Databases(folder)
    key = folder / "soviet.key"
    org = SignedOrganization(databases.new(), key)
    try:
        story(org)
        yield Built(org.url, key, org.events(), org.keyring)
    finally:
        org.dispose()
        databases.drop_all()


Forge = Callable[[list[Recorded]], list[Recorded]]


def forged(built: Built, databases: Databases, forge: Forge, *, reseed: bool = False) -> str:
    """A new database holding the forged log as one holding the key would make it: seqs
    and causes renumbered, every checkpoint re-signed, leaves, tree and projections
    rebuilt, the stored checkpoint signed anew — and with `reseed`, each close's seed set
    to the new root before it."""
    rows = forge(list(built.events))
    renumber = {e.seq: n for n, e in enumerate(rows, start=1)}
    signing = KeyFile(built.key).require()
    tree = Range()
    written: list[Recorded] = []
    for n, e in enumerate(rows, start=1):
        data = dict(e.data)
        if isinstance(data.get("cause"), int):
            data["cause"] = renumber.get(data["cause"], data["cause"])
        if e.type == ev.CHECKPOINT_LOGGED:
            body = Checkpoint(signing.name, n - 1, tree.root())
            data["checkpoint"] = sign_checkpoint(body, signing).decode()
        if reseed and e.type == ev.ELECTION_CLOSED:
            data["seed"] = tree.root().hex()
        event = Recorded(n, e.at, e.type, e.actor, data, e.clock, e.signed)
        tree.append(leaf_hash(encode_event(n, e.at, e.type, e.actor, data, e.clock, e.signed)))
        written.append(event)
    raw = databases.new()
    engine = database.create_engine(raw)
    try:
        with engine.begin() as conn:
            database.migrate(conn)
            conn.execute(
                sa.insert(events),
                [
                    {
                        "seq": e.seq,
                        "at": e.at,
                        "type": e.type,
                        "actor": e.actor,
                        "data": canonical(dict(e.data)).decode(),
                        "clock": e.clock,
                        "signed": None if e.signed is None else canonical(dict(e.signed)).decode(),
                        "leaf": leaf_hash(
                            encode_event(
                                e.seq, e.at, e.type, e.actor, dict(e.data), e.clock, e.signed
                            )
                        ),
                    }
                    for e in written
                ],
            )
    finally:
        engine.dispose()
    url = databases.new()
    source, target = database.create_engine(raw), database.create_engine(url)
    try:
        with source.connect() as src, src.begin(), target.connect() as dst, dst.begin():
            replay(src, dst)
            size = log.size(dst)
            body = Checkpoint(signing.name, size, merkle.root(dst, size))
            dst.execute(
                sa.insert(checkpoints),
                [{"size": size, "note": sign_checkpoint(body, signing).decode()}],
            )
    finally:
        source.dispose()
        target.dispose()
    return url


def signed_anew(built: Built, e: Recorded, **changed: Any) -> Recorded:
    """The act `e` with `changed` in its data and in its statement, which its member's own
    key signs anew (same nonce, same deadline): as if the member had asked for it."""
    assert e.actor is not None and e.signed is not None
    statement = signed_from_json(e.signed).statement
    again = replace(statement, data={**statement.data, **changed})
    envelope = sign(again, built.keyring.key_of(e.actor)).to_json()
    return replace(e, data={**e.data, **changed}, signed=envelope)


def fails_by_the_rules_at(url: str, seq: int, says: str) -> None:
    report = verify(url)
    assert not report.ok, "the forged log verified"
    failing = {name for name, check in report.checks.items() if not check.ok}
    assert failing <= {"rules", "counts"}, (failing, report.discrepancies)
    assert report.first is not None and report.first.seq == seq, report.discrepancies
    found = [d for d in report.checks["rules"].found if d.seq == seq]
    assert found, report.discrepancies
    assert any(says in d.detail for d in found), found


def test_the_built_log_verifies_and_copies_made_as_forgeries_are_verify(
    built: Built, databases: Databases
) -> None:
    assert verify(built.url).ok
    assert verify(forged(built, databases, lambda rows: rows)).ok


def test_a_grant_moved_from_the_winner_to_the_loser_fails_at_the_grant(
    built: Built, databases: Databases
) -> None:
    closed = built.find(ev.ELECTION_CLOSED, winners=["a2-3"])
    grant = built.find(ev.MANDATE_GRANTED, cause=closed.seq)

    def forge(rows: list[Recorded]) -> list[Recorded]:
        return [
            replace(e, data={**e.data, "holder": "a2-4"}) if e.seq == grant.seq else e for e in rows
        ]

    fails_by_the_rules_at(forged(built, databases, forge), grant.seq, "holder")


def test_a_failed_recall_vote_relabelled_recalled_fails_at_its_close(
    built: Built, databases: Databases
) -> None:
    closed = built.find(ev.RECALL_CLOSED, outcome="failed")

    def forge(rows: list[Recorded]) -> list[Recorded]:
        return [
            replace(e, data={**e.data, "outcome": "recalled"}) if e.seq == closed.seq else e
            for e in rows
        ]

    fails_by_the_rules_at(forged(built, databases, forge), closed.seq, "outcome")


def test_a_lapse_removed_from_a_cascade_fails_where_it_belongs(
    built: Built, databases: Databases
) -> None:
    lapse = built.find(ev.MANDATE_LAPSED)
    fails_by_the_rules_at(
        forged(built, databases, lambda rows: [e for e in rows if e.seq != lapse.seq]),
        lapse.seq,
        "missing",
    )


def test_a_lapse_added_where_none_is_due_fails_at_it(built: Built, databases: Databases) -> None:
    signed = built.find(ev.PETITION_SIGNED)  # a signature that forces nothing yet
    [a1] = [
        e for e in built.events if e.type == ev.MANDATE_GRANTED and e.data["office"] == "a1.deputy"
    ]

    def forge(rows: list[Recorded]) -> list[Recorded]:
        extra = Recorded(
            0,
            signed.at,
            ev.MANDATE_LAPSED,
            None,
            {"mandate": a1.data["mandate"], "reason": "a1-2 left", "cause": signed.seq},
        )
        at = next(i for i, e in enumerate(rows) if e.seq == signed.seq) + 1
        return [*rows[:at], extra, *rows[at:]]

    fails_by_the_rules_at(forged(built, databases, forge), signed.seq + 1, "extra")


def test_a_by_election_removed_fails_where_it_belongs(built: Built, databases: Databases) -> None:
    chair = next(
        e
        for e in built.events
        if e.type == ev.ELECTION_OPENED and e.data["office"] == "city.chair" and "cause" in e.data
    )
    fails_by_the_rules_at(
        forged(built, databases, lambda rows: [e for e in rows if e.seq != chair.seq]),
        chair.seq,
        "missing",
    )


def a_ballot_for_the_winner(built: Built) -> tuple[Recorded, Recorded]:
    """The contested by-election's close, and a ballot that ranks its winner first."""
    closed = built.find(ev.ELECTION_CLOSED, winners=["a2-3"])
    ballot = next(
        e
        for e in built.events
        if e.type == ev.BALLOT_CAST
        and e.data["election"] == closed.data["election"]
        and e.data["choice"] == ["a2-3", "a2-4"]
    )
    return closed, ballot


def test_a_ballot_altered_without_its_voters_signature_fails_at_the_ballot(
    built: Built, databases: Databases
) -> None:
    _, ballot = a_ballot_for_the_winner(built)

    def forge(rows: list[Recorded]) -> list[Recorded]:
        return [
            replace(e, data={**e.data, "choice": ["a2-4", "a2-3"]}) if e.seq == ballot.seq else e
            for e in rows
        ]

    # the voter's statement still says what they chose: the event differs from it
    fails_by_the_rules_at(forged(built, databases, forge), ballot.seq, "differs: choice")


def test_a_ballot_its_voter_signs_anew_with_the_result_left_as_logged_fails_at_the_close(
    built: Built, databases: Databases
) -> None:
    closed, ballot = a_ballot_for_the_winner(built)

    def forge(rows: list[Recorded]) -> list[Recorded]:
        return [
            signed_anew(built, e, choice=["a2-4", "a2-3"]) if e.seq == ballot.seq else e
            for e in rows
        ]

    fails_by_the_rules_at(forged(built, databases, forge), closed.seq, "result")


def test_an_election_closed_early_though_not_everyone_voted_fails_at_the_close(
    built: Built, databases: Databases
) -> None:
    closed = built.find(ev.ELECTION_CLOSED, winners=["a2-3"])
    last = [
        e
        for e in built.events
        if e.type == ev.BALLOT_CAST and e.data["election"] == closed.data["election"]
    ][-1]
    fails_by_the_rules_at(
        forged(built, databases, lambda rows: [e for e in rows if e.seq != last.seq]),
        closed.seq - 1,
        "refused",
    )


def test_a_forged_export_fails_the_same_way(
    built: Built, databases: Databases, tmp_path: Path
) -> None:
    closed = built.find(ev.RECALL_CLOSED, outcome="failed")
    url = forged(
        built,
        databases,
        lambda rows: [
            replace(e, data={**e.data, "outcome": "recalled"}) if e.seq == closed.seq else e
            for e in rows
        ],
    )
    from soviet.storage.verification import verify_export

    engine = database.create_engine(url)
    try:
        with engine.connect() as conn:
            lines = [json.dumps(e.to_json()) for e in log.read(conn)]
            note = conn.execute(sa.select(checkpoints.c.note)).scalar_one()
    finally:
        engine.dispose()
    export = tmp_path / "forged.jsonl"
    export.write_text(
        "\n".join(
            [
                *(canonical(json.loads(x)).decode() for x in lines),
                canonical({"checkpoint": note}).decode(),
            ]
        )
        + "\n"
    )
    report = verify_export(export)
    assert not report.ok
    assert any(d.seq == closed.seq for d in report.checks["rules"].found), report.discrepancies


def rolls_of(built: Built) -> dict[tuple[str, str], list[str]]:
    """Each vote's roll as the built database's rows hold it, by (event type, vote id)."""
    engine = database.create_engine(built.url)
    found: dict[tuple[str, str], list[str]] = {}
    try:
        with engine.connect() as conn:
            for kind, table, key in (
                (ev.ELECTION_STARTED, schema.rolls, "election"),
                (ev.RECALL_VOTE_OPENED, schema.recall_rolls, "petition"),
            ):
                for vote, member in conn.execute(sa.select(table.c[key], table.c.member)):
                    found.setdefault((kind, vote), []).append(member)
    finally:
        engine.dispose()
    return {vote: sorted(members) for vote, members in found.items()}


def with_inline_rolls(built: Built, change: Callable[[list[str]], list[str]]) -> Forge:
    """The log as it was kept before rolls were committed to: each roll inline in the
    event that starts its vote (changed by `change`), no commitment."""
    rolls = rolls_of(built)
    kinds = {ev.ELECTION_STARTED: "election", ev.RECALL_VOTE_OPENED: "petition"}

    def forge(rows: list[Recorded]) -> list[Recorded]:
        kept = []
        for e in rows:
            if e.type in kinds:
                data = {k: v for k, v in e.data.items() if k not in ("roll_size", "roll_hash")}
                data["roll"] = change(rolls[(e.type, str(e.data[kinds[e.type]]))])
                e = replace(e, data=data)
            kept.append(e)
        return kept

    return forge


def test_a_log_that_kept_its_rolls_inline_still_verifies(
    built: Built, databases: Databases
) -> None:
    forge = with_inline_rolls(built, lambda roll: roll)
    rows = forge(list(built.events))
    assert sum("roll" in e.data for e in rows) >= 5  # elections at every level, a recall vote
    # a close's seed is its election's own (the roll's commitment, not the log's root): it
    # is the same with the roll inline
    report = verify(forged(built, databases, forge))
    assert report.ok, report.discrepancies


def test_a_roll_committed_without_one_elector_fails_where_the_vote_starts(
    built: Built, databases: Databases
) -> None:
    started = built.find(
        ev.ELECTION_STARTED,
        election=built.find(ev.ELECTION_CLOSED, winners=["a2-3"]).data["election"],
    )
    roll = rolls_of(built)[(ev.ELECTION_STARTED, str(started.data["election"]))]
    short = votes.commit(roll[1:])

    def forge(rows: list[Recorded]) -> list[Recorded]:
        return [
            replace(e, data={**e.data, **short.data()}) if e.seq == started.seq else e for e in rows
        ]

    fails_by_the_rules_at(forged(built, databases, forge), started.seq, "roll_hash")


def test_an_inline_roll_without_one_elector_fails_where_the_vote_starts(
    built: Built, databases: Databases
) -> None:
    first = next(e for e in built.events if e.type == ev.ELECTION_STARTED)
    fails_by_the_rules_at(
        forged(built, databases, with_inline_rolls(built, lambda roll: roll[1:]), reseed=True),
        first.seq,
        "roll_hash",
    )
