"""The id suggested when one names nothing: the nearest that exists, if any is near."""

from __future__ import annotations

import pytest

from soviet.cli import _suggestions
from soviet.cli._suggestions import nearest, with_suggestion
from soviet.errors import NotFound


@pytest.mark.parametrize(
    ("ident", "known", "found"),
    [
        ("e4", ["E1", "E2", "E3", "E4"], "E4"),
        ("E-4", ["E1", "E4", "E40"], "E4"),
        ("ivanov", ["ivanova", "okafor", "petrov"], "ivanova"),
        ("tram-depot.deputies", ["tram-depot.deputy", "bakery.deputy"], "tram-depot.deputy"),
        ("zhukov", ["ivanova", "okafor", "petrov"], None),
        ("E9", [], None),
    ],
)
def test_the_nearest_id_is_suggested_if_one_is_near(
    ident: str, known: list[str], found: str | None
) -> None:
    assert nearest(ident, known) == found


def test_an_id_is_never_suggested_for_itself() -> None:
    assert nearest("E4", ["E4"]) is None
    assert nearest("E4", ["E4", "E44"]) == "E44"


def test_past_the_most_ids_no_suggestion_is_looked_for(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_suggestions, "MOST_IDS", 2)
    assert nearest("ann", ["anne", "bob", "cy"]) is None


def test_the_refusal_names_the_suggestion_or_stays_as_it_was(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(_suggestions, "known_ids", lambda kind, db: ["E1", "E2"])
    assert with_suggestion(NotFound("election", "e2"), None) == (
        "unknown election 'e2' (did you mean 'E2'?)"
    )
    assert with_suggestion(NotFound("election", "Z7"), None) == "unknown election 'Z7'"


def test_a_database_that_cannot_say_what_it_holds_suggests_nothing(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def broken(kind: str, db: str | None) -> list[str]:
        raise RuntimeError("no database")

    monkeypatch.setattr(_suggestions, "known_ids", broken)
    assert with_suggestion(NotFound("member", "ann"), "sqlite:///gone.db") == "unknown member 'ann'"


def test_an_unknown_kind_has_no_ids_to_suggest() -> None:
    assert _suggestions.known_ids("seat", None) == []
