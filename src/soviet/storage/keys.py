"""The log's signing key on disk: a file beside the database, never in it.

`soviet init` creates two files next to the database (`soviet.db` → `soviet.key`,
`soviet.pub`): the private key, readable by its owner only (mode 0600), in the signed-note
text form `PRIVATE+KEY+<origin>+<key id>+<base64>`, and the verifier key that anyone may
have, `<origin>+<key id>+<base64>`, which the log's first event also carries.
"""

from __future__ import annotations

import os
from pathlib import Path

from soviet.errors import InputError
from soviet.ledger.notes import SigningKey, VerifierKey, generate_key

#: The fix for a key that is not where it was looked for.
KEY_HINT = "set SOVIET_KEY to the key file `soviet init` wrote beside the database"


class KeyFile:
    """The signing key's file: created once, at `init`; read when a checkpoint is signed."""

    def __init__(self, path: Path | None) -> None:
        self.path = path
        self._loaded: SigningKey | None = None

    @property
    def public_path(self) -> Path | None:
        """The verifier key's file beside it (`soviet.key` → `soviet.pub`)."""
        return None if self.path is None else self.path.with_suffix(".pub")

    def create(self, origin: str) -> SigningKey:
        """Generate the log's key pair and write both files; refuses to replace a key."""
        path = self._where()
        key = generate_key(origin)
        try:
            # O_EXCL: an existing key belongs to some log already and is never overwritten
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            raise InputError(
                f"the key file {path} already exists (the key of an earlier organization?); "
                "move it away, or set SOVIET_KEY to a new path"
            ) from None
        except OSError as error:
            raise InputError(f"cannot write the key file {path}: {error.strerror}") from None
        with os.fdopen(fd, "w", encoding="ascii") as file:
            file.write(f"{key}\n")
        public = self.public_path
        assert public is not None
        try:
            public.write_text(f"{key.verifier()}\n", encoding="ascii")
        except OSError as error:
            path.unlink()
            raise InputError(f"cannot write the key file {public}: {error.strerror}") from None
        self._loaded = key
        return key

    def remove(self) -> None:
        """Delete both files (when the founding they were made for did not happen)."""
        for path in (self.path, self.public_path):
            if path is not None:
                path.unlink(missing_ok=True)
        self._loaded = None

    def exists(self) -> bool:
        return self.path is not None and self.path.is_file()

    def load(self) -> SigningKey | None:
        """The signing key, or None when there is no key file."""
        if self._loaded is None and self.exists():
            path = self._where()
            try:
                text = path.read_text(encoding="ascii")
            except (OSError, UnicodeDecodeError) as error:
                raise InputError(f"cannot read the key file {path}: {error}") from None
            try:
                self._loaded = SigningKey.parse(text)
            except InputError as error:
                raise InputError(f"{path}: {error}") from None
        return self._loaded

    def require(self) -> SigningKey:
        """The signing key, or an error saying where it was looked for."""
        key = self.load()
        if key is None:
            where = f"no key file at {self.path}" if self.path else "no key file"
            raise InputError(f"this log signs its checkpoints, but there is {where}; {KEY_HINT}")
        return key

    def _where(self) -> Path:
        if self.path is None:
            raise InputError(f"no place for the signing key is known; {KEY_HINT}")
        return self.path


def read_verifier(value: str) -> VerifierKey:
    """A verifier key given as a file (such as `soviet.pub`) or as the key's text itself."""
    path = Path(value)
    if path.is_file():
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as error:
            raise InputError(f"cannot read the verifier key file {path}: {error}") from None
        try:
            return VerifierKey.parse(text)
        except InputError as error:
            raise InputError(f"{path}: {error}") from None
    if "+" not in value:
        raise InputError(f"{value!r} is neither a key file nor a verifier key (name+id+key)")
    return VerifierKey.parse(value)
