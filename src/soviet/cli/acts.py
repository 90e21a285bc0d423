"""Commands that act: init, member, election, vote, recall, audit."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, TypeVar

import typer

from soviet import codes_file
from soviet.bootstrap import Settings, Soviet
from soviet.cli import app
from soviet.cli._options import As, Db, Json, Key, given_key
from soviet.cli._output import after_commit, tell
from soviet.cli._records import print_closed
from soviet.cli.render import console, plain, print_events, print_json, print_json_lines
from soviet.codes_file import Code, CodesFile
from soviet.domain import enrollment
from soviet.domain.audit import Finding
from soviet.domain.charter import parse_charter
from soviet.domain.events import Recorded
from soviet.domain.model import Charter
from soviet.errors import BallotFileError, CharterError, InputError
from soviet.keyring import KeyFolder
from soviet.services import elections, members, recall
from soviet.storage import database, views
from soviet.storage.workspace import SqlWorkspace

T = TypeVar("T")

member_app = typer.Typer(help="Admit members to assemblies; join and leave them.")
election_app = typer.Typer(
    help="Open, nominate, accept, withdraw, start, extend and close elections; paper ballots."
)
recall_app = typer.Typer(help="Petition to recall a mandate, vote on it, close the vote.")
app.add_typer(member_app, name="member")
app.add_typer(election_app, name="election")
app.add_typer(recall_app, name="recall")
mandate_app = typer.Typer(help="Resign a mandate you hold.")
app.add_typer(mandate_app, name="mandate")


def signer() -> KeyFolder:
    """The member's side: their key folder ($SOVIET_KEYS), or the key file of --key."""
    given = given_key()
    return KeyFolder(file=Path(given) if given else None)


def act(db: str | None, as_json: bool, handler: Callable[[SqlWorkspace], T]) -> T:
    """Run one handler in one unit of work, each act signed by its actor's key from their
    key folder (or --key), and print what it recorded."""
    with Soviet(Settings.from_env(db), signer=signer()) as soviet:
        with soviet.unit_of_work() as ws:
            value = handler(ws)
            recorded = list(ws.recorded)
        with after_commit(recorded):
            print_events(recorded, as_json)
        return value


def read_charter(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise CharterError(str(path), None, "charter", f"cannot read the file: {error}") from None


@app.command()
def init(
    charter: Annotated[Path, typer.Option("--charter", help="The TOML charter to adopt.")],
    db: Db = None,
    codes: Annotated[
        Path | None,
        typer.Option(
            "--codes",
            help="Where to write the members' enrollment codes (default: beside the "
            "database, soviet.db → soviet.codes.csv).",
            show_default=False,
        ),
    ] = None,
    as_json: Json = False,
) -> None:
    """Found an organization: adopt a charter into a new, empty log.

    Every charter member gets a one-time enrollment code, written to a new file (mode
    0600) with the columns member,name,code,expires, for whoever founds to hand over:
    each member then registers their own key with `soviet key enroll CODE`.

    Example: soviet init --charter examples/federation.toml
    """
    text = read_charter(charter)

    def read(relative: str) -> str:
        return read_charter(charter.parent / relative)

    adopted = parse_charter(text, str(charter), read)
    settings = Settings.from_env(db)
    with Soviet(settings, create=True, codes_path=codes) as soviet:
        count = soviet.found(adopted)
        with after_commit(range(1, count + 1)):
            _founded(adopted, settings, soviet, count, as_json)


def _founded(
    adopted: Charter, settings: Settings, soviet: Soviet, count: int, as_json: bool
) -> None:
    if as_json:  # the events as the log holds them, read back one batch at a time
        with soviet.reading(primary=True) as reads:
            print_json_lines(e.to_json() for e in reads.events(1, count + 1))
        return
    console.print(
        f"Founded [bold]{plain(adopted.name)}[/bold] in {plain(database.shown(settings.db_url))}: "
        f"{len(adopted.bodies)} bodies, {len(adopted.offices)} offices, "
        f"{len(adopted.members):,} members "
        f"({count:,} events). Next: `soviet audit --schedule` opens the first elections."
    )
    console.print(
        f"The log's signing key is in [bold]{plain(soviet.keys.path)}[/bold] (keep it private: it "
        "signs the checkpoints); its verifier key, for anyone, is in "
        f"{plain(soviet.keys.public_path)} and in the log's first event."
    )
    expires = soviet.founding_expires
    console.print(
        f"Each member's enrollment code is in [bold]{plain(soviet.codes_path())}[/bold] "
        f"(readable by you alone; good once, until {expires}): hand each member theirs, "
        "to register their own key with `soviet key enroll CODE`. Every act is signed by "
        "its actor's key."
    )


# -- members -----------------------------------------------------------------------------


@member_app.command("add")
def member_add(
    member: Annotated[str, typer.Argument(help="The new member's id.")],
    body: Annotated[list[str], typer.Option("--body", help="An assembly to join (repeat).")],
    actor: As,
    name: Annotated[str, typer.Option("--name", help="Full name.")] = "",
    codes: Annotated[
        Path | None,
        typer.Option(
            "--codes",
            help="Write the new member's enrollment code to this new file (else it is printed).",
            show_default=False,
        ),
    ] = None,
    db: Db = None,
    key: Key = None,
    as_json: Json = False,
) -> None:
    """Admit a member to one or more assemblies (needs the power to admit).

    The new member gets a one-time enrollment code, printed (or written to --codes FILE)
    for you to hand over; the log holds only its hash.

    Example: soviet member add kim --name "Kim Lee" --body bakery --as ivanova
    """
    target = CodesFile(codes) if codes is not None else None
    if target is not None:
        target.check()
    code = codes_file.draw()
    hashed = enrollment.code_hash(code)
    admitted = act(db, as_json, lambda ws: members.add(ws, member, name, body, actor, code=hashed))
    expires = str(admitted.data.get("code_expires") or "")
    if not admitted.data.get("code"):  # a log whose acts are not signed: no code
        return
    given = Code(member, str(admitted.data["name"]), code, expires)
    if target is not None:
        target.write([given])
        target.install()
        tell(f"{member}'s enrollment code is in {target.path} (good once, until {expires})")
    else:
        with after_commit([admitted]):
            say = tell if as_json else console.print
            say(
                f"Enrollment code for {member}: {code} (good once, until {expires}). Hand it "
                "over: it is shown only now, and the log holds only its hash."
            )


@member_app.command("join")
def member_join(
    member: str,
    body: Annotated[str, typer.Option("--body", help="The assembly to join.")],
    actor: As,
    db: Db = None,
    key: Key = None,
    as_json: Json = False,
) -> None:
    """Add an existing member to another assembly (needs the power to admit).

    Example: soviet member join kim --body post-office --as ivanova
    """
    act(db, as_json, lambda ws: members.join(ws, member, body, actor))


@member_app.command("leave")
def member_leave(
    member: str,
    body: Annotated[str, typer.Option("--body", help="The assembly to leave.")],
    actor: As,
    db: Db = None,
    key: Key = None,
    as_json: Json = False,
) -> None:
    """Take a member out of an assembly; mandates that needed it lapse.

    Example: soviet member leave kim --body post-office --as kim
    """
    act(db, as_json, lambda ws: members.leave(ws, member, body, actor))


# -- elections ---------------------------------------------------------------------------


@election_app.command("open")
def election_open(
    office: str, actor: As, db: Db = None, key: Key = None, as_json: Json = False
) -> None:
    """Open an election for an office's open seats (any elector).

    Example: soviet election open bakery.deputy --as novak
    """
    act(db, as_json, lambda ws: elections.open_election(ws, office, actor))


@election_app.command("nominate")
def election_nominate(
    election: str, candidate: str, actor: As, db: Db = None, key: Key = None, as_json: Json = False
) -> None:
    """Nominate an eligible candidate (any elector; yourself included).

    Example: soviet election nominate E2 novak --as garcia
    """
    act(db, as_json, lambda ws: elections.nominate(ws, election, candidate, actor))


@election_app.command("accept")
def election_accept(
    election: str, actor: As, db: Db = None, key: Key = None, as_json: Json = False
) -> None:
    """Accept your nomination by someone else: until you do, you are not a candidate.

    Example: soviet election accept E2 --as novak
    """
    act(db, as_json, lambda ws: elections.accept(ws, election, actor))


@election_app.command("withdraw")
def election_withdraw(
    election: str, actor: As, db: Db = None, key: Key = None, as_json: Json = False
) -> None:
    """Withdraw your candidacy (or decline a nomination) until the vote starts.

    Example: soviet election withdraw E2 --as novak
    """
    act(db, as_json, lambda ws: elections.withdraw(ws, election, actor))


@election_app.command("extend")
def election_extend(
    election: str,
    actor: As,
    days: Annotated[int, typer.Option("--days", help="Days to add, up to the vote's length.")],
    db: Db = None,
    key: Key = None,
    as_json: Json = False,
) -> None:
    """Extend a vote short of its quorum, once.

    Any elector on its roll may, if the charter allows it, by up to the vote's length.

    Example: soviet election extend E2 --days 3 --as chen
    """
    act(db, as_json, lambda ws: elections.extend(ws, election, days, actor))


@election_app.command("start")
def election_start(
    election: str, actor: As, db: Db = None, key: Key = None, as_json: Json = False
) -> None:
    """Start the vote: the roll is frozen now.

    Example: soviet election start E2 --as novak
    """
    act(db, as_json, lambda ws: elections.start(ws, election, actor))


@election_app.command("close")
def election_close(
    election: str, actor: As, db: Db = None, key: Key = None, as_json: Json = False
) -> None:
    """Close the vote, count it and grant the mandates (early only once all have voted).

    Example: soviet election close E2 --as chen
    """
    closed = act(db, as_json, lambda ws: elections.close(ws, election, actor))
    if not as_json:  # the count, round by round, as `soviet show election` prints it
        with after_commit([closed]):
            print_closed(closed.data)


@election_app.command("import-paper")
def election_import_paper(
    election: str,
    file: Annotated[Path, typer.Argument(help="The counted paper ballots: a .csv or a .blt.")],
    tellers: Annotated[
        list[str],
        typer.Option(
            "--as", help="A teller (repeat: two or more); the first acts.", metavar="TELLER"
        ),
    ],
    paper_voters: Annotated[
        int,
        typer.Option("--paper-voters", help="How many electors on the roll voted on paper."),
    ],
    db: Db = None,
    key: Key = None,
    as_json: Json = False,
) -> None:
    """Enter the paper ballots of a vote held in a hall, counted by two or more tellers.

    The tellers are electors on the roll; one ballot per paper voter, naming only the
    election's candidates (in a BLT, by their member ids). Once per election; the close
    counts them with the online ballots.

    Example: soviet election import-paper E2 hall.csv --paper-voters 12 --as chen --as silva
    """
    source, choices = _paper_ballots(file)
    act(
        db,
        as_json,
        lambda ws: elections.import_paper(ws, election, tellers, choices, paper_voters, source),
    )


def _paper_ballots(file: Path) -> tuple[str, list[tuple[int, tuple[str, ...]]]]:
    """The SHA-256 of a ballot file and its counted choices."""
    from soviet import ballots as ballot_files  # numpy: only for a file of paper ballots

    kind = ballot_files.format_of(file)
    try:
        data = file.read_bytes()
    except OSError as error:
        raise BallotFileError(str(file), None, f"cannot read: {error.strerror}") from None
    read = ballot_files.read_blt if kind == "blt" else ballot_files.read_cvr
    return hashlib.sha256(data).hexdigest(), read(data, str(file)).counted_choices()


@app.command()
def vote(
    election: str,
    actor: As,
    choice: Annotated[
        list[str] | None, typer.Argument(help="Candidates, in order of preference.")
    ] = None,
    blank: Annotated[bool, typer.Option("--blank", help="A blank ballot: nobody.")] = False,
    abstain: Annotated[
        bool, typer.Option("--abstain", help="Abstain (counts in turnout).")
    ] = False,
    ballot_file: Annotated[
        Path | None,
        typer.Option(
            "--ballot-file",
            help="A secret election: cast this Belenios ballot (JSON), made elsewhere "
            "(belenios-tool election generate-ballot), instead of encrypting one here.",
            show_default=False,
        ),
    ] = None,
    db: Db = None,
    key: Key = None,
    as_json: Json = False,
) -> None:
    """Cast a ballot (a ranking, a set or one choice), a blank ballot, or an abstention.

    The ballot follows the office's method. Voting again changes your vote: the latest
    ballot counts. In a secret election the ballot is encrypted here, with its proofs,
    before it is signed and sent: the log shows that you voted, not how; keep the
    tracker it prints to check your ballot later (soviet tracker ELECTION TRACKER).

    Example: soviet vote E2 novak garcia --as chen
    """
    names = list(choice or [])
    if blank and abstain:
        raise InputError("vote: give --blank or --abstain, not both")
    if (blank or abstain) and names:
        raise InputError("vote: a blank ballot or an abstention names no candidate")
    sealed = None
    if ballot_file is not None:
        if names or blank or abstain:
            raise InputError("vote: --ballot-file is the whole ballot; name no candidate")
        sealed = read_text_file(ballot_file, "--ballot-file").strip()
    elif not (blank or abstain or names):
        raise InputError("vote: name at least one candidate, or cast --blank, or --abstain")
    trackers: list[str] = []
    from soviet.services import secrecy as secret

    def cast(ws: SqlWorkspace) -> Recorded:
        if secret.sealed_vote(ws, election) is None:
            if sealed is not None:
                raise InputError(
                    f"vote: election {election} is not secret: --ballot-file is "
                    "for secret elections"
                )
            return elections.vote(ws, election, names, actor, abstain=abstain)
        if abstain:
            raise InputError(
                f"vote: election {election} is secret: cast a ballot or a --blank one "
                "(to abstain, do not vote)"
            )
        done = secret.vote(ws, election, names, actor, blank=blank, ballot=sealed)
        trackers.append(done.tracker)
        return done.recorded

    act(db, as_json, cast)
    for tracker in trackers:
        _tell_tracker(election, tracker)


def _tell_tracker(vote: str, tracker: str) -> None:
    tell(
        f"Your ballot's tracker is {tracker}: check at any time that it is in the log "
        f"and counted with `soviet tracker {vote} {tracker}`."
    )


def read_text_file(path: Path, option: str) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise InputError(f"{option} {path}: cannot read the file: {error}") from None


@mandate_app.command("resign")
def mandate_resign(
    mandate: str,
    actor: As,
    reason: Annotated[str, typer.Option("--reason", help="Why, for the record.")] = "",
    db: Db = None,
    key: Key = None,
    as_json: Json = False,
) -> None:
    """Resign your mandate (its id, or OFFICE:HOLDER).

    The seat goes to a by-election at once, and the seats that depended on it are lost
    as for any lost seat.

    Example: soviet mandate resign M3 --as novak
    """
    act(
        db,
        as_json,
        lambda ws: recall.resign(ws, views.mandate_id(ws.conn, mandate), actor, reason),
    )


# -- recall ------------------------------------------------------------------------------


@recall_app.command("open")
def recall_open(
    mandate: Annotated[
        str, typer.Argument(help="The mandate: its id (M7) or OFFICE:HOLDER (bakery.deputy:novak).")
    ],
    actor: As,
    reason: Annotated[str, typer.Option("--reason", help="Why the holder should go.")],
    db: Db = None,
    key: Key = None,
    as_json: Json = False,
) -> None:
    """Open a petition to recall a mandate (any elector of its office; you sign first).

    Example: soviet recall open M1 --reason "voted against the strike" --as murphy
    """
    act(
        db,
        as_json,
        lambda ws: recall.open_petition(ws, views.mandate_id(ws.conn, mandate), reason, actor),
    )


@recall_app.command("sign")
def recall_sign(
    petition: str, actor: As, db: Db = None, key: Key = None, as_json: Json = False
) -> None:
    """Sign a recall petition.

    Example: soviet recall sign P1 --as garcia
    """
    act(db, as_json, lambda ws: recall.sign(ws, petition, actor))


@recall_app.command("vote")
def recall_vote(
    petition: str,
    choice: Annotated[str, typer.Argument(help="yes, no or abstain", metavar="yes|no|abstain")],
    actor: As,
    db: Db = None,
    key: Key = None,
    as_json: Json = False,
) -> None:
    """Vote in a recall vote.

    A secret recall vote's ballot is encrypted here, with its proofs, before it is signed
    and sent (an abstention is a blank ballot); keep the tracker it prints.

    Example: soviet recall vote P1 yes --as silva
    """
    yes_no_vote(db, as_json, petition, choice, actor, recall.vote)


def yes_no_vote(
    db: str | None,
    as_json: bool,
    vote: str,
    choice: str,
    actor: str,
    in_the_open: Callable[[SqlWorkspace, str, str, str], Recorded],
) -> None:
    """A yes/no vote (a recall vote, a motion's): encrypted here, and its tracker told,
    when the vote is secret; else `in_the_open`, the open vote's service."""
    from soviet.services import secrecy as secret

    trackers: list[str] = []

    def cast(ws: SqlWorkspace) -> Recorded:
        if secret.sealed_vote(ws, vote) is None:
            return in_the_open(ws, vote, choice, actor)
        done = secret.yes_no_vote(ws, vote, choice, actor)
        trackers.append(done.tracker)
        return done.recorded

    act(db, as_json, cast)
    for tracker in trackers:
        _tell_tracker(vote, tracker)


@recall_app.command("close")
def recall_close(
    petition: str, actor: As, db: Db = None, key: Key = None, as_json: Json = False
) -> None:
    """Close a recall vote (early only once all on its roll have voted).

    Example: soviet recall close P1 --as murphy
    """
    act(db, as_json, lambda ws: recall.close(ws, petition, actor))


# -- the purge ---------------------------------------------------------------------------


@app.command()
def audit(
    schedule: Annotated[
        bool, typer.Option("--schedule", help="Open an election for every office needing one.")
    ] = False,
    db: Db = None,
    as_json: Json = False,
) -> None:
    """The purge: every office not held by a live elected mandate. Exit 1 if any.

    Example: soviet audit --schedule
    """
    from soviet.services import audit as audit_service

    recorded: list[Recorded] = []
    with Soviet(Settings.from_env(db)) as soviet:
        if schedule:
            with soviet.unit_of_work() as ws:
                audit_service.schedule(ws)
                found = audit_service.findings(ws)
                recorded = list(ws.recorded)
        else:  # a read: it never waits for a writer
            with soviet.reading() as reads:
                found = audit_service.findings(reads.projections())
    with after_commit(recorded):
        _print_audit(found, recorded, as_json)
    if found:
        raise typer.Exit(1)


def _print_audit(found: list[Finding], recorded: list[Recorded], as_json: bool) -> None:
    if as_json:
        print_json([f.to_json() for f in found])
    else:
        if recorded:
            print_events(recorded, False)
        if not found:
            console.print("[green]Clean:[/green] every office is held by a live elected mandate.")
        for f in found:
            console.print(
                f"[bold]{f.kind:<11}[/bold] {f.office or '(organization)'}: {plain(f.detail)}"
            )
