"""Proof plans against the RFC's recursive definitions, and proofs as JSON."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from soviet.errors import InputError, LedgerError
from soviet.ledger import proofs
from soviet.ledger.compact import NodeID
from soviet.ledger.proofs import ConsistencyProof, InclusionProof
from soviet.ledger.trees import MemoryTree

from . import reference

LEAVES = reference.leaf_hashes(300)
TREE = MemoryTree(LEAVES)


@st.composite
def index_and_size(draw: st.DrawFn) -> tuple[int, int]:
    size = draw(st.integers(1, len(LEAVES)))
    return draw(st.integers(0, size - 1)), size


@st.composite
def old_and_new(draw: st.DrawFn) -> tuple[int, int]:
    new = draw(st.integers(1, len(LEAVES)))
    return draw(st.integers(1, new)), new


@st.composite
def subtree_in_tree(draw: st.DrawFn) -> tuple[int, int, int]:
    size = draw(st.integers(0, len(LEAVES)))
    width = draw(st.integers(0, size))
    ceiling = 1 << (width - 1).bit_length() if width > 1 else 1
    start = ceiling * draw(st.integers(0, (size - width) // ceiling))
    return start, start + width, size


def test_the_root_plan_reads_one_node_per_set_bit_of_the_size() -> None:
    assert proofs.root(13).ids == [NodeID(3, 0), NodeID(2, 2), NodeID(0, 12)]
    assert proofs.root(0).ranges == ()


@settings(deadline=None)
@given(st.integers(0, len(LEAVES)))
def test_the_root_of_every_size_is_the_merkle_tree_hash(size: int) -> None:
    assert TREE.root(size) == reference.mth(LEAVES[:size])


@settings(deadline=None)
@given(index_and_size())
def test_an_inclusion_proof_is_the_audit_path_of_rfc_9162(case: tuple[int, int]) -> None:
    index, size = case
    plan = proofs.inclusion(index, size)
    assert plan.build(TREE.nodes) == reference.path(index, LEAVES[:size])
    assert len(plan.ids) <= 2 * size.bit_length()


@settings(deadline=None)
@given(old_and_new())
def test_a_consistency_proof_is_the_proof_of_rfc_9162(case: tuple[int, int]) -> None:
    old, new = case
    plan = proofs.consistency(old, new)
    assert plan.build(TREE.nodes) == reference.proof(old, LEAVES[:new])
    assert len(plan.ids) <= 2 * new.bit_length()


@settings(deadline=None)
@given(subtree_in_tree())
def test_a_subtree_consistency_proof_is_the_subtree_proof_of_the_draft(
    case: tuple[int, int, int],
) -> None:
    start, end, size = case
    plan = proofs.subtree_consistency(start, end, size)
    assert plan.build(TREE.nodes) == reference.subtree_proof(start, end, LEAVES[:size])


@settings(deadline=None)
@given(subtree_in_tree(), st.data())
def test_a_subtree_inclusion_proof_is_the_audit_path_within_the_subtree(
    case: tuple[int, int, int], data: st.DataObject
) -> None:
    start, end, _ = case
    assume(start < end)
    index = data.draw(st.integers(start, end - 1))
    plan = proofs.subtree_inclusion(index, start, end)
    assert plan.build(TREE.nodes) == reference.path(index - start, LEAVES[start:end])


def test_a_plan_refuses_the_wrong_number_of_node_hashes() -> None:
    plan = proofs.inclusion(5, 13)
    hashes = TREE.nodes(plan.ids)
    assert plan.rehash(hashes) == plan.build_from(dict(zip(plan.ids, hashes, strict=True)))
    with pytest.raises(ValueError, match="node hashes"):
        plan.rehash([*hashes, hashes[0]])


def test_plans_refuse_entries_and_sizes_outside_the_tree() -> None:
    with pytest.raises(InputError, match="entry 5 is not in a log of 5 entries"):
        proofs.inclusion(5, 5)
    with pytest.raises(InputError, match="0 < old size <= new size"):
        proofs.consistency(0, 5)
    with pytest.raises(InputError, match="0 < old size <= new size"):
        proofs.consistency(6, 5)
    with pytest.raises(InputError, match="negative"):
        proofs.root(-1)
    with pytest.raises(InputError, match="not a subtree"):
        proofs.subtree_consistency(2, 5, 8)
    with pytest.raises(InputError, match="not in a subtree"):
        proofs.subtree_inclusion(1, 2, 4)
    assert proofs.consistency(5, 5).ranges == ()


# -- JSON --------------------------------------------------------------------------------


def inclusion_at(index: int, size: int) -> InclusionProof:
    return InclusionProof(index, size, LEAVES[index], tuple(TREE.inclusion_proof(index, size)))


def test_an_inclusion_proof_serializes_to_the_documented_json() -> None:
    proof = inclusion_at(2, 5)
    value = proof.to_json()
    assert list(value) == ["type", "index", "size", "leaf_hash", "hashes"]
    assert value["type"] == "inclusion"
    assert (value["index"], value["size"]) == (2, 5)
    assert len(value["hashes"]) == 3
    assert proofs.loads(proofs.dumps(proof)) == proof
    proof.verify(TREE.root(5))


def test_a_consistency_proof_serializes_to_the_documented_json() -> None:
    proof = ConsistencyProof(3, 7, tuple(TREE.consistency_proof(3, 7)))
    value = json.loads(proofs.dumps(proof))
    assert list(value) == ["type", "old_size", "new_size", "hashes"]
    assert (value["type"], value["old_size"], value["new_size"]) == ("consistency", 3, 7)
    assert proofs.from_json(value) == proof
    proof.verify(TREE.root(3), TREE.root(7))


def test_a_proof_read_from_json_still_fails_against_another_root() -> None:
    proof = proofs.loads(proofs.dumps(inclusion_at(2, 5)))
    assert isinstance(proof, InclusionProof)
    with pytest.raises(LedgerError):
        proof.verify(TREE.root(6))


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"type": "audit"}, 'type must be "inclusion" or "consistency"'),
        ({"index": -1}, "index must be a whole number"),
        ({"size": True}, "size must be a whole number"),
        ({"leaf_hash": "not base64!"}, "leaf_hash: 'not base64!' is not base64"),
        ({"leaf_hash": "AAAA"}, "leaf_hash: a hash has 32 bytes, this one 3"),
        ({"hashes": "AAAA"}, "hashes must be a list"),
        ({"hashes": [7]}, r"hashes\[0\]: expected a base64 string"),
        ({"extra": 1}, "unknown field 'extra'"),
    ],
)
def test_malformed_proof_json_is_refused_naming_the_field(
    change: dict[str, Any], message: str
) -> None:
    value = {**inclusion_at(2, 5).to_json(), **change}
    with pytest.raises(InputError, match=f"proof.json: {message}"):
        proofs.from_json(value, "proof.json")


def test_proof_text_that_is_not_a_json_object_is_refused() -> None:
    with pytest.raises(InputError, match="p: not JSON"):
        proofs.loads("{", "p")
    with pytest.raises(InputError, match="p: a proof is a JSON object"):
        proofs.loads("[]", "p")
