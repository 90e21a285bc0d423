"""procedure: nomination periods and consent, re-votes, abstentions, petition expiry

Revision ID: 0004
Revises: 0003

Offices keep their procedure (JSON); elections their kind, nomination period, start and
extension; candidates whether they stand, wait for consent or withdrew; petitions when
they expire; a recall vote may be "abstain". Rows written before are read as they were:
a candidate without a status stands, an election without a kind is a by-election if it
has a cause, an office without a procedure runs the procedure of its time.
"""

from __future__ import annotations

import json

import sqlalchemy as sa
from alembic import op

from soviet.ledger.entries import compact

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

#: The columns added: (table, column, type).
COLUMNS = (
    ("offices", "procedure", sa.Text()),
    ("elections", "kind", sa.String(16)),
    ("elections", "nominations_end", sa.String(32)),
    ("elections", "extended_by", sa.String(128)),
    ("candidates", "status", sa.String(16)),
    ("petitions", "expires", sa.String(32)),
)


def upgrade() -> None:
    for table, column, kind in COLUMNS:  # SQLite adds a nullable column in place
        op.add_column(table, sa.Column(column, kind, nullable=True))
    with op.batch_alter_table("recall_ballots") as batch:
        batch.alter_column("vote", type_=sa.String(8), existing_nullable=False)
    _fill_from_the_log(op.get_bind())


def _fill_from_the_log(conn: sa.Connection) -> None:
    """The new columns as the log's events give them, as the projectors would write them
    (a log written before them gives none, and they stay NULL)."""
    events = sa.table(
        "events", sa.column("seq"), sa.column("type"), sa.column("actor"), sa.column("data")
    )
    types = (
        "organization.founded",
        "election.opened",
        "candidate.nominated",
        "candidate.accepted",
        "candidate.withdrew",
        "election.extended",
        "petition.opened",
    )
    rows = conn.execute(
        sa.select(events.c.type, events.c.actor, events.c.data)
        .where(events.c.type.in_(types))
        .order_by(events.c.seq)
    )
    offices = sa.table("offices", sa.column("id"), sa.column("procedure"))
    elections = sa.table(
        "elections",
        sa.column("id"),
        sa.column("kind"),
        sa.column("nominations_end"),
        sa.column("extended_by"),
    )
    candidates = sa.table(
        "candidates", sa.column("election"), sa.column("member"), sa.column("status")
    )
    petitions = sa.table("petitions", sa.column("id"), sa.column("expires"))
    with_procedure = False
    for kind, actor, text in rows:
        data = json.loads(text)
        if kind == "organization.founded":
            for office in data.get("offices", []):
                if office.get("procedure") is not None:
                    with_procedure = True
                    conn.execute(
                        offices.update()
                        .where(offices.c.id == office["id"])
                        .values(procedure=compact(office["procedure"]))
                    )
        elif kind == "election.opened":
            conn.execute(
                elections.update()
                .where(elections.c.id == data["election"])
                .values(kind=data.get("kind"), nominations_end=data.get("nominations_end"))
            )
        elif kind == "election.extended":
            conn.execute(
                elections.update()
                .where(elections.c.id == data["election"])
                .values(extended_by=actor)
            )
        elif kind == "petition.opened":
            conn.execute(
                petitions.update()
                .where(petitions.c.id == data["petition"])
                .values(expires=data.get("expires"))
            )
        else:
            where = (candidates.c.election == data["election"]) & (
                candidates.c.member == data["candidate"]
            )
            if kind == "candidate.nominated":
                waits = with_procedure and actor != data["candidate"]
                status = "nominated" if waits else "standing"
                conn.execute(candidates.update().where(where).values(status=status))
            elif kind == "candidate.withdrew":
                conn.execute(candidates.update().where(where).values(status="withdrawn"))
            else:  # accepted (its position was set when it was: kept as it is)
                conn.execute(candidates.update().where(where).values(status="standing"))


def downgrade() -> None:
    with op.batch_alter_table("recall_ballots") as batch:
        batch.alter_column("vote", type_=sa.String(4), existing_nullable=False)
    for table, column, _ in reversed(COLUMNS):
        if op.get_bind().dialect.name == "sqlite":  # in place: no table is rebuilt
            op.execute(f'ALTER TABLE "{table}" DROP COLUMN "{column}"')
        else:
            op.drop_column(table, column)
