"""stored checkpoints: the signed checkpoint of the tree after each unit of work

Revision ID: 0002
Revises: 0001

A database from 0001 gets the table empty: its log was signed only by the checkpoints
logged at closes. Its next unit of work that grows the log, or `soviet checkpoint` with
the log's key, signs the whole tree; until then `soviet verify` reports the events after
the last logged checkpoint as unsigned (exit 1, or a note with `--unsigned-tail`).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "checkpoints",
        sa.Column("size", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("size"),
    )


def downgrade() -> None:
    op.drop_table("checkpoints")
