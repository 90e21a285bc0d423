"""Database URLs in messages: a password in a URL is never printed."""

from __future__ import annotations

import pytest

from soviet.errors import DatabaseError
from soviet.storage import database


def test_a_url_is_shown_with_its_password_hidden() -> None:
    assert database.shown("postgresql+psycopg://ann:s3cret@db.example.org/union") == (
        "postgresql+psycopg://ann:***@db.example.org/union"
    )
    assert database.shown("sqlite:///soviet.db") == "sqlite:///soviet.db"


def test_a_url_that_cannot_be_parsed_is_shown_with_its_password_hidden() -> None:
    assert "s3cret" not in database.shown("no such scheme://ann:s3cret@host/db")


@pytest.mark.parametrize("url", [
    "postgresql+nosuchdriver://ann:s3cret@127.0.0.1/union",
    "nosuchdatabase://ann:s3cret@127.0.0.1/union",
])
def test_an_unusable_url_is_refused_without_printing_its_password(url: str) -> None:
    with pytest.raises(DatabaseError) as refused:
        database.create_engine(url)
    assert "s3cret" not in str(refused.value)
    assert "ann:***@127.0.0.1" in str(refused.value)
