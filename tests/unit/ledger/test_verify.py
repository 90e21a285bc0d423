"""Verification: good proofs pass, and any change to a proof, leaf, index or root fails."""

from __future__ import annotations

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from soviet.errors import LedgerError, RootMismatch
from soviet.ledger import verify
from soviet.ledger.hashing import EMPTY_ROOT
from soviet.ledger.trees import MemoryTree

from . import reference

LEAVES = reference.leaf_hashes(300)
TREE = MemoryTree(LEAVES)


def flip(data: bytes, bit: int) -> bytes:
    changed = bytearray(data)
    changed[bit // 8] ^= 1 << (bit % 8)
    return bytes(changed)


@st.composite
def inclusion_cases(draw: st.DrawFn) -> tuple[int, int]:
    size = draw(st.integers(1, len(LEAVES)))
    return draw(st.integers(0, size - 1)), size


@st.composite
def consistency_cases(draw: st.DrawFn) -> tuple[int, int]:
    new = draw(st.integers(1, len(LEAVES)))
    return draw(st.integers(1, new)), new


@settings(deadline=None)
@given(inclusion_cases())
def test_an_inclusion_proof_from_the_tree_verifies(case: tuple[int, int]) -> None:
    index, size = case
    proof = TREE.inclusion_proof(index, size)
    verify.verify_inclusion(index, size, LEAVES[index], proof, TREE.root(size))


@settings(deadline=None)
@given(inclusion_cases(), st.data())
def test_flipping_any_bit_of_an_inclusion_proof_breaks_it(
    case: tuple[int, int], data: st.DataObject
) -> None:
    index, size = case
    proof = TREE.inclusion_proof(index, size)
    assume(proof)
    position = data.draw(st.integers(0, len(proof) - 1))
    proof[position] = flip(proof[position], data.draw(st.integers(0, 255)))
    with pytest.raises(RootMismatch):
        verify.verify_inclusion(index, size, LEAVES[index], proof, TREE.root(size))


@settings(deadline=None)
@given(inclusion_cases())
def test_an_inclusion_proof_does_not_prove_another_leaf_or_another_place(
    case: tuple[int, int],
) -> None:
    index, size = case
    proof = TREE.inclusion_proof(index, size)
    root = TREE.root(size)
    with pytest.raises(RootMismatch):
        verify.verify_inclusion(index, size, flip(LEAVES[index], 0), proof, root)
    for other in {index ^ 1, index + 1, index - 1} - {index}:
        if 0 <= other < size:
            with pytest.raises(LedgerError):
                verify.verify_inclusion(other, size, LEAVES[index], proof, root)


@settings(deadline=None)
@given(inclusion_cases())
def test_an_inclusion_proof_one_hash_longer_or_shorter_is_refused(
    case: tuple[int, int],
) -> None:
    index, size = case
    proof = TREE.inclusion_proof(index, size)
    root = TREE.root(size)
    with pytest.raises(LedgerError, match="too long"):
        verify.verify_inclusion(index, size, LEAVES[index], [*proof, root], root)
    if proof:
        with pytest.raises(LedgerError, match="too short"):
            verify.verify_inclusion(index, size, LEAVES[index], proof[:-1], root)


def test_root_mismatch_names_both_roots() -> None:
    proof = TREE.inclusion_proof(3, 10)
    with pytest.raises(RootMismatch) as caught:
        verify.verify_inclusion(3, 10, LEAVES[3], proof, TREE.root(11))
    assert caught.value.expected == TREE.root(11)
    assert caught.value.computed == TREE.root(10)
    assert TREE.root(10).hex() in str(caught.value)


def test_inclusion_needs_a_leaf_inside_the_tree_and_32_byte_hashes() -> None:
    proof = TREE.inclusion_proof(3, 10)
    with pytest.raises(LedgerError, match="entry 10 is not in a tree of 10"):
        verify.verify_inclusion(10, 10, LEAVES[3], proof, TREE.root(10))
    with pytest.raises(LedgerError, match="a leaf hash has 32 bytes, this one 31"):
        verify.verify_inclusion(3, 10, LEAVES[3][:31], proof, TREE.root(10))
    with pytest.raises(LedgerError, match="proof hash 1 has 33 bytes"):
        verify.verify_inclusion(3, 10, LEAVES[3], [proof[0], proof[1] + b"x"], TREE.root(10))


@settings(deadline=None)
@given(consistency_cases())
def test_a_consistency_proof_from_the_tree_verifies(case: tuple[int, int]) -> None:
    old, new = case
    proof = TREE.consistency_proof(old, new)
    verify.verify_consistency(old, new, proof, TREE.root(old), TREE.root(new))


@settings(deadline=None)
@given(consistency_cases(), st.data())
def test_flipping_any_bit_of_a_consistency_proof_breaks_it(
    case: tuple[int, int], data: st.DataObject
) -> None:
    old, new = case
    proof = TREE.consistency_proof(old, new)
    assume(proof)
    position = data.draw(st.integers(0, len(proof) - 1))
    proof[position] = flip(proof[position], data.draw(st.integers(0, 255)))
    with pytest.raises(RootMismatch):
        verify.verify_consistency(old, new, proof, TREE.root(old), TREE.root(new))


@settings(deadline=None)
@given(consistency_cases())
def test_a_consistency_proof_does_not_join_other_roots(case: tuple[int, int]) -> None:
    old, new = case
    assume(old < new)
    proof = TREE.consistency_proof(old, new)
    with pytest.raises(RootMismatch):
        verify.verify_consistency(old, new, proof, flip(TREE.root(old), 7), TREE.root(new))
    with pytest.raises(RootMismatch):
        verify.verify_consistency(old, new, proof, TREE.root(old), flip(TREE.root(new), 7))


def test_no_consistency_proof_from_the_empty_tree_is_accepted() -> None:
    for new in (0, 1, 5):
        with pytest.raises(LedgerError, match="from the empty tree proves nothing"):
            verify.verify_consistency(0, new, [], EMPTY_ROOT, TREE.root(new))


def test_between_equal_sizes_the_proof_is_empty_and_the_roots_equal() -> None:
    verify.verify_consistency(4, 4, [], TREE.root(4), TREE.root(4))
    with pytest.raises(LedgerError, match="equal sizes"):
        verify.verify_consistency(4, 4, [TREE.root(4)], TREE.root(4), TREE.root(4))
    with pytest.raises(RootMismatch):
        verify.verify_consistency(4, 4, [], TREE.root(4), TREE.root(5))


def test_consistency_refuses_a_shrinking_tree_and_an_empty_proof() -> None:
    with pytest.raises(LedgerError, match="from size 5 to size 4"):
        verify.verify_consistency(5, 4, [], TREE.root(5), TREE.root(4))
    with pytest.raises(LedgerError, match="empty"):
        verify.verify_consistency(3, 4, [], TREE.root(3), TREE.root(4))


@st.composite
def subtree_cases(draw: st.DrawFn) -> tuple[int, int, int]:
    size = draw(st.integers(0, len(LEAVES)))
    width = draw(st.integers(0, size))
    ceiling = 1 << (width - 1).bit_length() if width > 1 else 1
    start = ceiling * draw(st.integers(0, (size - width) // ceiling))
    return start, start + width, size


@settings(deadline=None)
@given(subtree_cases())
def test_a_subtree_consistency_proof_verifies_and_a_changed_one_does_not(
    case: tuple[int, int, int],
) -> None:
    start, end, size = case
    proof = TREE.subtree_consistency_proof(start, end, size)
    subtree = TREE.subtree_hash(start, end)
    verify.verify_subtree_consistency(start, end, size, proof, subtree, TREE.root(size))
    if start < end:
        with pytest.raises(LedgerError):
            verify.verify_subtree_consistency(
                start, end, size, proof, flip(subtree, 3), TREE.root(size)
            )
    for position in range(len(proof)):
        changed = list(proof)
        changed[position] = flip(changed[position], 9)
        with pytest.raises(LedgerError):
            verify.verify_subtree_consistency(start, end, size, changed, subtree, TREE.root(size))


@settings(deadline=None)
@given(subtree_cases(), st.data())
def test_a_subtree_inclusion_proof_leads_to_the_subtree_hash(
    case: tuple[int, int, int], data: st.DataObject
) -> None:
    start, end, _ = case
    assume(start < end)
    index = data.draw(st.integers(start, end - 1))
    proof = TREE.subtree_inclusion_proof(index, start, end)
    subtree = TREE.subtree_hash(start, end)
    verify.verify_subtree_inclusion(index, start, end, LEAVES[index], proof, subtree)
    with pytest.raises(RootMismatch):
        verify.verify_subtree_inclusion(index, start, end, flip(LEAVES[index], 1), proof, subtree)


def test_subtree_proofs_need_a_valid_subtree() -> None:
    with pytest.raises(LedgerError, match=r"\[2, 5\) is not a subtree"):
        verify.verify_subtree_consistency(2, 5, 8, [], EMPTY_ROOT, EMPTY_ROOT)
    with pytest.raises(LedgerError, match=r"\[2, 5\) is not a subtree"):
        verify.verify_subtree_inclusion(2, 2, 5, LEAVES[2], [], EMPTY_ROOT)
    with pytest.raises(LedgerError, match="entry 4 is not in the subtree"):
        verify.verify_subtree_inclusion(4, 2, 4, LEAVES[4], [], EMPTY_ROOT)
