"""Ids and names: the one pattern of member, body and office ids, and what a name may hold.

An id is 1 to 64 characters: lowercase letters `a`-`z`, digits, `.`, `_` and `-`,
starting with a letter or a digit (`tram-depot.deputy`, `anna.ivanova2`). It is typed
on command lines, written into the log and stored in every table that refers to it, so
it is short, means the same to every reader, and has no look-alike: no uppercase, no
letters of other scripts, no spaces, no control or direction characters. Every id that
enters (a charter, a members CSV, `soviet member add`) is checked against it.

A name (a member's, a body's, an office's title, the organization's) is plain text of at
most 200 characters, in any script, without control characters (a newline among them)
or the characters that reorder text (U+202A–U+202E, U+2066–U+2069), which would let it
print as a line or a word it is not. Names are escaped wherever they are rendered.
"""

from __future__ import annotations

import re
import unicodedata

from soviet.errors import InputError

#: The pattern every member, body and office id matches, as documented.
ID_PATTERN = r"[a-z0-9][a-z0-9._-]{0,63}"
#: The most characters an id may have.
MAX_ID_LENGTH = 64
#: The most characters a name may have.
MAX_NAME_LENGTH = 200
#: The most characters the reason of a recall petition may have.
MAX_REASON_LENGTH = 1000
#: The id rule as an error message states it.
ID_RULE = (
    f"an id is 1 to {MAX_ID_LENGTH} characters: lowercase letters a-z, digits, "
    "'.', '_' and '-', starting with a letter or a digit"
)

_ID = re.compile(ID_PATTERN + r"\Z")
_REORDERING = frozenset(chr(c) for c in (*range(0x202A, 0x202F), *range(0x2066, 0x206A)))
#: How many characters of a refused value an error message shows.
_SHOWN = 40


def shown(value: str) -> str:
    """A value as an error quotes it: its repr (control characters escaped), cut short."""
    if len(value) > _SHOWN:
        return repr(value[:_SHOWN])[:-1] + f"…' ({len(value)} characters)"
    return repr(value)


def id_problem(value: str) -> str | None:
    """Why `value` is not an id, as the end of an error message; None if it is one."""
    if _ID.match(value):
        return None
    suggestion = value.lower()
    if suggestion != value and _ID.match(suggestion):
        return f"{shown(value)} is not an id (did you mean {suggestion!r}?): {ID_RULE}"
    return f"{shown(value)} is not an id: {ID_RULE}"


def name_problem(value: str) -> str | None:
    """Why `value` is not a name, as the end of an error message; None if it is one."""
    return text_problem(value, "a name", MAX_NAME_LENGTH)


def text_problem(value: str, what: str, limit: int) -> str | None:
    """Why `value` is not plain text of at most `limit` characters (`what` it is, such as
    "a name"), as the end of an error message; None if it is."""
    if len(value) > limit:
        return f"has {len(value)} characters; {what} has at most {limit}"
    for char in value:
        if _unprintable(char):
            return (
                f"contains the character U+{ord(char):04X}; {what} is plain text, "
                "without control characters, line breaks or direction overrides"
            )
    return None


def check_id(value: str, what: str) -> str:
    """`value` if it is an id; else an `InputError` naming it, `what` it is, and the rule."""
    problem = id_problem(value)
    if problem is not None:
        raise InputError(f"{what} {problem}")
    return value


def check_name(value: str, what: str) -> str:
    """`value` if it is a name; else an `InputError` naming `what` it is and the rule."""
    problem = name_problem(value)
    if problem is not None:
        raise InputError(f"{what} {shown(value)} {problem}")
    return value


def printable(text: str) -> str:
    """Text with every control or reordering character written as an escape (`\\u000a`,
    `\\u202e`), so that it prints as one line, in the order it was written."""
    if text.isprintable():
        return text
    return "".join(f"\\u{ord(char):04x}" if _unprintable(char) else char for char in text)


def _unprintable(char: str) -> bool:
    return char in _REORDERING or unicodedata.category(char) in ("Cc", "Cs", "Zl", "Zp")
