"""secret ballots: the events of each key ceremony and each secret vote, by subject

Revision ID: 0009
Revises: 0008

One new projection, `secret_rows`: for each key ceremony of a trustee office, each
trustee office's ceremonies and each secret vote, the events that make it, with their
data. Nothing in the log changes. A downgrade drops it.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

_SEQ = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "secret_rows",
        sa.Column("subject", sa.String(160), primary_key=True),
        sa.Column("seq", _SEQ, primary_key=True, autoincrement=False),
        sa.Column("at", sa.String(32), nullable=False),
        sa.Column("actor", sa.String(128), nullable=True),
        sa.Column("type", sa.String(64), nullable=False),
        sa.Column("data", sa.Text(), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("secret_rows")
