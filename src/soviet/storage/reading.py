"""The read port: everything the reading commands ask of a database, in one read-only
snapshot transaction (`database.snapshot`) that never waits for a writer and cannot
write."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection

from soviet.storage import log, merkle, proving, views
from soviet.storage.keys import KeyFile

# A petition's thresholds, the services' projections and `verify` need the decider and the
# replay: they are imported where they are asked for, so that `show` starts without them.
if TYPE_CHECKING:
    from soviet.domain.events import Recorded
    from soviet.ledger.checkpoints import VerifierKey
    from soviet.ledger.proofs import ConsistencyProof, InclusionProof
    from soviet.services.verification import Report
    from soviet.storage.verification import Progress
    from soviet.storage.workspace import SqlProjections


class SqlReading:
    """One snapshot of the log and its projections, at the instant `now`, with the log's
    key file (to sign an export's checkpoint now, storing nothing)."""

    def __init__(self, conn: Connection, now: str, keys: KeyFile) -> None:
        #: The snapshot's connection, for the storage's own readers; writes through it fail.
        self.conn = conn
        self._now = now
        self._keys = keys

    # -- the log ---------------------------------------------------------------------------

    def size(self) -> int:
        return merkle.tree_size(self.conn)

    def events(self, start: int = 1, stop: int | None = None) -> Iterator[Recorded]:
        return log.read(self.conn, start, stop)

    def act_at(self, seq: int) -> list[Recorded]:
        """The events of the act whose own event is at `seq`, consequences included."""
        return log.act_at(self.conn, seq)

    def log_key(self) -> tuple[str, str | None]:
        """The log's origin and the verifier key its first event carries."""
        return proving.log_key(self.conn)

    def verifier_key(self) -> str | None:
        return self.log_key()[1]

    def latest_checkpoint(self, at_most: int | None = None) -> tuple[int, str] | None:
        return proving.latest_stored(self.conn, at_most)

    def latest_logged_checkpoint(self) -> tuple[int, str] | None:
        return proving.latest_logged(self.conn)

    def can_sign(self) -> bool:
        return self._keys.exists()

    def sign(self, size: int) -> str | None:
        return proving.signed_checkpoint(self.conn, size, self._keys)

    def inclusion(self, seq: int, size: int | None = None) -> InclusionProof:
        return proving.inclusion(self.conn, seq, size)

    def consistency(self, old: int, new: int) -> ConsistencyProof:
        return proving.consistency(self.conn, old, new)

    # -- the projections -------------------------------------------------------------------

    def view(self, name: str) -> list[dict[str, Any]]:
        """One projection as `show … --json` prints it (`views.VIEWS`)."""
        return views.VIEWS[name](self.conn)

    def record(self, view: str, ident: str) -> dict[str, Any] | None:
        """One record as `show KIND ID --json` prints it and the API answers it: the
        view's object, and for a petition the thresholds it must reach; a mandate also by
        OFFICE:HOLDER. None if the id names nothing."""
        if view == "mandates":
            ident = views.mandate_id(self.conn, ident)
        found = views.record(self.conn, view, ident)
        if found is not None and view == "petitions":
            from soviet.services import recall

            found["thresholds"] = recall.thresholds(self.projections(), ident)
        return found

    def projections(self) -> SqlProjections:
        """The projections as the services read them, at this reading's instant."""
        from soviet.storage.workspace import SqlProjections

        return SqlProjections(self.conn, self._now)

    # -- verification ----------------------------------------------------------------------

    def total_events(self) -> int:
        """How many events the log holds (0 without a log), for a progress bar."""
        from soviet.storage import verification

        return verification.total_events(self.conn)

    def verify(
        self,
        *,
        source: str,
        key: VerifierKey | None = None,
        since: bytes | None = None,
        progress: Progress | None = None,
        unsigned_tail: bool = False,
    ) -> Report:
        """`soviet verify` of this snapshot: see `verification.verify_database`."""
        from soviet.storage import verification

        return verification.verify_database(
            self.conn,
            source=source,
            key=key,
            since=since,
            progress=progress,
            unsigned_tail=unsigned_tail,
        )
