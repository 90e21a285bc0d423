"""The one pattern of ids, and what a name may hold."""

from __future__ import annotations

import pytest

from soviet.domain.ids import (
    MAX_ID_LENGTH,
    MAX_NAME_LENGTH,
    check_id,
    check_name,
    id_problem,
    name_problem,
    printable,
)
from soviet.errors import InputError


@pytest.mark.parametrize(
    "ident",
    ["ivanova", "tram-depot.deputy", "anna.ivanova2", "a1-8", "post_office", "7", "x" * 64],
)
def test_the_documented_kinds_of_id_are_ids(ident: str) -> None:
    assert id_problem(ident) is None
    assert check_id(ident, "member id") == ident


@pytest.mark.parametrize(
    "ident",
    [
        "",
        "zed ",
        " zed",
        "the yard",
        "Zed",
        "zеd",  # a Cyrillic е
        "zed\u202e",
        "zed\n#99 forged line",
        "<b>zed</b>",
        "-zed",
        ".zed",
        "_zed",
        "zéd",
        "z" * (MAX_ID_LENGTH + 1),
        "z" * 10_000,
    ],
)
def test_anything_else_is_not_an_id(ident: str) -> None:
    assert id_problem(ident) is not None
    with pytest.raises(InputError) as caught:
        check_id(ident, "member id")
    message = str(caught.value)
    assert message.startswith("member id ")
    assert "lowercase letters a-z, digits, '.', '_' and '-'" in message
    assert message.isprintable() and len(message) < 300


def test_an_id_in_uppercase_suggests_it_in_lowercase() -> None:
    assert "(did you mean 'tram-depot'?)" in (id_problem("Tram-Depot") or "")


@pytest.mark.parametrize(
    "name",
    [
        "Anna Ivanova",
        "Lúcia Mendes",
        "Siobhan O'Brien",
        "Иван Петров",
        "[bold]Zed[/bold]",
        "x" * 200,
    ],
)
def test_plain_text_of_any_script_is_a_name(name: str) -> None:
    assert name_problem(name) is None
    assert check_name(name, "member name") == name


@pytest.mark.parametrize(
    ("name", "problem"),
    [
        ("Anna\nIvanova", "U+000A"),
        ("Anna\rIvanova", "U+000D"),
        ("Anna\tIvanova", "U+0009"),
        ("Anna\x1b[31mIvanova", "U+001B"),
        ("Anna \u202eavonavI", "U+202E"),
        ("Anna \u2066Ivanova\u2069", "U+2066"),
        ("Anna\u2028Ivanova", "U+2028"),
        ("x" * (MAX_NAME_LENGTH + 1), "at most 200"),
    ],
)
def test_control_and_direction_characters_and_long_text_are_not_names(
    name: str, problem: str
) -> None:
    assert problem in (name_problem(name) or "")
    with pytest.raises(InputError, match="member name"):
        check_name(name, "member name")


def test_printable_writes_control_and_direction_characters_as_escapes() -> None:
    assert printable("zed\n#9 forged") == "zed\\u000a#9 forged"
    assert printable("a\u202eb") == "a\\u202eb"
    assert printable("Lúcia Mendes") == "Lúcia Mendes"
