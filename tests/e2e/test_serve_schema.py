"""Schemathesis's own command against a running `soviet serve`, over the demo's log (by-
elections, a recall and its cascade, paper ballots): no input answers 5xx, and every
answer has the status, content type, headers and shape its OpenAPI schema documents."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from e2e.conftest import Cli
from e2e.test_serve import free_port, wait_for

#: What schemathesis checks: everything but the acceptance of requests the schema allows
#: (a random statement that fits the schema is still refused: its signature is no one's).
CHECKS = (
    "not_a_server_error,status_code_conformance,content_type_conformance,"
    "response_headers_conformance,response_schema_conformance,negative_data_rejection"
)


def test_schemathesis_finds_no_server_error_and_no_answer_off_its_schema(
    cli: Cli, tmp_path: Path
) -> None:
    runner = shutil.which("schemathesis", path=str(Path(sys.executable).parent))
    if runner is None:
        pytest.skip("schemathesis is not installed beside this Python (make test installs it)")
    demo = tmp_path / "demo"
    cli.run("demo", "--out", str(demo))
    port = free_port()
    env = cli.environment()
    del env["SOVIET_NOW"]  # the real clock, after the demo's last event
    env["SOVIET_DB"] = f"sqlite:///{demo / 'soviet.db'}"
    env["SOVIET_KEY"] = str(demo / "soviet.key")
    server = subprocess.Popen(
        [sys.executable, "-m", "soviet", "serve", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        wait_for(f"{base}/api/v1/checkpoint", server)
        options = ["--checks", CHECKS, "--max-examples", "25", "--seed", "1", "--no-color"]
        run = subprocess.run(
            [runner, "run", f"{base}/api/v1/openapi.json", *options],
            capture_output=True,
            text=True,
            timeout=600,
            check=False,
            cwd=tmp_path,
        )
    finally:
        server.terminate()
        _, err = server.communicate(timeout=30)
    assert run.returncode == 0, run.stdout[-4000:]
    assert "passed" in run.stdout and "Server error" not in run.stdout
    assert "Traceback" not in err, err[-2000:]
