"""Log entries: an event serialized canonically (RFC 8785) as the bytes the leaf hashes."""

from __future__ import annotations

import json
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
    return encode_entry(seq, at, type, actor, canonical(dict(data)))


def encode_entry(seq: int, at: str, type: str, actor: str | None, data: bytes) -> bytes:
    """The log entry of one event whose data is already canonical JSON, `data`.

    The same bytes as `encode_event`, without serializing the data a second time: RFC 8785
    writes an object's members sorted by key (actor, at, data, seq, type), each as its
    canonical key, a colon and its canonical value, joined by commas, in braces.
    """
    return b"".join((
        b'{"actor":', _text(actor), b',"at":', _text(at), b',"data":', data,
        b',"seq":', str(seq).encode() if seq.__class__ is int and 0 <= seq <= _SAFE
        else canonical(seq),
        b',"type":', _text(type), b"}",
    ))


#: The largest integer RFC 8785 writes (an IEEE double holds every integer up to it).
_SAFE = 2**53 - 1


def _text(value: str | None) -> bytes:
    """A string's (or null's) canonical form.

    RFC 8785 writes a string as JSON.stringify does: `"` and `\\` and the control
    characters escaped (`\\b \\f \\n \\r \\t`, the others as lowercase `\\u00xx`),
    everything else as itself in UTF-8 — exactly what `json.dumps(…, ensure_ascii=False)`
    writes. A lone surrogate cannot be written in UTF-8: the package names that error.
    """
    if not isinstance(value, str):  # null, or what a damaged log holds instead
        return canonical(value)
    try:
        return json.dumps(value, ensure_ascii=False).encode("utf-8")
    except UnicodeEncodeError:
        return canonical(value)  # raises rfc8785's CanonicalizationError
