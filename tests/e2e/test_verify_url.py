"""`soviet verify --url`: the demo's log (1,795 events: full and partial tiles) served by
`soviet serve` on a loopback port verifies from its tiles alone, and so does a plain
static mirror of them; a mirror with one byte of one entry changed does not, naming the
seq, nor one with a hash tile changed; a URL that cannot be read is exit 2."""

from __future__ import annotations

import functools
import http.server
import os
import subprocess
import sys
import threading
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from e2e.test_serve import free_port, wait_for
from soviet.ledger.checkpoints import Checkpoint, parse_note
from soviet.ledger.tiles import bundles_of, decode_bundle, encode_bundle, parse_path, tiles_of

#: The seq whose entry the mirror changes: in the second, full, bundle.
CHANGED = 300


def environment() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if not k.startswith("SOVIET_")}


def soviet(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "soviet", *args],
        cwd=cwd,
        env=environment(),
        capture_output=True,
        text=True,
        timeout=300,
    )


def fetch(url: str) -> bytes:
    with urllib.request.urlopen(url, timeout=10) as answer:
        body: bytes = answer.read()
        return body


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("demo")
    made = soviet("demo", "--out", ".", cwd=folder)
    assert made.returncode == 0, made.stderr
    return folder


@pytest.fixture(scope="module")
def server(demo: Path) -> Iterator[str]:
    """`soviet serve` over the demo's database; its URL."""
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "soviet", "serve", "--db", "soviet.db", "--port", str(port)],
        cwd=demo,
        env=environment(),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        wait_for(f"{url}/log/checkpoint", process)
        yield url
    finally:
        process.terminate()
        process.communicate(timeout=30)


class Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture(scope="module")
def tiles(server: str) -> dict[str, bytes]:
    """Every file of the served log, by its path under the server's URL."""
    note = fetch(f"{server}/log/checkpoint")
    size = Checkpoint.parse(parse_note(note)[0]).size
    files = {"log/checkpoint": note}
    for tile in [*tiles_of(size), *bundles_of(size)]:
        files[f"log/{tile.path()}"] = fetch(f"{server}/log/{tile.path()}")
    return files


@contextmanager
def mirror(files: dict[str, bytes], folder: Path) -> Iterator[str]:
    """A plain static HTTP server over a copy of the files; its URL."""
    for name, body in files.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_bytes(body)
    handler = functools.partial(Quiet, directory=str(folder))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join()


def with_entry_changed(files: dict[str, bytes], seq: int) -> dict[str, bytes]:
    """The files with one byte of the entry of `seq` changed: the last digit of its
    time's seconds."""
    changed = dict(files)
    for name in files:
        if not name.startswith("log/tile/entries/"):
            continue
        tile = parse_path(name.removeprefix("log/"))
        if tile.first < seq <= tile.first + tile.width:
            entries = decode_bundle(files[name], tile)
            entry = entries[seq - tile.first - 1]
            at = entry.index(b'"', entry.index(b'"at":"') + 6) - 2
            digit = str((int(entry[at : at + 1]) + 1) % 10).encode()
            entries[seq - tile.first - 1] = entry[:at] + digit + entry[at + 1 :]
            changed[name] = encode_bundle(entries)
    assert changed != files
    return changed


def test_a_served_log_verifies_from_its_tiles_alone(
    server: str, demo: Path, tmp_path: Path
) -> None:
    done = soviet("verify", "--url", server, cwd=tmp_path)  # no database here
    assert done.returncode == 0, done.stdout + done.stderr
    assert "1,795 events" in done.stdout
    assert "Everything holds." in done.stdout
    keyed = soviet("verify", "--url", server + "/", "--key", str(demo / "soviet.pub"), cwd=demo)
    assert keyed.returncode == 0, keyed.stdout + keyed.stderr


def test_a_plain_mirror_of_the_tiles_verifies_too(tiles: dict[str, bytes], tmp_path: Path) -> None:
    with mirror(tiles, tmp_path) as url:
        done = soviet("verify", "--url", url, cwd=tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr


def test_a_mirror_with_one_entry_byte_changed_fails_naming_its_seq(
    tiles: dict[str, bytes], tmp_path: Path
) -> None:
    with mirror(with_entry_changed(tiles, CHANGED), tmp_path) as url:
        done = soviet("verify", "--url", url, "--json", cwd=tmp_path)
    assert done.returncode == 1, done.stdout + done.stderr
    assert f"leaves at seq {CHANGED}" in done.stderr
    assert '"ok": false' in done.stdout


def test_a_mirror_with_one_hash_tile_changed_fails_naming_the_tile(
    tiles: dict[str, bytes], tmp_path: Path
) -> None:
    name = "log/tile/1/000.p/7"
    changed = bytearray(tiles[name])
    changed[40] ^= 1  # hash 1, byte 8
    with mirror({**tiles, name: bytes(changed)}, tmp_path) as url:
        done = soviet("verify", "--url", url, cwd=tmp_path)
    assert done.returncode == 1, done.stdout + done.stderr
    assert "tree at seq 257: hash 1 of tile/1/000.p/7" in done.stderr


def test_a_mirror_missing_a_tile_cannot_be_read(tiles: dict[str, bytes], tmp_path: Path) -> None:
    gone = {name: body for name, body in tiles.items() if name != "log/tile/entries/002"}
    with mirror(gone, tmp_path) as url:
        done = soviet("verify", "--url", url, cwd=tmp_path)
    assert done.returncode == 2, done.stdout + done.stderr
    assert "tile/entries/002: HTTP 404" in done.stderr


def test_a_url_that_cannot_be_read_is_exit_2(demo: Path) -> None:
    closed = soviet("verify", "--url", f"http://127.0.0.1:{free_port()}", cwd=demo)
    assert closed.returncode == 2
    assert "cannot read http://127.0.0.1:" in closed.stderr
    assert "Traceback" not in closed.stderr
    both = soviet("verify", "--url", "http://127.0.0.1:1", "--export", "log.jsonl", cwd=demo)
    assert both.returncode == 2
    assert "not both" in both.stderr
    not_http = soviet("verify", "--url", "file:///etc/passwd", cwd=demo)
    assert not_http.returncode == 2
    assert "http(s)" in not_http.stderr
