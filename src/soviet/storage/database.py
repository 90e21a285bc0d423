"""Opening a database: SQLite (WAL, busy timeout, serialized writers) or PostgreSQL,
brought to the current schema by Alembic.

Writers are serialized so that the log's seq has no gaps or duplicates and two processes
acting at once never break a rule: on SQLite every writing transaction begins IMMEDIATE
(it takes the write lock up front, waiting up to the busy timeout); on PostgreSQL every
unit of work first takes a transaction-scoped advisory lock.

Reads never wait for writers: a `snapshot` is a read-only transaction that sees one
committed state throughout — on SQLite a deferred transaction (in WAL mode its snapshot
holds while writers commit) with `query_only` set, on PostgreSQL `REPEATABLE READ READ
ONLY` — and takes no lock a writer holds.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy import URL, Connection, Engine, event
from sqlalchemy.exc import ArgumentError, DBAPIError, NoSuchModuleError

from soviet.errors import DatabaseError

#: The Alembic revision this code writes; a database at another revision is upgraded.
HEAD = "0011"
BUSY_TIMEOUT_MS = 30_000
MIGRATIONS = Path(__file__).parent / "migrations"
#: The advisory lock every PostgreSQL writer holds for its transaction.
WRITER_LOCK = 0x50F1E7
#: The execution option that makes a SQLite connection's transactions snapshot reads.
READ_ONLY = "soviet_read_only"


#: What starts a URL (`sqlite:///…`, `postgresql+psycopg://…`) rather than a file's path.
_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.\-]*://")
#: The forms hosting services give PostgreSQL URLs in, which SQLAlchemy would open with
#: psycopg2: soviet's driver is psycopg (version 3).
_POSTGRES = ("postgres://", "postgresql://")
#: How a file's name ends (`.db`, `.sqlite3`): text with none, no folder and no scheme
#: (`not a url`) is refused as a URL rather than taken for a new file.
_SUFFIX = re.compile(r"\.[A-Za-z0-9]+")


def url_of(given: str) -> str:
    """The SQLAlchemy URL of a database as `--db` or SOVIET_DB names it: the path of a SQLite
    file (`soviet.db`, `./org/x.db`, `~/x.db` → `sqlite:///…`; a path names a folder or
    its file has a suffix), a PostgreSQL URL (`postgres://…`, `postgresql://…` →
    `postgresql+psycopg://…`), or any SQLAlchemy URL, which is taken as it is."""
    if given.startswith(_POSTGRES):
        return "postgresql+psycopg://" + given.split("://", 1)[1]
    if _SCHEME.match(given) or not _a_path(given):
        return given
    path = str(Path(given).expanduser())
    plain = f"sqlite:///{path}"
    try:
        if sa.make_url(plain).database == path:
            return plain
    except (ArgumentError, ValueError):
        pass
    # A name holding '?', '%' or the like: escaped, so that it is not read as a URL's query.
    return sa.URL.create("sqlite", database=path).render_as_string(hide_password=False)


def _a_path(given: str) -> bool:
    folder = "/" in given or os.sep in given or given.startswith("~")
    return folder or bool(_SUFFIX.fullmatch(Path(given).suffix))


def shown(url: str | URL) -> str:
    """A database URL as messages print it: its password, if any, hidden."""
    try:
        return sa.make_url(url).render_as_string(hide_password=True)
    except (ArgumentError, ValueError):
        return re.sub(r"(//[^/@:]*:)[^/@]*@", r"\1***@", str(url))


def create_engine(url: str, *, create: bool = True, connect_timeout: int | None = None) -> Engine:
    """An engine for the URL, or DatabaseError naming it. Unless `create`, a SQLite file
    that does not exist is an error, not a new empty file. A `connect_timeout` (seconds)
    bounds how long a server that does not answer is waited for, unless the URL sets one."""
    try:
        parsed = sa.make_url(url)
        if parsed.get_backend_name() == "sqlite":
            return _sqlite_engine(url, parsed.database, create)
        given: dict[str, Any] = {}
        if connect_timeout is not None and "connect_timeout" not in parsed.query:
            given["connect_timeout"] = connect_timeout
        return sa.create_engine(url, pool_pre_ping=True, connect_args=given)
    except (ArgumentError, NoSuchModuleError, ValueError) as error:
        raise DatabaseError(
            f"cannot use database URL {shown(url)!r}: {error}; name a SQLite file (soviet.db) "
            "or a database URL (postgresql://…)"
        ) from None
    except ImportError as error:
        raise DatabaseError(
            f"cannot use database URL {shown(url)!r}: its driver is not installed ({error})"
        ) from None


def in_memory(url: str) -> bool:
    """Whether a URL names an in-memory SQLite database, gone when its process ends."""
    try:
        parsed = sa.make_url(url)
    except (ArgumentError, ValueError):
        return False
    name = parsed.database or ""
    return parsed.get_backend_name() == "sqlite" and (
        name in ("", ":memory:") or parsed.query.get("mode") == "memory"
    )


def _sqlite_engine(url: str, database: str | None, create: bool) -> Engine:
    if database and database != ":memory:":
        try:
            path = Path(database).expanduser().resolve()
            folder_missing = not path.parent.is_dir()
            missing = not path.exists()
        except OSError as error:  # a name too long, a loop of links
            raise DatabaseError(
                f"cannot open database {shown(url)!r}: {error.strerror}; name another file"
            ) from None
        if folder_missing:
            raise DatabaseError(
                f"cannot open database {shown(url)!r}: folder {path.parent} does not exist"
            )
        if not create and missing:
            raise DatabaseError(
                f"no soviet organization in {shown(url)!r}: the file {path} does not exist; "
                "adopt a charter first with `soviet init --charter FILE`"
            )
    engine = sa.create_engine(url, connect_args={"timeout": BUSY_TIMEOUT_MS / 1000})

    @event.listens_for(engine, "connect")
    def _configure(dbapi_connection: Any, _record: Any) -> None:
        # hand transaction control to the "begin" hook below
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        if database and database != ":memory:" and not _foreign_sqlite(cursor):
            # WAL is written into the file: never into another application's database
            cursor.execute("PRAGMA journal_mode = WAL")
        cursor.execute("PRAGMA synchronous = FULL")
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _begin(conn: Connection) -> None:
        reading = bool(conn.get_execution_options().get(READ_ONLY))
        info = conn.connection.info
        if info.get(READ_ONLY, False) != reading:  # `query_only` outlives the transaction
            conn.exec_driver_sql(f"PRAGMA query_only = {'ON' if reading else 'OFF'}")
            info[READ_ONLY] = reading
        # a read takes no lock at BEGIN; a writer takes the write lock before it reads
        conn.exec_driver_sql("BEGIN" if reading else "BEGIN IMMEDIATE")

    return engine


def _foreign_sqlite(cursor: Any) -> bool:
    """Whether a SQLite file holds tables but no soviet schema: another application's."""
    cursor.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
    names = {str(row[0]) for row in cursor.fetchall()}
    return bool(names) and "alembic_version" not in names


def lock_writers(conn: Connection) -> None:
    """Serialize this transaction with every other writer of the same log (SQLite's lock is
    taken at BEGIN). On PostgreSQL the lock is per schema: two organizations in two schemas
    of one database are two logs, whose writers need not wait for each other."""
    if conn.dialect.name == "postgresql":
        conn.execute(
            sa.text("SELECT pg_advisory_xact_lock(:key, hashtext(current_schema()))"),
            {"key": WRITER_LOCK},
        )


def try_lock_writers(conn: Connection) -> bool:
    """Take the PostgreSQL writers' lock of this log if no one holds it; whether it was."""
    taken = conn.execute(
        sa.text("SELECT pg_try_advisory_xact_lock(:key, hashtext(current_schema()))"),
        {"key": WRITER_LOCK},
    ).scalar()
    return bool(taken)


@contextmanager
def snapshot(engine: Engine, *fallbacks: Engine) -> Iterator[Connection]:
    """A read-only transaction that sees the log and the projections as one commit left
    them, without waiting for writers or holding them back while it lasts; any write in
    it fails. Given `fallbacks`, the first of the engines that connects serves it: a
    replica that is down is passed over."""
    with connect_first(engine, *fallbacks) as conn:
        if conn.dialect.name == "postgresql":
            conn.execution_options(isolation_level="REPEATABLE READ", postgresql_readonly=True)
        else:
            conn.execution_options(**{READ_ONLY: True})
        with conn.begin():
            yield conn


def sqlite_path(url: str) -> Path | None:
    """The file a SQLite URL names (as given, not resolved); None for any other database."""
    try:
        parsed = sa.make_url(url)
    except (ArgumentError, ValueError):
        return None
    name = parsed.database
    if parsed.get_backend_name() != "sqlite" or not name or name == ":memory:":
        return None
    return Path(name)


def new_sqlite_file(url: str) -> Path | None:
    """The file a SQLite URL names, if it does not exist yet (opening it will create it)."""
    try:
        parsed = sa.make_url(url)
    except (ArgumentError, ValueError):
        return None
    name = parsed.database
    if parsed.get_backend_name() != "sqlite" or not name or name == ":memory:":
        return None
    try:
        path = Path(name).expanduser().resolve()
        return None if path.exists() else path
    except OSError:  # a path that cannot be a file: `create_engine` says why
        return None


def remove_sqlite_file(path: Path) -> None:
    """Remove a SQLite database file and the files SQLite keeps beside it."""
    for suffix in ("", "-wal", "-shm", "-journal"):
        path.with_name(path.name + suffix).unlink(missing_ok=True)


def connect(engine: Engine) -> Connection:
    """A connection, or DatabaseError naming the database."""
    try:
        return engine.connect()
    except DBAPIError as error:
        raise DatabaseError(
            f"cannot open database {shown(engine.url)!r}: "
            f"{str(error.orig).strip().splitlines()[0] if error.orig else error}"
        ) from None


def connect_first(engine: Engine, *fallbacks: Engine) -> Connection:
    """A connection to the first of the engines that answers, or the last one's
    DatabaseError."""
    for candidate in (engine, *fallbacks)[:-1]:
        try:
            return connect(candidate)
        except DatabaseError:
            continue
    return connect((engine, *fallbacks)[-1])


def revision(conn: Connection) -> str | None:
    """The schema revision of the database, None if it has no soviet schema."""
    if not sa.inspect(conn).has_table("alembic_version"):
        return None
    try:
        value = conn.execute(sa.text("SELECT version_num FROM alembic_version")).scalar()
    except DBAPIError:
        raise DatabaseError(
            f"the database {shown(conn.engine.url)!r} has an alembic_version table that is "
            "not soviet's; soviet keeps its log only in a database of its own"
        ) from None
    return None if value is None else str(value)


def check_revision(conn: Connection, found: str) -> None:
    """Refuse a schema revision that no migration here knows: a newer soviet's, or not
    soviet's at all. Nothing is written to such a database."""
    if found in known_revisions():
        return
    shown_revision = found if len(found) <= 40 else f"{found[:40]}…"
    raise DatabaseError(
        f"the database {shown(conn.engine.url)!r} is at schema version {shown_revision!r}, "
        f"which this soviet does not know (it writes {HEAD}): open it with the soviet that "
        "wrote it, or upgrade soviet"
    )


def refuse_foreign_tables(conn: Connection) -> None:
    """Refuse a database (or PostgreSQL schema) without a soviet schema revision that holds
    tables: they are another application's, and soviet writes nothing beside them."""
    names = sorted(sa.inspect(conn).get_table_names())
    if not names:
        return
    listed = ", ".join(names[:5]) + (f" and {len(names) - 5} more" if len(names) > 5 else "")
    raise DatabaseError(
        f"the database {shown(conn.engine.url)!r} holds tables soviet did not create "
        f"({listed}); soviet keeps its log only in a database of its own: name a new SQLite "
        "file, or an empty PostgreSQL database or schema"
    )


def known_revisions() -> frozenset[str]:
    """Every schema revision the migrations here can upgrade from or to."""
    from alembic.script import ScriptDirectory

    scripts = ScriptDirectory(str(MIGRATIONS))
    return frozenset(script.revision for script in scripts.walk_revisions())


def migrate(conn: Connection) -> None:
    """Bring the database to the current schema through the Alembic migrations."""
    from alembic import command
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["connection"] = conn
    command.upgrade(config, "head")
