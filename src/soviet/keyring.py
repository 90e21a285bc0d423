"""Members' own keys, on the member's side: the key folder, and signing acts with it.

A member's private key never reaches the database. It lives in the member's key folder —
`$SOVIET_KEYS`, by default `soviet/keys` in the user's config folder
(`$XDG_CONFIG_HOME`, else `~/.config`) — one file per organization origin and member:
`<folder>/<origin, %-escaped>/<member>.key`, mode 0600, holding the JSON
`{"origin", "member", "key", "private_key"}` (the key id, and the 32-byte Ed25519 seed
in base64). A file open to group or others, damaged, or made for another organization
or member is refused, naming the file.

`Keyring` holds the keys a member's side has and signs the statement of each act
(`soviet.domain.statements`) with a fresh nonce, good for `LIFETIME` after the instant of
the act.
"""

from __future__ import annotations

import base64
import binascii
import json
import os
import secrets
import stat
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path
from urllib.parse import quote

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, NoEncryption, PrivateFormat

from soviet.domain import commands as cmd
from soviet.domain import enrollment, statements
from soviet.domain.clock import format_instant, parse_instant
from soviet.domain.statements import Signed
from soviet.errors import InputError

#: How long a statement may wait before it is recorded.
LIFETIME = timedelta(minutes=10)
#: New files only, never through a symbolic link.
_CREATE = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0)


def default_folder() -> Path:
    """`$SOVIET_KEYS`, else `soviet/keys` in the user's config folder."""
    chosen = os.environ.get("SOVIET_KEYS")
    if chosen:
        return Path(chosen)
    config = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(config) / "soviet" / "keys"


def seed_of(private: Ed25519PrivateKey) -> str:
    raw = private.private_bytes(Encoding.Raw, PrivateFormat.Raw, NoEncryption())
    return base64.b64encode(raw).decode("ascii")


class Keyring:
    """The keys one side holds, by member, and the signing of their acts."""

    def __init__(self, keys: Mapping[str, Ed25519PrivateKey] | None = None) -> None:
        self._keys: dict[str, Ed25519PrivateKey] = dict(keys or {})
        #: Where the keys came from, for the error that says how to get one.
        self.hint = "enroll with `soviet key enroll CODE`, using the code your admission issued"

    def add(self, member: str, private: Ed25519PrivateKey) -> None:
        self._keys[member] = private

    def holds(self, member: str) -> bool:
        return member in self._keys

    def key_of(self, member: str) -> Ed25519PrivateKey:
        private = self._keys.get(member)
        if private is None:
            private = self._missing(member)
        return private

    def _missing(self, member: str) -> Ed25519PrivateKey:
        raise InputError(f"no key of {member!r} is at hand: {self.hint}")

    def sign(self, command: cmd.Command, origin: str, now: str) -> Signed:
        """The act's statement, signed by its actor's key (the new key, for an enrollment)."""
        actor = getattr(command, "actor", "")
        private = self.key_of(actor)
        return statements.sign(statement(command, origin, now), private)


def statement(command: cmd.Command, origin: str, now: str) -> statements.Statement:
    """The statement of an act at `now`, with a fresh nonce, good for `LIFETIME`."""
    not_after = format_instant(parse_instant(now, "instant") + LIFETIME)
    return statements.statement_of(command, origin, secrets.token_hex(16), not_after)


def enrollment_of(
    member: str, code: str, origin: str, now: str
) -> tuple[Signed, Ed25519PrivateKey]:
    """A new key pair and the enrollment of its public half with the member's code,
    signed by the new key itself."""
    private = Ed25519PrivateKey.generate()
    command = cmd.EnrollKey(member, statements.public_key_text(private), enrollment.proof(code))
    return statements.sign(statement(command, origin, now), private), private


class KeyFolder(Keyring):
    """The keys in a member's key folder for one organization, read when first needed;
    `file`, when given, is the one key file to sign with (`--key FILE`)."""

    def __init__(
        self, origin: str = "", folder: Path | None = None, file: Path | None = None
    ) -> None:
        super().__init__()
        #: The organization's origin: given, or learnt from the first act signed.
        self.origin = origin
        self.folder = folder or default_folder()
        self.file = file
        where = file if file is not None else self.folder
        self.hint = (
            f"no key file in {where}; enroll with `soviet key enroll CODE`, using the code "
            "your admission issued (or give --key FILE)"
        )

    def sign(self, command: cmd.Command, origin: str, now: str) -> Signed:
        if origin != self.origin:  # keys of one organization only
            self.origin = origin
            self._keys.clear()
        return super().sign(command, origin, now)

    def path_of(self, member: str) -> Path:
        return self.folder / quote(self.origin, safe="") / f"{member}.key"

    def _missing(self, member: str) -> Ed25519PrivateKey:
        path = self.file if self.file is not None else self.path_of(member)
        if self.file is None and not path.exists():
            raise InputError(
                f"no key of {member!r} for {self.origin} in {self.folder}: enroll with "
                "`soviet key enroll CODE` using the code your admission issued, or give "
                "--key FILE"
            )
        private = read_key_file(path, self.origin, member)
        self.add(member, private)
        return private

    @contextmanager
    def writing(self, member: str, private: Ed25519PrivateKey) -> Iterator[Path]:
        """Write the member's new key to a file of its own beside its place, and put it in
        place (replacing the key it rotates out) when the block ends without error, as
        the act that registers it commits; removed again if the block fails."""
        path = self.file if self.file is not None else self.path_of(member)
        try:
            if self.file is None:  # the folder itself is the member's alone
                self.folder.mkdir(parents=True, exist_ok=True, mode=0o700)
            path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
            temporary = path.with_name(f"{path.name}.{secrets.token_hex(4)}.tmp")
            text = json.dumps(
                {
                    "origin": self.origin,
                    "member": member,
                    "key": statements.key_id(statements.public_key_text(private)),
                    "private_key": seed_of(private),
                },
                sort_keys=True,
            )
            fd = os.open(temporary, _CREATE, 0o600)
            with os.fdopen(fd, "w", encoding="ascii") as out:
                out.write(text + "\n")
                out.flush()
                os.fsync(out.fileno())
        except OSError as error:
            raise InputError(f"cannot write the key file {path}: {error.strerror}") from None
        try:
            yield path
        except BaseException:
            temporary.unlink(missing_ok=True)
            raise
        os.replace(temporary, path)
        self.add(member, private)


def read_key_file(path: Path, origin: str, member: str | None) -> Ed25519PrivateKey:
    """A member's private key from its file; InputError naming the file if it is open to
    group or others, damaged, or for another organization or member."""
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
        with os.fdopen(fd, "rb") as file:
            mode = stat.S_IMODE(os.fstat(file.fileno()).st_mode)
            if mode & 0o077:
                raise InputError(
                    f"the key file {path} is open to group or others (mode {mode:04o}); a "
                    f"member's key is theirs alone: run `chmod 600 {path}`"
                )
            raw = file.read(4096)
    except OSError as error:
        raise InputError(f"cannot read the key file {path}: {error.strerror}") from None
    try:
        value = json.loads(raw)
        seed = base64.b64decode(value["private_key"], validate=True)
        private = Ed25519PrivateKey.from_private_bytes(seed)
        file_origin, file_member = value["origin"], value["member"]
    except (ValueError, KeyError, TypeError, binascii.Error):
        raise InputError(
            f"the key file {path} is damaged: it is not a soviet member's key"
        ) from None
    if file_origin != origin:
        raise InputError(
            f"the key file {path} is for the organization {file_origin!r}, not {origin!r}"
        )
    if member is not None and file_member != member:
        raise InputError(f"the key file {path} is the key of {file_member!r}, not of {member!r}")
    return private
