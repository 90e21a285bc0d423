r"""Tree coordinates: nodes of complete subtrees, compact ranges, and how a tree grows.

A node `(level, index)` is the root of the complete subtree over leaves
`[index * 2**level, (index + 1) * 2**level)`; level 0 holds the leaf hashes. Every hash
the log ever needs, for any tree size, is a fold of such nodes: the tree over `[0, n)`
is the right fold of the complete subtrees whose sizes are the set bits of `n`.

             (2,0)
            /     \
        (1,0)      \
        /   \       \
    (0,0)  (0,1)  (0,2)        the tree of size 3: fold((1,0), (0,2))
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from hashlib import sha256

from soviet.errors import LedgerError
from soviet.ledger.hashing import EMPTY_ROOT, HASH_SIZE, NODE_PREFIX, node_hash


@dataclass(frozen=True, order=True, slots=True)
class NodeID:
    """The root of the complete subtree of height `level` at position `index` in its level."""

    level: int
    index: int

    def __str__(self) -> str:
        return f"({self.level}, {self.index})"

    @property
    def begin(self) -> int:
        """The first leaf the node covers."""
        return self.index << self.level

    @property
    def end(self) -> int:
        """One past the last leaf the node covers."""
        return (self.index + 1) << self.level

    def parent(self) -> NodeID:
        return NodeID(self.level + 1, self.index >> 1)

    def sibling(self) -> NodeID:
        return NodeID(self.level, self.index ^ 1)


def decompose(begin: int, end: int) -> tuple[int, int]:
    """The sizes of the left and right borders of the compact range `[begin, end)`.

    The set bits of `left` are the levels of the complete subtrees climbing from
    `begin`; those of `right` are the levels descending to `end`.
    """
    if not 0 <= begin <= end:
        raise ValueError(f"not a range of leaves: [{begin}, {end})")
    if begin == 0:
        return 0, end
    # The paths from the leaves begin - 1 and end split at level `split`;
    # below it, the range is the right part of one subtree and the left part of the next.
    split = ((begin - 1) ^ end).bit_length() - 1
    mask = (1 << split) - 1
    return -begin & mask, end & mask


def range_nodes(begin: int, end: int) -> list[NodeID]:
    """The fewest complete-subtree nodes that cover `[begin, end)`, left to right."""
    left, right = decompose(begin, end)
    nodes: list[NodeID] = []
    pos = begin
    while left:
        level = (left & -left).bit_length() - 1
        nodes.append(NodeID(level, pos >> level))
        pos += 1 << level
        left &= left - 1
    while right:
        level = right.bit_length() - 1
        nodes.append(NodeID(level, pos >> level))
        pos += 1 << level
        right ^= 1 << level
    return nodes


def is_valid_subtree(start: int, end: int) -> bool:
    """Whether `[start, end)` is a subtree: `start` a multiple of the size rounded up to a
    power of two (draft-ietf-plants-merkle-tree-certs §4.1). Its hash is then the hash of
    the tree over those leaves alone, and it sits aligned inside every larger tree."""
    if not 0 <= start <= end:
        return False
    size = end - start
    ceiling = 1 << (size - 1).bit_length() if size > 1 else 1
    return start % ceiling == 0


def fold(hashes: Sequence[bytes]) -> bytes:
    """The hash of complete subtrees of decreasing size, side by side: the right fold
    `H(h0, H(h1, … H(hn-1, hn)))` that RFC 9162 §2.1.1 gives for their union."""
    if not hashes:
        return EMPTY_ROOT
    result = hashes[-1]
    for left in reversed(hashes[:-1]):
        result = node_hash(left, result)
    return result


def subtree_root(start: int, end: int, nodes: Mapping[NodeID, bytes]) -> bytes:
    """The hash of the subtree `[start, end)` from the nodes of its compact range."""
    if not is_valid_subtree(start, end):
        raise ValueError(f"[{start}, {end}) is not a subtree")
    return fold([nodes[node] for node in range_nodes(start, end)])


def border(size: int) -> list[NodeID]:
    """The nodes a tree of `size` leaves is folded from: one per set bit of `size`,
    largest first. Appending leaves completes new nodes only on top of these."""
    return range_nodes(0, size)


def completed_nodes(
    size: int, leaves: Sequence[bytes], border_hashes: Mapping[NodeID, bytes]
) -> Iterator[tuple[int, int, list[bytes]]]:
    """The interior nodes completed by appending `leaves` to a tree of `size` leaves, one
    level at a time from the bottom: `(level, index of the first, hashes)`.

    `border_hashes` holds the hashes of `border(size)`; a level reads at most one of them,
    the left sibling of its first new node.
    """
    current = list(leaves)
    offset = size  # the index, in its level, of current[0]
    level = 0
    hash_ = sha256
    while len(current) > 1 or (offset & 1 and current):
        if offset & 1:
            left = NodeID(level, offset - 1)
            try:
                current.insert(0, border_hashes[left])
            except KeyError:
                raise LedgerError(
                    f"the stored tree lacks node {left} needed to extend it"
                ) from None
            offset -= 1
        pairs = iter(current)
        current = [hash_(NODE_PREFIX + a + b).digest() for a, b in zip(pairs, pairs, strict=False)]
        level += 1
        offset >>= 1
        yield level, offset, current


def check_leaves(leaves: Sequence[bytes]) -> None:
    """Refuse leaf hashes that are not 32 bytes long."""
    if any(length != HASH_SIZE for length in set(map(len, leaves))):
        i, leaf = next((i, x) for i, x in enumerate(leaves) if len(x) != HASH_SIZE)
        raise LedgerError(f"leaf hash {i} has {len(leaf)} bytes, not {HASH_SIZE}")


class Range:
    """A compact range `[begin, end)`: the hashes of its nodes, grown one leaf at a time.

    Starting at 0 it holds the tree's border, enough to give the root of every size it
    passes through in O(log n) memory, which is how a replay recomputes the log's roots.
    """

    def __init__(
        self, begin: int = 0, end: int | None = None, hashes: Sequence[bytes] = ()
    ) -> None:
        end = begin if end is None else end
        if len(hashes) != len(range_nodes(begin, end)):
            raise ValueError(f"[{begin}, {end}) has {len(range_nodes(begin, end))} nodes")
        self.begin = begin
        self.end = end
        self.hashes = list(hashes)

    def append(self, leaf: bytes) -> list[tuple[int, int, bytes]]:
        """Add the next leaf hash; returns the nodes it completes, lowest first."""
        completed = []
        index, level, digest = self.end, 0, leaf
        # Merge while the new node is a right child whose left sibling is in the range.
        while index & 1 and (index - 1) << level >= self.begin:
            digest = node_hash(self.hashes.pop(), digest)
            index >>= 1
            level += 1
            completed.append((level, index, digest))
        self.hashes.append(digest)
        self.end += 1
        return completed

    def extend(self, leaves: Sequence[bytes]) -> None:
        for leaf in leaves:
            self.append(leaf)

    def nodes(self) -> list[NodeID]:
        return range_nodes(self.begin, self.end)

    def root(self) -> bytes:
        """The tree hash of `[begin, end)`; for a range from 0, the log's root at `end`."""
        if not is_valid_subtree(self.begin, self.end):
            raise ValueError(f"[{self.begin}, {self.end}) is not a subtree")
        return fold(self.hashes)
