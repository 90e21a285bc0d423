"""offices on the path: indexes of the offices of a body and of those that hold a power

Revision ID: 0011
Revises: 0010

A change of membership (an admission, a join, a leave) asked every office whether its
seats follow a constituency that holds the body, and an admission asked every office for
its powers to find who admits: each read the whole table of offices, 1,606 of them at
100,000 members. They now ask for the offices of the bodies on the member's path upwards
(`ix_offices_body`) and for the offices that hold a power (`ix_offices_empowered`, a
partial index, in the charter's order): a few, whatever the size of the organization.
No row changes.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None

#: The index's condition, as `schema.EMPOWERED` writes it (a migration keeps its own).
EMPOWERED = "powers <> '[]'"


def upgrade() -> None:
    op.create_index("ix_offices_body", "offices", ["body"])
    op.create_index(
        "ix_offices_empowered",
        "offices",
        ["position"],
        sqlite_where=sa.text(EMPOWERED),
        postgresql_where=sa.text(EMPOWERED),
    )


def downgrade() -> None:
    op.drop_index("ix_offices_empowered", table_name="offices")
    op.drop_index("ix_offices_body", table_name="offices")
