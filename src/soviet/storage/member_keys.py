"""What the key commands read: whose code a hash is, the key a member holds, and who
holds none yet."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, select

from soviet.storage import schema as t


def member_of_code(conn: Connection, code_hash: str) -> str | None:
    """The member whose outstanding enrollment code has this hash, if any."""
    c = t.enrollment_codes.c
    row = conn.execute(select(c.member).where(c.hash == code_hash)).first()
    return None if row is None else str(row.member)


def key(conn: Connection, member: str) -> dict[str, Any] | None:
    """The member's key in force, as `key show --json` prints it; None if none."""
    k = t.member_keys.c
    row = conn.execute(select(t.member_keys).where(k.member == member)).first()
    if row is None:
        return None
    return {"member": member, "key": row.key, "public_key": row.public_key, "seq": row.seq}


def code(conn: Connection, member: str) -> dict[str, Any] | None:
    """The member's outstanding code (its expiry and the seq that issued it), if any."""
    c = t.enrollment_codes.c
    row = conn.execute(select(c.expires, c.seq).where(c.member == member)).first()
    return None if row is None else {"expires": row.expires, "seq": row.seq}


def without_key(conn: Connection) -> list[tuple[str, str]]:
    """Every member who holds no key, as (id, name), by id."""
    m, k = t.members.c, t.member_keys.c
    query = (
        select(m.id, m.name)
        .outerjoin(t.member_keys, k.member == m.id)
        .where(k.member.is_(None))
        .order_by(m.id)
    )
    return [(str(row.id), str(row.name)) for row in conn.execute(query)]


def origin(conn: Connection) -> str:
    """The organization's origin, which every statement names."""
    row = conn.execute(select(t.organization.c.origin)).first()
    return "" if row is None else str(row.origin)
