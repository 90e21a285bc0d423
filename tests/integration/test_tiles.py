"""The log served as C2SP tlog-tiles, read back by a tile reader of the test's own: the
root it rebuilds from the tiles is the one the signed checkpoint signs, every entry of
the bundles is an event of the log with its leaf hash, tiles are cached for ever and the
checkpoint briefly, and a path the spec does not write is refused in the API's shape."""

from __future__ import annotations

import gzip
import hashlib
import json
from collections.abc import Callable, Sequence

import pytest

from integration.served import Served
from integration.signed import elect_every_level
from soviet.domain import commands as cmd
from soviet.ledger.checkpoints import Checkpoint, VerifierKey, open_checkpoint
from soviet.services import elections
from soviet.storage import merkle
from soviet.storage.workspace import SqlWorkspace

TILE = 256
#: The electors admitted to a2 besides its six, so the log passes a full tile.
MORE = 110


# -- a tile reader of the test's own, from the spec alone --------------------------------


def index_path(n: int) -> str:
    digits = f"{n:d}"
    digits = digits.zfill(-(-len(digits) // 3) * 3)
    groups = [digits[i : i + 3] for i in range(0, len(digits), 3)]
    return "/".join(["x" + g for g in groups[:-1]] + [groups[-1]])


def path(level: int | str, n: int, width: int = TILE) -> str:
    return f"/log/tile/{level}/{index_path(n)}" + (f".p/{width}" if width < TILE else "")


def mth(hashes: Sequence[bytes]) -> bytes:
    """RFC 6962's Merkle Tree Hash over leaf hashes, straight from its recursion."""
    if not hashes:
        return hashlib.sha256(b"").digest()
    if len(hashes) == 1:
        return hashes[0]
    k = 1
    while k * 2 < len(hashes):
        k *= 2
    return hashlib.sha256(b"\x01" + mth(hashes[:k]) + mth(hashes[k:])).digest()


def split_hashes(body: bytes) -> list[bytes]:
    assert len(body) % 32 == 0
    return [body[i : i + 32] for i in range(0, len(body), 32)]


def split_bundle(body: bytes) -> list[bytes]:
    entries, at = [], 0
    while at < len(body):
        length = int.from_bytes(body[at : at + 2], "big")
        entries.append(body[at + 2 : at + 2 + length])
        at += 2 + length
    assert at == len(body)
    return entries


def checkpoint_of(s: Served) -> Checkpoint:
    """The served checkpoint, opened with the log's verifier key."""
    answer = s.get("/log/checkpoint")
    assert answer.status_code == 200
    with s.org.soviet.reading() as reads:
        origin, key = reads.log_key()
    assert key is not None
    return open_checkpoint(answer.content, VerifierKey.parse(key), origin)


def level_zero(s: Served, size: int) -> list[bytes]:
    """Every leaf hash of the log at `size`, from its full and partial level-0 tiles."""
    leaves: list[bytes] = []
    for n in range(size // TILE):
        leaves += split_hashes(s.get(path(0, n)).content)
    if size % TILE:
        leaves += split_hashes(s.get(path(0, size // TILE, size % TILE)).content)
    assert len(leaves) == size
    return leaves


def bundles(s: Served, size: int) -> list[bytes]:
    entries: list[bytes] = []
    for n in range(-(-size // TILE)):
        width = min(TILE, size - n * TILE)
        answer = s.get(path("entries", n, width))
        assert answer.status_code == 200, answer.text
        entries += split_bundle(answer.content)
    return entries


# -- the log -----------------------------------------------------------------------------


def grown(s: Served) -> Served:
    """A log past one full tile: elections at every level, then a2 grown by MORE members."""
    org = s.org
    elect_every_level(org)
    for i in range(7, 7 + MORE):
        org.admit(f"a2-{i}", ["a2"], "a1-1")
    assert s.size() > TILE + 1 and s.size() % TILE
    return s


@pytest.fixture
def log(served: Callable[[], Served]) -> Served:
    return grown(served())


def root_from_tiles(size: int, above: Sequence[bytes], rest: Sequence[bytes]) -> bytes:
    """MTH of the log at `size` from its level-1 hashes (one per full level-0 tile) and
    the leaves of its partial level-0 tile: RFC 6962's recursion, where every range it
    meets that is a full tile is that tile's level-1 hash."""
    full = len(above) * TILE

    def node(lo: int, hi: int) -> bytes:
        if hi - lo == TILE and lo % TILE == 0 and hi <= full:
            return above[lo // TILE]
        if hi - lo == 1:
            assert lo >= full, "a leaf of a full tile is never read"
            return rest[lo - full]
        k = 1
        while k * 2 < hi - lo:
            k *= 2
        return hashlib.sha256(b"\x01" + node(lo, lo + k) + node(lo + k, hi)).digest()

    return node(0, size) if size else hashlib.sha256(b"").digest()


def test_a_reader_rebuilds_the_signed_root_from_the_served_tiles(log: Served) -> None:
    checkpoint = checkpoint_of(log)
    size = checkpoint.size
    assert size == log.size() > TILE
    full = size // TILE
    above = split_hashes(log.get(path(1, 0, full)).content)
    rest = split_hashes(log.get(path(0, full, size % TILE)).content)
    assert root_from_tiles(size, above, rest) == checkpoint.root
    with log.org.soviet.reading() as reads:
        assert log.get("/log/checkpoint").text == (reads.latest_checkpoint() or (0, ""))[1]
    # and the level-1 hashes are the roots of the full level-0 tiles
    leaves = level_zero(log, size)
    assert above == [mth(leaves[n * TILE : (n + 1) * TILE]) for n in range(full)]
    assert mth(leaves) == checkpoint.root


def test_every_entry_of_the_bundles_is_a_logged_event_with_its_leaf_hash(log: Served) -> None:
    size = checkpoint_of(log).size
    entries = bundles(log, size)
    events = log.org.events()
    assert len(entries) == len(events) == size
    with log.org.soviet.snapshot() as conn:
        for i, (entry, event) in enumerate(zip(entries, events, strict=True)):
            assert hashlib.sha256(b"\x00" + entry).digest() == merkle.leaf(conn, i)
            assert json.loads(entry) == event.to_json()
    assert [hashlib.sha256(b"\x00" + e).digest() for e in entries] == level_zero(log, size)


def test_tiles_are_cached_for_ever_and_the_checkpoint_for_seconds(log: Served) -> None:
    size = log.size()
    note = log.get("/log/checkpoint")
    assert note.headers["content-type"] == "text/plain; charset=utf-8"
    assert note.headers["cache-control"] == "public, max-age=5"
    for tile in (
        path(0, 0),
        path(0, 1, size % TILE),
        path("entries", 0),
        path("entries", 1, size % TILE),
        path(1, 0, 1),
    ):
        answer = log.get(tile)
        assert answer.status_code == 200, tile
        assert answer.headers["cache-control"] == "public, max-age=31536000, immutable"
        assert answer.headers["content-type"] == "application/octet-stream"
    missing = log.get(path(0, 1))
    assert missing.status_code == 404
    assert missing.headers["cache-control"] == "no-store"


def test_a_bundle_is_gzipped_for_a_reader_that_takes_gzip(log: Served) -> None:
    plain = log.get(path("entries", 0), headers={"Accept-Encoding": "identity"})
    assert "content-encoding" not in plain.headers
    zipped = log.get(path("entries", 0), headers={"Accept-Encoding": "gzip"})
    assert zipped.headers["content-encoding"] == "gzip"
    assert zipped.content == plain.content  # httpx inflates it
    refused = log.get(path("entries", 0), headers={"Accept-Encoding": "gzip;q=0, identity"})
    assert "content-encoding" not in refused.headers
    assert gzip.decompress(gzip.compress(plain.content)) == plain.content


def test_a_tile_the_log_does_not_hold_yet_appears_once_it_does(
    served: Callable[[], Served],
) -> None:
    s = served()
    size = s.size()
    ahead = path(0, 0, size + 1)
    assert s.get(path(0, 0, size)).status_code == 200
    refused = s.get(ahead)
    assert refused.status_code == 404
    assert refused.json()["error"] == "not_found"
    assert s.get(path("entries", 0, size + 1)).status_code == 404
    s.act("offices", "a1.deputy", cmd.OpenElection("a1-1", "a1.deputy"))
    assert s.size() > size
    assert s.get(ahead).status_code == 200
    assert s.get(path("entries", 0, size + 1)).status_code == 200


@pytest.mark.parametrize(
    ("tile", "status"),
    [
        ("/log/tile/0/x000/000", 400),  # a leading group of zeros
        ("/log/tile/0/0", 400),
        ("/log/tile/0/000.p/0", 400),
        ("/log/tile/0/000.p/256", 400),
        ("/log/tile/0/000.p/01", 400),
        ("/log/tile/64/000", 400),
        ("/log/tile/01/000", 400),
        ("/log/tile/entry/000", 400),
        ("/log/tile/0", 400),
        ("/log/tile/0/x001/x002/x003/x004/x005/x006/x007/x008/009", 400),
        ("/log/tile/0/000", 404),  # the founding is shorter than a tile
        ("/log/tile/5/000.p/1", 404),
        ("/log/tile/63/x999/x999/x999/x999/x999/x999/999", 404),
        ("/log/tile/entries/x001/000", 404),
        ("/log/tile/entries/x999/x999/x999/x999/x999/x999/999.p/255", 404),
    ],
)
def test_a_bad_tile_path_is_refused_in_the_apis_error_shape(
    served: Callable[[], Served],
    tile: str,
    status: int,
) -> None:
    answer = served().get(tile)
    assert answer.status_code == status
    body = answer.json()
    assert set(body) == {"error", "detail", "field"}
    assert body["error"] == ("invalid" if status == 400 else "not_found")
    assert answer.headers["cache-control"] == "no-store"


def test_an_entry_too_long_for_a_bundle_is_refused_by_name_and_its_hashes_still_served(
    served: Callable[[], Served],
) -> None:
    """A paper-ballot import of 80 electors' different rankings of 80 candidates is an
    entry over the 65,535 bytes a bundle can say: its bundle is refused, naming the seq,
    and the hash tiles, which hold only its hash, are served as ever."""
    s = served()
    org = s.org
    for i in range(9, 81):
        org.admit(f"a1-{i}", ["a1"], "a1-1")
    candidates = [f"a1-{i}" for i in range(1, 81)]

    def nominate_and_start(ws: SqlWorkspace) -> None:
        elections.open_election(ws, "a1.deputy", "a1-1")
        pending = ws.pending_election("a1.deputy")
        assert pending is not None
        for candidate in candidates:
            elections.nominate(ws, pending.id, candidate, "a1-1")
            if candidate != "a1-1":
                elections.accept(ws, pending.id, candidate)
        elections.start(ws, pending.id, "a1-1")

    org.act(nominate_and_start)
    election = org.pending("a1.deputy")
    rankings = [(1, tuple(candidates[i:] + candidates[:i])) for i in range(len(candidates))]
    imported = org.act(
        lambda ws: elections.import_paper(
            ws, election.id, ["a1-1", "a1-2"], rankings, len(rankings), "ab" * 32
        )
    )
    seq = imported[0].seq
    size = s.size()
    n, width = divmod(seq - 1, TILE)
    bundle = path("entries", n, TILE if size >= (n + 1) * TILE else size - n * TILE)
    refused = s.get(bundle)
    assert refused.status_code == 422
    assert f"seq {seq} has" in refused.json()["detail"]
    assert "65,535" in refused.json()["detail"]
    tile = bundle.replace("/entries/", "/0/")
    hashes = split_hashes(s.get(tile).content)
    with org.soviet.snapshot() as conn:
        assert hashes[width] == merkle.leaf(conn, seq - 1)
