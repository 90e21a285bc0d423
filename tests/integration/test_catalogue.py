"""The catalogue of events reads every event of a real log and writes it back byte for
byte: the demo's whole story, elections, recalls, cascades and checkpoints."""

from __future__ import annotations

import io
from pathlib import Path

from rich.console import Console
from sqlalchemy import select

from soviet.bootstrap import Settings, Soviet
from soviet.demo import script
from soviet.domain.catalogue import CATALOGUE, decode, encode
from soviet.ledger.entries import encode_event
from soviet.ledger.hashing import leaf_hash
from soviet.storage import log
from soviet.storage import schema as t


def test_every_event_of_the_demo_reads_into_its_class_and_back_to_the_same_leaf(
    tmp_path: Path,
) -> None:
    script.run(tmp_path / "demo", 1917, Console(file=io.StringIO()))
    url = f"sqlite:///{tmp_path / 'demo' / 'soviet.db'}"
    seen: set[str] = set()
    with Soviet(Settings(url)) as soviet, soviet.snapshot() as conn:
        leaves = {seq: leaf for seq, leaf in conn.execute(select(t.events.c.seq, t.events.c.leaf))}
        for event in log.read(conn):
            payload = decode(event.type, event.data)
            assert event.type == type(payload).TYPE
            again = encode_event(
                event.seq,
                event.at,
                event.type,
                event.actor,
                encode(payload),
                event.clock,
                event.signed,
            )
            assert leaf_hash(again) == leaves[event.seq], f"#{event.seq} {event.type}"
            seen.add(event.type)
    # the demo's story: enrollments, a lost key, elections, recalls, cascades, by-elections
    # and checkpoints, motions, instructions, a breach and an amendment (joins, leaves,
    # imports, expiries, codes issued again, the upgrade of a log to members' keys,
    # re-apportioned seats and dissolved bodies are read back in every replay of the
    # integration tests)
    assert seen >= set(CATALOGUE) - {
        "member.joined",
        "member.left",
        "mandate.imported",
        "mandate.expired",
        "mandate.resigned",
        "member.codes_issued",
        "organization.keys_adopted",
        "office.reapportioned",
        "body.dissolved",
        # secret ballots: read back, proofs and all, by tests/integration/test_secret_forgery.py
        "trustee.step",
        "trustees.keyed",
        "vote.tallied",
        "tally.shared",
    }
