"""Handler for `soviet init`: adopt a charter into an empty log."""

from __future__ import annotations

from soviet.domain import founding
from soviet.domain.events import Recorded
from soviet.domain.model import Charter
from soviet.errors import Refused
from soviet.services.ports import Workspace


def adopt(ws: Workspace, charter: Charter, verifier_key: str | None) -> list[Recorded]:
    """Found the organization: its charter, its members and any imported holders."""
    if ws.is_founded():
        raise Refused(
            "this database already holds an organization: `soviet init` founds one only in "
            "an empty database; use a new --db"
        )
    return [ws.record(event) for event in founding.found(charter, verifier_key)]
