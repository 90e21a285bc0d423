"""deadlines: indexes for what the clock makes due

Revision ID: 0010
Revises: 0009

Every act first records what the clock has made due; it asks only for the elections whose
nominations or vote have ended and the petitions that expired or whose vote has ended,
by their status and deadline. These indexes serve those questions, so that the check
costs what is due, not what is open. No row changes.
"""

from __future__ import annotations

from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

#: The indexes added: (name, table, columns).
INDEXES = (
    ("ix_elections_status_nominations_end", "elections", ["status", "nominations_end"]),
    ("ix_elections_status_voting_ends", "elections", ["status", "voting_ends"]),
    ("ix_petitions_status_expires", "petitions", ["status", "expires"]),
    ("ix_petitions_status_voting_ends", "petitions", ["status", "voting_ends"]),
)


def upgrade() -> None:
    for name, table, columns in INDEXES:
        op.create_index(name, table, columns)


def downgrade() -> None:
    for name, table, _ in INDEXES:
        op.drop_index(name, table_name=table)
