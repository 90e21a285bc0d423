"""`soviet serve` as a user starts it: refusals before it listens, then a real server on a
loopback port that answers, honours its base URL, and stops cleanly on Ctrl-C."""

from __future__ import annotations

import json
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from typing import Any

from e2e.conftest import WORKS, Cli


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def fetch(url: str) -> Any:
    with urllib.request.urlopen(url, timeout=10) as answer:
        return json.loads(answer.read())


def wait_for(url: str, server: subprocess.Popen[str]) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        assert server.poll() is None, f"the server stopped: {server.communicate()}"
        try:
            urllib.request.urlopen(url, timeout=2).close()
            return
        except OSError:
            time.sleep(0.2)
    raise AssertionError(f"the server never answered {url}")


def test_serve_refuses_a_database_with_no_organization_before_it_listens(cli: Cli) -> None:
    run = cli.run("serve", "--port", str(free_port()), code=2)
    assert "no soviet organization" in run.error


def test_serve_refuses_a_base_url_that_is_not_http(cli: Cli) -> None:
    cli.run("init", "--charter", str(WORKS))
    run = cli.run("serve", "--base-url", "ftp://example.org/council", code=2)
    assert "--base-url 'ftp://example.org/council'" in run.error


def test_serve_answers_on_loopback_under_its_base_url_and_stops_on_ctrl_c(cli: Cli) -> None:
    cli.run("init", "--charter", str(WORKS))
    port = free_port()
    command = ["serve", "--port", str(port), "--base-url", "https://example.org/council/"]
    server = subprocess.Popen(
        [sys.executable, "-m", "soviet", *command],
        cwd=cli.folder,
        env=cli.environment(),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        wait_for(f"{base}/api/v1/checkpoint", server)
        checkpoint = fetch(f"{base}/api/v1/checkpoint")
        log = fetch(f"{base}/api/v1/log?since=1&limit=1")
        assert checkpoint["size"] == log["size"] == len(cli.log())
        schema = fetch(f"{base}/api/v1/openapi.json")
        assert schema["servers"] == [{"url": "/council/api/v1"}]
        with urllib.request.urlopen(f"{base}/", timeout=10) as answer:  # as the proxy sends it
            board = answer.read().decode()
        assert 'href="/council/static/board.css"' in board and 'href="/council/log"' in board
    finally:
        server.send_signal(signal.SIGINT)
        out, err = server.communicate(timeout=30)
    assert server.returncode == 0, err
    assert f"http://127.0.0.1:{port}/council/" in out
    assert "Traceback" not in err
