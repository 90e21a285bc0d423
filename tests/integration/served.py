"""An organization served in process: the whole `soviet serve` application over a signed
organization's database, driven through `httpx.ASGITransport` — no socket, the same app.

Members' acts are signed on the members' side (the organization's keyring) and posted as
statements, as a member's browser posts them; the server's clock is the organization's.
"""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from typing import Any, TypeVar

import httpx

from integration.signed import SignedOrganization
from soviet.domain import commands as cmd
from soviet.server import create_app

T = TypeVar("T")


def run(coroutine: Coroutine[Any, Any, T]) -> T:
    """Run a coroutine to its end from synchronous test code — in a thread of its own when
    this thread already runs an event loop (playwright's, in a worker that ran the
    browser tests first), since asyncio runs one loop a thread."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(coroutine)
    with ThreadPoolExecutor(max_workers=1) as thread:
        return thread.submit(asyncio.run, coroutine).result()


class Served:
    """A signed organization and the server over it."""

    def __init__(self, org: SignedOrganization) -> None:
        self.org = org
        self.app = create_app(org.soviet)

    def request(self, method: str, path: str, **given: Any) -> httpx.Response:
        """One request to the app at the organization's clock."""
        soviet = self.org.soviet
        soviet.settings = replace(soviet.settings, now=self.org.now)

        async def send() -> httpx.Response:
            transport = httpx.ASGITransport(app=self.app)
            async with httpx.AsyncClient(transport=transport, base_url="http://board") as client:
                return await client.request(method, path, **given)

        return run(send())

    def get(self, path: str, **given: Any) -> httpx.Response:
        return self.request("GET", path, **given)

    def post(self, path: str, **given: Any) -> httpx.Response:
        return self.request("POST", path, **given)

    def signed(self, command: cmd.Command) -> dict[str, Any]:
        """The member's signed statement of an act, as their own side makes it."""
        origin = self.origin()
        return self.org.keyring.sign(command, origin, self.org.now).to_json()

    def origin(self) -> str:
        with self.org.soviet.reading() as reads:
            return reads.log_key()[0]

    def act(self, resource: str, ident: str, command: cmd.Command) -> httpx.Response:
        """Post a member's signed act to the resource it acts on."""
        return self.post(f"/api/v1/{resource}/{ident}/acts", json=self.signed(command))

    def size(self) -> int:
        with self.org.soviet.reading() as reads:
            return reads.size()
