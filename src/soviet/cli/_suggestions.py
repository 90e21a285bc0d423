"""The id nearest to one that names nothing, for the line that refuses it."""

from __future__ import annotations

import difflib
from collections.abc import Iterable

from soviet.errors import NotFound

#: The projection (`soviet show …`) that lists the ids of each kind `NotFound` names.
VIEWS = {
    "member": "members",
    "body": "bodies",
    "office": "offices",
    "election": "elections",
    "mandate": "mandates",
    "petition": "petitions",
}
#: Past this many ids of a kind no suggestion is looked for: comparing a mistyped id with
#: each of them would keep the refusal waiting for seconds.
MOST_IDS = 100_000


def with_suggestion(error: NotFound, db: str | None) -> str:
    """The refusal of an unknown id, with "(did you mean 'E4'?)" when an id of the same kind
    that exists in the organization of `db` is close to it."""
    try:
        found = nearest(error.ident, known_ids(error.kind, db))
    except Exception:  # a courtesy: a database that cannot say what it holds suggests none
        found = None
    return f"{error} (did you mean {found!r}?)" if found else str(error)


def nearest(ident: str, known: Iterable[str]) -> str | None:
    """The known id closest to `ident`, if one is close enough to be the one meant; case
    does not count (`e4` is near `E4`), and an id is never its own suggestion."""
    by_folded: dict[str, str] = {}
    for candidate in known:
        by_folded.setdefault(candidate.casefold(), candidate)
    if len(by_folded) > MOST_IDS:
        return None
    matches = difflib.get_close_matches(ident.casefold(), list(by_folded), n=2)
    found = [by_folded[match] for match in matches if by_folded[match] != ident]
    return found[0] if found else None


def known_ids(kind: str, db: str | None) -> list[str]:
    """The ids of one kind in the organization, read through the read port."""
    view = VIEWS.get(kind)
    if view is None:
        return []
    from soviet.bootstrap import Settings, Soviet  # the database only once a refusal needs it

    with Soviet(Settings.from_env(db)) as soviet, soviet.reading() as reads:
        return [str(row["id"]) for row in reads.view(view)]
