"""Reading a charter: its TOML (and members CSV) into a validated `Charter`.

Every error names the file, the line and the field, as `charter.toml:12: offices[2].seat_in:
...`. Array indices in a field count from 0, as in the parsed document; the line tells
which table it is. A missing key is reported at the line of its table's header. Errors in
a members CSV name the CSV file and its line: `members.csv:14: bodies: ...`.

Validation is complete: a charter that parses can be adopted as it stands. Every problem
is reported at once, up to `_problems.MOST` (`CharterErrors`); see `_problems` for which
checks wait for which.

Each part of the charter is read by the module named after it (`origins`, `rules`,
`bodies`, `members` and `members_csv`, `offices`, `holdings`). `parse_charter` reads them
in an order in which each part is checked against those read before it: members name
bodies, offices name bodies and inherit the rules, holders and founders name members.
`_sites` locates a value for its error; `_values` reads a table's typed values; `limits`
holds the limits of sizes and numbers, and checks the shape of the text before it is
parsed. Ids follow the one pattern of `soviet.domain.ids`.
"""

from __future__ import annotations

import tomllib

from soviet.domain._toml_lines import locate
from soviet.domain.charter._problems import Problems
from soviet.domain.charter._sites import InToml, syntax_error
from soviet.domain.charter._values import check_keys
from soviet.domain.charter._values import name as read_name
from soviet.domain.charter.bodies import read_bodies
from soviet.domain.charter.holdings import read_holdings
from soviet.domain.charter.limits import check_toml_shape
from soviet.domain.charter.members import read_founders, read_members
from soviet.domain.charter.members_csv import Read
from soviet.domain.charter.offices import read_offices, size_offices
from soviet.domain.charter.origins import derive_origin, read_origin
from soviet.domain.charter.rules import read_rules
from soviet.domain.model import Charter
from soviet.errors import CharterError

__all__ = ["Charter", "Read", "derive_origin", "parse_charter"]


def parse_charter(text: str, source: str, read: Read | None = None) -> Charter:
    """Parse and validate a charter; `read` opens a members file it names."""
    check_toml_shape(text, source)
    try:
        doc = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise syntax_error(exc, text, source) from None
    except (RecursionError, ValueError) as exc:  # what the shape check should have refused
        raise CharterError(source, None, "syntax", f"cannot be read as TOML: {exc}") from None
    root = InToml(source, locate(text).lines, ())
    # the document's keys first: the parts are read only from a document of this shape
    check_keys(doc, root, ("name", "founders", "bodies", "members"), ("origin", "rules", "offices"))
    problems = Problems(source)
    name = problems.part(read_name, doc, root, "name")
    origin = None
    if name is not None or "origin" in doc:  # else the origin would come from the name
        origin = problems.part(read_origin, doc, root, name or "")
    rules = problems.part(read_rules, doc, root)
    bodies = problems.part(read_bodies, doc, root, problems)
    members = offices = holdings = founders = None
    if bodies is not None:
        members = problems.part(read_members, doc, root, bodies, read, problems)
        if rules is not None:
            offices = problems.part(read_offices, doc, root, rules, bodies, problems)
    if members is not None:
        founders = problems.part(read_founders, doc, root, members, problems)
        if offices is not None and bodies is not None:
            offices = problems.part(size_offices, offices, bodies, members, root)
        if offices is not None and bodies is not None:
            holdings = problems.part(read_holdings, doc, root, offices, bodies, members, problems)
    problems.check()
    # with no problem found, every part was read
    assert name is not None and origin is not None and rules is not None
    assert bodies is not None and members is not None and founders is not None
    assert offices is not None and holdings is not None
    return Charter(
        name=name,
        origin=origin,
        rules=rules,
        bodies=bodies,
        offices=offices,
        members=members,
        founders=founders,
        holdings=holdings,
    )
