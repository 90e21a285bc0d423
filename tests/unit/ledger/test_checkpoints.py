"""Checkpoints: the C2SP body, signed by the log's key and opened only by it."""

from __future__ import annotations

import base64
import re

import pytest

from soviet.errors import InputError, LedgerError
from soviet.ledger.checkpoints import (
    Checkpoint,
    generate_key,
    open_checkpoint,
    sign_checkpoint,
)
from soviet.ledger.trees import MemoryTree

from . import reference

ORIGIN = "councils.example.org/line-workers"
KEY = generate_key(ORIGIN, bytes(range(32)))
TREE = MemoryTree(reference.leaf_hashes(20))
CHECKPOINT = Checkpoint(ORIGIN, 20, TREE.root())


def test_a_checkpoint_body_is_origin_size_and_base64_root_lines() -> None:
    root64 = base64.b64encode(TREE.root()).decode()
    assert CHECKPOINT.body() == f"{ORIGIN}\n20\n{root64}\n".encode()
    assert Checkpoint.parse(CHECKPOINT.body()) == CHECKPOINT


def test_extension_lines_follow_the_root_and_survive_parsing() -> None:
    checkpoint = Checkpoint(ORIGIN, 0, TREE.root(0), ("extra one",))
    assert checkpoint.body().endswith(b"\nextra one\n")
    assert Checkpoint.parse(checkpoint.body()) == checkpoint


def test_a_signed_checkpoint_is_a_signed_note_by_the_origin_key() -> None:
    note = sign_checkpoint(CHECKPOINT, KEY)
    body, _, signature = note.partition(b"\n\n")
    assert body + b"\n" == CHECKPOINT.body()
    assert signature.startswith(f"— {ORIGIN} ".encode())
    assert open_checkpoint(note, KEY.verifier()) == CHECKPOINT
    assert open_checkpoint(note, KEY.verifier(), origin=ORIGIN) == CHECKPOINT


def test_a_checkpoint_with_a_changed_byte_is_rejected() -> None:
    note = sign_checkpoint(CHECKPOINT, KEY)
    for position in range(len(CHECKPOINT.body())):
        changed = bytearray(note)
        changed[position] = ord("y") if changed[position] == ord("x") else ord("x")
        with pytest.raises((LedgerError, InputError)):
            open_checkpoint(bytes(changed), KEY.verifier())


def test_a_checkpoint_signed_by_another_key_is_rejected() -> None:
    other = generate_key(ORIGIN, bytes(range(1, 33)))
    with pytest.raises(LedgerError, match="not signed by a known key"):
        open_checkpoint(sign_checkpoint(CHECKPOINT, other), KEY.verifier())


def test_a_checkpoint_for_another_origin_is_rejected() -> None:
    note = sign_checkpoint(CHECKPOINT, KEY)
    with pytest.raises(LedgerError, match=re.escape("not 'councils.example.org/other'")):
        open_checkpoint(note, KEY.verifier(), origin="councils.example.org/other")


def test_a_checkpoint_whose_origin_is_not_the_key_name_is_rejected() -> None:
    # a key may sign any note; a checkpoint of another log under it does not open
    stranger = Checkpoint("councils.example.org/other", 20, TREE.root())
    note = KEY.sign(stranger.body())
    signed = stranger.body() + b"\n" + f"— {ORIGIN} ".encode()
    signed += base64.b64encode(KEY.key_id + note) + b"\n"
    with pytest.raises(LedgerError, match=re.escape("is for the log 'councils.example.org/other'")):
        open_checkpoint(signed, KEY.verifier())


def test_a_key_signs_only_for_the_log_it_is_named_after() -> None:
    with pytest.raises(InputError, match="a log's key is named as its origin"):
        sign_checkpoint(Checkpoint("elsewhere.example/log", 1, TREE.root(1)), KEY)


@pytest.mark.parametrize(
    ("body", "problem"),
    [
        (b"origin\n1\n", "three lines"),
        (b"origin\n01\nAAAA\n", "is not a decimal number"),
        (b"origin\n-1\nAAAA\n", "is not a decimal number"),
        (b"origin\n1\n!!!!\n", "is not base64"),
        (b"origin\n1\nAAAA\n", "root hash has 32 bytes"),
        (b"origin\n1\nAAAA", "does not end with a newline"),
        (b"\n1\n" + base64.b64encode(bytes(32)) + b"\n", "origin is one non-empty line"),
        (b"origin\n1\n" + base64.b64encode(bytes(32)) + b"\n\n", "extension line"),
        (b"\xff\n", "not UTF-8"),
    ],
)
def test_malformed_checkpoint_bodies_are_refused(body: bytes, problem: str) -> None:
    with pytest.raises(InputError, match=problem):
        Checkpoint.parse(body)
