r"""The log as tiles (c2sp.org/tlog-tiles): fixed files any HTTP mirror can carry.

A tile is 256 consecutive hashes of one height of the tree. The tile `(L, N)` holds the
nodes at height 8·L with indices 256·N to 256·N + 255 — at level 0 the leaf hashes, at
level L the roots of the full tiles of level L - 1 — and spans the leaves
`[N·256^(L+1), (N+1)·256^(L+1))`. The rightmost tile of a level is usually *partial*:
its first W hashes, for the W that the tree's size leaves there. An entry bundle is the
entries (the log's RFC 8785 event bytes) behind a level-0 tile, each prefixed by its
length as a big-endian uint16.

    tile/0/x001/x234/067        full level-0 tile 1,234,067 (the index in groups of three)
    tile/1/000.p/5              the first 5 hashes of level 1
    tile/entries/003.p/200      the first 200 entries of bundle 3

Nothing here reads or writes anything: the server and the tile reader pass the hashes in.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass

from soviet.errors import InputError, LedgerError
from soviet.ledger.compact import fold, range_nodes
from soviet.ledger.hashing import EMPTY_ROOT, HASH_SIZE, node_hash

#: Hashes in a full tile, and the height of tree a tile spans (256 = 2**8).
WIDTH = 256
HEIGHT = 8
#: The highest level a tile path may name.
MAX_LEVEL = 63
#: The longest entry a bundle holds: its length is written in two bytes.
MAX_ENTRY = 0xFFFF
#: The most groups of three digits an index is written in (enough for any 64-bit index).
MAX_GROUPS = 7


class EntryTooLarge(LedgerError):
    """An entry too long for an entry bundle's two-byte length prefix."""

    def __init__(self, index: int, length: int) -> None:
        super().__init__(
            f"the entry of seq {index + 1} has {length:,} bytes, more than the "
            f"{MAX_ENTRY:,} a tlog-tiles entry bundle can hold; read it from the API "
            "(/api/v1/log/…) or an export (`soviet export`)"
        )
        self.seq = index + 1
        self.length = length


@dataclass(frozen=True, order=True, slots=True)
class Tile:
    """One tile: a hash tile at `level`, or the entry bundle (`level` None) behind the
    level-0 tile `index`; `width` hashes or entries (WIDTH for a full one)."""

    level: int | None
    index: int
    width: int = WIDTH

    @property
    def partial(self) -> bool:
        return self.width < WIDTH

    @property
    def entries(self) -> bool:
        return self.level is None

    @property
    def height(self) -> int:
        """The height in the tree of the hashes the tile holds."""
        return HEIGHT * (self.level or 0)

    @property
    def first(self) -> int:
        """The index, in its height of the tree, of the tile's first hash (or entry)."""
        return self.index * WIDTH

    def path(self) -> str:
        """The tile's path under the log's prefix: tile/<L>/<N>[.p/<W>]."""
        level = "entries" if self.level is None else str(self.level)
        tail = f".p/{self.width}" if self.partial else ""
        return f"tile/{level}/{index_path(self.index)}{tail}"

    def __str__(self) -> str:
        return self.path()


def index_path(index: int) -> str:
    """A tile index in the spec's path form: groups of three digits, all but the last
    prefixed with x (1234067 → x001/x234/067)."""
    if index < 0:
        raise ValueError(f"a tile index is >= 0, not {index}")
    groups = []
    while True:
        groups.append(f"{index % 1000:03d}")
        index //= 1000
        if not index:
            break
    groups.reverse()
    return "/".join([*(f"x{g}" for g in groups[:-1]), groups[-1]])


_GROUP = re.compile(r"x[0-9]{3}")
_LAST = re.compile(r"[0-9]{3}")
_NUMBER = re.compile(r"0|[1-9][0-9]*")


def parse_path(path: str) -> Tile:
    """The tile a path names (`tile/…`, or the part after `tile/`); InputError, naming
    what is wrong, for any path that is not exactly one the spec writes."""
    parts = path.split("/")
    if parts[0] == "tile":
        parts = parts[1:]
    if len(parts) < 2:
        raise InputError(f"{path!r} is not a tile path: tile/<L>/<N>[.p/<W>]")
    head, *rest = parts
    level: int | None
    if head == "entries":
        level = None
    elif _NUMBER.fullmatch(head):
        level = int(head)
        if level > MAX_LEVEL:
            raise InputError(f"tile level {level} is over the highest, {MAX_LEVEL}")
    else:
        raise InputError(f"{head!r} is not a tile level: 0 to {MAX_LEVEL}, or 'entries'")
    width = WIDTH
    if len(rest) >= 2 and rest[-2].endswith(".p"):
        given = rest[-1]
        if not _NUMBER.fullmatch(given) or not 1 <= int(given) < WIDTH:
            raise InputError(f"a partial tile's width is 1 to {WIDTH - 1}, not {given!r}")
        width = int(given)
        rest = [*rest[:-2], rest[-2][:-2]]
    if len(rest) > MAX_GROUPS:
        raise InputError(f"a tile index has at most {MAX_GROUPS} groups of three digits")
    if not all(_GROUP.fullmatch(g) for g in rest[:-1]) or not _LAST.fullmatch(rest[-1]):
        raise InputError(
            f"{'/'.join(rest)!r} is not a tile index: groups of three digits, all but the "
            "last prefixed with x (x001/x234/067)"
        )
    index = int("".join(g.lstrip("x") for g in rest))
    if index_path(index) != "/".join(rest):
        raise InputError(
            f"{'/'.join(rest)!r} is not how tile index {index} is written: {index_path(index)}"
        )
    return Tile(level, index, width)


# -- which tiles a tree has --------------------------------------------------------------


def tiles_of(size: int) -> list[Tile]:
    """Every hash tile of the tree of `size` leaves, level by level: the full ones, then
    the partial one where the size leaves one."""
    found = []
    level = 0
    while size >> (HEIGHT * level):
        count = size >> (HEIGHT * level)
        found += [Tile(level, n) for n in range(count // WIDTH)]
        if count % WIDTH:
            found.append(Tile(level, count // WIDTH, count % WIDTH))
        level += 1
    return found


def bundles_of(size: int) -> list[Tile]:
    """The entry bundles of a log of `size` entries, in order."""
    return [Tile(None, t.index, t.width) for t in tiles_of(size) if t.level == 0]


def covering(level: int, position: int, size: int) -> Tile:
    """The tile of a tree of `size` leaves that holds hash `position` of its level."""
    count = size >> (HEIGHT * level)
    if not 0 <= position < count:
        raise ValueError(f"no hash {position} at tile level {level} of a tree of {size}")
    index = position // WIDTH
    return Tile(level, index, min(WIDTH, count - index * WIDTH))


# -- hash tiles and entry bundles, as bytes ----------------------------------------------


def encode_hashes(hashes: Sequence[bytes]) -> bytes:
    if not 0 < len(hashes) <= WIDTH or any(len(h) != HASH_SIZE for h in hashes):
        raise ValueError(f"a tile is 1 to {WIDTH} hashes of {HASH_SIZE} bytes")
    return b"".join(hashes)


def decode_hashes(data: bytes, tile: Tile) -> list[bytes]:
    """The hashes of a hash tile; LedgerError unless it is exactly `tile.width` of them."""
    if len(data) != tile.width * HASH_SIZE:
        raise LedgerError(
            f"{tile} has {len(data):,} bytes, not the {tile.width * HASH_SIZE:,} of "
            f"{tile.width} hashes"
        )
    return [data[i : i + HASH_SIZE] for i in range(0, len(data), HASH_SIZE)]


def encode_bundle(entries: Sequence[bytes], first: int = 0) -> bytes:
    """An entry bundle; EntryTooLarge (naming the entry, `first` being the log index of
    the first) for an entry whose length does not fit in two bytes."""
    parts: list[bytes] = []
    for i, entry in enumerate(entries):
        if len(entry) > MAX_ENTRY:
            raise EntryTooLarge(first + i, len(entry))
        parts += (len(entry).to_bytes(2, "big"), entry)
    return b"".join(parts)


def decode_bundle(data: bytes, tile: Tile) -> list[bytes]:
    """The entries of a bundle; LedgerError unless it is exactly `tile.width` of them."""
    entries: list[bytes] = []
    at = 0
    while at < len(data):
        if at + 2 > len(data):
            raise LedgerError(f"{tile} ends inside the length of entry {len(entries) + 1}")
        length = int.from_bytes(data[at : at + 2], "big")
        at += 2
        if at + length > len(data):
            raise LedgerError(f"{tile} ends inside entry {len(entries) + 1}")
        entries.append(data[at : at + length])
        at += length
    if len(entries) != tile.width:
        raise LedgerError(f"{tile} holds {len(entries)} entries, not {tile.width}")
    return entries


# -- roots from tiles --------------------------------------------------------------------


def subtree(hashes: Sequence[bytes]) -> bytes:
    """The root of the complete subtree whose leaves are `hashes` (a power of two of
    them): how a tile's hashes hash into the node of the tile above."""
    level = list(hashes)
    while len(level) > 1:
        pairs = iter(level)
        level = [node_hash(a, b) for a, b in zip(pairs, pairs, strict=True)]
    return level[0]


#: Reads a tile's hashes, as the server (or a mirror) serves them.
Reader = Callable[[Tile], Sequence[bytes]]


def root_from_tiles(size: int, read: Reader) -> bytes:
    """The root of the tree of `size` leaves, from its hash tiles alone.

    The root folds the complete subtrees of the tree's border (`compact.range_nodes`); a
    node at height 8·L + r is the subtree over 2**r consecutive hashes of one tile at
    level L. At most two tiles a level are read (each once).
    """
    if size == 0:
        return EMPTY_ROOT
    read_once: dict[Tile, Sequence[bytes]] = {}
    nodes = []
    for node in range_nodes(0, size):
        level, r = divmod(node.level, HEIGHT)
        start = node.index << r
        tile = covering(level, start, size)
        if tile not in read_once:
            read_once[tile] = read(tile)
        hashes = read_once[tile]
        if len(hashes) != tile.width:
            raise LedgerError(f"{tile} has {len(hashes)} hashes, not {tile.width}")
        offset = start - tile.first
        nodes.append(subtree(hashes[offset : offset + (1 << r)]))
    return fold(nodes)


class TileBuilder:
    """The hash tiles of a tree, built from its leaf hashes in order, a tile at a time:
    what a served log's tiles must be, to compare them with, in O(256 · levels) memory."""

    def __init__(self) -> None:
        self.size = 0
        #: Per level, the hashes of the tile being filled.
        self.pending: list[list[bytes]] = [[]]
        #: Per level, how many full tiles are done.
        self.done: list[int] = [0]

    def extend(self, leaves: Sequence[bytes]) -> Iterator[tuple[Tile, list[bytes]]]:
        """Add leaf hashes; yields each full tile they complete, lowest level first."""
        for leaf in leaves:
            self.size += 1
            yield from self._add(0, leaf)

    def _add(self, level: int, digest: bytes) -> Iterator[tuple[Tile, list[bytes]]]:
        while True:
            pending = self.pending[level]
            pending.append(digest)
            if len(pending) < WIDTH:
                return
            tile = Tile(level, self.done[level])
            yield tile, pending
            self.pending[level] = []
            self.done[level] += 1
            digest = subtree(pending)
            level += 1
            if level == len(self.pending):
                self.pending.append([])
                self.done.append(0)

    def partial(self) -> list[tuple[Tile, list[bytes]]]:
        """The partial tiles of the tree so far, one a level where it leaves one."""
        return [
            (Tile(level, self.done[level], len(hashes)), list(hashes))
            for level, hashes in enumerate(self.pending)
            if hashes
        ]
