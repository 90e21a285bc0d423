"""Members' keys: `key enroll|show|rotate`, `member codes`, `member reset-key`."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from soviet import codes_file
from soviet.bootstrap import Settings, Soviet
from soviet.cli import app
from soviet.cli._options import As, Db, Json, Key
from soviet.cli._output import after_commit, tell
from soviet.cli.acts import act, member_app, signer
from soviet.cli.render import console, plain, print_events, print_json
from soviet.codes_file import Code, CodesFile
from soviet.domain import enrollment, statements
from soviet.errors import InputError, NotFound
from soviet.services import keys as key_service
from soviet.storage import member_keys, views

key_app = typer.Typer(help="Your own key: enroll it with your code, show it, rotate it.")
app.add_typer(key_app, name="key")

CodesOption = Annotated[
    Path | None,
    typer.Option(
        "--codes",
        help="Enroll every member of a codes file (member,name,code,expires) into the key "
        "folder: for a rehearsal, or one person keeping every key.",
        show_default=False,
    ),
]


@key_app.command("enroll")
def key_enroll(
    code: Annotated[
        str | None, typer.Argument(help="Your enrollment code (XXXX-XXXX-XXXX-XXXX).")
    ] = None,
    codes: CodesOption = None,
    db: Db = None,
    key: Key = None,
    as_json: Json = False,
) -> None:
    """Register your own key with your enrollment code.

    The key pair is made here; its private half goes to your key folder ($SOVIET_KEYS,
    else ~/.config/soviet/keys; or --key FILE), readable by you alone, and never to the
    database. The registration is signed by the new key and logged with the code's proof,
    never the code.

    Example: soviet key enroll 7K2M-Q9XD-4HTR-WB3E
    """
    if code is not None and codes is not None:
        raise InputError("key enroll: give your CODE, or --codes FILE, not both")
    if code is None and codes is None:
        raise InputError(
            "key enroll: give your CODE (XXXX-XXXX-XXXX-XXXX, as your admission issued it), "
            "or --codes FILE"
        )
    folder = signer()
    with Soviet(Settings.from_env(db)) as soviet:
        with soviet.snapshot() as conn:
            if codes is not None:
                given = codes_file.read_codes(codes)
                if key is not None and len(given) != 1:
                    raise InputError("key enroll: --key FILE holds one key; --codes names many")
            else:
                assert code is not None
                member = member_keys.member_of_code(conn, enrollment.code_hash(code))
                if member is None:
                    raise InputError(
                        "key enroll: this code is no member's outstanding enrollment code: "
                        "it was used, replaced by a newer one, or mistyped; ask an officer "
                        "with the power to admit for a new one"
                    )
                given = [Code(member, "", code, "")]
        for one in given:
            enrollment.normalized(one.code)  # a malformed code is named before anything
        recorded = soviet.enroll(given, folder)
    with after_commit(recorded):
        if as_json:
            print_events(recorded, True)
            return
        registered = [e for e in recorded if e.type == "member.key_registered"]
        if len(registered) > 1:  # a whole codes file: one line, not one per member
            console.print(
                f"Enrolled [bold]{len(registered)}[/bold] members from {plain(str(codes))}: "
                f"their keys registered at seqs {registered[0].seq}–{registered[-1].seq}; "
                f"the private halves are in {plain(folder.path_of('-').parent)} (yours "
                "alone). Act with --as MEMBER."
            )
            return
        for event in registered:
            member = str(event.data["member"])
            console.print(
                f"Enrolled [bold]{plain(member)}[/bold]: key {event.data['key']} registered "
                f"at seq {event.seq}; its private half is in "
                f"{plain(folder.file or folder.path_of(member))} (yours alone). "
                f"Act with --as {plain(member)}."
            )


@key_app.command("show")
def key_show(actor: As, db: Db = None, key: Key = None, as_json: Json = False) -> None:
    """Show the key the log holds for you, and whether your key folder holds its private half.

    Example: soviet key show --as novak
    """
    folder = signer()
    with Soviet(Settings.from_env(db)) as soviet, soviet.snapshot() as conn:
        if not views.members(conn, actor):
            raise NotFound("member", actor)
        held = member_keys.key(conn, actor)
        outstanding = member_keys.code(conn, actor)
        origin = member_keys.origin(conn)
    folder.origin = origin
    path = folder.file or folder.path_of(actor)
    local: str | None = None
    if path.exists():
        private = folder.key_of(actor)
        local = statements.key_id(statements.public_key_text(private))
    value = {
        "member": actor,
        "key": None if held is None else held["key"],
        "registered": None if held is None else held["seq"],
        "public_key": None if held is None else held["public_key"],
        "file": str(path),
        "file_key": local,
        "code_expires": None if outstanding is None else outstanding["expires"],
    }
    if as_json:
        print_json(value)
        return
    if held is None:
        console.print(f"{plain(actor)} holds no key.", end=" ")
        if outstanding is not None:
            console.print(
                f"An enrollment code is outstanding until {outstanding['expires']}: "
                "enroll with `soviet key enroll CODE`."
            )
        else:
            console.print("Ask an officer with the power to admit for a code.")
        return
    console.print(f"{plain(actor)} signs with key {held['key']} (registered at seq {held['seq']}).")
    if local == held["key"]:
        console.print(f"Its private half is in {plain(path)}.")
    elif local is None:
        console.print(f"No private key for it in {plain(path)}: it is elsewhere, or lost.")
    else:
        console.print(f"{plain(path)} holds another key ({local}): not the one in force.")


@key_app.command("rotate")
def key_rotate(actor: As, db: Db = None, key: Key = None, as_json: Json = False) -> None:
    """Replace your key with a new one, signed by the key it replaces.

    Example: soviet key rotate --as novak
    """
    new = Ed25519PrivateKey.generate()
    public = statements.public_key_text(new)
    folder = signer()
    with Soviet(Settings.from_env(db), signer=folder) as soviet:
        with soviet.snapshot() as conn:
            folder.origin = member_keys.origin(conn)
        folder.key_of(actor)  # the old key, before anything is written
        with folder.writing(actor, new) as path, soviet.unit_of_work() as ws:
            key_service.rotate(ws, actor, public)
            recorded = list(ws.recorded)
    with after_commit(recorded):
        if as_json:
            print_events(recorded, True)
        else:
            rotated = recorded[-1]
            console.print(
                f"{plain(actor)} now signs with key {rotated.data['key']} (registered at seq "
                f"{rotated.seq}, in place of {rotated.data['previous']}); it is in {plain(path)}."
            )


@member_app.command("codes")
def member_codes(
    actor: As,
    out: Annotated[Path, typer.Option("--out", help="The new CSV file to write the codes to.")],
    member: Annotated[
        list[str] | None,
        typer.Option("--member", help="Only this member (repeat); default: all without a key."),
    ] = None,
    db: Db = None,
    key: Key = None,
    as_json: Json = False,
) -> None:
    """Issue new enrollment codes to members who hold no key yet, for a mail merge.

    Each replaces the member's earlier code. Needs the power to admit over one of each
    member's bodies (the founders, until an office with it is elected).

    Example: soviet member codes --out codes.csv --as ivanova
    """
    target = CodesFile(out)
    target.check()
    with Soviet(Settings.from_env(db)) as soviet, soviet.snapshot() as conn:
        unenrolled = dict(member_keys.without_key(conn))
    names = member or sorted(unenrolled)
    drawn = [Code(m, unenrolled.get(m, m), codes_file.draw(), "") for m in names]
    issued = act(
        db,
        as_json,
        lambda ws: key_service.issue_codes(
            ws, [(c.member, enrollment.code_hash(c.code)) for c in drawn], actor
        ),
    )
    expires = {str(c["member"]): str(c["expires"]) for c in issued.data["codes"]}
    target.write([c._replace(expires=expires[c.member]) for c in drawn])
    target.install()
    tell(f"{len(drawn)} enrollment code{'s' if len(drawn) != 1 else ''} written to {out}")


@member_app.command("reset-key")
def member_reset_key(
    member: Annotated[str, typer.Argument(help="The member whose key is lost.")],
    reason: Annotated[str, typer.Option("--reason", help="Why, for the record.")],
    actor: As,
    out: Annotated[
        Path | None,
        typer.Option("--out", help="Write the new code to this new file (else it is printed)."),
    ] = None,
    db: Db = None,
    key: Key = None,
    as_json: Json = False,
) -> None:
    """Revoke a member's lost key and issue them a new enrollment code.

    Only an elected holder of an office with the power to admit over one of the member's
    bodies may (the founders, until one is elected); the reason goes into the log.

    Example: soviet member reset-key kim --reason "phone lost" --as ivanova
    """
    target = CodesFile(out) if out is not None else None
    if target is not None:
        target.check()
    code = codes_file.draw()
    reset = act(
        db,
        as_json,
        lambda ws: key_service.reset(ws, member, reason, enrollment.code_hash(code), actor),
    )
    expires = str(reset.data["code_expires"])
    if target is not None:
        target.write([Code(member, member, code, expires)])
        target.install()
        tell(f"{member}'s new enrollment code is in {out} (good once, until {expires})")
        return
    say = tell if as_json else console.print
    say(
        f"New enrollment code for {member}: {code} (good once, until {expires}). Hand it "
        "over: it is shown only now."
    )
