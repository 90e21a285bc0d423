"""the clock marker: events recorded under a set clock (SOVIET_NOW) say so

Revision ID: 0005
Revises: 0004

A nullable `events.clock`: "set" for an event recorded while SOVIET_NOW was in force, and
part of its log entry and leaf hash; NULL for every other event. Events recorded before
it stay NULL — their entries, leaves and exports are byte for byte what they were — so
every log verifies as it did. A downgrade drops the markers, and with them the entries
of the events that carried one: only for a log recorded on the real clock alone.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("events", sa.Column("clock", sa.String(8), nullable=True))


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":  # in place: the log's table is not rebuilt
        op.execute('ALTER TABLE "events" DROP COLUMN "clock"')
    else:
        op.drop_column("events", "clock")
