"""RFC 6962 hashing: domain-separated leaves and nodes."""

from __future__ import annotations

import hashlib

from soviet.ledger.hashing import EMPTY_ROOT, leaf_hash, node_hash


def test_the_empty_root_is_the_hash_of_nothing() -> None:
    assert EMPTY_ROOT.hex() == ("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")


def test_leaves_and_nodes_are_hashed_apart() -> None:
    left, right = hashlib.sha256(b"l").digest(), hashlib.sha256(b"r").digest()
    assert leaf_hash(left + right) == hashlib.sha256(b"\x00" + left + right).digest()
    assert node_hash(left, right) == hashlib.sha256(b"\x01" + left + right).digest()
    assert leaf_hash(left + right) != node_hash(left, right)
