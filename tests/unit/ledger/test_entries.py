"""Log entries: the canonical (RFC 8785) bytes of an event, built without serializing its
data twice, are exactly the canonical form of the whole event."""

from __future__ import annotations

from typing import Any

import pytest
import rfc8785
from hypothesis import given, settings
from hypothesis import strategies as st

from soviet.ledger.entries import (
    canonical,
    encode_entry,
    encode_event,
    parse_canonical,
    parse_canonical_value,
)

# JSON values as events hold them: no floats (RFC 8785 numbers are IEEE doubles; events
# carry counts as integers or decimal strings), integers within a double's exact range.
_scalars = (
    st.none() | st.booleans() | st.integers(min_value=-(2**53) + 1, max_value=2**53 - 1) | st.text()
)
_values = st.recursive(
    _scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
    max_leaves=20,
)
_texts = st.text(
    st.characters(blacklist_categories=["Cs"])  # lone surrogates are not Unicode text
)


def _whole(seq: int, at: str, type: str, actor: str | None, data: dict[str, Any]) -> bytes:
    return bytes(rfc8785.dumps({"seq": seq, "at": at, "type": type, "actor": actor, "data": data}))


@settings(deadline=None)  # the first example pays for imports and caches
@given(
    seq=st.integers(min_value=1, max_value=2**53 - 1),
    at=_texts,
    type=_texts,
    actor=st.none() | _texts,
    data=st.dictionaries(_texts, _values, max_size=5),
)
def test_an_entry_spliced_from_canonical_data_is_the_canonical_event(
    seq: int, at: str, type: str, actor: str | None, data: dict[str, Any]
) -> None:
    whole = _whole(seq, at, type, actor, data)
    assert encode_entry(seq, at, type, actor, canonical(data)) == whole
    assert encode_event(seq, at, type, actor, data) == whole


@given(at=st.text(), actor=st.none() | st.text() | st.integers() | st.booleans())
def test_an_entry_with_strings_rfc8785_cannot_write_fails_as_the_package_does(
    at: str, actor: Any
) -> None:
    try:
        whole = _whole(1, at, "t", actor, {})
    except rfc8785.CanonicalizationError:
        with pytest.raises(rfc8785.CanonicalizationError):
            encode_event(1, at, "t", actor, {})
    else:
        assert encode_event(1, at, "t", actor, {}) == whole


def test_an_entry_orders_its_members_by_key_and_writes_no_spaces() -> None:
    entry = encode_event(
        7, "2026-05-01T09:00:00Z", "ballot.cast", "m1", {"election": "E1", "choice": ["m2", "m1"]}
    )
    assert entry == (
        b'{"actor":"m1","at":"2026-05-01T09:00:00Z","data":{"choice":["m2","m1"],'
        b'"election":"E1"},"seq":7,"type":"ballot.cast"}'
    )


# Any JSON value as a stored text might hold it: floats, integers past a double's range,
# keys and strings from all of Unicode (DEL and the control characters too), written
# with or without escapes, spaces and sorted keys.
_any_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
    max_leaves=20,
)


@settings(deadline=None)
@given(value=_any_values, ascii=st.booleans(), spaced=st.booleans(), sort=st.booleans())
def test_the_canonical_form_of_a_json_text_is_the_packages_whatever_the_text(
    value: Any, ascii: bool, spaced: bool, sort: bool
) -> None:
    import json

    text = json.dumps(
        value, ensure_ascii=ascii, sort_keys=sort, separators=(", ", ": ") if spaced else (",", ":")
    )
    try:
        expected = canonical(json.loads(text))
    except rfc8785.CanonicalizationError:
        with pytest.raises(rfc8785.CanonicalizationError):
            parse_canonical(text)[1]
    else:
        assert parse_canonical(text)[1] == expected


def test_a_raw_delete_character_stays_unescaped_as_rfc8785_writes_it() -> None:
    text = '{"b":"x\x7fy","a":[1,-0,2]}'  # ASCII, no \\u escapes: the fast path
    assert parse_canonical(text)[1] == b'{"a":[1,0,2],"b":"x\x7fy"}'
    assert parse_canonical(text)[1] == canonical({"b": "x\x7fy", "a": [1, 0, 2]})


# Python values as services build event data: tuples beside lists, keys that are not
# strings, floats and NaN beside integers, integers past a double's range.
_python_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(),
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.tuples(inner, inner)
        | st.dictionaries(st.text() | st.integers(), inner, max_size=4)
    ),
    max_leaves=20,
)


@settings(deadline=None)
@given(value=_python_values)
def test_a_value_reads_back_as_its_canonical_form_does_whatever_it_holds(value: Any) -> None:
    import json

    try:
        expected = canonical(value)
    except rfc8785.CanonicalizationError:
        with pytest.raises(rfc8785.CanonicalizationError):
            parse_canonical_value(value)
    else:
        parsed, text = parse_canonical_value(value)
        assert text == expected
        assert json.dumps(parsed, sort_keys=True) == json.dumps(
            json.loads(expected), sort_keys=True
        )


def test_a_value_with_floats_reads_back_as_the_log_will_read_it() -> None:
    parsed, text = parse_canonical_value({"a": 1.0, "b": [-0.0, 2.5], "c": (1, 2)})
    assert text == b'{"a":1,"b":[0,2.5],"c":[1,2]}'
    assert parsed == {"a": 1, "b": [0, 2.5], "c": [1, 2]}
    assert isinstance(parsed["a"], int)
