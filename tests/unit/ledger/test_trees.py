"""The tree in memory: the same nodes however the leaves arrive, and sizes checked."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from soviet.errors import InputError, LedgerError
from soviet.ledger.hashing import EMPTY_ROOT
from soviet.ledger.trees import MemoryTree

from . import reference

LEAVES = reference.leaf_hashes(200)


@settings(deadline=None)
@given(st.lists(st.integers(0, 40), max_size=12))
def test_the_tree_is_the_same_whatever_the_batches(batches: list[int]) -> None:
    tree = MemoryTree()
    size = 0
    for count in batches:
        count = min(count, len(LEAVES) - size)
        tree.append(LEAVES[size : size + count])
        size += count
        assert tree.root() == reference.mth(LEAVES[:size])
    assert tree.levels == MemoryTree(LEAVES[:size]).levels


def test_an_empty_tree_has_the_empty_root() -> None:
    tree = MemoryTree()
    assert tree.size == 0
    assert tree.root() == EMPTY_ROOT == tree.root(0)


def test_the_tree_answers_for_past_sizes_and_refuses_future_ones() -> None:
    tree = MemoryTree(LEAVES[:10])
    assert tree.root(7) == reference.mth(LEAVES[:7])
    assert tree.leaf(9) == LEAVES[9]
    with pytest.raises(InputError, match="the log has 10 entries, not 11"):
        tree.root(11)
    with pytest.raises(InputError, match="the log has 10 entries, not 11"):
        tree.consistency_proof(3, 11)
    with pytest.raises(InputError, match="entry 10 is not in a log of 10 entries"):
        tree.leaf(10)
    with pytest.raises(InputError, match="entry 10 is not in a log of 10 entries"):
        tree.inclusion_proof(10)


def test_the_tree_hashes_its_subtrees() -> None:
    tree = MemoryTree(LEAVES[:14])
    assert tree.subtree_hash(8, 13) == reference.mth(LEAVES[8:13])
    assert tree.subtree_hash(3, 3) == EMPTY_ROOT
    with pytest.raises(InputError, match=r"\[1, 3\) is not a subtree"):
        tree.subtree_hash(1, 3)


def test_the_tree_refuses_leaf_hashes_of_the_wrong_length() -> None:
    with pytest.raises(LedgerError, match="leaf hash 0 has 3 bytes"):
        MemoryTree([b"abc"])


def test_a_past_root_stays_the_same_as_the_tree_grows() -> None:
    tree = MemoryTree(LEAVES[:5])
    fifth = tree.root(5)
    assert tree.root(0) == EMPTY_ROOT
    tree.append(LEAVES[5:9])
    assert tree.root() == reference.mth(LEAVES[:9])
    assert tree.root(5) == fifth == reference.mth(LEAVES[:5])
