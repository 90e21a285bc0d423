"""The listings of `show`: which filters apply, the rows they keep, and rows as CSV."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest

from soviet.cli._listings import (
    Facts,
    Filters,
    check,
    check_status,
    csv_cell,
    keep,
    refuse_on_one,
    write_csv,
)
from soviet.errors import InputError

FACTS = Facts(
    office_body={"mill.deputy": "mill", "foundry.deputy": "foundry"},
    mandates={"M1": ("mill.deputy", "mira"), "M2": ("foundry.deputy", "ada")},
)
MANDATES: list[dict[str, Any]] = [
    {"id": "M1", "office": "mill.deputy", "holder": "mira", "status": "active"},
    {"id": "M2", "office": "foundry.deputy", "holder": "ada", "status": "recalled"},
    {"id": "M3", "office": "foundry.deputy", "holder": "boris", "status": "active"},
]


def ids(rows: list[Any]) -> list[str]:
    return [row["id"] for row in rows]


def test_each_filter_keeps_the_mandates_it_names_and_filters_combine() -> None:
    assert ids(keep("mandates", MANDATES, Filters(office="foundry.deputy"), FACTS)) == ["M2", "M3"]
    assert ids(keep("mandates", MANDATES, Filters(body="mill"), FACTS)) == ["M1"]
    assert ids(keep("mandates", MANDATES, Filters(status="active"), FACTS)) == ["M1", "M3"]
    assert ids(keep("mandates", MANDATES, Filters(holder="ada"), FACTS)) == ["M2"]
    both = Filters(body="foundry", status="active")
    assert ids(keep("mandates", MANDATES, both, FACTS)) == ["M3"]
    assert keep("mandates", MANDATES, Filters(), FACTS) == MANDATES


def test_a_petition_is_of_the_office_body_and_holder_of_its_mandate() -> None:
    petitions = [
        {"id": "P1", "mandate": "M1", "status": "voting"},
        {"id": "P2", "mandate": "M2", "status": "failed"},
    ]
    assert ids(keep("petitions", petitions, Filters(holder="mira"), FACTS)) == ["P1"]
    assert ids(keep("petitions", petitions, Filters(body="foundry"), FACTS)) == ["P2"]
    assert ids(keep("petitions", petitions, Filters(office="mill.deputy"), FACTS)) == ["P1"]


def test_a_member_is_of_every_assembly_they_belong_to() -> None:
    members = [{"id": "ada", "bodies": ["foundry", "mill"]}, {"id": "olga", "bodies": ["mill"]}]
    assert ids(keep("members", members, Filters(body="mill"), FACTS)) == ["ada", "olga"]
    assert ids(keep("members", members, Filters(body="foundry"), FACTS)) == ["ada"]


def test_a_filter_that_does_not_apply_to_a_listing_is_refused_naming_those_that_do() -> None:
    check("mandates", Filters(office="x", body="y", status="z", holder="w"))
    with pytest.raises(InputError, match=r"--holder does not filter `show elections`: it takes "):
        check("elections", Filters(holder="ada"))
    with pytest.raises(InputError, match="it takes no filter"):
        check("bodies", Filters(body="mill"))
    with pytest.raises(InputError, match=r"--status filters a listing, not `show member ada`"):
        refuse_on_one("member ada", Filters(status="active"))
    refuse_on_one("member ada", Filters())


def test_a_status_no_record_can_have_is_refused_but_one_a_record_has_is_taken() -> None:
    check_status("mandates", "recalled", [])
    check_status("mandates", "suspended", [{"status": "suspended"}])
    with pytest.raises(InputError, match="'activ' is no status of mandates: it is one of active"):
        check_status("mandates", "activ", MANDATES)


@pytest.mark.parametrize(
    ("value", "cell"),
    [
        (None, ""),
        (True, "true"),
        (3, "3"),
        ("Ada Lovelace", "Ada Lovelace"),
        (["ada", "boris"], "ada boris"),
        ([], ""),
        ({"yes": 2, "no": 1}, '{"yes":2,"no":1}'),
        ([{"round": 1}], '[{"round":1}]'),
    ],
)
def test_a_json_value_becomes_one_csv_cell(value: Any, cell: str) -> None:
    assert csv_cell(value) == cell


def test_csv_is_a_header_then_a_row_per_record_with_crlf_and_quotes_where_needed() -> None:
    out = io.StringIO(newline="")
    rows: list[dict[str, Any]] = [
        {"id": "kim", "name": 'Kim "K" Lee, Jr', "bodies": ["mill"]},
        {"id": "ada"},
    ]
    write_csv(out, ("id", "name", "bodies"), rows)
    text = out.getvalue()
    assert text == 'id,name,bodies\r\nkim,"Kim ""K"" Lee, Jr",mill\r\nada,,\r\n'
    assert list(csv.reader(io.StringIO(text, newline=""))) == [
        ["id", "name", "bodies"],
        ["kim", 'Kim "K" Lee, Jr', "mill"],
        ["ada", "", ""],
    ]
