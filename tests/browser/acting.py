"""What the browser tests do besides the browser: other members' acts through the API
(signed here, as their own side would sign them), and a stand-in page for a resource
whose notice-board page is not drawn yet, carrying the #acts contract the pages follow."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from html import escape
from typing import Any

import httpx
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from browser.conftest import Board
from soviet import keyring
from soviet.domain import commands as cmd
from soviet.domain import statements
from soviet.domain.clock import format_instant


def now() -> str:
    return format_instant(datetime.now(UTC))


@dataclass
class Members:
    """Members acting through the API, each with the key enrolled for them here."""

    board: Board
    keys: dict[str, Ed25519PrivateKey] = field(default_factory=dict)

    def enroll(self, member: str) -> None:
        signed, private = keyring.enrollment_of(
            member, self.board.codes[member], self.board.origin, now()
        )
        self._post("members", member, signed)
        self.keys[member] = private

    def act(self, resource: str, ident: str, command: cmd.Command) -> dict[str, Any]:
        statement = keyring.statement(command, self.board.origin, now())
        return self._post(resource, ident, statements.sign(statement, self.keys[statement.actor]))

    def _post(self, resource: str, ident: str, signed: statements.Signed) -> dict[str, Any]:
        answer = httpx.post(
            f"{self.board.url}/api/v1/{resource}/{ident}/acts", json=signed.to_json(), timeout=10
        )
        assert answer.status_code == 201, answer.text
        body: dict[str, Any] = answer.json()
        return body


def read(board: Board, path: str) -> Any:
    answer = httpx.get(f"{board.url}/api/v1/{path}", timeout=10)
    assert answer.status_code == 200, answer.text
    return answer.json()


#: The acts each kind of record takes in each status, as the pages offer them.
ACTS: dict[str, dict[str, str]] = {
    "elections": {
        "nominating": "election.nominate election.accept election.withdraw election.start",
        "voting": "vote election.extend election.close",
    },
    "mandates": {"active": "recall.open mandate.resign"},
    "petitions": {"open": "recall.sign", "voting": "recall.vote recall.close"},
}


def stand_in(board: Board, resource: str, ident: str) -> str:
    """A page for a resource the board does not draw yet: the enrollment page's frame
    around the #acts section that the resource's own page will carry."""
    frame = httpx.get(f"{board.url}/enroll", timeout=10).text
    record = read(board, f"{resource}/{ident}")
    if resource == "offices":
        acts = "election.open"
    else:
        acts = ACTS[resource].get(record.get("status", ""), "")
    extra = ""
    if resource == "elections":
        office = read(board, f"offices/{record['office']}")
        extra = (
            f' data-method="{escape(office.get("method", ""))}"'
            f' data-seats="{record["seats"]}"'
            f" data-candidates='{escape(json.dumps(record['candidates']))}'"
        )
    section = (
        f"<h1>{escape(resource[:-1].capitalize())} {escape(ident)}</h1>"
        f'<section id="acts" class="acts" data-resource="{resource}" data-ident="{escape(ident)}"'
        f' data-status="{escape(record.get("status", ""))}" data-acts="{acts}"{extra}>'
        "<h2>Act</h2></section>"
    )
    return re.sub(
        r'(<main id="main">).*(</main>)', lambda m: m[1] + section + m[2], frame, flags=re.S
    )
