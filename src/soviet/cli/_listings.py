"""The listings of `soviet show`: which filters each one takes, the rows a filter keeps,
and rows as CSV (RFC 4180: a header row, then one row per record)."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from enum import Enum
from typing import Any, TextIO

from soviet.errors import InputError


class Output(Enum):
    """The forms `show` prints in: a table for people, JSON or CSV for programs."""

    TABLE = "table"
    JSON = "json"
    CSV = "csv"


#: The filters each listing takes: `show mandates --office tram-depot.deputy`.
FILTERS: dict[str, tuple[str, ...]] = {
    "bodies": (),
    "offices": ("body",),
    "mandates": ("office", "body", "status", "holder"),
    "elections": ("office", "body", "status"),
    "petitions": ("office", "body", "status", "holder"),
    "members": ("body",),
    "motions": ("body", "status"),
    "decisions": ("body",),
    "breaches": ("body",),
}
#: The statuses a listing's records may have; `--status` takes one of them, or one that a
#: record listed has.
STATUSES: dict[str, tuple[str, ...]] = {
    "mandates": ("active", "recalled", "lapsed", "expired", "resigned"),
    "elections": ("nominating", "voting", "closed"),
    "petitions": ("open", "voting", "recalled", "failed", "expired"),
    "motions": ("proposed", "seconded", "voting", "adopted", "rejected", "moot"),
}


@dataclass(frozen=True)
class Filters:
    """The filters given to `show`; None where one was not given."""

    office: str | None = None
    body: str | None = None
    status: str | None = None
    holder: str | None = None

    def given(self) -> dict[str, str]:
        """The filters given, by name, in the order `show --help` lists them."""
        values = {
            "office": self.office,
            "body": self.body,
            "status": self.status,
            "holder": self.holder,
        }
        return {name: value for name, value in values.items() if value is not None}


@dataclass(frozen=True)
class Facts:
    """What a filter needs to know beyond a listing's own rows: the body of each office,
    and the office and holder of each mandate (a petition's)."""

    office_body: Mapping[str, str]
    mandates: Mapping[str, tuple[str, str]]


def check(listing: str, filters: Filters) -> None:
    """Refuse a filter that does not apply to the listing."""
    takes = FILTERS[listing]
    for name in filters.given():
        if name not in takes:
            options = ", ".join(f"--{option}" for option in takes)
            does = f"it takes {options}" if takes else "it takes no filter"
            raise InputError(f"--{name} does not filter `show {listing}`: {does}")


def refuse_on_one(shown: str, filters: Filters) -> None:
    """Refuse filters given to `show` of one record (or of one vote's turnout)."""
    given = filters.given()
    if given:
        raise InputError(f"--{next(iter(given))} filters a listing, not `show {shown}`")


def check_status(listing: str, status: str, rows: Iterable[Mapping[str, Any]]) -> None:
    """Refuse a status that no record of the listing can have (a typing slip)."""
    known = dict.fromkeys(STATUSES.get(listing, ()))
    known.update(dict.fromkeys(str(row["status"]) for row in rows))
    if status not in known:
        raise InputError(
            f"--status {status!r} is no status of {listing}: it is one of {', '.join(known)}"
        )


def facets(listing: str, row: Mapping[str, Any], facts: Facts) -> dict[str, set[str]]:
    """What a record of a listing is of, for each filter: its office, body, status, holder
    (a member, for `--body`: each assembly they belong to)."""
    if listing == "offices":
        return {"body": {row["body"]}}
    if listing == "members":
        return {"body": set(row["bodies"])}
    if listing in ("motions", "decisions"):
        return {"body": {row["body"]}, "status": {row.get("status", "")}}
    if listing == "breaches":  # the council's, and the instructing body's
        return {"body": {row["council"], row["body"]}}
    if listing == "petitions":
        office, holder = facts.mandates.get(row["mandate"], ("", ""))
    else:
        office, holder = row.get("office", ""), row.get("holder", "")
    return {
        "office": {office},
        "body": {facts.office_body.get(office, "")},
        "status": {row.get("status", "")},
        "holder": {holder},
    }


def keep(
    listing: str, rows: Sequence[Mapping[str, Any]], filters: Filters, facts: Facts
) -> list[Mapping[str, Any]]:
    """The rows every given filter keeps."""
    wanted = filters.given()
    if not wanted:
        return list(rows)
    kept = []
    for row in rows:
        has = facets(listing, row, facts)
        if all(value in has.get(name, set()) for name, value in wanted.items()):
            kept.append(row)
    return kept


def csv_cell(value: Any) -> str:
    """A JSON value as one CSV cell: empty for null, true or false, a list of ids separated
    by spaces, an object as compact JSON."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list) and all(isinstance(item, str | int) for item in value):
        return " ".join(str(item) for item in value)
    if isinstance(value, list | dict):
        return json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    return str(value)


def write_csv(out: TextIO, fields: Sequence[str], rows: Iterable[Mapping[str, Any]]) -> None:
    """A header row of `fields`, then one row per record, as RFC 4180 says (CRLF, quoted
    where a cell needs it)."""
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(fields)
    for row in rows:
        writer.writerow([csv_cell(row.get(field)) for field in fields])
