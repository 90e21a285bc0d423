"""Handler for `soviet init`: adopt a charter into an empty log."""

from __future__ import annotations

from collections.abc import Mapping

from soviet.domain import founding
from soviet.domain.events import Recorded
from soviet.domain.founding import Codes
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
    _refuse_a_founded(ws)
    _check_codes(charter, codes)
    return [ws.record(event) for event in founding.found(charter, verifier_key, codes, ws.now)]


#: The events a founding in batches holds in memory at most (`adopt_in_batches`).
BATCH = 5_000


def adopt_in_batches(
    ws: Workspace,
    charter: Charter,
    verifier_key: str | None,
    codes: Codes | None = None,
    batch: int = BATCH,
) -> int:
    """Found the organization as `adopt` does, in the same unit of work, but holding no
    more than `batch` events in memory: they are written and let go as they are made (the
    unit of work's `recorded` keeps none of them). `codes` may issue each member's code
    as its admission is made (`founding.Codes`). The number of events recorded. For a
    large membership, whose events would not fit in memory all at once."""
    _refuse_a_founded(ws)
    _check_codes(charter, codes)
    count = 0
    for event in founding.found(charter, verifier_key, codes, ws.now):
        ws.record(event)
        count += 1
        if count % batch == 0:
            ws.release()
    ws.release()
    return count


def _refuse_a_founded(ws: Workspace) -> None:
    if ws.is_founded():
        raise Refused(
            "this database already holds an organization: `soviet init` founds one only in "
            "an empty database; use a new --db"
        )


def _check_codes(charter: Charter, codes: Codes | None) -> None:
    if codes is not None and not callable(codes):  # a function issues every member's
        missing = next((m.id for m in charter.members if m.id not in codes), None)
        if missing is not None:
            raise ValueError(f"no enrollment code for {missing!r}")
