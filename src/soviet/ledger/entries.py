"""Log entries: an event serialized canonically (RFC 8785) as the bytes the leaf hashes."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import rfc8785


def canonical(value: Any) -> bytes:
    """The RFC 8785 (JSON Canonicalization Scheme) serialization of a JSON value."""
    return bytes(rfc8785.dumps(value))


def encode_event(
    seq: int, at: str, type: str, actor: str | None, data: Mapping[str, Any]
) -> bytes:
    """The log entry of one event: the canonical JSON of {seq, at, type, actor, data}."""
    return canonical({"seq": seq, "at": at, "type": type, "actor": actor, "data": dict(data)})
