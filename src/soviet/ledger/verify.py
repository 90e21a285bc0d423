"""Checking proofs: RFC 9162 §2.1.3.2 and §2.1.4.2, and the subtree proofs of
draft-ietf-plants-merkle-tree-certs §4.3–4.4.

A proof that does not hold raises `LedgerError`; one that is well formed but leads to
another root raises its subclass `RootMismatch`, carrying both hashes. Nothing here
trusts the proof's length: a proof too short or too long is refused, never padded.

The three rules the log holds to beyond the RFC's text: a leaf hash has exactly 32
bytes; no consistency proof from the empty tree is accepted (it would prove nothing);
between equal sizes the proof is empty and the two roots are equal.
"""

from __future__ import annotations

from collections.abc import Sequence

from soviet.errors import LedgerError, RootMismatch
from soviet.ledger.compact import is_valid_subtree
from soviet.ledger.hashing import EMPTY_ROOT, HASH_SIZE, node_hash


def _check_hashes(leaf_hash: bytes | None, proof: Sequence[bytes]) -> None:
    if leaf_hash is not None and len(leaf_hash) != HASH_SIZE:
        raise LedgerError(f"a leaf hash has {HASH_SIZE} bytes, this one {len(leaf_hash)}")
    for i, h in enumerate(proof):
        if len(h) != HASH_SIZE:
            raise LedgerError(f"proof hash {i} has {len(h)} bytes, not {HASH_SIZE}")


def _match(expected: bytes, computed: bytes) -> None:
    if expected != computed:
        raise RootMismatch(expected, computed)


def _path_root(fn: int, sn: int, leaf_hash: bytes, proof: Sequence[bytes]) -> bytes:
    """The hash an audit path leads to from leaf `fn` of a tree whose last leaf is `sn`
    (RFC 9162 §2.1.3.2, steps 2–5)."""
    r = leaf_hash
    for p in proof:
        if sn == 0:
            raise LedgerError(f"the proof is too long: {len(proof)} hashes")
        if fn & 1 or fn == sn:
            r = node_hash(p, r)
            while not fn & 1 and fn != 0:
                fn >>= 1
                sn >>= 1
        else:
            r = node_hash(r, p)
        fn >>= 1
        sn >>= 1
    if sn != 0:
        raise LedgerError(f"the proof is too short: {len(proof)} hashes")
    return r


def root_from_inclusion(index: int, size: int, leaf_hash: bytes, proof: Sequence[bytes]) -> bytes:
    """The root an inclusion proof leads to from leaf `index` in a tree of `size`."""
    if not 0 <= index < size:
        raise LedgerError(f"entry {index} is not in a tree of {size} entries")
    _check_hashes(leaf_hash, proof)
    return _path_root(index, size - 1, leaf_hash, proof)


def verify_inclusion(
    index: int, size: int, leaf_hash: bytes, proof: Sequence[bytes], root: bytes
) -> None:
    """Raise unless `proof` shows the leaf `leaf_hash` at `index` in the tree `root`."""
    _match(root, root_from_inclusion(index, size, leaf_hash, proof))


def verify_consistency(
    old_size: int,
    new_size: int,
    proof: Sequence[bytes],
    old_root: bytes,
    new_root: bytes,
) -> None:
    """Raise unless `proof` shows the tree `old_root` of `old_size` leaves a prefix of
    the tree `new_root` of `new_size` leaves (RFC 9162 §2.1.4.2)."""
    if old_size < 0 or old_size > new_size:
        raise LedgerError(f"no consistency from size {old_size} to size {new_size}")
    if old_size == 0:
        raise LedgerError("a consistency proof from the empty tree proves nothing")
    if old_size == new_size:
        if proof:
            raise LedgerError("between equal sizes a consistency proof is empty")
        _match(old_root, new_root)
        return
    if not proof:
        raise LedgerError("the consistency proof is empty")
    _check_hashes(None, proof)

    path = list(proof)
    if old_size & (old_size - 1) == 0:  # the old tree is a node of the new one
        path.insert(0, old_root)
    fn, sn = old_size - 1, new_size - 1
    while fn & 1:
        fn >>= 1
        sn >>= 1
    fr = sr = path[0]
    for c in path[1:]:
        if sn == 0:
            raise LedgerError(f"the proof is too long: {len(proof)} hashes")
        if fn & 1 or fn == sn:
            fr = node_hash(c, fr)
            sr = node_hash(c, sr)
            while not fn & 1 and fn != 0:
                fn >>= 1
                sn >>= 1
        else:
            sr = node_hash(sr, c)
        fn >>= 1
        sn >>= 1
    if sn != 0:
        raise LedgerError(f"the proof is too short: {len(proof)} hashes")
    _match(old_root, fr)
    _match(new_root, sr)


def subtree_hash_from_inclusion(
    index: int, start: int, end: int, leaf_hash: bytes, proof: Sequence[bytes]
) -> bytes:
    """The subtree hash an inclusion proof leads to from leaf `index` in the subtree
    `[start, end)` (draft-ietf-plants-merkle-tree-certs §4.3.2)."""
    if not is_valid_subtree(start, end):
        raise LedgerError(f"[{start}, {end}) is not a subtree")
    if not start <= index < end:
        raise LedgerError(f"entry {index} is not in the subtree [{start}, {end})")
    _check_hashes(leaf_hash, proof)
    return _path_root(index - start, end - start - 1, leaf_hash, proof)


def verify_subtree_inclusion(
    index: int,
    start: int,
    end: int,
    leaf_hash: bytes,
    proof: Sequence[bytes],
    subtree_hash: bytes,
) -> None:
    """Raise unless `proof` shows the leaf at `index` in the subtree `[start, end)`."""
    _match(subtree_hash, subtree_hash_from_inclusion(index, start, end, leaf_hash, proof))


def verify_subtree_consistency(
    start: int,
    end: int,
    size: int,
    proof: Sequence[bytes],
    subtree_hash: bytes,
    root: bytes,
) -> None:
    """Raise unless `proof` shows the subtree `[start, end)` with `subtree_hash` part of
    the tree `root` of `size` leaves (draft-ietf-plants-merkle-tree-certs §4.4.3)."""
    if not is_valid_subtree(start, end) or end > size:
        raise LedgerError(f"[{start}, {end}) is not a subtree of a tree of {size} entries")
    if start == end:
        if proof:
            raise LedgerError("the proof of an empty subtree is empty")
        _match(EMPTY_ROOT, subtree_hash)
        return
    _check_hashes(None, proof)

    path = list(proof)
    fn, sn, tn = start, end - 1, size - 1
    if sn == tn:
        while fn != sn:
            fn, sn, tn = fn >> 1, sn >> 1, tn >> 1
    else:
        while fn != sn and sn & 1:
            fn, sn, tn = fn >> 1, sn >> 1, tn >> 1
    if fn == sn:  # the subtree is a node of the tree
        fr = sr = subtree_hash
    else:
        if not path:
            raise LedgerError("the subtree consistency proof is empty")
        fr = sr = path.pop(0)
    for c in path:
        if tn == 0:
            raise LedgerError(f"the proof is too long: {len(proof)} hashes")
        if sn & 1 or sn == tn:
            if fn < sn:
                fr = node_hash(c, fr)
            sr = node_hash(c, sr)
            while not sn & 1:
                fn, sn, tn = fn >> 1, sn >> 1, tn >> 1
        else:
            sr = node_hash(sr, c)
        fn, sn, tn = fn >> 1, sn >> 1, tn >> 1
    if tn != 0:
        raise LedgerError(f"the proof is too short: {len(proof)} hashes")
    _match(subtree_hash, fr)
    _match(root, sr)
