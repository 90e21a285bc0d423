"""How a mandate is named on the command line: its id, or OFFICE:HOLDER."""

from __future__ import annotations

import pytest

from soviet.errors import InputError
from soviet.storage.views import mandate_name


@pytest.mark.parametrize(
    ("name", "named"),
    [
        ("M7", None),
        ("tram-depot.deputy:petrov", ("tram-depot.deputy", "petrov")),
        ("council.chair:anna.ivanova2", ("council.chair", "anna.ivanova2")),
    ],
)
def test_a_mandate_is_named_by_its_id_or_by_office_and_holder(
    name: str, named: tuple[str, str] | None
) -> None:
    assert mandate_name(name) == named


@pytest.mark.parametrize("name", [":petrov", "tram-depot.deputy:", ":", "a:b:c"])
def test_a_name_with_a_colon_but_no_office_or_holder_is_refused_saying_how_to_name_one(
    name: str,
) -> None:
    with pytest.raises(InputError, match=r"names no mandate: a mandate is named by its id \(M7\)"):
        mandate_name(name)
