"""Reads served by a streaming replica: a second PostgreSQL cluster on loopback, made by
Debian's `pg_createcluster` and `pg_basebackup` from the server the suite runs on, serves
the board and the API's reads while the acts are written to the primary.

The organization lives in a database of its own on the primary (the suite's database is
shared by every other test), read through the replica's copy of it. A replica may be
behind; what it must never do is show a state the log did not have at the size it says.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from typing import Any

import httpx
import pytest
import sqlalchemy as sa

from integration.conftest import server_url
from integration.replicas import Cluster, free_port, sql, streaming_replica, wait_until
from integration.served import Served, run
from integration.signed import SignedOrganization
from soviet.bootstrap import Soviet
from soviet.errors import DatabaseError
from soviet.server import create_app
from soviet.storage.workspace import SqlWorkspace

pytestmark = [
    pytest.mark.skipif(
        server_url() is None,
        reason="reads from a streaming replica need PostgreSQL: SOVIET_TEST_DATABASE names "
        "no PostgreSQL server",
    ),
    # one replica cluster for the module, however the suite is spread over workers
    pytest.mark.xdist_group("replica"),
]

#: The reads compared between the primary and the replica: the API's, and the board's.
PATHS = (
    "/api/v1/bodies",
    "/api/v1/offices",
    "/api/v1/mandates",
    "/api/v1/elections",
    "/api/v1/members",
    "/api/v1/audit",
    "/api/v1/checkpoint",
    "/api/v1/log?since=1&limit=500",
    "/",
)


# -- the primary's database, and its replica -------------------------------------------------


@pytest.fixture(scope="module")
def primary() -> Iterator[str]:
    """The URL of a database of this module's own on the primary."""
    server = server_url()
    assert server is not None
    name = f"soviet_replica_{uuid.uuid4().hex[:10]}"
    sql(server, f'CREATE DATABASE "{name}"')
    try:
        yield sa.make_url(server).set(database=name).render_as_string(hide_password=False)
    finally:
        sql(server, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="module")
def org(primary: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[SignedOrganization]:
    """The city federation founded in the primary's database, its assembly one's deputy
    elected."""
    made = SignedOrganization(primary, tmp_path_factory.mktemp("replica") / "log.key")
    made.elect("a1.deputy", ["a1-2"])
    try:
        yield made
    finally:
        made.dispose()


@pytest.fixture(scope="module")
def cluster() -> Iterator[Cluster]:
    """A PostgreSQL cluster on loopback that streams the primary's log."""
    server = server_url()
    assert server is not None
    with streaming_replica(server) as made:
        yield made


@pytest.fixture(scope="module")
def replica(primary: str, cluster: Cluster) -> str:
    """The URL of the replica's copy of the primary's database, once it holds it."""
    url = sa.make_url(primary).set(host="127.0.0.1", port=cluster.port)
    shown = url.render_as_string(hide_password=False)

    def answers() -> bool:
        try:
            sql(shown, "SELECT 1")
        except sa.exc.OperationalError:
            return False
        return True

    wait_until(answers, "the replica answers with the primary's database")
    return shown


# -- the board, read through the replica -------------------------------------------------------


class Board:
    """The whole server over a `Soviet` that reads from the replica and writes to the
    primary, at the organization's clock."""

    def __init__(self, org: SignedOrganization, replica: str) -> None:
        self.org = org
        settings = replace(org.soviet.settings, read_urls=(replica,))

        def opened() -> bool:  # a new replica holds the organization once it has replayed it
            try:
                self.soviet = Soviet(settings)
            except DatabaseError:
                return False
            return True

        wait_until(opened, "the replica holds the organization")
        self.app = create_app(self.soviet)

    def get(self, path: str) -> httpx.Response:
        self.soviet.settings = replace(self.soviet.settings, now=self.org.now)

        async def send() -> httpx.Response:
            transport = httpx.ASGITransport(app=self.app)
            async with httpx.AsyncClient(transport=transport, base_url="http://board") as client:
                return await client.get(path)

        answer = run(send())
        assert answer.status_code == 200, answer.text
        return answer

    def size(self) -> int:
        return log_size(self.get("/api/v1/checkpoint"))

    def caught_up(self) -> None:
        primary = Served(self.org).size()
        wait_until(lambda: self.size() == primary, f"the replica reaches log size {primary}")

    def close(self) -> None:
        self.soviet.dispose()


@pytest.fixture
def board(org: SignedOrganization, replica: str) -> Iterator[Board]:
    made = Board(org, replica)
    try:
        yield made
    finally:
        made.close()


def log_size(answer: httpx.Response) -> int:
    """The log size an answer reflects: the API's header, the board's `soviet-size`."""
    if "soviet-log-size" in answer.headers:
        return int(answer.headers["soviet-log-size"])
    marker = '<meta name="soviet-size" content="'
    start = answer.text.index(marker) + len(marker)
    return int(answer.text[start : answer.text.index('"', start)])


def content(answer: httpx.Response) -> Any:
    kind = answer.headers["content-type"]
    return answer.json() if kind.startswith("application/json") else answer.text


def states(served: Served) -> tuple[int, dict[str, Any]]:
    """Every read of PATHS from the primary, and the one log size they reflect."""
    answers = {path: served.get(path) for path in PATHS}
    sizes = {log_size(answer) for answer in answers.values()}
    assert len(sizes) == 1, f"the primary moved while it was read: {sizes}"
    return sizes.pop(), {path: content(answer) for path, answer in answers.items()}


@contextmanager
def recorded(org: SignedOrganization, at: dict[int, dict[str, Any]]) -> Iterator[None]:
    """Record the primary's every read at each log size its units of work commit."""
    served = Served(org)
    original = org.soviet.unit_of_work

    @contextmanager
    def watched() -> Iterator[SqlWorkspace]:
        with original() as ws:
            yield ws
        size, state = states(served)
        at[size] = state

    size, state = states(served)
    at[size] = state
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(org.soviet, "unit_of_work", watched)
        yield


def _admit(org: SignedOrganization, count: int) -> list[str]:
    admitted = [f"new-{uuid.uuid4().hex[:6]}" for _ in range(count)]
    for member in admitted:
        org.admit(member, ["a2"], "a1-1", name=f"Newcomer {member}")
    return admitted


# -- the tests -------------------------------------------------------------------------------


def test_reads_from_the_replica_converge_to_the_primarys(
    org: SignedOrganization, board: Board
) -> None:
    admitted = _admit(org, 2)
    board.caught_up()
    served = Served(org)
    for path in PATHS:
        primary, replica = served.get(path), board.get(path)
        assert log_size(replica) == log_size(primary)
        assert content(replica) == content(primary), path
    members = {m["id"] for m in board.get("/api/v1/members").json()}
    assert set(admitted) <= members


def test_every_answer_from_the_replica_is_the_state_at_the_log_size_it_claims(
    org: SignedOrganization, board: Board
) -> None:
    board.caught_up()
    at: dict[int, dict[str, Any]] = {}
    seen: list[tuple[int, str, Any]] = []
    failed: list[BaseException] = []

    def write() -> None:
        try:
            _admit(org, 3)
            org.elect("a2.deputy", ["a2-1", "a2-2"])
            org.elect("district.deputy", ["a2-1"])
        except BaseException as error:  # told by the main thread
            failed.append(error)

    with recorded(org, at):
        writer = threading.Thread(target=write)
        writer.start()
        while writer.is_alive():
            for path in PATHS:
                answer = board.get(path)
                seen.append((log_size(answer), path, content(answer)))
        writer.join()
    assert not failed, failed
    sizes = {size for size, _, _ in seen}
    assert len(sizes) > 1, "the replica never moved while the primary was written"
    for size, path, state in seen:
        assert size in at, f"{path} at log size {size}, which the primary never committed"
        assert state == at[size][path], f"{path} at log size {size} is not the primary's"
    board.caught_up()
    final = max(at)
    assert content(board.get("/api/v1/mandates")) == at[final]["/api/v1/mandates"]


def test_a_replica_that_is_behind_shows_the_state_at_its_older_log_size(
    org: SignedOrganization, board: Board, replica: str
) -> None:
    board.caught_up()
    at: dict[int, dict[str, Any]] = {}
    sql(replica, "SELECT pg_wal_replay_pause()")
    try:
        wait_until(
            lambda: sql(replica, "SELECT pg_get_wal_replay_pause_state()") == "paused",
            "the replica pauses its replay",
        )
        before = board.size()
        with recorded(org, at):
            admitted = _admit(org, 2)
        assert max(at) > before
        for path in PATHS:
            answer = board.get(path)
            assert log_size(answer) == before
            assert content(answer) == at[before][path], path
        assert not set(admitted) & {m["id"] for m in board.get("/api/v1/members").json()}
    finally:
        sql(replica, "SELECT pg_wal_replay_resume()")
    board.caught_up()
    assert content(board.get("/api/v1/members")) == at[max(at)]["/api/v1/members"]


def test_reads_pass_to_the_primary_while_the_replica_is_down(
    org: SignedOrganization, board: Board, cluster: Cluster
) -> None:
    board.caught_up()
    cluster.control("stop")
    try:
        admitted = _admit(org, 1)
        served = Served(org)
        for path in PATHS:
            assert content(board.get(path)) == content(served.get(path)), path
        assert set(admitted) <= {m["id"] for m in board.get("/api/v1/members").json()}
    finally:
        cluster.control("start")
    board.caught_up()


def soviet(*args: str) -> subprocess.CompletedProcess[str]:
    """`soviet ARGS…` as a user runs it."""
    return subprocess.run(
        [sys.executable, "-m", "soviet", *args],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        env={k: v for k, v in os.environ.items() if not k.startswith("SOVIET_DB")},
    )


def test_show_reads_from_the_replica_and_says_at_which_log_size(
    org: SignedOrganization, board: Board, primary: str, replica: str
) -> None:
    board.caught_up()
    size = board.size()
    plain = soviet("show", "mandates", "--json", "--db", primary)
    through = soviet("show", "mandates", "--json", "--db", primary, "--read-db", replica)
    assert plain.returncode == through.returncode == 0, through.stderr
    assert through.stdout == plain.stdout
    assert through.stderr.strip() == (
        f"note: read at log size {size:,} from {sa.make_url(replica).render_as_string()}"
    )
    assert plain.stderr == ""
    proof = soviet("prove", "inclusion", "1", "--db", primary, "--read-db", replica)
    assert proof.returncode == 0, proof.stderr
    assert json.loads(proof.stdout)["size"] == size


@pytest.mark.parametrize("command", [("show", "bodies"), ("log",), ("serve",)])
def test_a_read_db_that_does_not_answer_is_refused_in_one_line(
    org: SignedOrganization, primary: str, command: tuple[str, ...]
) -> None:
    nowhere = sa.make_url(primary).set(host="127.0.0.1", port=free_port())
    given = nowhere.render_as_string(hide_password=False)
    done = soviet(*command, "--db", primary, "--read-db", given)
    assert done.returncode == 2, done.stderr
    assert done.stdout == ""
    assert done.stderr.count("\n") == 1 and "Traceback" not in done.stderr
    assert done.stderr.startswith(f"error: --read-db: cannot open database {given!r}:")


@pytest.mark.parametrize(
    ("named", "said"),
    [
        ("postgres", "holds no soviet organization"),
        ("not a url", "cannot use database URL 'not a url'"),
    ],
)
def test_a_read_db_that_is_not_a_replica_of_the_organization_is_refused(
    org: SignedOrganization, primary: str, named: str, said: str
) -> None:
    given = (
        sa.make_url(primary).set(database=named).render_as_string(hide_password=False)
        if named == "postgres"
        else named
    )
    done = soviet("show", "bodies", "--db", primary, "--read-db", given)
    assert done.returncode == 2, done.stderr
    assert done.stderr.count("\n") == 1 and said in done.stderr, done.stderr
