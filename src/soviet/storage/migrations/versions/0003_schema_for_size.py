"""the schema for size: an index for every lookup an act makes; 64-bit seqs

Revision ID: 0003
Revises: 0002

Indexes for the memberships of a body, the active mandates of an office, of a holder and
of a council's seats (offices by `seat_in`), and the live petition of a mandate. On
PostgreSQL the seqs, the Merkle node indexes and the checkpoint sizes become BIGINT; on
SQLite INTEGER is 64-bit already, and the tables are left as they are (`events.seq` stays
the rowid). No row changes, so every log verifies as it did.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

#: The columns that hold a seq, a node index or a tree size: (table, column, nullable).
SEQ_COLUMNS = (
    ("events", "seq", False),
    ("merkle_nodes", "idx", False),
    ("checkpoints", "size", False),
    ("ballots", "seq", False),
    ("signatures", "seq", False),
    ("recall_ballots", "seq", False),
    ("elections", "cause", True),
    ("mandates", "cause", True),
)

#: The indexes added: (name, table, columns).
INDEXES = (
    ("ix_offices_seat_in", "offices", ["seat_in"]),
    ("ix_memberships_body", "memberships", ["body"]),
    ("ix_mandates_office_status", "mandates", ["office", "status"]),
    ("ix_mandates_holder_status", "mandates", ["holder", "status"]),
    ("ix_mandates_status", "mandates", ["status"]),
    ("ix_petitions_mandate_status", "petitions", ["mandate", "status"]),
)

#: The indexes of 0001 that the ones above replace.
REPLACED = (
    ("ix_mandates_office", "mandates", ["office"]),
    ("ix_mandates_holder", "mandates", ["holder"]),
)


def upgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        for table, column, nullable in SEQ_COLUMNS:
            op.alter_column(
                table,
                column,
                type_=sa.BigInteger(),
                existing_type=sa.Integer(),
                existing_nullable=nullable,
            )
    for name, table, _ in REPLACED:
        op.drop_index(name, table_name=table)
    for name, table, columns in INDEXES:
        op.create_index(name, table, columns)


def downgrade() -> None:
    for name, table, _ in INDEXES:
        op.drop_index(name, table_name=table)
    for name, table, columns in REPLACED:
        op.create_index(name, table, columns)
    if op.get_bind().dialect.name != "sqlite":
        for table, column, nullable in SEQ_COLUMNS:
            op.alter_column(
                table,
                column,
                type_=sa.Integer(),
                existing_type=sa.BigInteger(),
                existing_nullable=nullable,
            )
