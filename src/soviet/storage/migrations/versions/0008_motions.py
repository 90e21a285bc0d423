"""motions: bodies decide by roll call; instructions and their breaches

Revision ID: 0008
Revises: 0007

A council's apportionment and weights in `bodies` (`apportion`, `council_seats`,
`weighted`), and when a body and its offices were dissolved (`dissolved_at`). Five new
projections: `motions` (each motion, its count and its decision's number),
`motion_rolls`, `motion_votes`, `instructions` (what each body instructed its deputies on
a council's motion) and `breaches`. `petitions.opener` becomes nullable: a petition the
system opens for a breach of an instruction has no opener. Nothing in the log changes.
A downgrade drops the new tables (with the motions' projections; the log keeps them).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

_SEQ = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


_PETITION_COLUMNS = (
    "id, number, mandate, opener, reason, status, opened_at, vote_opened_at, voting_ends, "
    "closed_at, result, expires"
)


def _children() -> list[sa.Table]:
    """The tables that reference `petitions`, as they stand at this revision."""
    meta = sa.MetaData()

    def petition() -> sa.Column[str]:
        return sa.Column("petition", sa.String(32), sa.ForeignKey("petitions.id"), primary_key=True)

    return [
        sa.Table(
            "signatures",
            meta,
            petition(),
            sa.Column("member", sa.String(128), sa.ForeignKey("members.id"), primary_key=True),
            sa.Column("seq", _SEQ, nullable=False),
        ),
        sa.Table(
            "recall_rolls",
            meta,
            petition(),
            sa.Column("member", sa.String(128), sa.ForeignKey("members.id"), primary_key=True),
        ),
        sa.Table(
            "recall_ballots",
            meta,
            petition(),
            sa.Column("voter", sa.String(128), sa.ForeignKey("members.id"), primary_key=True),
            sa.Column("vote", sa.String(8), nullable=False),
            sa.Column("seq", _SEQ, nullable=False),
        ),
    ]


def _petitions_opener(nullable: bool) -> None:
    """Make `petitions.opener` nullable (or not). SQLite alters a column only by building
    the table anew, and renaming the old one aside points the tables that reference it at
    the old one: so the new table takes the old one's name and rows, each referencing
    table is built anew pointing at it, and the old one is dropped, referenced by nothing."""
    if op.get_bind().dialect.name != "sqlite":
        op.alter_column("petitions", "opener", existing_type=sa.String(128), nullable=nullable)
        return
    op.execute('ALTER TABLE "petitions" RENAME TO "_petitions_old"')
    op.create_table(
        "petitions",
        sa.Column("id", sa.String(32), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("mandate", sa.String(32), nullable=False),
        sa.Column("opener", sa.String(128), nullable=nullable),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("opened_at", sa.String(32), nullable=False),
        sa.Column("vote_opened_at", sa.String(32), nullable=True),
        sa.Column("voting_ends", sa.String(32), nullable=True),
        sa.Column("closed_at", sa.String(32), nullable=True),
        sa.Column("result", sa.Text(), nullable=True),
        sa.Column("expires", sa.String(32), nullable=True),
        sa.ForeignKeyConstraint(["mandate"], ["mandates.id"]),
        sa.ForeignKeyConstraint(["opener"], ["members.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("number"),
    )
    op.execute(
        f'INSERT INTO "petitions" ({_PETITION_COLUMNS}) '
        f'SELECT {_PETITION_COLUMNS} FROM "_petitions_old"'
    )
    for child in _children():
        with op.batch_alter_table(child.name, copy_from=child, recreate="always"):
            pass
    op.drop_table("_petitions_old")  # its index with it
    op.create_index("ix_petitions_mandate_status", "petitions", ["mandate", "status"])


def upgrade() -> None:
    op.add_column("bodies", sa.Column("apportion", sa.String(32), nullable=True))
    op.add_column("bodies", sa.Column("council_seats", sa.Integer(), nullable=True))
    op.add_column("bodies", sa.Column("weighted", sa.Integer(), nullable=True))
    op.add_column("bodies", sa.Column("dissolved_at", sa.String(32), nullable=True))
    op.add_column("offices", sa.Column("dissolved_at", sa.String(32), nullable=True))
    _petitions_opener(nullable=True)
    op.create_table(
        "motions",
        sa.Column("id", sa.String(32), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("body", sa.String(128), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("text_sha256", sa.String(64), nullable=False),
        sa.Column("proposer", sa.String(128), nullable=False),
        sa.Column("seconder", sa.String(128), nullable=True),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("referred", sa.Boolean(), nullable=False),
        sa.Column("instructs", sa.String(32), nullable=True),
        sa.Column("instruction", sa.String(8), nullable=True),
        sa.Column("charter", sa.Text(), nullable=True),
        sa.Column("proposed_at", sa.String(32), nullable=False),
        sa.Column("voting_ends", sa.String(32), nullable=True),
        sa.Column("closed_at", sa.String(32), nullable=True),
        sa.Column("result", sa.Text(), nullable=True),
        sa.Column("decision", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["body"], ["bodies.id"]),
        sa.ForeignKeyConstraint(["proposer"], ["members.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("number"),
    )
    op.create_index("ix_motions_body", "motions", ["body", "decision"])
    op.create_table(
        "motion_rolls",
        sa.Column("motion", sa.String(32), nullable=False),
        sa.Column("member", sa.String(128), nullable=False),
        sa.ForeignKeyConstraint(["motion"], ["motions.id"]),
        sa.ForeignKeyConstraint(["member"], ["members.id"]),
        sa.PrimaryKeyConstraint("motion", "member"),
    )
    op.create_table(
        "motion_votes",
        sa.Column("motion", sa.String(32), nullable=False),
        sa.Column("voter", sa.String(128), nullable=False),
        sa.Column("vote", sa.String(8), nullable=False),
        sa.Column("seq", _SEQ, nullable=False),
        sa.ForeignKeyConstraint(["motion"], ["motions.id"]),
        sa.ForeignKeyConstraint(["voter"], ["members.id"]),
        sa.PrimaryKeyConstraint("motion", "voter"),
    )
    op.create_table(
        "instructions",
        sa.Column("motion", sa.String(32), nullable=False),
        sa.Column("body", sa.String(128), nullable=False),
        sa.Column("instruction", sa.String(8), nullable=False),
        sa.Column("decision_seq", _SEQ, nullable=False),
        sa.ForeignKeyConstraint(["motion"], ["motions.id"]),
        sa.ForeignKeyConstraint(["body"], ["bodies.id"]),
        sa.PrimaryKeyConstraint("motion", "body"),
    )
    op.create_table(
        "breaches",
        sa.Column("motion", sa.String(32), nullable=False),
        sa.Column("member", sa.String(128), nullable=False),
        sa.Column("mandate", sa.String(32), nullable=False),
        sa.Column("body", sa.String(128), nullable=False),
        sa.Column("instruction", sa.String(8), nullable=False),
        sa.Column("vote", sa.String(8), nullable=True),
        sa.Column("on_breach", sa.String(16), nullable=False),
        sa.Column("seq", _SEQ, nullable=False),
        sa.ForeignKeyConstraint(["motion"], ["motions.id"]),
        sa.ForeignKeyConstraint(["member"], ["members.id"]),
        sa.ForeignKeyConstraint(["mandate"], ["mandates.id"]),
        sa.PrimaryKeyConstraint("motion", "member"),
    )


def downgrade() -> None:
    for table in ("breaches", "instructions", "motion_votes", "motion_rolls", "motions"):
        op.drop_table(table)
    _petitions_opener(nullable=False)
    sqlite = op.get_bind().dialect.name == "sqlite"
    for table, column in (
        ("offices", "dissolved_at"),
        ("bodies", "dissolved_at"),
        ("bodies", "weighted"),
        ("bodies", "council_seats"),
        ("bodies", "apportion"),
    ):
        if sqlite:  # in place, as 0007 drops its columns
            op.execute(f'ALTER TABLE "{table}" DROP COLUMN "{column}"')
        else:
            op.drop_column(table, column)
