"""The log's tree held in memory: every complete-subtree node, level by level.

It keeps what the stored tree keeps (`soviet.storage.merkle`) and answers with the same
plans, so a log read from an export can be proved and checked without a database.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from soviet.errors import InputError
from soviet.ledger import proofs
from soviet.ledger.compact import (
    NodeID,
    border,
    check_leaves,
    completed_nodes,
    is_valid_subtree,
)
from soviet.ledger.hashing import EMPTY_ROOT


class MemoryTree:
    """An append-only Merkle tree over leaf hashes (RFC 9162 §2.1)."""

    def __init__(self, leaves: Iterable[bytes] = ()) -> None:
        self.levels: list[list[bytes]] = [[]]
        self._last_root = (0, EMPTY_ROOT)  # a past root never changes
        self.append(list(leaves))

    @property
    def size(self) -> int:
        return len(self.levels[0])

    def append(self, leaves: Sequence[bytes]) -> None:
        """Add leaf hashes at the end, with the interior nodes they complete."""
        check_leaves(leaves)
        known = {node: self.node(node) for node in border(self.size)}
        for level, first, hashes in completed_nodes(self.size, leaves, known):
            if level == len(self.levels):
                self.levels.append([])
            assert len(self.levels[level]) == first
            self.levels[level].extend(hashes)
        self.levels[0].extend(leaves)

    def node(self, node: NodeID) -> bytes:
        return self.levels[node.level][node.index]

    def nodes(self, ids: Sequence[NodeID]) -> list[bytes]:
        levels = self.levels
        return [levels[node.level][node.index] for node in ids]

    def leaf(self, index: int) -> bytes:
        if not 0 <= index < self.size:
            raise InputError(f"entry {index} is not in a log of {self.size} entries")
        return self.levels[0][index]

    def root(self, size: int | None = None) -> bytes:
        """The root hash of the tree at `size` leaves (now, by default)."""
        size = self._size(size)
        if size == 0:
            return EMPTY_ROOT
        if self._last_root[0] != size:
            self._last_root = (size, proofs.root(size).build(self.nodes)[0])
        return self._last_root[1]

    def inclusion_proof(self, index: int, size: int | None = None) -> list[bytes]:
        return proofs.inclusion(index, self._size(size)).build(self.nodes)

    def consistency_proof(self, old: int, new: int | None = None) -> list[bytes]:
        return proofs.consistency(old, self._size(new)).build(self.nodes)

    def subtree_inclusion_proof(self, index: int, start: int, end: int) -> list[bytes]:
        """The audit path of entry `index` in the subtree `[start, end)`."""
        self._size(end)
        return proofs.subtree_inclusion(index, start, end).build(self.nodes)

    def subtree_consistency_proof(
        self, start: int, end: int, size: int | None = None
    ) -> list[bytes]:
        """The proof that the subtree `[start, end)` is part of the tree at `size`."""
        return proofs.subtree_consistency(start, end, self._size(size)).build(self.nodes)

    def subtree_hash(self, start: int, end: int) -> bytes:
        """The hash of the subtree `[start, end)` (draft-ietf-plants-merkle-tree-certs)."""
        self._size(end)
        if not is_valid_subtree(start, end):
            raise InputError(f"[{start}, {end}) is not a subtree")
        return proofs.Nodes(((start, end),)).build(self.nodes)[0]

    def _size(self, size: int | None) -> int:
        if size is None:
            return self.size
        if not 0 <= size <= self.size:
            raise InputError(f"the log has {self.size} entries, not {size}")
        return size
