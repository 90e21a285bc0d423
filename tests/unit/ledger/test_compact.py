"""Tree coordinates: compact ranges, subtrees, folding, and the nodes a new leaf completes."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from soviet.errors import LedgerError
from soviet.ledger.compact import (
    NodeID,
    Range,
    border,
    check_leaves,
    completed_nodes,
    decompose,
    fold,
    is_valid_subtree,
    range_nodes,
    subtree_root,
)
from soviet.ledger.hashing import EMPTY_ROOT

from .reference import leaf_hashes, mth

LEAVES = leaf_hashes(300)


def all_nodes(leaves: list[bytes]) -> dict[NodeID, bytes]:
    """Every complete-subtree node of a tree, computed from the leaves."""
    nodes = {}
    level = 0
    while (1 << level) <= len(leaves):
        for index in range(len(leaves) >> level):
            nodes[NodeID(level, index)] = mth(leaves[index << level : (index + 1) << level])
        level += 1
    return nodes


NODES = all_nodes(LEAVES)


@st.composite
def ranges(draw: st.DrawFn, top: int = 300) -> tuple[int, int]:
    end = draw(st.integers(0, top))
    return draw(st.integers(0, end)), end


@st.composite
def subtrees(draw: st.DrawFn, top: int = 300) -> tuple[int, int]:
    size = draw(st.integers(0, top))
    ceiling = 1 << (size - 1).bit_length() if size > 1 else 1
    start = ceiling * draw(st.integers(0, (top - size) // ceiling))
    return start, start + size


def test_a_node_covers_its_aligned_block_of_leaves() -> None:
    node = NodeID(3, 5)
    assert (node.begin, node.end) == (40, 48)
    assert node.parent() == NodeID(4, 2)
    assert node.sibling() == NodeID(3, 4)


def test_compact_range_climbs_from_begin_and_descends_to_end() -> None:
    assert range_nodes(3, 13) == [NodeID(0, 3), NodeID(2, 1), NodeID(2, 2), NodeID(0, 12)]
    assert decompose(3, 13) == (0b101, 0b101)
    assert range_nodes(0, 13) == [NodeID(3, 0), NodeID(2, 2), NodeID(0, 12)]
    assert range_nodes(5, 5) == []


@settings(deadline=None)
@given(ranges())
def test_compact_range_tiles_the_range_with_the_fewest_aligned_nodes(r: tuple[int, int]) -> None:
    begin, end = r
    nodes = range_nodes(begin, end)
    position = begin
    for node in nodes:
        assert node.begin == position
        position = node.end
    assert position == end
    # no two neighbours could merge into their parent: the tiling is minimal
    for left, right in itertools.pairwise(nodes):
        assert not (left.level == right.level and left.index % 2 == 0)


def test_a_subtree_starts_at_a_multiple_of_its_size_rounded_up_to_a_power_of_two() -> None:
    assert is_valid_subtree(4, 8)
    assert is_valid_subtree(8, 13)
    assert is_valid_subtree(0, 15)
    assert is_valid_subtree(7, 7)
    assert is_valid_subtree(7, 8)
    assert not is_valid_subtree(1, 15)
    assert not is_valid_subtree(2, 5)
    assert not is_valid_subtree(4, 9)
    assert not is_valid_subtree(3, 2)


def test_folding_nothing_gives_the_empty_root() -> None:
    assert fold([]) == EMPTY_ROOT


@settings(deadline=None)
@given(subtrees())
def test_a_subtree_hash_is_the_fold_of_its_compact_range(r: tuple[int, int]) -> None:
    start, end = r
    assert subtree_root(start, end, NODES) == mth(LEAVES[start:end])


def test_subtree_root_refuses_a_range_that_is_not_a_subtree() -> None:
    with pytest.raises(ValueError, match="not a subtree"):
        subtree_root(1, 3, NODES)


def test_the_border_of_a_tree_is_one_node_per_set_bit_of_its_size() -> None:
    assert border(0) == []
    assert border(6) == [NodeID(2, 0), NodeID(1, 2)]
    assert border(7) == [NodeID(2, 0), NodeID(1, 2), NodeID(0, 6)]


@settings(deadline=None)
@given(st.integers(0, 200), st.integers(0, 100))
def test_appending_completes_exactly_the_new_complete_subtrees(size: int, count: int) -> None:
    known = {node: NODES[node] for node in border(size)}
    produced = {}
    for level, first, hashes in completed_nodes(size, LEAVES[size : size + count], known):
        for offset, digest in enumerate(hashes):
            produced[NodeID(level, first + offset)] = digest
    new = size + count
    expected = {
        node: digest for node, digest in NODES.items() if node.level > 0 and size < node.end <= new
    }
    assert produced == expected


def test_appending_without_the_border_node_it_needs_fails() -> None:
    with pytest.raises(LedgerError, match=r"lacks node \(0, 2\)"):
        list(completed_nodes(3, LEAVES[3:4], {}))


def test_leaf_hashes_must_have_32_bytes() -> None:
    check_leaves(LEAVES[:3])
    with pytest.raises(LedgerError, match="leaf hash 1 has 31 bytes"):
        check_leaves([LEAVES[0], LEAVES[1][:31]])


def test_a_range_from_zero_gives_the_root_at_every_size_and_the_nodes_it_completes() -> None:
    tree = Range()
    completed = {}
    for size, leaf in enumerate(LEAVES[:130], start=1):
        for level, index, digest in tree.append(leaf):
            completed[NodeID(level, index)] = digest
        assert tree.root() == mth(LEAVES[:size])
        assert tree.nodes() == border(size)
    assert completed == {n: h for n, h in NODES.items() if n.level > 0 and n.end <= 130}


@settings(deadline=None)
@given(subtrees(top=200))
def test_a_range_grown_from_a_subtree_start_hashes_that_subtree(r: tuple[int, int]) -> None:
    start, end = r
    tree = Range(start)
    tree.extend(LEAVES[start:end])
    assert tree.nodes() == range_nodes(start, end)
    assert tree.root() == mth(LEAVES[start:end])


def test_a_range_can_resume_from_its_nodes() -> None:
    tree = Range(5, 12, [NODES[n] for n in range_nodes(5, 12)])
    tree.extend(LEAVES[12:40])
    assert tree.hashes == [NODES[n] for n in range_nodes(5, 40)]
    with pytest.raises(ValueError, match="not a subtree"):
        tree.root()
    with pytest.raises(ValueError, match="has 3 nodes"):
        Range(5, 12, [])
