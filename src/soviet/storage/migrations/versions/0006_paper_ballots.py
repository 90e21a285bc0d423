"""paper ballots: the counted paper ballots tellers import into an election

Revision ID: 0006
Revises: 0005

A new projection, `paper_ballots`, empty in a database from 0005: its log holds no
`ballots.imported` event, which this revision is the first to write. A downgrade drops
the table; a log that holds such events then no longer opens with the older soviet.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "paper_ballots",
        sa.Column("election", sa.String(32), nullable=False),
        sa.Column("position", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.Column("choice", sa.Text(), nullable=False),
        sa.Column("seq", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.ForeignKeyConstraint(["election"], ["elections.id"]),
        sa.PrimaryKeyConstraint("election", "position"),
    )


def downgrade() -> None:
    op.drop_table("paper_ballots")
