"""How Belenios writes JSON and hashes it.

Belenios hashes the exact text of a message, so the text is kept beside the parsed
value wherever a hash is taken. New messages are written compactly, fields in the
order the specification lists them (Python keeps a dict's insertion order).
"""

from __future__ import annotations

import base64
import hashlib
import json
from typing import Any

from soviet.belenios.errors import BeleniosError


def dumps(value: Any) -> str:
    """Compact JSON, UTF-8 kept as it is, fields in insertion order."""
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


def loads(text: str, where: str) -> Any:
    """Parse JSON or say where it is not JSON."""
    try:
        return json.loads(text)
    except ValueError as error:
        raise BeleniosError(f"{where}: not JSON ({error})") from None


def sha256_hex(text: str | bytes) -> str:
    data = text.encode() if isinstance(text, str) else text
    return hashlib.sha256(data).hexdigest()


def fingerprint(text: str) -> str:
    """H_JSON: SHA-256 in Base64 without padding, as election hashes and trackers are."""
    digest = hashlib.sha256(text.encode()).digest()
    return base64.b64encode(digest).decode().rstrip("=")
