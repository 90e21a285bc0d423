"""Handler for `soviet init`: adopt a charter into an empty log."""

from __future__ import annotations

from collections.abc import Mapping

from soviet.domain import founding
from soviet.domain.events import Recorded
from soviet.domain.model import Charter
from soviet.errors import Refused
from soviet.services.ports import Workspace


def adopt(
    ws: Workspace,
    charter: Charter,
    verifier_key: str | None,
    codes: Mapping[str, str] | None = None,
) -> list[Recorded]:
    """Found the organization: its charter, its members (with `codes`, each member's
    enrollment code by its hash) and any imported holders. With codes, every act of the
    log is signed by its actor; without them, as logs were founded before members held
    keys, none is."""
    if ws.is_founded():
        raise Refused(
            "this database already holds an organization: `soviet init` founds one only in "
            "an empty database; use a new --db"
        )
    if codes is not None:
        missing = sorted(m.id for m in charter.members if m.id not in codes)
        if missing:
            raise ValueError(f"no enrollment code for {missing[0]!r}")
    events = founding.found(charter, verifier_key, codes, ws.now)
    return [ws.record(event) for event in events]
