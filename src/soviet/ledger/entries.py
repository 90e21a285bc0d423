"""Log entries: an event serialized canonically (RFC 8785) as the bytes the leaf hashes."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

import rfc8785


def canonical(value: Any) -> bytes:
    """The RFC 8785 (JSON Canonicalization Scheme) serialization of a JSON value."""
    return bytes(rfc8785.dumps(value))


def compact(value: Any) -> str:
    """JSON text with keys sorted and no spaces, strings escaped only where JSON must (the
    canonical form for the plain values `parse_canonical` describes)."""
    return _SORTED.encode(value)


def parse_canonical(text: str) -> tuple[Any, bytes]:
    """A JSON text's value and canonical form, from one parse.

    For a plain text — ASCII without `\\u` escapes, whose numbers are all integers RFC
    8785 can write — the standard library's `json` (keys sorted, no spaces) writes exactly
    what RFC 8785 does: its strings escape as JSON.stringify's do, its integers are their
    digits, and ASCII keys sort the same by code point as by UTF-16 unit. Such are the texts
    a log holds; any other text is serialized by the rfc8785 package. ValueError if the
    text is not JSON.
    """
    plain, value = _read_plain(text)
    if plain:
        return value, compact(value).encode("utf-8")
    value = json.loads(text)
    return value, canonical(value)


def parse_canonical_value(value: Any) -> tuple[Any, bytes]:
    """A JSON value's canonical form and the value that form reads back as:
    `(json.loads(canonical(value)), canonical(value))`, faster for the values events hold.

    The standard library writes the value (keys sorted, no spaces); where that text is
    plain (see `parse_canonical`) and reads back equal to the value, it is the canonical
    form. Anything else — a tuple that reads back as a list, a key that is not a string, a
    float — the rfc8785 package serializes, and it raises where it must.
    """
    try:
        text = compact(value)
    except (TypeError, ValueError):
        text = ""
    plain, parsed = _read_plain(text)
    if plain and parsed == value:
        return parsed, text.encode("ascii")
    exact = canonical(value)
    return json.loads(exact), exact


def _read_plain(text: str) -> tuple[bool, Any]:
    """(True, its value) for a plain JSON text (see `parse_canonical`), else (False, None)."""
    if not text.isascii() or "\\u" in text:
        return False, None
    try:
        return True, _PLAIN.decode(text)
    except (_NotPlain, ValueError):
        return False, None


class _NotPlain(Exception):
    """A number a plain text may not hold: RFC 8785 writes it otherwise."""


def _not_plain(_: str) -> object:
    raise _NotPlain


def _plain_int(digits: str) -> int:
    n = int(digits)
    if not -_SAFE <= n <= _SAFE:
        raise _NotPlain
    return n


def encode_event(
    seq: int,
    at: str,
    type: str,
    actor: str | None,
    data: Mapping[str, Any],
    clock: str | None = None,
    signed: Mapping[str, Any] | None = None,
) -> bytes:
    """The log entry of one event: the canonical JSON of {seq, at, type, actor, data}, with
    `clock` when the event was recorded under a set clock and `signed`, the member's
    signed statement, when the event records a signed act (each absent otherwise, so the
    entry of every other event is what it always was)."""
    signature = None if signed is None else canonical(dict(signed))
    return encode_entry(seq, at, type, actor, canonical(dict(data)), clock, signature)


def encode_entry(
    seq: int,
    at: str,
    type: str,
    actor: str | None,
    data: bytes,
    clock: str | None = None,
    signed: bytes | None = None,
) -> bytes:
    """The log entry of one event whose data (and signed statement) are already canonical
    JSON, `data` (and `signed`).

    The same bytes as `encode_event`, without serializing the data a second time: RFC 8785
    writes an object's members sorted by key (actor, at, clock, data, seq, signed, type),
    each as its canonical key, a colon and its canonical value, joined by commas, in braces.
    """
    return b"".join(
        (
            b'{"actor":',
            _text(actor),
            b',"at":',
            _text(at),
            b"" if clock is None else b',"clock":' + _text(clock),
            b',"data":',
            data,
            b',"seq":',
            str(seq).encode() if seq.__class__ is int and 0 <= seq <= _SAFE else canonical(seq),
            b"" if signed is None else b',"signed":' + signed,
            b',"type":',
            _text(type),
            b"}",
        )
    )


#: The largest integer RFC 8785 writes (an IEEE double holds every integer up to it).
_SAFE = 2**53 - 1

#: Reads a JSON text, refusing (with _NotPlain) any number RFC 8785 writes otherwise.
_PLAIN = json.JSONDecoder(parse_float=_not_plain, parse_constant=_not_plain, parse_int=_plain_int)
#: Writes keys sorted, no spaces, strings escaped only where JSON must.
_SORTED = json.JSONEncoder(sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def _text(value: str | None) -> bytes:
    """A string's (or null's) canonical form.

    RFC 8785 writes a string as JSON.stringify does: `"` and `\\` and the control
    characters escaped (`\\b \\f \\n \\r \\t`, the others as lowercase `\\u00xx`),
    everything else as itself in UTF-8 — exactly what `json.dumps(…, ensure_ascii=False)`
    writes. A lone surrogate cannot be written in UTF-8: the package names that error.
    """
    if not isinstance(value, str):  # null, or what a damaged log holds instead
        return canonical(value)
    if value.isascii() and value.isprintable() and '"' not in value and "\\" not in value:
        return b'"' + value.encode("ascii") + b'"'  # nothing to escape
    try:
        return compact(value).encode("utf-8")
    except UnicodeEncodeError:
        return canonical(value)  # raises rfc8785's CanonicalizationError
