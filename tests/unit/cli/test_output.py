"""What soviet warns of while a command runs is collected, to be told once it has run."""

from __future__ import annotations

import warnings

import pytest

from soviet.cli._output import noted_warnings
from soviet.errors import BallotFileWarning


def test_soviet_warnings_are_collected_even_where_warnings_are_errors() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with noted_warnings() as notes:
            warnings.warn(BallotFileWarning("ward.blt", 12, "names without quotes"), stacklevel=1)
            warnings.warn(BallotFileWarning("ward.blt", 12, "names without quotes"), stacklevel=1)
    assert notes == ["ward.blt:12: names without quotes"] * 2


def test_other_warnings_are_shown_as_python_shows_them() -> None:
    # pytest.warns sees the warning only if noted_warnings passes it on
    with pytest.warns(DeprecationWarning, match="old"), noted_warnings() as notes:
        warnings.warn("old", DeprecationWarning, stacklevel=1)
    assert notes == []
