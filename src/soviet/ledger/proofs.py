"""Which nodes a proof is made of (RFC 9162 §2.1.3.1, §2.1.4.1), and proofs as JSON.

Every hash in a proof is the hash of a subtree `[begin, end)` of the log. A subtree
whose size is a power of two is one stored node; one on the tree's right edge is the
fold of the few nodes of its compact range. A `Nodes` plan lists the node IDs to read
and turns their hashes into the proof, so the same plan serves a tree in memory and a
tree in a database, with O(log n) reads either way.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from soviet.errors import InputError
from soviet.ledger import verify
from soviet.ledger.compact import NodeID, fold, is_valid_subtree, range_nodes

#: Reads the hashes of complete-subtree nodes, in the order asked.
NodeReader = Callable[[Sequence[NodeID]], Sequence[bytes]]


@dataclass(frozen=True)
class Nodes:
    """A proof's plan: the subtrees whose hashes make the proof, in proof order."""

    ranges: tuple[tuple[int, int], ...]

    @property
    def ids(self) -> list[NodeID]:
        """The nodes to read, in order: the compact range of each subtree in turn."""
        return [node for begin, end in self.ranges for node in range_nodes(begin, end)]

    def rehash(self, hashes: Sequence[bytes]) -> list[bytes]:
        """The proof, from the hashes of `ids` in the same order."""
        proof: list[bytes] = []
        position = 0
        for begin, end in self.ranges:
            count = len(range_nodes(begin, end))
            proof.append(fold(hashes[position : position + count]))
            position += count
        if position != len(hashes):
            raise ValueError(f"expected {position} node hashes, got {len(hashes)}")
        return proof

    def build(self, read: NodeReader) -> list[bytes]:
        """The proof, reading the nodes it needs through `read`."""
        return self.rehash(read(self.ids))

    def build_from(self, nodes: Mapping[NodeID, bytes]) -> list[bytes]:
        return self.rehash([nodes[node] for node in self.ids])


def _largest_power_of_two_below(n: int) -> int:
    return 1 << ((n - 1).bit_length() - 1)


def _subproof(start: int, end: int, lo: int, hi: int) -> Nodes:
    """SUBTREE_PROOF(start, end, D[lo:hi]): the subtrees that prove `[start, end)`
    consistent with the tree over `[lo, hi)`, bottom-up (draft-ietf-plants-merkle-tree-
    certs §4.4.1). With `start == lo` it is RFC 9162's PROOF(end - lo, D[lo:hi]); with
    `end == start + 1` it is PATH(start - lo, D[lo:hi])."""
    ranges: list[tuple[int, int]] = []
    known = True  # whether the verifier already holds the hash of [start, end)
    while (start, end) != (lo, hi):
        k = _largest_power_of_two_below(hi - lo)
        if end <= lo + k:
            ranges.append((lo + k, hi))
            hi = lo + k
        elif lo + k <= start:
            ranges.append((lo, lo + k))
            lo += k
        else:  # start == lo < lo + k < end: the old tree spans both children
            ranges.append((lo, lo + k))
            lo += k
            start = lo
            known = False
    if not known:
        ranges.append((lo, hi))
    return Nodes(tuple(reversed(ranges)))


def root(size: int) -> Nodes:
    """The plan of the root of the tree of `size` leaves: one hash (none for size 0)."""
    if size < 0:
        raise InputError(f"a tree size is a count of entries; {size} is negative")
    return Nodes(((0, size),) if size else ())


def inclusion(index: int, size: int) -> Nodes:
    """PATH(index, D[0:size]): the audit path of leaf `index` in the tree of `size`."""
    if not 0 <= index < size:
        raise InputError(f"entry {index} is not in a log of {size} entries")
    return _subproof(index, index + 1, 0, size)


def consistency(old: int, new: int) -> Nodes:
    """PROOF(old, D[0:new]): proves the tree of `old` leaves a prefix of the tree of `new`."""
    if not 0 < old <= new:
        raise InputError(
            f"no consistency proof from size {old} to size {new}: it needs 0 < old size <= new size"
        )
    return _subproof(0, old, 0, new) if old < new else Nodes(())


def subtree_inclusion(index: int, start: int, end: int) -> Nodes:
    """The audit path of leaf `index` in the subtree `[start, end)`."""
    if not is_valid_subtree(start, end) or not start <= index < end:
        raise InputError(f"entry {index} is not in a subtree [{start}, {end})")
    return _subproof(index, index + 1, start, end)


def subtree_consistency(start: int, end: int, size: int) -> Nodes:
    """SUBTREE_PROOF(start, end, D[0:size]): proves the subtree `[start, end)` part of
    the tree of `size` leaves."""
    if not is_valid_subtree(start, end) or end > size:
        raise InputError(f"[{start}, {end}) is not a subtree of a tree of {size} entries")
    return _subproof(start, end, 0, size) if start < end else Nodes(())


# -- proofs as JSON ----------------------------------------------------------------------


@dataclass(frozen=True)
class InclusionProof:
    """That the entry with `leaf_hash` is entry `index` of the log at `size` entries."""

    index: int
    size: int
    leaf_hash: bytes
    hashes: tuple[bytes, ...]

    def verify(self, root: bytes) -> None:
        """Raise unless the proof leads from the leaf to `root`."""
        verify.verify_inclusion(self.index, self.size, self.leaf_hash, self.hashes, root)

    def to_json(self) -> dict[str, Any]:
        return {
            "type": "inclusion",
            "index": self.index,
            "size": self.size,
            "leaf_hash": _b64(self.leaf_hash),
            "hashes": [_b64(h) for h in self.hashes],
        }


@dataclass(frozen=True)
class ConsistencyProof:
    """That the log at `old_size` entries is a prefix of the log at `new_size`."""

    old_size: int
    new_size: int
    hashes: tuple[bytes, ...]

    def verify(self, old_root: bytes, new_root: bytes) -> None:
        """Raise unless the proof leads from `old_root` to `new_root`."""
        verify.verify_consistency(self.old_size, self.new_size, self.hashes, old_root, new_root)

    def to_json(self) -> dict[str, Any]:
        return {
            "type": "consistency",
            "old_size": self.old_size,
            "new_size": self.new_size,
            "hashes": [_b64(h) for h in self.hashes],
        }


Proof = InclusionProof | ConsistencyProof


def dumps(proof: Proof) -> str:
    """The proof as one line of JSON."""
    return json.dumps(proof.to_json(), separators=(", ", ": "))


def loads(text: str | bytes, source: str = "proof") -> Proof:
    """A proof from its JSON text; `source` names it in errors."""
    try:
        value = json.loads(text)
    except (ValueError, UnicodeDecodeError) as exc:
        raise InputError(f"{source}: not JSON ({exc})") from None
    return from_json(value, source)


def from_json(value: Any, source: str = "proof") -> Proof:
    """A proof from its decoded JSON object."""
    if not isinstance(value, dict):
        raise InputError(f"{source}: a proof is a JSON object")
    kind = value.get("type")
    if kind == "inclusion":
        _only(value, {"type", "index", "size", "leaf_hash", "hashes"}, source)
        return InclusionProof(
            index=_count(value, "index", source),
            size=_count(value, "size", source),
            leaf_hash=_hash(value.get("leaf_hash"), f"{source}: leaf_hash"),
            hashes=_hashes(value, source),
        )
    if kind == "consistency":
        _only(value, {"type", "old_size", "new_size", "hashes"}, source)
        return ConsistencyProof(
            old_size=_count(value, "old_size", source),
            new_size=_count(value, "new_size", source),
            hashes=_hashes(value, source),
        )
    raise InputError(f'{source}: type must be "inclusion" or "consistency", not {kind!r}')


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _only(value: dict[str, Any], fields: set[str], source: str) -> None:
    unknown = sorted(set(value) - fields)
    if unknown:
        raise InputError(f"{source}: unknown field {unknown[0]!r}")


def _count(value: dict[str, Any], field: str, source: str) -> int:
    number = value.get(field)
    if type(number) is not int or number < 0:
        raise InputError(f"{source}: {field} must be a whole number >= 0, not {number!r}")
    return number


def _hash(text: Any, where: str) -> bytes:
    if not isinstance(text, str):
        raise InputError(f"{where}: expected a base64 string, not {text!r}")
    try:
        digest = base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        raise InputError(f"{where}: {text!r} is not base64") from None
    if len(digest) != 32:
        raise InputError(f"{where}: a hash has 32 bytes, this one {len(digest)}")
    return digest


def _hashes(value: dict[str, Any], source: str) -> tuple[bytes, ...]:
    hashes = value.get("hashes")
    if not isinstance(hashes, list):
        raise InputError(f"{source}: hashes must be a list of base64 strings")
    return tuple(_hash(h, f"{source}: hashes[{i}]") for i, h in enumerate(hashes))
