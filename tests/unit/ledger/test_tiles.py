"""The log as tiles: paths written as the spec writes them, bundles and hash tiles that
read back, and roots folded from tiles equal to the tree's for every size."""

from __future__ import annotations

import hashlib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from soviet.errors import InputError, LedgerError
from soviet.ledger.compact import NodeID
from soviet.ledger.hashing import EMPTY_ROOT
from soviet.ledger.tiles import (
    MAX_ENTRY,
    WIDTH,
    EntryTooLarge,
    Tile,
    TileBuilder,
    bundles_of,
    decode_bundle,
    decode_hashes,
    encode_bundle,
    encode_hashes,
    index_path,
    parse_path,
    root_from_tiles,
    tiles_of,
)
from soviet.ledger.trees import MemoryTree

#: A tree past three tile levels' worth of sizes (256**2 = 65,536 leaves, and more).
BIG = 70_000
LEAVES = [hashlib.sha256(i.to_bytes(4, "big")).digest() for i in range(BIG)]
TREE = MemoryTree(LEAVES)


def served(size: int) -> dict[Tile, list[bytes]]:
    """The hash tiles of the tree at `size` straight from the tree's own nodes: the
    hashes at height 8·L, as many as the size completes."""
    return {
        tile: TREE.nodes([NodeID(tile.height, tile.first + i) for i in range(tile.width)])
        for tile in tiles_of(size)
    }


@pytest.mark.parametrize(
    ("index", "path"),
    [
        (0, "000"),
        (5, "005"),
        (999, "999"),
        (1000, "x001/000"),
        (1234067, "x001/x234/067"),
        (1_000_000, "x001/x000/000"),
    ],
)
def test_a_tile_index_is_written_in_groups_of_three_digits(index: int, path: str) -> None:
    assert index_path(index) == path
    assert parse_path(f"tile/0/{path}") == Tile(0, index)


def test_paths_read_back_as_the_tiles_they_name() -> None:
    assert parse_path("tile/0/x001/x234/067") == Tile(0, 1234067)
    assert parse_path("tile/3/002.p/17") == Tile(3, 2, 17)
    assert parse_path("tile/entries/x001/005.p/255") == Tile(None, 1005, 255)
    assert parse_path("entries/000") == Tile(None, 0)
    for tile in (Tile(0, 1234067), Tile(2, 1, 1), Tile(None, 7, 200), Tile(None, 3000)):
        assert parse_path(tile.path()) == tile


@pytest.mark.parametrize(
    "path",
    [
        "tile/0/x000/005",  # a leading group of zeros
        "tile/0/5",
        "tile/0/0005",
        "tile/0/x001/x234",  # the last group has no x
        "tile/0/001/234",  # the first one needs it
        "tile/00/000",
        "tile/64/000",  # past the highest level
        "tile/-1/000",
        "tile/0/000.p/0",
        "tile/0/000.p/256",
        "tile/0/000.p/007",
        "tile/0/000.p/",
        "tile/0/000.p",
        "tile/entry/000",
        "tile/0",
        "tile/0/x001/x002/x003/x004/x005/x006/x007/008",  # more groups than any index
    ],
)
def test_a_path_the_spec_does_not_write_is_refused(path: str) -> None:
    with pytest.raises(InputError):
        parse_path(path)


def test_a_tree_of_70000_has_the_tiles_the_spec_lists() -> None:
    tiles = tiles_of(70_000)
    assert [t for t in tiles if t.level == 0 and not t.partial] == [Tile(0, n) for n in range(273)]
    assert [t for t in tiles if t.partial] == [Tile(0, 273, 112), Tile(1, 1, 17), Tile(2, 0, 1)]
    assert Tile(1, 0) in tiles
    assert len(tiles) == 277


def test_a_tree_of_256_has_one_full_tile_and_one_partial_above() -> None:
    assert tiles_of(256) == [Tile(0, 0), Tile(1, 0, 1)]
    assert tiles_of(0) == []
    assert bundles_of(257) == [Tile(None, 0), Tile(None, 1, 1)]


@given(st.lists(st.binary(max_size=300), min_size=1, max_size=WIDTH))
def test_a_bundle_reads_back_as_its_entries(entries: list[bytes]) -> None:
    tile = Tile(None, 0, len(entries))
    assert decode_bundle(encode_bundle(entries), tile) == entries


def test_an_entry_of_the_longest_length_fits_and_one_more_byte_does_not() -> None:
    longest = b"x" * MAX_ENTRY
    assert decode_bundle(encode_bundle([longest]), Tile(None, 0, 1)) == [longest]
    with pytest.raises(EntryTooLarge, match="seq 513 has 65,536 bytes"):
        encode_bundle([b"", longest + b"x"], first=511)


@pytest.mark.parametrize(
    ("data", "problem"),
    [
        (b"\x00\x03ab", "ends inside entry 1"),
        (b"\x00\x01a\x00", "ends inside the length of entry 2"),
        (b"\x00\x01a", "holds 1 entries, not 2"),
        (b"\x00\x01a\x00\x01b\x00\x01c", "holds 3 entries, not 2"),
    ],
)
def test_a_bundle_cut_short_or_too_long_is_refused(data: bytes, problem: str) -> None:
    with pytest.raises(LedgerError, match=problem):
        decode_bundle(data, Tile(None, 0, 2))


def test_a_hash_tile_reads_back_and_must_be_its_width() -> None:
    hashes = LEAVES[:3]
    assert decode_hashes(encode_hashes(hashes), Tile(0, 0, 3)) == hashes
    with pytest.raises(LedgerError, match="not the 128 of 4 hashes"):
        decode_hashes(encode_hashes(hashes), Tile(0, 0, 4))


@pytest.mark.parametrize("size", [0, 1, 2, 255, 256, 257, 511, 512, 65_535, 65_536, 65_537, BIG])
def test_the_root_from_the_tiles_is_the_trees_root(size: int) -> None:
    tiles = served(size)
    read: list[Tile] = []

    def reader(tile: Tile) -> list[bytes]:
        read.append(tile)
        return tiles[tile]

    assert root_from_tiles(size, reader) == TREE.root(size)
    assert len(read) == len(set(read)) <= 2 * len({t.level for t in tiles})


@settings(deadline=None, max_examples=60)
@given(st.integers(0, BIG))
def test_the_root_from_the_tiles_is_the_trees_root_at_any_size(size: int) -> None:
    assert root_from_tiles(size, served(size).__getitem__) == TREE.root(size)


def test_the_root_of_nothing_reads_no_tile() -> None:
    assert root_from_tiles(0, lambda tile: pytest.fail(f"read {tile}")) == EMPTY_ROOT


def test_a_tile_of_the_wrong_width_gives_no_root() -> None:
    with pytest.raises(LedgerError, match="has 2 hashes, not 3"):
        root_from_tiles(3, lambda tile: LEAVES[:2])


@settings(deadline=None, max_examples=25)
@given(st.integers(0, BIG), st.lists(st.integers(1, 5000), max_size=4))
def test_the_builder_makes_the_tiles_the_tree_has(size: int, batches: list[int]) -> None:
    builder = TileBuilder()
    made: dict[Tile, list[bytes]] = {}
    done = 0
    for count in [*batches, size]:
        count = min(count, size - done)
        made.update(builder.extend(LEAVES[done : done + count]))
        done += count
    made.update(builder.partial())
    assert made == served(size)
