"""The tables: the event log, its Merkle nodes and signed checkpoints, and the projections
derived from the log.

The `events` table is the truth. Every other table except `merkle_nodes` and `checkpoints`
is a projection written by the projectors in `soviet.storage.projectors`, in the same
transaction as the event, and can be rebuilt by replaying the log into an empty database.

Lists and results are stored as canonical JSON text, so that a projection compares equal
byte for byte after a replay on any database.

Seqs, Merkle node indexes and tree sizes are 64-bit (`Seq`): BIGINT on PostgreSQL, and
INTEGER on SQLite, where INTEGER is already 64-bit and keeps `events.seq` the rowid.
Every lookup an act makes — a vote, a signature, a close, a cascade — is served by an
index or a primary key, so that none reads a whole table as the organization grows.
"""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    text,
)

metadata = MetaData()

#: A seq, a Merkle node index or a tree size.
Seq = BigInteger().with_variant(Integer(), "sqlite")

# -- the log -----------------------------------------------------------------------------

events = Table(
    "events",
    metadata,
    # seq starts at 1; the event's leaf index in the Merkle tree is seq - 1
    Column("seq", Seq, primary_key=True, autoincrement=False),
    Column("at", String(32), nullable=False),
    Column("type", String(64), nullable=False),
    Column("actor", String(128), nullable=True),
    Column("data", Text, nullable=False),  # canonical JSON (RFC 8785) of the event's data
    Column("leaf", LargeBinary(32), nullable=False),  # SHA-256(0x00 || RFC 8785 entry)
    # "set" for an event recorded under a set clock (SOVIET_NOW), in its entry too; else NULL
    Column("clock", String(8), nullable=True),
    # the member's signed statement of the act ({statement, key, signature}), canonical
    # JSON, in its entry too; NULL for a consequence and for acts logged before keys
    Column("signed", Text, nullable=True),
)

# Interior nodes of complete subtrees: node (level, index) covers leaves
# [index * 2**level, (index + 1) * 2**level). Level 0 is the `events.leaf` column.
merkle_nodes = Table(
    "merkle_nodes",
    metadata,
    Column("level", Integer, primary_key=True, autoincrement=False),
    Column("idx", Seq, primary_key=True, autoincrement=False),
    Column("hash", LargeBinary(32), nullable=False),
)

# The signed checkpoint of the tree as each unit of work left it (C2SP signed note), kept
# beside the log rather than in it: a checkpoint signs the log, it is not an act. The
# latest one signs every event, so no event after the last close goes unsigned.
checkpoints = Table(
    "checkpoints",
    metadata,
    Column("size", Seq, primary_key=True, autoincrement=False),
    Column("note", Text, nullable=False),
)

# -- projections -------------------------------------------------------------------------

organization = Table(
    "organization",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=False),  # always 1
    Column("name", Text, nullable=False),
    Column("origin", Text, nullable=False),
    Column("rules", Text, nullable=False),  # JSON of the charter's [rules]
    Column("founders", Text, nullable=False),  # JSON list of member ids
    Column("verifier_key", Text, nullable=True),
    Column("founded_at", String(32), nullable=False),
    # the days an enrollment code is good for; NULL while the log's acts are not signed
    Column("enrollment_days", Integer, nullable=True),
)

bodies = Table(
    "bodies",
    metadata,
    Column("id", String(128), primary_key=True),
    Column("name", Text, nullable=False),
    Column("kind", String(16), nullable=False),  # assembly | council
    Column("parent", String(128), nullable=True),
    Column("position", Integer, nullable=False),
    # a council's apportionment of its seats among the offices that seat deputies in it
    Column("apportion", String(32), nullable=True),
    Column("council_seats", Integer, nullable=True),
    # NULL (not weighted) or 1: each deputy's vote counts the members they stand for
    Column("weighted", Integer, nullable=True),
    Column("dissolved_at", String(32), nullable=True),  # by an amendment
)

offices = Table(
    "offices",
    metadata,
    Column("id", String(128), primary_key=True),
    Column("body", String(128), ForeignKey("bodies.id"), nullable=False),
    Column("title", Text, nullable=False),
    Column("seats", Integer, nullable=False),
    Column("method", String(32), nullable=False),
    Column("seat_in", String(128), nullable=True),
    Column("eligible", String(16), nullable=False),  # electorate | members
    Column("powers", Text, nullable=False),  # JSON list
    Column("term_days", Integer, nullable=False),
    Column("voting_days", Integer, nullable=False),
    Column("recall_petition", String(32), nullable=False),  # a fraction "1/4"
    Column("recall_immediate", String(32), nullable=False),
    Column("recall_quorum", String(32), nullable=False),
    Column("position", Integer, nullable=False),
    Column("procedure", Text, nullable=True),  # JSON of its procedure; NULL: before them
    Column("dissolved_at", String(32), nullable=True),  # with its body, by an amendment
)
Index("ix_offices_seat_in", offices.c.seat_in)  # the seated deputies of a council
Index("ix_offices_body", offices.c.body)  # the offices on a member's path upwards
#: The offices that hold a power (who admits), in the charter's order: few, and an
#: admission asks for them, not for every office. `EMPOWERED` is the index's condition,
#: which a query repeats word for word for the database to use it.
EMPOWERED = text("powers <> '[]'")
Index(
    "ix_offices_empowered", offices.c.position, sqlite_where=EMPOWERED, postgresql_where=EMPOWERED
)

members = Table(
    "members",
    metadata,
    Column("id", String(128), primary_key=True),
    Column("name", Text, nullable=False),
    Column("admitted_at", String(32), nullable=False),
)

memberships = Table(
    "memberships",
    metadata,
    Column("member", String(128), ForeignKey("members.id"), primary_key=True),
    Column("body", String(128), ForeignKey("bodies.id"), primary_key=True),
)
# by member: the primary key; by body: an assembly's electorate
Index("ix_memberships_body", memberships.c.body)

elections = Table(
    "elections",
    metadata,
    Column("id", String(32), primary_key=True),
    Column("number", Integer, nullable=False, unique=True),
    Column("office", String(128), ForeignKey("offices.id"), nullable=False),
    Column("status", String(16), nullable=False),  # nominating | voting | tallying | closed
    Column("seats", Integer, nullable=False),
    Column("opened_at", String(32), nullable=False),
    Column("opened_by", String(128), nullable=True),
    Column("cause", Seq, nullable=True),  # seq of the event that forced a by-election
    Column("started_at", String(32), nullable=True),
    Column("voting_ends", String(32), nullable=True),
    Column("closed_at", String(32), nullable=True),
    Column("result", Text, nullable=True),  # JSON of the count, every round
    Column("winners", Text, nullable=True),  # JSON list of member ids
    Column("kind", String(16), nullable=True),  # regular | by-election
    Column("nominations_end", String(32), nullable=True),
    Column("extended_by", String(128), nullable=True),
)
Index("ix_elections_office", elections.c.office)
# what the clock makes due: nominations, then votes, that have ended
Index("ix_elections_status_nominations_end", elections.c.status, elections.c.nominations_end)
Index("ix_elections_status_voting_ends", elections.c.status, elections.c.voting_ends)

candidates = Table(
    "candidates",
    metadata,
    Column("election", String(32), ForeignKey("elections.id"), primary_key=True),
    Column("member", String(128), ForeignKey("members.id"), primary_key=True),
    Column("position", Integer, nullable=False),
    Column("nominated_by", String(128), nullable=True),
    Column("status", String(16), nullable=True),  # standing | nominated | withdrawn
)

rolls = Table(
    "rolls",
    metadata,
    Column("election", String(32), ForeignKey("elections.id"), primary_key=True),
    Column("member", String(128), ForeignKey("members.id"), primary_key=True),
)

# The primary key is the rule "one ballot per elector", held by the database as well as
# by the domain, so two processes voting at once cannot both succeed.
ballots = Table(
    "ballots",
    metadata,
    Column("election", String(32), ForeignKey("elections.id"), primary_key=True),
    Column("voter", String(128), ForeignKey("members.id"), primary_key=True),
    Column("choice", Text, nullable=False),  # JSON list of member ids, in order
    Column("seq", Seq, nullable=False),
)

# The paper ballots tellers imported, as counted rows in the order of the import; one
# import per election, so the primary key holds it as well as the domain.
paper_ballots = Table(
    "paper_ballots",
    metadata,
    Column("election", String(32), ForeignKey("elections.id"), primary_key=True),
    Column("position", Integer, primary_key=True, autoincrement=False),
    Column("count", Integer, nullable=False),
    Column("choice", Text, nullable=False),  # JSON list of member ids, in order; [] blank
    Column("seq", Seq, nullable=False),  # the seq of the `ballots.imported` event
)

mandates = Table(
    "mandates",
    metadata,
    Column("id", String(32), primary_key=True),
    Column("number", Integer, nullable=False, unique=True),
    Column("office", String(128), ForeignKey("offices.id"), nullable=False),
    Column("holder", String(128), ForeignKey("members.id"), nullable=False),
    Column("seat", Integer, nullable=False),
    Column("status", String(16), nullable=False),
    Column("election", String(32), nullable=True),
    Column("since", String(32), nullable=False),
    Column("until", String(32), nullable=True),
    Column("ended_at", String(32), nullable=True),
    Column("cause", Seq, nullable=True),  # seq of the event that ended it
)
# the active mandates of an office, of a holder, and all of them (the audit)
Index("ix_mandates_office_status", mandates.c.office, mandates.c.status)
Index("ix_mandates_holder_status", mandates.c.holder, mandates.c.status)
Index("ix_mandates_status", mandates.c.status)

petitions = Table(
    "petitions",
    metadata,
    Column("id", String(32), primary_key=True),
    Column("number", Integer, nullable=False, unique=True),
    Column("mandate", String(32), ForeignKey("mandates.id"), nullable=False),
    # the member who opened it, who signed first; NULL for one the system opened (a breach)
    Column("opener", String(128), ForeignKey("members.id"), nullable=True),
    Column("reason", Text, nullable=False),
    Column("status", String(16), nullable=False),  # open | voting | recalled | failed
    Column("opened_at", String(32), nullable=False),
    Column("vote_opened_at", String(32), nullable=True),
    Column("voting_ends", String(32), nullable=True),
    Column("closed_at", String(32), nullable=True),
    Column("result", Text, nullable=True),  # JSON of the recall vote's count
    Column("expires", String(32), nullable=True),
)
Index("ix_petitions_mandate_status", petitions.c.mandate, petitions.c.status)  # live ones
Index("ix_petitions_status_expires", petitions.c.status, petitions.c.expires)
Index("ix_petitions_status_voting_ends", petitions.c.status, petitions.c.voting_ends)

signatures = Table(
    "signatures",
    metadata,
    Column("petition", String(32), ForeignKey("petitions.id"), primary_key=True),
    Column("member", String(128), ForeignKey("members.id"), primary_key=True),
    Column("seq", Seq, nullable=False),
)

recall_rolls = Table(
    "recall_rolls",
    metadata,
    Column("petition", String(32), ForeignKey("petitions.id"), primary_key=True),
    Column("member", String(128), ForeignKey("members.id"), primary_key=True),
)

recall_ballots = Table(
    "recall_ballots",
    metadata,
    Column("petition", String(32), ForeignKey("petitions.id"), primary_key=True),
    Column("voter", String(128), ForeignKey("members.id"), primary_key=True),
    Column("vote", String(8), nullable=False),  # yes | no | abstain
    Column("seq", Seq, nullable=False),
)

motions = Table(
    "motions",
    metadata,
    Column("id", String(32), primary_key=True),
    Column("number", Integer, nullable=False, unique=True),
    Column("body", String(128), ForeignKey("bodies.id"), nullable=False),
    Column("kind", String(16), nullable=False),  # ordinary | amendment | instruction
    Column("title", Text, nullable=False),
    Column("text", Text, nullable=False),
    Column("text_sha256", String(64), nullable=False),
    Column("proposer", String(128), ForeignKey("members.id"), nullable=False),
    Column("seconder", String(128), nullable=True),
    # proposed | seconded | voting | adopted | rejected | moot
    Column("status", String(16), nullable=False),
    Column("referred", Boolean, nullable=False),
    Column("instructs", String(32), nullable=True),  # an instruction's council motion
    Column("instruction", String(8), nullable=True),
    Column("charter", Text, nullable=True),  # an amendment's fragment of the charter
    Column("proposed_at", String(32), nullable=False),
    Column("voting_ends", String(32), nullable=True),
    Column("closed_at", String(32), nullable=True),
    Column("result", Text, nullable=True),  # JSON of the roll-call count
    Column("decision", Integer, nullable=True),  # its number among the body's decisions
)
Index("ix_motions_body", motions.c.body, motions.c.decision)

motion_rolls = Table(
    "motion_rolls",
    metadata,
    Column("motion", String(32), ForeignKey("motions.id"), primary_key=True),
    Column("member", String(128), ForeignKey("members.id"), primary_key=True),
)

motion_votes = Table(
    "motion_votes",
    metadata,
    Column("motion", String(32), ForeignKey("motions.id"), primary_key=True),
    Column("voter", String(128), ForeignKey("members.id"), primary_key=True),
    Column("vote", String(8), nullable=False),  # yes | no | abstain
    Column("seq", Seq, nullable=False),
)

# The instruction each body adopted on a council's motion referred down (its latest).
instructions = Table(
    "instructions",
    metadata,
    Column("motion", String(32), ForeignKey("motions.id"), primary_key=True),
    Column("body", String(128), ForeignKey("bodies.id"), primary_key=True),
    Column("instruction", String(8), nullable=False),  # yes | no | abstain | free
    Column("decision_seq", Seq, nullable=False),
)

# Each deputy who voted against their instruction on a council's motion.
breaches = Table(
    "breaches",
    metadata,
    Column("motion", String(32), ForeignKey("motions.id"), primary_key=True),
    Column("member", String(128), ForeignKey("members.id"), primary_key=True),
    Column("mandate", String(32), ForeignKey("mandates.id"), nullable=False),
    Column("body", String(128), nullable=False),
    Column("instruction", String(8), nullable=False),
    Column("vote", String(8), nullable=True),
    Column("on_breach", String(16), nullable=False),
    Column("seq", Seq, nullable=False),
)

# The key each member signs with now (the log holds every key they held).
member_keys = Table(
    "member_keys",
    metadata,
    Column("member", String(128), ForeignKey("members.id"), primary_key=True),
    Column("key", String(16), nullable=False),
    Column("public_key", String(64), nullable=False),
    Column("seq", Seq, nullable=False),
)

# Each member's enrollment code not yet used: its hash only, never the code.
enrollment_codes = Table(
    "enrollment_codes",
    metadata,
    Column("member", String(128), ForeignKey("members.id"), primary_key=True),
    Column("hash", String(64), nullable=False),
    Column("expires", String(32), nullable=False),
    Column("seq", Seq, nullable=False),
)

# Every nonce each member has signed an act with, and the seq of that act: the primary
# key refuses a statement recorded twice, even by two writers at once.
nonces = Table(
    "nonces",
    metadata,
    Column("member", String(128), primary_key=True),
    Column("nonce", String(64), primary_key=True),
    Column("seq", Seq, nullable=False),
)

# The events of each key ceremony and each secret vote, by subject ("ceremony:SEQ",
# "trustees:OFFICE", "vote:ID": `soviet.domain.secret_rows`), each with its data.
secret_rows = Table(
    "secret_rows",
    metadata,
    Column("subject", String(160), primary_key=True),
    Column("seq", Seq, primary_key=True, autoincrement=False),
    Column("at", String(32), nullable=False),
    Column("actor", String(128), nullable=True),
    Column("type", String(64), nullable=False),
    Column("data", Text, nullable=False),  # the event's data, canonical JSON
)

#: The projection tables, in an order that respects their foreign keys.
PROJECTIONS: tuple[Table, ...] = (
    organization,
    bodies,
    offices,
    members,
    memberships,
    elections,
    candidates,
    rolls,
    ballots,
    paper_ballots,
    mandates,
    petitions,
    signatures,
    recall_rolls,
    recall_ballots,
    motions,
    motion_rolls,
    motion_votes,
    instructions,
    breaches,
    member_keys,
    enrollment_codes,
    nonces,
    secret_rows,
)
