"""`soviet verify`: a database's log, or an export, checked from its events alone.

Both read the events in order into `soviet.services.verification.LogCheck`, replaying
them into an empty in-memory SQLite database. A database has more to compare: its stored
Merkle nodes with the recomputed ones, its stored tree's consistency from the latest
checkpoint to now, the latest signed checkpoint stored beside the log (which must sign
every event), and every live projection table with the replayed one, row by row; an
export has only its events and the checkpoint it ends with (which must sign every event
too). `unsigned_tail` accepts events no signature covers, noting them instead.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from rfc8785 import CanonicalizationError
from sqlalchemy import Connection, Engine, Table, func, select
from sqlalchemy.exc import SQLAlchemyError

from soviet.domain import catalogue as c
from soviet.domain.events import Recorded
from soviet.errors import LedgerError, ReplayError
from soviet.ledger.checkpoints import VerifierKey
from soviet.ledger.entries import parse_canonical
from soviet.ledger.verify import verify_consistency
from soviet.services.verification import Entry, LogCheck, Report
from soviet.storage import _comparison, database, merkle, projectors, proving
from soviet.storage import schema as t
from soviet.storage.export import ExportFile
from soviet.storage.workspace import SqlWorkspace
from soviet.storage.writes import Writes

#: The fix a database's unsigned events suggest: every act stores a checkpoint.
UNSIGNED_IN_DATABASE = (
    "every act stores the signed checkpoint of the log it leaves, so these events were "
    "added, or the checkpoints after them removed, outside soviet (a log kept before "
    "checkpoints were stored: sign it with `soviet checkpoint` and the log's key, or give "
    "--unsigned-tail)"
)
#: The fix an export's unsigned events suggest.
UNSIGNED_IN_EXPORT = (
    "an export ends with the signed checkpoint of all its events, so this one was cut "
    "short or its checkpoint line removed (give --unsigned-tail to check it anyway)"
)

#: Called with the number of events checked so far, now and then.
Progress = Callable[[int], None]
#: How often progress is told, in events.
STEP = 5000


class MemoryReplica:
    """An empty in-memory SQLite database at the current schema, the log replayed into it.

    Projection writes are held back (`Writes`) and sent every HOLD events or when read,
    inside a savepoint. If sending them fails, the savepoint is rolled back and the events
    since are applied again one at a time, so the error names the event that caused it.
    """

    #: Events applied between two sends of the writes held back.
    HOLD = 2000

    def __init__(self) -> None:
        self.engine: Engine = database.create_engine("sqlite://")
        self.conn = self.engine.connect()
        self.conn.begin()
        database.migrate(self.conn)
        self._writes = Writes(self.conn)
        self._held: list[Recorded] = []
        self._savepoint = self.conn.begin_nested()

    def project(self, event: Recorded, payload: c.Payload | None = None) -> None:
        if event.type not in projectors.PROJECTORS:
            self.settle()
            raise ReplayError(f"no event type {event.type!r} is known", event.seq, event.type)
        self._held.append(event)
        try:
            projectors.project(self._writes, event, payload)
        except (SQLAlchemyError, c.EventFormatError, KeyError, TypeError, ValueError):
            self._one_by_one()
        if len(self._held) >= self.HOLD:
            self.settle()

    def settle(self) -> None:
        """Send the writes held back; ReplayError naming the event that cannot be applied."""
        try:
            self._writes.flush()
        except SQLAlchemyError:
            self._one_by_one()
        self._savepoint.commit()
        self._savepoint = self.conn.begin_nested()
        self._held = []

    def _one_by_one(self) -> None:
        """Roll back to the savepoint and apply the held events again, each sent at once,
        to find the first that fails; raises ReplayError for it."""
        self._savepoint.rollback()
        self._writes = Writes(self.conn)
        self._savepoint = self.conn.begin_nested()
        for held in self._held:
            try:
                projectors.project(self._writes, held)
                self._writes.flush()
            except SQLAlchemyError as error:
                reason = str(getattr(error, "orig", None) or error).splitlines()[0]
                raise ReplayError(reason, held.seq, held.type) from None
            except c.EventFormatError as error:
                raise ReplayError(
                    f"its data does not fit its type ({error})", held.seq, held.type
                ) from None
            except (KeyError, TypeError, ValueError) as error:
                raise ReplayError(
                    f"its data does not fit its type ({error!r})", held.seq, held.type
                ) from None
        # Each applied alone: what failed was the batch, not an event; go on from here.

    def workspace(self, now: str) -> SqlWorkspace:
        self.settle()
        return SqlWorkspace(self.conn, now)

    def close(self) -> None:
        self.conn.close()
        self.engine.dispose()


def verify_database(
    conn: Connection,
    *,
    source: str = "the database",
    key: VerifierKey | None = None,
    since: bytes | None = None,
    progress: Progress | None = None,
    unsigned_tail: bool = False,
) -> Report:
    """Check a database's log, stored tree, stored checkpoints and projections; see the
    module docstring. Unless `unsigned_tail`, the latest stored checkpoint must sign
    every event."""
    report = Report(source)
    missing = _missing_tables(conn, report)
    if t.events.name in missing:
        return report
    replica = MemoryReplica()
    try:
        anchors: list[tuple[str, bytes, str]] = []
        if since is not None:
            anchors.append(("since", since, "the checkpoint given (--since)"))
        latest = None if t.checkpoints.name in missing else proving.latest_stored(conn)
        if latest is not None:
            count = proving.stored_count(conn)
            anchors.append(
                (
                    "checkpoints",
                    latest[1].encode("utf-8"),
                    f"the latest of {count:,} stored checkpoints",
                )
            )
        check = LogCheck(
            report,
            key=key,
            anchors=anchors,
            replica=replica,
            signed_tail=None if unsigned_tail else UNSIGNED_IN_DATABASE,
        )
        writes = _comparison.Writers()
        query = select(t.events).order_by(t.events.c.seq).execution_options(yield_per=STEP)
        for done, row in enumerate(conn.execute(query), start=1):
            stored = bytes(row.leaf) if row.leaf is not None else None
            problem = "its data is not a JSON object"
            try:
                data, canonical = parse_canonical(row.data)
            except CanonicalizationError as error:
                data = canonical = None
                problem = f"its data has no canonical (RFC 8785) form: {error}"
            except (TypeError, ValueError):
                data = canonical = None
            if not isinstance(data, dict) or canonical is None:
                check.skip(row.seq, row.type, stored, problem)
            else:
                text = row.data.encode("utf-8")
                check.feed(
                    Entry(
                        row.seq,
                        row.at,
                        row.type,
                        row.actor,
                        data,
                        text,
                        None,
                        stored,
                        canonical,
                        row.clock,
                        *_signed(row.signed),
                    )
                )
                writes.note(row.seq, row.type, data)
            if progress is not None and done % STEP == 0:
                progress(done)
        check.finish()
        if t.merkle_nodes.name not in missing:
            _check_tree(conn, check, report)
        if report.checks["projections"].ran and not missing & _PROJECTED:
            rows = _comparison.projections(conn, replica.conn, writes, report)
            report.checks[
                "projections"
            ].summary = (
                f"{rows:,} rows of {len(t.PROJECTIONS)} projection tables equal to the replay's"
            )
        replay_summary(report)
    finally:
        replica.close()
    return report


def _signed(text: str | None) -> tuple[dict[str, Any] | None, bytes | None]:
    """A stored signed statement and its stored text; one that is not a JSON object is
    kept as its text alone, so that its leaf no longer matches."""
    if text is None:
        return None, None
    try:
        value = json.loads(text)
    except ValueError:
        value = None
    return (value if isinstance(value, dict) else {"unreadable": text}), text.encode("utf-8")


def verify_export(
    path: Path,
    *,
    key: VerifierKey | None = None,
    since: bytes | None = None,
    progress: Progress | None = None,
    unsigned_tail: bool = False,
) -> Report:
    """Check an export: its events, its logged checkpoints and the checkpoint it ends with,
    and that it replays into an empty database. Unless `unsigned_tail`, the checkpoint it
    ends with must sign every event."""
    export = ExportFile(path)
    report = Report(f"the export {path}")
    anchors = [("since", since)] if since is not None else []
    if export.checkpoint is not None:
        anchors.append(("checkpoints", export.checkpoint))
    else:
        report.notes.append("the export ends with no signed checkpoint")
    replica = MemoryReplica()
    try:
        check = LogCheck(
            report,
            key=key,
            anchors=anchors,
            replica=replica,
            signed_tail=None if unsigned_tail else UNSIGNED_IN_EXPORT,
        )
        for done, line in enumerate(export.lines(), start=1):
            event = line.event
            if event is None:
                check.skip(check.expected, None, None, line.problem)
            else:
                check.feed(
                    Entry(
                        event["seq"],
                        event["at"],
                        event["type"],
                        event["actor"],
                        event["data"],
                        None,
                        line.raw,
                        None,
                        clock=event.get("clock"),
                        signed=event.get("signed"),
                    )
                )
            if progress is not None and done % STEP == 0:
                progress(done)
        check.finish()
        for name in ("tree", "projections"):
            report.checks[name].ran = False
            report.checks[name].summary = "an export holds no stored tree or projections"
        replay_summary(report, replica.conn)
    finally:
        replica.close()
    return report


def total_events(conn: Connection) -> int:
    """How many events a database's log holds, for a progress bar (0 without a log)."""
    if not sa.inspect(conn).has_table(t.events.name):
        return 0
    return merkle.tree_size(conn)


#: The projection tables, by name.
_PROJECTED = frozenset(table.name for table in t.PROJECTIONS)


def _missing_tables(conn: Connection, report: Report) -> set[str]:
    """The tables of the schema the database lacks, each reported as a discrepancy of the
    check that reads it."""
    inspector = sa.inspect(conn)
    missing = {
        table.name for table in t.metadata.sorted_tables if not inspector.has_table(table.name)
    }
    checks = {
        t.events.name: "entries",
        t.merkle_nodes.name: "tree",
        t.checkpoints.name: "checkpoints",
    }
    for name in sorted(missing):
        kind = "table" if name in checks else "projection table"
        report.fail(
            checks.get(name, "projections"), f"the {kind} {name} is missing from the database"
        )
    if t.events.name in missing:
        for check in report.checks.values():
            check.ran = check.ran and not check.ok
    return missing


def replay_summary(report: Report, replica: Connection | None = None) -> None:
    """Sum up a replay in the report: how many events, and the rows of each projection
    they left in the replica (when the replay held)."""
    summary = f"{report.size:,} events replayed into an empty database"
    if replica is not None and report.checks["replay"].ok:
        counts = [(table.name, _count(replica, table)) for table in t.PROJECTIONS]
        rows = ", ".join(f"{n:,} {name}" for name, n in counts if n)
        summary += f": {rows}"
    report.checks["replay"].summary = summary


def _count(conn: Connection, table: Table) -> int:
    return int(conn.execute(select(func.count()).select_from(table)).scalar_one())


def _check_tree(conn: Connection, check: LogCheck, report: Report) -> None:
    """The stored Merkle nodes against the recomputed ones, level by level; the stored
    root; and the stored tree's consistency proof from the latest checkpoint to now."""
    nodes = _comparison.tree(conn, check.levels, report)
    n = report.size
    summary = f"{nodes:,} stored Merkle nodes equal to the recomputed ones"
    if n and report.checks["tree"].ok:
        try:
            stored_root = merkle.root(conn, n)
        except LedgerError as error:
            report.fail("tree", f"the stored tree has no root at size {n}: {error}")
            return
        if stored_root != report.root:
            report.fail(
                "tree",
                f"the stored tree's root {stored_root.hex()} is not the "
                f"recomputed {report.root.hex()}",
            )
            return
        summary += f"; root {report.root.hex()} at size {n:,}"
        latest = check.latest
        if latest is not None and latest.size and latest.size < n:
            proof = merkle.consistency_proof(conn, latest.size, n)
            try:
                verify_consistency(latest.size, n, proof, latest.root, report.root)
            except LedgerError as error:
                report.fail(
                    "tree",
                    f"the stored tree proves no consistency from the latest "
                    f"checkpoint (size {latest.size:,}) to now: {error}",
                )
                return
            summary += (
                f"; consistent with the latest checkpoint (size {latest.size:,}) "
                f"by a proof of {len(proof)} hashes"
            )
    report.checks["tree"].summary = summary
