"""The charter's log origin: the name its transparency log is published under.

An organization may name its origin, as a schema-less URL; one that names none takes an
origin derived from its name.
"""

from __future__ import annotations

import re
import unicodedata

from soviet.domain.charter._sites import InToml
from soviet.domain.charter._values import Table, text

_ORIGIN = re.compile(r"[A-Za-z0-9][A-Za-z0-9._~:/-]*\Z")


def derive_origin(name: str) -> str:
    """The log origin of an organization that names none: its name, lowercase, dashed."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    dashed = re.sub(r"\s+", "-", ascii_name.lower())
    kept = re.sub(r"[^a-z0-9./-]", "", dashed)
    return re.sub(r"-{2,}", "-", kept).strip("-./")


def read_origin(doc: Table, root: InToml, name: str) -> str:
    """The origin the charter names, or the one derived from `name`."""
    if "origin" not in doc:
        origin = derive_origin(name)
        if not origin:
            raise root.at("name").error(
                "no log origin can be derived from this name; set origin, "
                "such as 'councils.example.org/line-workers'"
            )
        return origin
    origin = text(doc, root, "origin")
    if "://" in origin:
        raise root.at("origin").error(
            f"{origin!r} has a scheme; write it without, as 'example.org/name'"
        )
    if not _ORIGIN.match(origin):
        raise root.at("origin").error(
            f"{origin!r} is not a schema-less URL such as 'councils.example.org/line-workers'"
        )
    return origin
