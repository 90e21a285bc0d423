"""A naive Merkle tree written straight from the recursive definitions of RFC 9162
§2.1.1, §2.1.3.1 and §2.1.4.1 and of the subtree draft, to cross-check the fast code.

Slow on purpose: every hash is recomputed from the leaves, every time.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

from soviet.ledger.hashing import node_hash


def split(n: int) -> int:
    """The largest power of two smaller than n (n > 1)."""
    k = 1
    while k * 2 < n:
        k *= 2
    return k


def mth(leaves: Sequence[bytes]) -> bytes:
    """MTH(D[n]) over leaf hashes."""
    if not leaves:
        return hashlib.sha256(b"").digest()
    if len(leaves) == 1:
        return leaves[0]
    k = split(len(leaves))
    return node_hash(mth(leaves[:k]), mth(leaves[k:]))


def path(m: int, leaves: Sequence[bytes]) -> list[bytes]:
    """PATH(m, D[n])."""
    n = len(leaves)
    if n == 1:
        return []
    k = split(n)
    if m < k:
        return [*path(m, leaves[:k]), mth(leaves[k:])]
    return [*path(m - k, leaves[k:]), mth(leaves[:k])]


def _subproof(m: int, leaves: Sequence[bytes], complete: bool) -> list[bytes]:
    n = len(leaves)
    if m == n:
        return [] if complete else [mth(leaves)]
    k = split(n)
    if m <= k:
        return [*_subproof(m, leaves[:k], complete), mth(leaves[k:])]
    return [*_subproof(m - k, leaves[k:], False), mth(leaves[:k])]


def proof(m: int, leaves: Sequence[bytes]) -> list[bytes]:
    """PROOF(m, D[n]) for 0 < m <= n."""
    return _subproof(m, leaves, True) if m < len(leaves) else []


def _subtree_subproof(start: int, end: int, leaves: Sequence[bytes], complete: bool) -> list[bytes]:
    n = len(leaves)
    if start == 0 and end == n:
        return [] if complete else [mth(leaves)]
    k = split(n)
    if end <= k:
        return [*_subtree_subproof(start, end, leaves[:k], complete), mth(leaves[k:])]
    if k <= start:
        return [*_subtree_subproof(start - k, end - k, leaves[k:], complete), mth(leaves[:k])]
    return [*_subtree_subproof(0, end - k, leaves[k:], False), mth(leaves[:k])]


def subtree_proof(start: int, end: int, leaves: Sequence[bytes]) -> list[bytes]:
    """SUBTREE_PROOF(start, end, D[n]) of draft-ietf-plants-merkle-tree-certs §4.4.1."""
    return _subtree_subproof(start, end, leaves, True) if start < end else []


def leaf_hashes(count: int, salt: bytes = b"") -> list[bytes]:
    """`count` distinct leaf hashes."""
    return [hashlib.sha256(b"\x00" + salt + i.to_bytes(8, "big")).digest() for i in range(count)]
