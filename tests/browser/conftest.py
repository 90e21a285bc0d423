"""The browser tests' set-up: Debian's chromium (installed with apt when missing, never a
downloaded browser build), axe-core from npm in a cache folder, and `soviet serve` over
an organization founded from `charter.toml`, on a free loopback port, with the real
clock (a statement's `not_after` is checked against the server's clock)."""

from __future__ import annotations

import csv
import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Browser, sync_playwright

CHROMIUM = Path("/usr/bin/chromium")
CHARTER = Path(__file__).with_name("charter.toml")
#: Where the screenshots go: test-artifacts/ at the repository's root.
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
AXE_CACHE = Path.home() / ".cache" / "soviet-axe"
AXE = AXE_CACHE / "node_modules" / "axe-core" / "axe.min.js"


@pytest.fixture(scope="session")
def chromium() -> Path:
    """Debian's chromium, installed with apt if it is not there yet."""
    if not CHROMIUM.exists():
        apt = shutil.which("apt-get")
        if apt is None or os.geteuid() != 0:
            pytest.skip("chromium is not installed and apt-get cannot install it here")
        done = subprocess.run(  # another worker's install holds the lock: wait for it
            [apt, "-o", "DPkg::Lock::Timeout=900", "install", "-y", "chromium"],
            capture_output=True,
            text=True,
            check=False,
        )
        if done.returncode != 0 or not CHROMIUM.exists():
            pytest.skip(f"`apt-get install -y chromium` failed: {done.stderr[-300:]}")
    return CHROMIUM


@pytest.fixture(scope="session")
def axe() -> Path:
    """axe-core's script, installed from npm into a cache folder once."""
    if not AXE.exists():
        npm = shutil.which("npm")
        if npm is None:
            pytest.skip("npm is not installed: the accessibility check needs axe-core")
        done = subprocess.run(
            [npm, "install", "--prefix", str(AXE_CACHE), "axe-core@4"],
            capture_output=True,
            text=True,
            check=False,
            timeout=300,
        )
        if done.returncode != 0 or not AXE.exists():
            pytest.skip(f"npm could not install axe-core: {done.stderr[-300:]}")
    return AXE


@pytest.fixture(scope="session")
def artifacts() -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS


@dataclass(frozen=True)
class Board:
    """A served organization: its URL, its origin, and its members' enrollment codes."""

    url: str
    origin: str
    codes: dict[str, str]
    db: str


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def _soviet(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(
        [sys.executable, "-m", "soviet", *args], capture_output=True, text=True, env=env
    )
    assert done.returncode == 0, done.stderr + done.stdout
    return done


@pytest.fixture
def board(tmp_path: Path) -> Iterator[Board]:
    """`soviet serve` over a newly founded organization, stopped at the end."""
    env = {k: v for k, v in os.environ.items() if k not in ("SOVIET_NOW", "SOVIET_DB")}
    db = f"sqlite:///{tmp_path / 'soviet.db'}"
    codes_file = tmp_path / "codes.csv"
    _soviet("init", "--charter", str(CHARTER), "--db", db, "--codes", str(codes_file), env=env)
    with codes_file.open(newline="", encoding="utf-8") as file:
        codes = {row["member"]: row["code"] for row in csv.DictReader(file)}
    port = _free_port()
    log = (tmp_path / "serve.log").open("w")
    server = subprocess.Popen(
        [sys.executable, "-m", "soviet", "serve", "--db", db, "--port", str(port)],
        stdout=log,
        stderr=subprocess.STDOUT,
        env=env,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        origin = _wait_for(url, server)
        yield Board(url, origin, codes, db)
    finally:
        server.terminate()
        server.wait(timeout=10)
        log.close()


def _wait_for(url: str, server: subprocess.Popen[bytes]) -> str:
    """The served log's origin, once the server answers."""
    for _ in range(200):
        if server.poll() is not None:
            raise AssertionError(f"soviet serve stopped with status {server.returncode}")
        try:
            answer = httpx.get(f"{url}/api/v1/checkpoint", timeout=2)
        except httpx.TransportError:
            time.sleep(0.05)
            continue
        origin: str = answer.json()["origin"]
        return origin
    raise AssertionError("soviet serve did not answer within 10 s")


@pytest.fixture(scope="session")
def browser(chromium: Path) -> Iterator[Browser]:
    """Debian's chromium, headless, driven by playwright."""
    with sync_playwright() as driver:
        launched = driver.chromium.launch(executable_path=str(chromium), headless=True)
        yield launched
        launched.close()
