"""Wiring: settings, the database, the clock and the signing key — the one place that
joins storage to the services."""

from __future__ import annotations

import itertools
import os
import warnings
from collections.abc import Iterator, Sequence
from contextlib import ExitStack, contextmanager, suppress
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, TYPE_CHECKING

from sqlalchemy import Connection, Engine
from sqlalchemy.exc import DBAPIError, IntegrityError

from soviet.domain.clock import (
    SET_CLOCK,
    after_days,
    behind_the_log,
    clock_allowed,
    format_instant,
    parse_instant,
    set_clock_refused,
)
from soviet.errors import ClockError, DatabaseError, InputError, Refused, SovietWarning
from soviet.storage import database, log, merkle, proving
from soviet.storage.keys import KeyFile

# What acts, foundings, enrollments and exports need (the decider, the keyring, the
# workspace) is imported where they run: a command starts with only what it uses.
if TYPE_CHECKING:
    from soviet.codes_file import Code, CodesFile
    from soviet.domain.events import Recorded
    from soviet.domain.model import Charter, Member
    from soviet.keyring import Keyring
    from soviet.services.exports import Exported, ExportTarget
    from soviet.services.ports import Signer
    from soviet.storage.reading import SqlReading
    from soviet.storage.workspace import SqlWorkspace

DEFAULT_DB = "sqlite:///soviet.db"
#: How long a read replica that does not answer is waited for, in seconds, before the
#: read passes on to the next one.
REPLICA_TIMEOUT = 5


@dataclass(frozen=True)
class Settings:
    """Where the database is, what time it is, and where the signing key lives."""

    db_url: str = DEFAULT_DB
    now: str | None = None  # SOVIET_NOW, validated; None means the real clock
    key_path: Path | None = None
    #: Whether `now` is a set clock, as SOVIET_NOW sets it (a clock given in code, as the
    #: tests give it, is not): acts under it need `allow_clock`, and the events they
    #: record carry the marker `clock: "set"`.
    set_clock: bool = False
    #: Whether acts may run under a set clock: SOVIET_ALLOW_CLOCK=1, or a rehearsal that
    #: sets the clock itself, as the demo does.
    allow_clock: bool = False
    #: The database's streaming replicas (`--read-db`): reads are served by them in
    #: turn, writes always by `db_url`, the primary.
    read_urls: tuple[str, ...] = ()

    @classmethod
    def from_env(
        cls, db: str | None = None, key: str | None = None, read: Sequence[str] | None = None
    ) -> Settings:
        url = database.url_of(db or os.environ.get("SOVIET_DB") or DEFAULT_DB)
        replicas = tuple(database.url_of(given) for given in read or ())
        raw_now = os.environ.get("SOVIET_NOW")
        now = format_instant(parse_instant(raw_now)) if raw_now else None
        allow = clock_allowed(os.environ.get("SOVIET_ALLOW_CLOCK")) if now else False
        key_file = key or os.environ.get("SOVIET_KEY")
        key_path = Path(key_file) if key_file else default_key_path(url)
        return cls(
            url,
            now,
            key_path,
            set_clock=now is not None,
            allow_clock=allow,
            read_urls=replicas,
        )

    @property
    def marker(self) -> str | None:
        """The clock marker of the events recorded under these settings: "set" under a
        set clock, else None."""
        return SET_CLOCK if self.set_clock and self.now is not None else None


def default_key_path(url: str) -> Path | None:
    """The signing key's file beside a SQLite database (`soviet.db` → `soviet.key`); for a
    server database, `soviet.key` in the current folder."""
    from sqlalchemy import make_url

    try:
        parsed = make_url(url)
    except Exception:
        return None
    if parsed.get_backend_name() == "sqlite" and parsed.database not in (None, "", ":memory:"):
        return Path(str(parsed.database)).with_suffix(".key")
    return Path("soviet.key")


def export_target(
    settings: Settings, file: str, *, force: bool, stdout: IO[bytes] | None
) -> ExportTarget:
    """Where `soviet export` writes: `stdout` for '-', else the file — refused (InputError)
    before any database is opened if it is the database, a key file, a folder, or a file
    that exists without `force`; '-' is refused when there is no standard output."""
    from soviet.storage.export import FileTarget, StreamTarget, protected_files

    if file == "-":
        if stdout is None:
            raise InputError("export -: there is no standard output to write to (it is closed)")
        return StreamTarget(stdout)
    target = FileTarget(file, force, protected_files(settings.db_url, settings.key_path))
    target.check()
    return target


class Soviet:
    """An opened organization: units of work and reads over one database.

    `signer` is the member's own side that signs the commands its units of work are given
    (the CLI's key folder); without one, a member's act must come in as a signed
    statement. Opening a database made before members held keys upgrades it, recording in
    its log that every act from then on is signed, with an enrollment code for every
    member, written to `codes_path` (`upgrade_codes` says where they went)."""

    def __init__(
        self,
        settings: Settings,
        *,
        create: bool = False,
        signer: Signer | None = None,
        codes_path: Path | None = None,
    ) -> None:
        self.settings = settings
        self.signer = signer
        self._codes_path = codes_path
        #: The file the upgrade to members' keys wrote the members' codes to, if it ran.
        self.upgrade_codes: Path | None = None
        #: The file of the charter members' codes, and until when they are good, once
        #: `found` has founded the organization.
        self._founding_codes: Path | None = None
        self.founding_expires = ""
        if create and database.in_memory(settings.db_url):
            raise DatabaseError(
                f"{database.shown(settings.db_url)!r} is an in-memory database: it would be "
                "gone, with the organization, when the command ends; name a file instead, "
                "such as sqlite:///soviet.db"
            )
        #: A SQLite file this organization creates, removed again if its founding fails.
        self._new_file = database.new_sqlite_file(settings.db_url) if create else None
        self.engine: Engine = database.create_engine(settings.db_url, create=create)
        self.keys = KeyFile(settings.key_path)
        #: The read-only engines of the replicas (`read_urls`), and whose turn it is.
        self.replicas: list[Engine] = []
        self._turns = itertools.count()
        #: An empty database gets its schema in its first unit of work, with the founding:
        #: a founding that fails leaves no tables behind.
        try:
            self._empty = self._prepare(create)
            for url in settings.read_urls:
                self._open_replica(url)
        except BaseException:
            self.dispose()
            if self._new_file is not None:
                database.remove_sqlite_file(self._new_file)
            raise

    def _prepare(self, create: bool) -> bool:
        """Upgrade an older schema; True if the database has none yet. Refuses, writing
        nothing, a database that holds another application's tables or a schema version
        this code does not know."""
        with database.snapshot(self.engine) as conn:  # the usual case waits for no writer
            found = database.revision(conn)
            if create and found is not None:
                if found != database.HEAD:
                    database.check_revision(conn, found)  # one it does not know, named first
                self._refuse_founded(conn)
            if found == database.HEAD:
                return False
        with database.connect(self.engine) as conn, conn.begin():
            revision = database.revision(conn)
            if revision == database.HEAD:
                return False
            if revision is None:
                database.refuse_foreign_tables(conn)
                if not create:
                    raise DatabaseError(
                        f"no soviet organization in {database.shown(self.settings.db_url)!r}: "
                        "adopt a charter first with `soviet init --charter FILE`"
                    )
                return True
            database.check_revision(conn, revision)
            database.migrate(conn)
            pending = self._adopt_keys(conn)
            self._sign_migrated(conn)
        if pending is not None:
            pending.install()
            self.upgrade_codes = pending.path
            warnings.warn(
                SovietWarning(
                    "this database was made before members held keys and is upgraded: from "
                    "now on every act is signed by its actor's key, and every member's "
                    f"enrollment code is in {pending.path} (readable by you alone): hand each "
                    "member their code, to enroll with `soviet key enroll CODE`"
                ),
                stacklevel=2,
            )
        return False

    def _open_replica(self, url: str) -> None:
        """Add the engine of a replica once it is seen to hold this organization's log at
        this schema version; else DatabaseError, saying what it holds instead."""
        named = database.shown(url)
        primary = database.shown(self.settings.db_url)
        copy = database.sqlite_path(url)
        if copy is not None and not copy.expanduser().exists():  # never made, as a new file
            raise DatabaseError(
                f"--read-db {named!r}: the file {copy} does not exist; name a copy of "
                f"{primary!r} that follows it"
            )
        try:
            engine = database.create_engine(url, create=False, connect_timeout=REPLICA_TIMEOUT)
            self.replicas.append(engine)
            with database.snapshot(engine) as conn:
                found = database.revision(conn)
                held = None
                if found is not None and found != database.HEAD:
                    database.check_revision(conn, found)  # one no migration here knows
                if found == database.HEAD:
                    with suppress(DatabaseError):  # no organization is founded in it yet
                        held = proving.log_key(conn)
        except DatabaseError as error:
            raise DatabaseError(f"--read-db: {error}") from None
        except DBAPIError as error:
            reason = str(error.orig).strip().splitlines()[0] if error.orig else str(error)
            raise DatabaseError(f"--read-db: cannot read database {named!r}: {reason}") from None
        if found is not None and found != database.HEAD:
            raise DatabaseError(
                f"--read-db {named!r} is at schema version {found!r}, not {database.HEAD!r}: "
                "a replica still replaying the primary's upgrade; try again once it has"
            )
        if held is None:
            raise DatabaseError(
                f"--read-db {named!r} holds no soviet organization: name a streaming replica "
                f"of {primary!r} (a new one holds it once it has replayed the founding)"
            )
        if self._empty:
            return
        with database.snapshot(self.engine) as conn:
            own = proving.log_key(conn)
        if held != own:
            which = f"origin {held[0]!r}" if held[0] != own[0] else "another log key"
            raise DatabaseError(
                f"--read-db {named!r} holds another log than {primary!r} ({which}): name a "
                "streaming replica of the primary"
            )

    def _adopt_keys(self, conn: Connection) -> CodesFile | None:
        """In the migration's transaction, record that a log founded before members held
        keys takes them now, with a code for every member; the codes file is written now
        and put in place once this commits."""
        from soviet import codes_file
        from soviet.codes_file import Code, CodesFile
        from soviet.domain import enrollment
        from soviet.services.keys import adopt_keys
        from soviet.storage.workspace import SqlWorkspace

        ws = SqlWorkspace(conn, self.now(), self.keys, self.settings.marker)
        if not ws.is_founded() or ws.enrollment_days() is not None:
            return None
        target = CodesFile(codes_file.free(self._codes_path or self._codes_beside()))
        codes = [
            Code(member, ws.member(member).name, codes_file.draw(), "")
            for member in sorted(ws.member_ids())
        ]
        recorded = adopt_keys(
            ws, [(code.member, enrollment.code_hash(code.code)) for code in codes]
        )
        expires = {c["member"]: c["expires"] for c in recorded.data["codes"]}
        target.write([code._replace(expires=expires[code.member]) for code in codes])
        try:
            if self.keys.exists():
                ws.seal()
            else:  # as any tail a migration leaves: signed by the next act with the key
                ws.flush()
        except BaseException:
            target.discard()
            raise
        return target

    def _codes_beside(self) -> Path:
        from soviet import codes_file

        return codes_file.beside(database.sqlite_path(self.settings.db_url))

    def _refuse_founded(self, conn: Connection) -> None:
        """Refuse to found an organization in a database whose log holds events, before
        anything is written (an older schema is not even upgraded)."""
        size = log.held(conn)
        if size:
            raise Refused(
                f"{database.shown(self.settings.db_url)!r} already holds an organization, "
                f"whose log has {size:,} event{'s' if size > 1 else ''}: `soviet init` founds "
                "one only in an empty database; name a new --db, or act on this one"
            )

    def _sign_migrated(self, conn: Connection) -> None:
        """Sign the tail that an older schema left without a stored checkpoint, in the
        migration's transaction, when the log's key is at hand (else the next act does)."""
        if not self.keys.exists():
            return
        size = merkle.tree_size(conn)
        latest = proving.latest_stored(conn)
        if size and (latest is None or latest[0] < size):
            database.lock_writers(conn)
            proving.store(conn, size, self.keys)

    def now(self) -> str:
        return self.settings.now or format_instant(datetime.now(UTC))

    @contextmanager
    def unit_of_work(self) -> Iterator[SqlWorkspace]:
        """One transaction for one act: everything it records and the signed checkpoint of
        the tree it leaves, or nothing. Refused (ClockError), writing nothing, under a set
        clock without the allowance (SOVIET_ALLOW_CLOCK=1), and at an instant before the
        log's last event."""
        settings = self.settings
        if settings.set_clock and settings.now is not None and not settings.allow_clock:
            raise set_clock_refused(settings.now)
        with self._transaction() as ws:
            yield ws

    def sign_tail(self) -> None:
        """Sign the events that a log kept before checkpoints were stored left unsigned,
        storing their checkpoint: a write that records no event, so it needs no allowance
        under a set clock."""
        with self._transaction():
            pass

    @contextmanager
    def _transaction(self) -> Iterator[SqlWorkspace]:
        with database.connect(self.engine) as conn:
            try:
                with conn.begin():
                    if self._empty:
                        database.migrate(conn)
                    ws = self._workspace(conn)
                    yield ws
                    ws.seal()  # the signed checkpoint of the new tree, in this transaction
                self._empty = False
            except IntegrityError as error:
                # The database's own constraints back the rules (one ballot per elector);
                # a race lost to another process lands here.
                raise Refused(
                    "another act changed the same record at the same time; nothing was "
                    f"written ({str(error.orig).splitlines()[0]})"
                ) from None
            except DBAPIError as error:
                raise DatabaseError(
                    f"database error, nothing was written: {str(error.orig).splitlines()[0]}"
                ) from None

    def _workspace(self, conn: Connection) -> SqlWorkspace:
        """The unit of work's workspace; a clock behind the log's last event is refused
        saying which event, when it was recorded, and how to go on."""
        from soviet.storage.workspace import SqlWorkspace

        now = self.now()
        try:
            return SqlWorkspace(conn, now, self.keys, self.settings.marker, self.signer)
        except ClockError:
            last = log.last_event(conn)
            if last is None or now >= last[1]:
                raise
            seq, at, marker = last
            real = self.settings.now is None
            raise behind_the_log(now, seq, at, real=real, marked=marker is not None) from None

    def codes_path(self) -> Path:
        """Where `init` writes the charter members' codes unless told: beside the database."""
        return self._codes_path or self._codes_beside()

    def found(self, charter: Charter) -> int:
        """Adopt a charter into this empty database, with a new signing key for its log:
        the private key goes to its file beside the database, the verifier key into the
        first event; and an enrollment code for every charter member, whose hashes go into
        their admissions and the codes themselves to the codes file (`codes_path`). The
        files are put in place only once the founding is committed, so a founding that
        fails or is killed leaves none to block the next one. The events are recorded in
        batches and not held (read them from the log); their number is returned."""
        from soviet import codes_file
        from soviet.codes_file import Code, CodesFile
        from soviet.domain import enrollment
        from soviet.services import founding

        target = CodesFile(self.codes_path())
        target.check()
        try:
            with self.unit_of_work() as ws, target.writing() as write:
                verifier = None
                if not ws.is_founded():  # else `adopt` refuses, naming the database
                    verifier = str(self.keys.create(charter.origin).verifier())
                expires = after_days(ws.now, charter.rules.enrollment_days)  # as admitted

                def issue(member: Member) -> str:
                    """A new code for the member, written to the codes file; its hash."""
                    code = codes_file.draw()
                    write(Code(member.id, member.name, code, expires))
                    return enrollment.code_hash(code)

                count = founding.adopt_in_batches(ws, charter, verifier, issue)
        except BaseException:
            target.discard()
            self.keys.discard()
            if self._new_file is not None and self._empty:
                self.engine.dispose()
                database.remove_sqlite_file(self._new_file)
            raise
        self.keys.install()
        target.install()
        self._founding_codes = target.path
        self.founding_expires = expires
        return count

    @property
    def founding_codes(self) -> list[Code]:
        """The charter members' codes, read from the file `found` wrote (none before)."""
        from soviet.codes_file import read_codes

        return [] if self._founding_codes is None else read_codes(self._founding_codes)

    def enroll(self, codes: Sequence[Code], keyring: Keyring) -> list[Recorded]:
        """Enroll a new key for each member with their code, in one unit of work: each
        key pair is made here, each registration signed by its new key, and the private
        keys go to `keyring` (a key folder writes them to their files once the unit of
        work commits). For a rehearsal, the demo and the tests: a member enrolls alone,
        with `soviet key enroll CODE`."""
        from soviet.keyring import KeyFolder, enrollment_of
        from soviet.services.deciding import take

        recorded: list[Recorded] = []
        with ExitStack() as files, self.unit_of_work() as ws:
            origin = ws.origin()
            if isinstance(keyring, KeyFolder):
                keyring.origin = origin
            for code in codes:
                signed, private = enrollment_of(code.member, code.code, origin, ws.now)
                recorded.extend(take(ws, signed))
                if isinstance(keyring, KeyFolder):
                    files.enter_context(keyring.writing(code.member, private))
                else:
                    keyring.add(code.member, private)
        return recorded

    @contextmanager
    def reading(self, *, primary: bool = False) -> Iterator[SqlReading]:
        """The read port: the log and its projections in one read-only snapshot, which
        never waits for a writer and holds none back. It is served by a replica when there
        are any (it may be behind: its `size()` says how far it has come), unless
        `primary`, as a read that must see what was just written is."""
        from soviet.storage.reading import SqlReading

        with self.snapshot(primary=primary) as conn:
            yield SqlReading(conn, self.now(), self.keys)

    @contextmanager
    def snapshot(self, *, primary: bool = False) -> Iterator[Connection]:
        """The connection of a read-only snapshot, for the storage's own readers: on the
        replicas in turn, passing over one that does not answer to the next and at last
        to the primary; on the primary alone if `primary`."""
        if self._empty:
            raise DatabaseError(
                f"no soviet organization in {database.shown(self.settings.db_url)!r} yet"
            )
        with database.snapshot(*self._read_engines(primary)) as conn:
            yield conn

    def _read_engines(self, primary: bool) -> list[Engine]:
        if primary or not self.replicas:
            return [self.engine]
        turn = next(self._turns) % len(self.replicas)
        return [*self.replicas[turn:], *self.replicas[:turn], self.engine]

    def export(self, target: ExportTarget) -> Exported:
        """`soviet export`: the whole log, as one snapshot sees it, to `target`."""
        from soviet.services import exports

        with self.reading() as log:
            return exports.export(log, target)

    def dispose(self) -> None:
        self.engine.dispose()
        for replica in self.replicas:
            replica.dispose()

    def __enter__(self) -> Soviet:
        return self

    def __exit__(self, *_: object) -> None:
        self.dispose()
