"""Fuzzing the charter reader and the members CSV: whatever the text, `parse_charter`
returns a `Charter` or raises a `SovietError` with a one-line message — never another
exception, whether the text is random, a valid charter mutated, nested deep, full of huge
numbers or of odd characters."""

from __future__ import annotations

import re
import tomllib
from collections.abc import Callable
from pathlib import Path

from hypothesis import assume, given
from hypothesis import strategies as st

from fuzz._budget import budget
from soviet.domain.charter import parse_charter
from soviet.domain.charter.limits import MAX_NESTING, check_toml_shape
from soviet.domain.ids import name_problem
from soviet.domain.model import Charter
from soviet.errors import SovietError

ROOT = Path(__file__).resolve().parents[2]
#: Every valid charter of the project, with the folder its members file is read from.
CHARTERS = [
    ROOT / "examples" / "federation.toml",
    ROOT / "tests" / "e2e" / "charters" / "works.toml",
    ROOT / "tests" / "e2e" / "charters" / "seated.toml",
    ROOT / "tests" / "unit" / "domain" / "charters" / "inline-members.toml",
    ROOT / "tests" / "unit" / "domain" / "charters" / "csv-members.toml",
]
TEXTS = [path.read_text(encoding="utf-8") for path in CHARTERS]
MEMBERS_CSV = (ROOT / "examples" / "federation-members.csv").read_text(encoding="utf-8")

#: Characters that mean something to TOML or to CSV, and characters that print otherwise
#: than they read.
ODD = [
    "[",
    "]",
    "{",
    "}",
    "=",
    ",",
    ".",
    '"',
    "'",
    '"""',
    "'''",
    "#",
    "\\",
    "\n",
    "\r\n",
    "\t",
    ";",
    "\x00",
    "\x1b",
    "\u202e",
    "\u2066",
    "\u200b",
    "\ufeff",
    "\u2028",
    "е",
    "İ",
    "ß",
    "9" * 5000,
    "0x" + "f" * 200,
    "1e999",
    "-0",
    "inf",
    "nan",
    "2026-01-05T09:00:00Z",
    str(2**31),
    str(2**63),
    str(2**64),
    "a." * 40,
    "[" * 1000,
    "{a=" * 500,
]


def outcome(text: str, read: Callable[[str], str] | None = None) -> Charter | None:
    """The charter `text` parses to, or None if it is refused, as it must be, with a
    one-line `SovietError`."""
    try:
        return parse_charter(text, "charter.toml", read)
    except SovietError as refused:
        message = str(refused)
        assert message and "\n" not in message and "\r" not in message, repr(message)
        assert len(message) < 2_000, message[:200]
        return None


def reader(csv: str) -> Callable[[str], str]:
    return lambda name: csv


@st.composite
def mutated(draw: st.DrawFn, texts: list[str]) -> str:
    """One of `texts`, with a few pieces deleted, repeated, or replaced by odd ones."""
    text = draw(st.sampled_from(texts))
    for _ in range(draw(st.integers(1, 4))):
        at = draw(st.integers(0, len(text)))
        end = draw(st.integers(at, min(len(text), at + 40)))
        piece = draw(
            st.one_of(
                st.sampled_from(ODD),
                st.text(max_size=12),
                st.just(text[at:end] * 2),
                st.just(""),
            )
        )
        text = text[:at] + piece + text[end:]
    return text


@given(st.text(max_size=2_000))
@budget(150)
def test_random_text_is_a_charter_or_a_one_line_error(text: str) -> None:
    outcome(text)


@given(mutated(TEXTS))
@budget(300)
def test_a_mutated_valid_charter_is_a_charter_or_a_one_line_error(text: str) -> None:
    outcome(text, reader(MEMBERS_CSV))


@given(
    st.sampled_from(["[", "{a = ", "[{a = ", "{a = [", "a."]),
    st.integers(0, 3_000),
    st.sampled_from(TEXTS[1:3]),
)
@budget(60)
def test_deep_nesting_is_a_charter_or_a_one_line_error(opening: str, depth: int, text: str) -> None:
    closing = {"[": "]", "{a = ": "}", "[{a = ": "}]", "{a = [": "]}", "a.": ""}[opening]
    if opening == "a.":
        nested = f"{opening * depth}b = 1\n"
    else:
        nested = f"voting_days = {opening * depth}1{closing * depth}\n"
    outcome(text.replace("voting_days = 3\n", nested, 1))


@given(
    st.sampled_from(["seats = 2", "seats = 1", "voting_days = 3"]),
    st.one_of(
        st.integers(),
        st.integers(min_value=2**31 - 2, max_value=2**31 + 2),
        st.integers(min_value=2**63 - 2, max_value=2**64 + 2),
        st.integers(min_value=-(10**4000), max_value=10**4000),
    ),
    st.sampled_from(["", "recall_quorum = ", "term_days = "]),
)
@budget(150)
def test_huge_integers_are_a_charter_or_a_one_line_error(
    line: str, number: int, other: str
) -> None:
    text = TEXTS[1]
    written = f"{line.split(' = ')[0]} = {number}" if not other else f"{line}\n{other}{number}"
    charter = outcome(text.replace(line, written, 1))
    if charter is not None:
        for office in charter.offices:
            assert 1 <= office.seats <= 1_000
            assert 1 <= office.term_days <= 36_500 and 1 <= office.voting_days <= 36_500


@given(st.text(max_size=30), st.text(max_size=30), st.sampled_from(["id", "name", "title"]))
@budget(200)
def test_odd_unicode_in_ids_and_names_is_a_charter_or_a_one_line_error(
    ident: str, name: str, key: str
) -> None:
    text = TEXTS[1]
    quoted_id, quoted_name = _basic_string(ident), _basic_string(name)
    if key == "id":
        text = text.replace('id = "olga"', f"id = {quoted_id}", 1)
    elif key == "name":
        text = text.replace('name = "Olga Knipper"', f"name = {quoted_name}", 1)
    else:
        text = text.replace('title = "Mill stewards"', f"title = {quoted_name}", 1)
    charter = outcome(text)
    if charter is not None:
        for member in charter.members:
            assert member.id.isascii() and member.id == member.id.lower()
            assert name_problem(member.name) is None


def _basic_string(text: str) -> str:
    """`text` as a TOML basic string, every character that needs it escaped."""
    escaped = "".join(
        char if char.isprintable() and char not in '"\\' else f"\\U{ord(char):08x}" for char in text
    )
    return f'"{escaped}"'


@given(st.text(max_size=1_500))
@budget(150)
def test_a_random_members_csv_is_a_charter_or_a_one_line_error(csv: str) -> None:
    outcome(TEXTS[0], reader(csv))


@given(mutated([MEMBERS_CSV]))
@budget(150)
def test_a_mutated_members_csv_is_a_charter_or_a_one_line_error(csv: str) -> None:
    outcome(TEXTS[0], reader(csv))


def _depth(value: object) -> int:
    """How deep tables and arrays nest in a parsed document (a scalar is 0)."""
    deepest, pending = 0, [(value, 0)]
    while pending:
        item, depth = pending.pop()
        if isinstance(item, dict | list):
            depth += 1
            deepest = max(deepest, depth)
            pending.extend(
                (child, depth) for child in (item.values() if isinstance(item, dict) else item)
            )
    return deepest


@given(mutated(TEXTS))
@budget(200)
def test_the_shape_check_refuses_no_document_within_the_limits(text: str) -> None:
    assume(not re.search(r"[0-9A-Za-z_+\-:]{101,}", text))
    try:
        document = tomllib.loads(text)
    except (tomllib.TOMLDecodeError, RecursionError, ValueError):
        return
    assume(_depth(document) <= MAX_NESTING)
    check_toml_shape(text, "charter.toml")
