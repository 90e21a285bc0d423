"""`soviet verify --url`: a served log checked from its tiles alone, with no database.

The served checkpoint says the log's size; the entry bundles up to that size are read in
order into the same `LogCheck` an export goes through (leaves, signed checkpoints, replay
into an empty database, recounts, signatures, the rules), with the served checkpoint as
the signature that must cover them. Beside it, the hash tiles are rebuilt from the
entries (`ledger.tiles.TileBuilder`) and compared, hash by hash, with the served ones —
every level-0 hash with its entry, naming the seq of an entry that does not hash to it —
and the root folded from the served tiles must be the checkpoint's.

Tiles are fetched with the standard library (`urllib.request`), each with a timeout. A
URL that cannot be read is an InputError (exit 2); what the tiles say that does not hold
is a discrepancy in the report (exit 1).
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request
import zlib
from collections.abc import Sequence
from http.client import HTTPException
from urllib.parse import urlsplit

from soviet.errors import InputError, LedgerError, SovietError
from soviet.ledger.checkpoints import Checkpoint, VerifierKey, parse_note
from soviet.ledger.compact import range_nodes
from soviet.ledger.hashing import EMPTY_ROOT, leaf_hash
from soviet.ledger.tiles import (
    HEIGHT,
    WIDTH,
    Tile,
    TileBuilder,
    bundles_of,
    covering,
    decode_bundle,
    decode_hashes,
    root_from_tiles,
)
from soviet.services.verification import Entry, LogCheck, Report
from soviet.storage.export import CLOCK, SIGNED, event_of
from soviet.storage.verification import STEP, MemoryReplica, Progress, replay_summary

#: How long one request may take, in seconds.
TIMEOUT = 30.0
#: The most bytes one answer may hold: a full bundle of the longest entries, and some.
MAX_ANSWER = WIDTH * (2 + 0xFFFF) + 4096

#: The fix that served events no signature covers suggest (only a checkpoint that does
#: not open leaves any: the entries read are the checkpoint's size).
UNSIGNED_SERVED = "the served checkpoint must sign every entry it serves"


class TileSource:
    """A log served as tiles under `URL/log/` (a soviet server, or any mirror of one)."""

    def __init__(self, url: str, timeout: float = TIMEOUT) -> None:
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise InputError(f"--url {url!r}: give the server's http(s) URL, http://host:port")
        if parts.query or parts.fragment:
            raise InputError(f"--url {url!r}: the server's URL has no query or fragment")
        base = url.rstrip("/")
        self.prefix = base if base.endswith("/log") else f"{base}/log"
        self.timeout = timeout

    def checkpoint(self) -> tuple[bytes, Checkpoint]:
        """The served signed checkpoint and what it claims (its signature unchecked yet);
        InputError if it is not a checkpoint at all."""
        note = self.fetch("checkpoint")
        try:
            return note, Checkpoint.parse(parse_note(note)[0])
        except SovietError as error:
            raise InputError(
                f"{self.prefix}/checkpoint is not a signed checkpoint ({error}): is the URL "
                "a soviet server's, or a tlog-tiles mirror's?"
            ) from None

    def hashes(self, tile: Tile) -> list[bytes]:
        """A hash tile's hashes; LedgerError unless it holds exactly its width of them."""
        return decode_hashes(self.fetch(tile.path()), tile)

    def bundle(self, tile: Tile) -> list[bytes]:
        """An entry bundle's entries; LedgerError unless it holds exactly its width."""
        return decode_bundle(self.fetch(tile.path()), tile)

    def fetch(self, path: str) -> bytes:
        """The body at `prefix/path`, decompressed; InputError naming the URL and why it
        cannot be read."""
        url = f"{self.prefix}/{path}"
        request = urllib.request.Request(
            url, headers={"Accept-Encoding": "gzip, identity", "User-Agent": "soviet-verify"}
        )
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as answer:
                body: bytes = answer.read(MAX_ANSWER + 1)
                encoding = str(answer.headers.get("Content-Encoding", "identity")).lower()
        except urllib.error.HTTPError as error:
            raise InputError(f"cannot read {url}: HTTP {error.code}{_detail(error)}") from None
        except urllib.error.URLError as error:
            raise InputError(f"cannot read {url}: {_reason(error.reason)}") from None
        except TimeoutError:
            raise InputError(f"cannot read {url}: no answer in {self.timeout:g} s") from None
        except (HTTPException, OSError, ValueError) as error:
            raise InputError(f"cannot read {url}: {_reason(error)}") from None
        if len(body) > MAX_ANSWER:
            raise InputError(f"cannot read {url}: the answer is over {MAX_ANSWER:,} bytes")
        if encoding in ("gzip", "x-gzip"):
            return _gunzip(body, url)
        if encoding not in ("identity", ""):
            raise InputError(f"cannot read {url}: it is encoded as {encoding!r}, not gzip")
        return body


def _gunzip(body: bytes, url: str) -> bytes:
    inflate = zlib.decompressobj(16 + zlib.MAX_WBITS)
    try:
        plain = inflate.decompress(body, MAX_ANSWER + 1)
    except zlib.error as error:
        raise InputError(f"cannot read {url}: its gzip does not inflate ({error})") from None
    if len(plain) > MAX_ANSWER or not inflate.eof:
        raise InputError(f"cannot read {url}: the answer inflates past {MAX_ANSWER:,} bytes")
    return plain


def _detail(error: urllib.error.HTTPError) -> str:
    """The server's own words for a refusal, when it answered in the API's error shape."""
    try:
        said = json.loads(error.read(4096))
    except (ValueError, OSError, HTTPException):
        return f" {error.reason}"
    detail = said.get("detail") if isinstance(said, dict) else None
    return f": {detail}" if isinstance(detail, str) else f" {error.reason}"


def _reason(reason: object) -> str:
    if isinstance(reason, TimeoutError):
        return "no answer in time"
    text = getattr(reason, "strerror", None) or str(reason) or type(reason).__name__
    return str(text)


# -- the check ---------------------------------------------------------------------------


def verify_tiles(
    source: TileSource,
    note: bytes,
    *,
    key: VerifierKey | None = None,
    since: bytes | None = None,
    progress: Progress | None = None,
    unsigned_tail: bool = False,
) -> Report:
    """Check the log served at `source` up to the size of its checkpoint `note`; see the
    module docstring."""
    claimed = Checkpoint.parse(parse_note(note)[0])
    report = Report(f"the tiles at {source.prefix}")
    anchors: list[tuple[str, bytes, str]] = []
    if since is not None:
        anchors.append(("since", since, "the checkpoint given (--since)"))
    anchors.append(("checkpoints", note, "the served checkpoint"))
    replica = MemoryReplica()
    try:
        check = LogCheck(
            report,
            key=key,
            anchors=anchors,
            replica=replica,
            signed_tail=None if unsigned_tail else UNSIGNED_SERVED,
        )
        tree = _TileCheck(source, report, claimed.size)
        for bundle in bundles_of(claimed.size):
            leaves = _feed(check, source, bundle)
            tree.compare(bundle, leaves)
            if progress is not None and bundle.first // STEP < (bundle.first + WIDTH) // STEP:
                progress(bundle.first + bundle.width)
        check.finish()
        tree.finish(claimed.root)
        report.checks["projections"].ran = False
        report.checks["projections"].summary = "served tiles hold no projections"
        replay_summary(report, replica.conn)
    finally:
        replica.close()
    return report


def _feed(check: LogCheck, source: TileSource, bundle: Tile) -> list[bytes]:
    """Feed one bundle's entries to the check; their leaf hashes, as the entries hash."""
    try:
        entries = source.bundle(bundle)
    except LedgerError as error:
        for i in range(bundle.width):
            check.skip(bundle.first + i + 1, None, None, f"it cannot be read: {error}")
        return [EMPTY_ROOT] * bundle.width
    for i, raw in enumerate(entries):
        seq = bundle.first + i + 1
        event, problem = event_of(raw)
        if event is None:
            check.skip(seq, None, leaf_hash(raw), f"its entry in {bundle} {problem}")
            continue
        check.feed(
            Entry(
                event["seq"],
                event["at"],
                event["type"],
                event["actor"],
                event["data"],
                None,
                raw,
                None,
                clock=event.get(CLOCK),
                signed=event.get(SIGNED),
            )
        )
    return [leaf_hash(raw) for raw in entries]


class _TileCheck:
    """The served hash tiles, checked level by level: each level-0 hash against the entry
    it is for, each hash above against the served tile below it, and the root they fold
    to against the checkpoint's. So one changed entry is one discrepancy, at its seq, and
    a changed hash tile is one at the tile. The `tree` check of a served log."""

    def __init__(self, source: TileSource, report: Report, size: int) -> None:
        self.source = source
        self.report = report
        self.size = size
        #: Builds the tiles above level 0 from the served level-0 tiles.
        self.builder = TileBuilder()
        self.compared = 0
        #: The served tiles the root is folded from, kept when first read.
        self.edge = {
            covering(node.level // HEIGHT, node.index << node.level % HEIGHT, size)
            for node in range_nodes(0, size)
        }
        self.kept: dict[Tile, list[bytes]] = {}

    def compare(self, bundle: Tile, leaves: Sequence[bytes]) -> None:
        """The level-0 tile of a bundle against its entries' leaf hashes, then the tiles
        above that it completes (all the partial ones, after the last bundle)."""
        tile = Tile(0, bundle.index, bundle.width)
        served = self._served(tile)
        if served is None:
            served = list(leaves)
        for i, (theirs, ours) in enumerate(zip(served, leaves, strict=True)):
            if theirs != ours:
                self.report.fail(
                    "leaves",
                    f"its entry hashes to {ours.hex()}, but {tile} holds {theirs.hex()} for it",
                    self._seq(tile, i),
                )
        completed = list(self.builder.extend(served))
        if bundle.partial or bundle.first + bundle.width == self.size:
            completed += self.builder.partial()
        for above, built in completed:
            if above.level:
                self._compare(above, built)

    def _served(self, tile: Tile) -> list[bytes] | None:
        try:
            served = self.source.hashes(tile)
        except LedgerError as error:
            self.report.fail("tree", str(error), self._seq(tile, 0))
            return None
        if tile in self.edge:
            self.kept[tile] = served
        self.compared += 1
        return served

    def _compare(self, tile: Tile, built: Sequence[bytes]) -> None:
        served = self._served(tile)
        for i, (theirs, ours) in enumerate(zip(served or built, built, strict=True)):
            if theirs != ours:
                self.report.fail(
                    "tree",
                    f"hash {i} of {tile} is {theirs.hex()}, the served tile below it hashes "
                    f"to {ours.hex()}",
                    self._seq(tile, i),
                )

    def _seq(self, tile: Tile, i: int) -> int:
        """The first seq under hash `i` of a tile."""
        return ((tile.first + i) << tile.height) + 1

    def finish(self, root: bytes) -> None:
        report = self.report
        try:
            folded = root_from_tiles(
                self.size, lambda t: self.kept[t] if t in self.kept else self.source.hashes(t)
            )
        except LedgerError as error:
            report.fail("tree", f"the root cannot be folded from the served tiles: {error}")
            return
        if folded != root:
            report.fail(
                "tree",
                f"the served tiles fold to the root {folded.hex()}, the served checkpoint "
                f"signs {root.hex()} at size {self.size:,}",
            )
            return
        levels = len(self.builder.pending)
        report.checks["tree"].summary = (
            f"{self.compared:,} served hash tiles ({levels} level{'s' if levels > 1 else ''}): "
            "level 0 the entries' leaf hashes, each level above the tiles below it; they "
            f"fold to the checkpoint's root at size {self.size:,}"
        )
