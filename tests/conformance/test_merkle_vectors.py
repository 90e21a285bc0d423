"""The RFC 6962 reference tree and the 518 proof probes of transparency-dev/merkle.

Every valid probe (`happy-path`, and the few valid edge cases: `wantErr: false`) must
verify and every mutation (`wantErr: true`) must be refused, under the log's three
rules: leaf hashes have 32 bytes; no consistency proof from size 0 is accepted; equal
sizes need an empty proof and equal roots. The `subtree*` probes test the subtree
proofs of draft-ietf-plants-merkle-tree-certs (§4.3 inclusion in a subtree
`[start, end)`, §4.4 a subtree's consistency with a tree).
"""

from __future__ import annotations

import base64
import json
from pathlib import Path
from typing import Any

import pytest

from soviet.errors import LedgerError
from soviet.ledger import verify
from soviet.ledger.hashing import EMPTY_ROOT, leaf_hash, node_hash
from soviet.ledger.trees import MemoryTree

MERKLE = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "merkle"
PROBES = MERKLE / "testdata"
REFERENCE = MERKLE / "rfc6962_reference_tree.json"
PROBE_FILES = sorted(PROBES.rglob("*.json")) if PROBES.is_dir() else []
KINDS = ("inclusion", "consistency", "subtreeinclusion", "subtreeconsistency")

needs_probes = pytest.mark.skipif(
    not PROBE_FILES, reason=f"the Merkle proof probes are not at {PROBES}"
)
needs_reference = pytest.mark.skipif(
    not REFERENCE.is_file(), reason=f"the RFC 6962 reference tree is not at {REFERENCE}"
)


def b64(value: str | None) -> bytes:
    return base64.b64decode(value) if value else b""


def check(kind: str, probe: dict[str, Any]) -> None:
    """Verify one probe; raises LedgerError when the verifier refuses it."""
    proof = [b64(h) for h in probe["proof"] or []]
    if kind == "inclusion":
        verify.verify_inclusion(
            probe["leafIdx"], probe["treeSize"], b64(probe["leafHash"]), proof, b64(probe["root"])
        )
    elif kind == "consistency":
        verify.verify_consistency(
            probe["size1"], probe["size2"], proof, b64(probe["root1"]), b64(probe["root2"])
        )
    elif kind == "subtreeinclusion":
        verify.verify_subtree_inclusion(
            probe["leafIdx"],
            probe["start"],
            probe["end"],
            b64(probe["leafHash"]),
            proof,
            b64(probe["root"]),
        )
    else:
        verify.verify_subtree_consistency(
            probe["start"],
            probe["end"],
            probe["size"],
            proof,
            b64(probe["root1"]),
            b64(probe["root2"]),
        )


@needs_probes
def test_all_518_probes_are_here() -> None:
    assert len(PROBE_FILES) == 518
    assert {path.relative_to(PROBES).parts[0] for path in PROBE_FILES} == set(KINDS)


@needs_probes
@pytest.mark.parametrize("path", PROBE_FILES, ids=[str(p.relative_to(PROBES)) for p in PROBE_FILES])
def test_the_verifier_accepts_exactly_the_valid_probes(path: Path) -> None:
    probe = json.loads(path.read_text())
    kind = path.relative_to(PROBES).parts[0]
    if probe["wantErr"]:
        with pytest.raises(LedgerError):
            check(kind, probe)
    else:
        check(kind, probe)


@needs_reference
def test_the_reference_tree_has_the_rfc_6962_roots_for_sizes_0_to_8() -> None:
    data = json.loads(REFERENCE.read_text())
    leaves = [leaf_hash(bytes.fromhex(entry)) for entry in data["leaf_inputs_hex"]]
    tree = MemoryTree(leaves)
    roots = {
        int(size): bytes.fromhex(root) for size, root in data["root_hash_by_tree_size"].items()
    }
    assert sorted(roots) == list(range(9))
    for size, root in roots.items():
        assert tree.root(size) == root
    for level, hashes in enumerate(data["node_hashes_by_level"]):
        assert [h.hex() for h in tree.levels[level]] == hashes


@needs_reference
def test_the_hasher_gives_the_rfc_6962_vectors() -> None:
    vectors = {v["desc"]: v for v in json.loads(REFERENCE.read_text())["hasher_vectors"]}
    assert EMPTY_ROOT.hex() == vectors["empty tree root"]["want"]
    assert leaf_hash(b"").hex() == vectors["leaf hash of empty leaf"]["want"]
    assert leaf_hash(b"L123456").hex() == vectors["leaf hash of ASCII 'L123456'"]["want"]
    node = next(v for v in vectors.values() if "left_ascii" in v)
    assert (
        node_hash(node["left_ascii"].encode(), node["right_ascii"].encode()).hex() == node["want"]
    )
