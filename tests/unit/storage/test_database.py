"""How `--db` and SOVIET_DB name a database: a file's path, a PostgreSQL URL as hosting
services write it, or a SQLAlchemy URL taken as it is."""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa

from soviet.storage.database import url_of


@pytest.mark.parametrize(
    ("given", "url"),
    [
        ("soviet.db", "sqlite:///soviet.db"),
        ("./org/x.db", "sqlite:///org/x.db"),
        ("org/x y.db", "sqlite:///org/x y.db"),
        ("/var/lib/soviet/works.db", "sqlite:////var/lib/soviet/works.db"),
        (
            "postgres://ann:pw@db.example.org/union",
            "postgresql+psycopg://ann:pw@db.example.org/union",
        ),
        (
            "postgresql://ann@db.example.org:5433/union",
            "postgresql+psycopg://ann@db.example.org:5433/union",
        ),
        ("postgresql+psycopg://ann@db/union", "postgresql+psycopg://ann@db/union"),
        ("postgresql+psycopg2://ann@db/union", "postgresql+psycopg2://ann@db/union"),
        ("sqlite:///soviet.db", "sqlite:///soviet.db"),
        ("sqlite://", "sqlite://"),
    ],
)
def test_a_database_is_named_by_a_path_or_a_url(given: str, url: str) -> None:
    assert url_of(given) == url


def test_a_path_in_the_home_folder_is_expanded() -> None:
    assert url_of("~/works.db") == f"sqlite:///{Path.home() / 'works.db'}"


@pytest.mark.parametrize("name", ["a?b.db", "a%20b.db", "odd#name.db", "./:memory:", "./works"])
def test_a_file_name_that_would_read_as_part_of_a_url_still_names_that_file(name: str) -> None:
    assert Path(str(sa.make_url(url_of(name)).database)) == Path(name)


@pytest.mark.parametrize(
    "given", ["nosuchdatabase://ann@host/db", "not a database url", "works", ":memory:"]
)
def test_what_is_neither_a_path_nor_a_known_url_is_taken_as_it_is_to_be_refused(
    given: str,
) -> None:
    assert url_of(given) == given


def test_a_path_names_a_folder_or_a_file_with_a_suffix() -> None:
    assert url_of("my org.db") == "sqlite:///my org.db"
    assert url_of("data/works") == "sqlite:///data/works"
    assert url_of("./works") == "sqlite:///works"
    assert url_of("works.sqlite3") == "sqlite:///works.sqlite3"
