"""members' keys: every act signed by its actor

Revision ID: 0007
Revises: 0006

A nullable `events.signed`, the member's signed statement of the act an event records
(part of its entry and leaf); NULL for every event before it, whose entries, leaves and
exports stay byte for byte what they were. `organization.enrollment_days` is NULL until
the log adopts keys: opening an upgraded database records `organization.keys_adopted`
in the log, with an enrollment code for every member (`soviet.bootstrap`), and from that
event on every act must be signed; `soviet verify` counts the acts before it as unsigned
(before keys). Three new projections: `member_keys`, `enrollment_codes` and `nonces`.
A downgrade drops them, and the signed statements with them.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

_SEQ = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.add_column("events", sa.Column("signed", sa.Text(), nullable=True))
    op.add_column("organization", sa.Column("enrollment_days", sa.Integer(), nullable=True))
    op.create_table(
        "member_keys",
        sa.Column("member", sa.String(128), nullable=False),
        sa.Column("key", sa.String(16), nullable=False),
        sa.Column("public_key", sa.String(64), nullable=False),
        sa.Column("seq", _SEQ, nullable=False),
        sa.ForeignKeyConstraint(["member"], ["members.id"]),
        sa.PrimaryKeyConstraint("member"),
    )
    op.create_table(
        "enrollment_codes",
        sa.Column("member", sa.String(128), nullable=False),
        sa.Column("hash", sa.String(64), nullable=False),
        sa.Column("expires", sa.String(32), nullable=False),
        sa.Column("seq", _SEQ, nullable=False),
        sa.ForeignKeyConstraint(["member"], ["members.id"]),
        sa.PrimaryKeyConstraint("member"),
    )
    op.create_table(
        "nonces",
        sa.Column("member", sa.String(128), nullable=False),
        sa.Column("nonce", sa.String(64), nullable=False),
        sa.Column("seq", _SEQ, nullable=False),
        sa.PrimaryKeyConstraint("member", "nonce"),
    )


def downgrade() -> None:
    op.drop_table("nonces")
    op.drop_table("enrollment_codes")
    op.drop_table("member_keys")
    sqlite = op.get_bind().dialect.name == "sqlite"
    for table, column in (("organization", "enrollment_days"), ("events", "signed")):
        if sqlite:  # in place: the log's table is not rebuilt
            op.execute(f'ALTER TABLE "{table}" DROP COLUMN "{column}"')
        else:
            op.drop_column(table, column)
