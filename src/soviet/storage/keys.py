"""The log's signing key on disk: a file beside the database, never in it.

`soviet init` creates two files next to the database (`soviet.db` → `soviet.key`,
`soviet.pub`): the private key, readable by its owner only (mode 0600), in the signed-note
text form `PRIVATE+KEY+<origin>+<key id>+<base64>`, and the verifier key that anyone may
have, `<origin>+<key id>+<base64>`, which the log's first event also carries.

The founding writes both to new files of their own first (`soviet.key.<token>.tmp`) and
links them into place only once the founding is committed: a founding interrupted before
its commit leaves no key file to block the next one, and one interrupted between the
commit and the link leaves the key where `require` points to it. Nothing is ever written
through a symbolic link or over an existing file.
"""

from __future__ import annotations

import os
import secrets
import stat
from pathlib import Path
from typing import TYPE_CHECKING

from soviet.errors import InputError

# The signatures (`cryptography`) are imported once a key is made or read: a read that
# signs nothing starts without them.
if TYPE_CHECKING:
    from soviet.ledger.notes import SigningKey, VerifierKey

#: The fix for a key that is not where it was looked for.
KEY_HINT = "set SOVIET_KEY to the key file `soviet init` wrote beside the database"
#: Flags for a key file: a new file, never one reached through a symbolic link.
_CREATE = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0)


class KeyFile:
    """The signing key's file: created once, at `init`; read when a checkpoint is signed."""

    def __init__(self, path: Path | None) -> None:
        self.path = path
        self._loaded: SigningKey | None = None
        #: The files a founding wrote, each with the place it goes once committed.
        self._pending: list[tuple[Path, Path]] = []

    @property
    def public_path(self) -> Path | None:
        """The verifier key's file beside it (`soviet.key` → `soviet.pub`)."""
        return None if self.path is None else self.path.with_suffix(".pub")

    def create(self, origin: str) -> SigningKey:
        """Generate the log's key pair and write it to new files of its own, to be put in
        place by `install` once the founding is committed; refuses to replace a key."""
        path = self._where()
        public = path.with_suffix(".pub")
        for final in (path, public):
            try:
                found = os.lstat(final)  # a file, or a symbolic link planted where a key goes
            except FileNotFoundError:
                continue
            except OSError as error:
                raise InputError(f"cannot write the key file {final}: {error.strerror}") from None
            what = "a symbolic link" if stat.S_ISLNK(found.st_mode) else "an earlier log's key?"
            raise InputError(
                f"the key file {final} already exists ({what}); move it away, or set "
                "SOVIET_KEY to a new path"
            )
        from soviet.ledger.notes import generate_key

        key = generate_key(origin)
        token = secrets.token_hex(4)
        try:
            for final, text, mode in (
                (path, str(key), 0o600),
                (public, str(key.verifier()), 0o644),
            ):
                temporary = final.with_name(f"{final.name}.{token}.tmp")
                _write_new(temporary, f"{text}\n", mode)
                self._pending.append((temporary, final))
        except OSError as error:
            self.discard()
            raise InputError(f"cannot write the key file {final}: {error.strerror}") from None
        self._loaded = key
        return key

    def install(self) -> None:
        """Put the files `create` wrote in place, without replacing anything: a hard link
        to each under its own name, then the temporary name removed."""
        while self._pending:
            temporary, final = self._pending[0]
            try:
                os.link(temporary, final)  # never replaces: fails on any name there
            except OSError as error:
                raise InputError(
                    f"the organization is founded, but its key file {final} could not be "
                    f"put in place ({error.strerror}): the key is in {temporary}; move it to "
                    f"{final} once nothing else is there"
                ) from None
            _sync_folder(final.parent)
            temporary.unlink()
            self._pending.pop(0)

    def discard(self) -> None:
        """Delete the files `create` wrote (when the founding they were made for did not
        happen); a key already in place is never touched."""
        for temporary, _ in self._pending:
            temporary.unlink(missing_ok=True)
        self._pending = []
        self._loaded = None

    def exists(self) -> bool:
        if self.path is None:
            return False
        try:
            return self.path.is_file()
        except OSError as error:
            raise InputError(
                f"cannot use the key file {self.path}: {error.strerror}; {KEY_HINT}"
            ) from None

    def load(self) -> SigningKey | None:
        """The signing key, or None when there is no key file. Refuses a file that group or
        others may read or write, and never quotes what a damaged file holds."""
        if self._loaded is None and self.exists():
            path = self._where()
            try:
                fd = os.open(path, os.O_RDONLY)
                with os.fdopen(fd, "rb") as file:
                    mode = stat.S_IMODE(os.fstat(file.fileno()).st_mode)
                    if mode & 0o077:
                        raise InputError(
                            f"the key file {path} is open to group or others (mode "
                            f"{mode:04o}); a signing key is its owner's alone: "
                            f"run `chmod 600 {path}`"
                        )
                    data = file.read()
            except OSError as error:
                raise InputError(f"cannot read the key file {path}: {error.strerror}") from None
            from soviet.ledger.notes import SigningKey

            try:
                self._loaded = SigningKey.parse(data.decode("ascii"))
            except (InputError, UnicodeDecodeError) as error:
                problem = "not ASCII text" if isinstance(error, UnicodeDecodeError) else error
                raise InputError(
                    f"the key file {path} is damaged ({problem}); restore it from a backup, "
                    f"or {KEY_HINT}"
                ) from None
        return self._loaded

    def require(self) -> SigningKey:
        """The signing key, or an error saying where it was looked for."""
        key = self.load()
        if key is None:
            where = f"no key file at {self.path}" if self.path else "no key file"
            raise InputError(
                f"this log signs its checkpoints, but there is {where}{self._left_over()}; "
                f"{KEY_HINT}"
            )
        return key

    def _left_over(self) -> str:
        """Where a founding interrupted after its commit left the key, if it did."""
        if self.path is None:
            return ""
        try:
            found = sorted(self.path.parent.glob(f"{self.path.name}.*.tmp"))
        except OSError:
            return ""
        if not found:
            return ""
        shown = ", ".join(str(p) for p in found)
        return (
            f" (an interrupted `soviet init` left {shown}: if one is this log's key, "
            f"move it to {self.path})"
        )

    def _where(self) -> Path:
        if self.path is None:
            raise InputError(f"no place for the signing key is known; {KEY_HINT}")
        return self.path


def _write_new(path: Path, text: str, mode: int) -> None:
    """Write a new file, durably; refuses one that exists, or a link where it would be."""
    fd = os.open(path, _CREATE, mode)
    try:
        with os.fdopen(fd, "w", encoding="ascii") as file:
            file.write(text)
            file.flush()
            os.fsync(file.fileno())
    except BaseException:
        path.unlink(missing_ok=True)
        raise


def _sync_folder(folder: Path) -> None:
    """Make a new name in a folder durable (where the platform allows opening folders)."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def read_verifier(value: str) -> VerifierKey:
    """A verifier key given as a file (such as `soviet.pub`) or as the key's text itself."""
    from soviet.ledger.notes import VerifierKey

    path = Path(value)
    try:
        is_file = path.is_file()
        unusable = ""
    except OSError as error:  # a name too long to be a file may still be a key's text
        is_file = False
        unusable = f" (as a file: {error.strerror})"
    if is_file:
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as error:
            raise InputError(f"cannot read the verifier key file {path}: {error}") from None
        try:
            return VerifierKey.parse(text)
        except InputError as error:
            raise InputError(f"{path}: {error}") from None
    if "+" not in value:
        raise InputError(
            f"{value!r} is neither a key file nor a verifier key (name+id+key){unusable}"
        )
    return VerifierKey.parse(value)
