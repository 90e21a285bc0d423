"""Bad input to the API: every malformed body, wrong type, oversize request, wrong content
type or method, unknown path and absurd query value answers a 4xx whose JSON body is
`{error, detail, field}` — naming what is wrong and where — and writes nothing."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

from integration.conftest import Databases
from integration.served import Served
from integration.signed import SignedOrganization
from soviet.domain import commands as cmd
from soviet.server import MAX_BODY

ACTS = "/api/v1/elections/E1/acts"
JSON = {"content-type": "application/json"}


@dataclass
class Board:
    """The served federation with an election of a1's deputy open (E1), and a statement
    that would nominate a1-2 in it, were it posted as it is."""

    s: Served
    good: dict[str, Any]


@pytest.fixture
def board(databases: Databases, tmp_path: Path) -> Iterator[Board]:
    s = Served(SignedOrganization(databases.new(), tmp_path / "log.key"))
    try:
        opened = s.act("offices", "a1.deputy", cmd.OpenElection("a1-1", "a1.deputy"))
        assert opened.json()["events"][0]["data"]["election"] == "E1"
        yield Board(s, s.signed(cmd.Nominate("a1-1", "E1", "a1-2")))
        assert s.post(ACTS, json=s.signed(cmd.Nominate("a1-1", "E1", "a1-3"))).status_code == 201
    finally:
        s.org.dispose()


def refused(board: Board, method: str, path: str, **given: Any) -> httpx.Response:
    """A request the API must refuse: a 4xx in the one JSON shape, nothing written."""
    before = board.s.org.snapshot()
    r = board.s.request(method, path, **given)
    assert board.s.org.snapshot() == before, "a refused request changed the database"
    assert 400 <= r.status_code < 500, r.text
    assert r.headers["content-type"].startswith("application/json")
    answer = r.json()
    assert set(answer) == {"error", "detail", "field"}
    assert isinstance(answer["error"], str) and answer["error"]
    assert isinstance(answer["detail"], str) and answer["detail"]
    assert answer["field"] is None or isinstance(answer["field"], str)
    assert "Traceback" not in r.text
    return r


def changed(good: dict[str, Any], **parts: Any) -> dict[str, Any]:
    """The good envelope with some fields replaced (`statement__x` in the statement)."""
    body = {**good, "statement": dict(good["statement"])}
    for name, value in parts.items():
        if name.startswith("statement__"):
            body["statement"][name.removeprefix("statement__")] = value
        else:
            body[name] = value
    return body


# -- bodies --------------------------------------------------------------------------------


def bodies(good: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Each bad body, as the keyword arguments of its request."""
    without_statement = {k: v for k, v in good.items() if k != "statement"}
    return {
        "malformed JSON": {"content": b'{"statement": ', "headers": JSON},
        "not UTF-8": {"content": b"\xff\xfe{}", "headers": JSON},
        "empty": {"content": b"", "headers": JSON},
        "a list": {"json": []},
        "a string": {"json": "vote"},
        "a number": {"json": 7},
        "null": {"content": b"null", "headers": JSON},
        "an empty object": {"json": {}},
        "no statement": {"json": without_statement},
        "an extra field": {"json": {**good, "extra": 1}},
        "an extra statement field": {"json": changed(good, statement__extra=1)},
        "a number for the signature": {"json": changed(good, signature=1)},
        "a list for the statement": {"json": changed(good, statement=[])},
        "a string for the data": {"json": changed(good, statement__data="E1")},
        "a number for the actor": {"json": changed(good, statement__actor=7)},
        "a key that is no key id": {"json": changed(good, key="zz")},
        "a nonce too short": {"json": changed(good, statement__nonce="x")},
        "a not_after that is no instant": {"json": changed(good, statement__not_after="soon")},
        "an empty actor": {"json": changed(good, statement__actor="")},
        "a signature that is no base64": {"json": changed(good, signature="***")},
        "nested too deep": {"content": b"[" * 100_000 + b"]" * 100_000, "headers": JSON},
        "an integer too long": {"content": b'{"key": 1' + b"0" * 5000 + b"}", "headers": JSON},
    }


BODIES = list(bodies({"statement": {}}))


@pytest.mark.parametrize("case", BODIES)
def test_a_bad_body_is_a_4xx_json_error_and_writes_nothing(board: Board, case: str) -> None:
    refused(board, "POST", ACTS, **bodies(board.good)[case])


@pytest.mark.parametrize(
    ("case", "field"),
    [
        ("no statement", "statement"),
        ("an extra field", "extra"),
        ("an extra statement field", "statement.extra"),
        ("a number for the signature", "signature"),
        ("a list for the statement", "statement"),
        ("a string for the data", "statement.data"),
        ("a number for the actor", "statement.actor"),
        pytest.param(
            "a key that is no key id",
            "key",
        ),
        pytest.param(
            "a nonce too short",
            "statement.nonce",
        ),
    ],
)
def test_a_bad_body_names_the_field_at_fault(board: Board, case: str, field: str) -> None:
    answer = refused(board, "POST", ACTS, **bodies(board.good)[case]).json()
    assert answer["field"] == field
    assert field.split(".")[-1] in answer["detail"]


def test_a_malformed_statement_is_refused_with_the_statement_readers_message(
    board: Board,
) -> None:
    answer = refused(board, "POST", ACTS, **bodies(board.good)["a nonce too short"]).json()
    assert answer == {
        "error": "invalid",
        "detail": "statement nonce 'x' must be 16 to 64 letters, digits, - or _",
        "field": answer["field"],
    }


def test_a_body_that_is_not_json_says_so_and_names_no_field(board: Board) -> None:
    answer = refused(board, "POST", ACTS, **bodies(board.good)["malformed JSON"]).json()
    assert answer["field"] in (None, "body")
    assert "JSON" in answer["detail"] and "14" in answer["detail"]


@pytest.mark.parametrize("case", ["a list", "empty"])
def test_a_body_that_is_not_an_object_names_the_body(board: Board, case: str) -> None:
    answer = refused(board, "POST", ACTS, **bodies(board.good)[case]).json()
    assert answer["field"] == "body"
    assert answer["detail"].startswith("body: ")


# -- size ----------------------------------------------------------------------------------


def test_a_body_declared_over_the_limit_is_413_before_it_is_read(board: Board) -> None:
    r = refused(board, "POST", ACTS, content=b" " * (MAX_BODY + 1), headers=JSON)
    assert r.status_code == 413
    assert r.json() == {
        "error": "too_large",
        "detail": f"the body is over {MAX_BODY:,} bytes",
        "field": None,
    }


def test_a_bad_content_length_is_refused(board: Board) -> None:
    r = refused(board, "POST", ACTS, content=b"{}", headers={**JSON, "content-length": "two"})
    assert r.status_code in (400, 413)


async def _chunks(total: int) -> AsyncIterator[bytes]:
    """A body sent in chunks with no Content-Length: its size is known only as it comes."""
    step = 64 * 1024
    for _ in range(0, total, step):
        yield b" " * step


def test_a_chunked_body_over_the_limit_is_a_4xx_and_writes_nothing(board: Board) -> None:
    refused(board, "POST", ACTS, content=_chunks(MAX_BODY + 64 * 1024), headers=JSON)


def test_a_chunked_body_over_the_limit_is_413(board: Board) -> None:
    r = refused(board, "POST", ACTS, content=_chunks(MAX_BODY + 64 * 1024), headers=JSON)
    assert r.status_code == 413
    assert r.json()["error"] == "too_large"


def test_a_chunked_body_under_the_limit_is_taken(board: Board) -> None:
    import json

    async def chunked() -> AsyncIterator[bytes]:
        text = json.dumps(board.good).encode()
        yield text[:50]
        yield text[50:]

    r = board.s.post(ACTS, content=chunked(), headers=JSON)
    assert r.status_code == 201, r.text


# -- content types, methods, paths -----------------------------------------------------------


@pytest.mark.parametrize(
    "kind",
    [None, "text/plain", "application/x-www-form-urlencoded", "multipart/form-data", "text/json"],
)
def test_a_body_that_is_not_json_by_its_type_is_415(board: Board, kind: str | None) -> None:
    import json

    headers = {} if kind is None else {"content-type": kind}
    r = refused(board, "POST", ACTS, content=json.dumps(board.good).encode(), headers=headers)
    assert r.status_code == 415
    assert r.json()["error"] == "content_type"
    assert (kind or "none") in r.json()["detail"]


def test_json_with_a_charset_is_json(board: Board) -> None:
    import json

    headers = {"content-type": "application/json; charset=utf-8"}
    r = board.s.post(ACTS, content=json.dumps(board.good).encode(), headers=headers)
    assert r.status_code == 201, r.text


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("PUT", ACTS),
        ("DELETE", ACTS),
        ("PATCH", ACTS),
        ("GET", ACTS),
        ("POST", "/api/v1/bodies"),
        ("POST", "/api/v1/log"),
        ("DELETE", "/api/v1/elections/E1"),
        ("PUT", "/api/v1/audit/schedule"),
    ],
)
def test_a_wrong_method_is_405_naming_it_and_the_path(board: Board, method: str, path: str) -> None:
    given: dict[str, Any] = {"json": board.good} if method != "GET" else {}
    r = refused(board, method, path, **given)
    assert r.status_code == 405
    assert r.json()["detail"] == f"{method} is not allowed on {path}"


@pytest.mark.parametrize(
    "path",
    ["/api/v1/nothing", "/api/v1/elections/E1/acts/more", "/api/v1/acts", "/api/v1/bodies/a1/more"],
)
def test_an_unknown_api_path_is_404_naming_it(board: Board, path: str) -> None:
    r = refused(board, "GET", path)
    assert r.status_code == 404
    assert path in r.json()["detail"]


def test_an_act_posted_to_an_unknown_resource_kind_is_404(board: Board) -> None:
    r = refused(board, "POST", "/api/v1/planets/mars/acts", json=board.good)
    assert r.status_code == 404


# -- absurd query values ---------------------------------------------------------------------


HUGE = 2**70
QUERIES: list[tuple[str, int, str | None]] = [
    # (path, status, field)
    ("/api/v1/log?since=-1", 422, "since"),
    ("/api/v1/log?since=0", 422, "since"),
    (f"/api/v1/log?since={HUGE}", 422, "since"),
    ("/api/v1/log?since=abc", 422, "since"),
    ("/api/v1/log?since=1e3", 422, "since"),
    ("/api/v1/log?limit=0", 422, "limit"),
    (f"/api/v1/log?limit={10**9}", 422, "limit"),
    ("/api/v1/log?limit=-5", 422, "limit"),
    ("/api/v1/log/0", 422, "seq"),
    ("/api/v1/log/-1", 422, "seq"),
    (f"/api/v1/log/{HUGE}", 422, "seq"),
    ("/api/v1/log/999", 404, "seq"),
    ("/api/v1/log/x", 422, "seq"),
    ("/api/v1/proofs/inclusion/0", 422, "seq"),
    (f"/api/v1/proofs/inclusion/{HUGE}", 422, "seq"),
    ("/api/v1/proofs/inclusion/999", 400, None),
    ("/api/v1/proofs/inclusion/1?size=0", 422, "size"),
    ("/api/v1/proofs/inclusion/1?size=999", 400, None),
    (f"/api/v1/proofs/inclusion/1?size={HUGE}", 422, "size"),
    ("/api/v1/proofs/consistency", 422, "old"),
    ("/api/v1/proofs/consistency?old=0", 422, "old"),
    ("/api/v1/proofs/consistency?old=5&new=2", 400, None),
    ("/api/v1/proofs/consistency?old=5&new=999", 400, None),
    (f"/api/v1/proofs/consistency?old=1&new={HUGE}", 422, "new"),
    ("/api/v1/elections/" + "E" * 201, 422, "ident"),
    ("/api/v1/mandates/a:b:c", 400, None),
    ("/api/v1/mandates/:", 400, None),
]


@pytest.mark.parametrize(("path", "status", "field"), QUERIES)
def test_an_absurd_query_value_is_refused_naming_where(
    board: Board, path: str, status: int, field: str | None
) -> None:
    r = refused(board, "GET", path)
    answer = r.json()
    assert (r.status_code, answer["field"]) == (status, field), r.text
    if field is not None:
        assert (
            answer["detail"].startswith(f"{field}: ")
            or f"seq {path.rsplit('/')[-1]}" in (answer["detail"])
        )


def test_a_page_of_an_empty_stretch_of_the_log_is_empty_not_refused(board: Board) -> None:
    size = board.s.size()
    r = board.s.get(f"/api/v1/log?since={size + 1}&limit=500")
    assert r.status_code == 200
    assert r.json() == {"size": size, "since": size + 1, "events": [], "next": None}


@pytest.mark.parametrize(
    ("method", "path"), [("GET", "/api/v1/bodies/a%0Ab"), ("POST", "/api/v1/elections/E%0A1/acts")]
)
def test_an_api_path_with_a_newline_is_answered_in_the_api_shape(
    board: Board, method: str, path: str
) -> None:
    refused(board, method, path, json=board.good)
