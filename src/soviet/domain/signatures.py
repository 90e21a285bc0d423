"""Checking a signed act before the rules decide it: the one gate every member's act
passes, when it is taken and again when `soviet verify` re-derives the log.

`check(state, signed, now)` reads the statement (`soviet.domain.statements`) and refuses
it — `SignatureRefused`, naming the check that failed — unless:

- `origin`: it names this organization's origin;
- `expired`: `now` is not past its `not_after`;
- `nonce`: its actor never signed another act with its nonce (a statement sent twice is
  refused the second time, naming the seq of the first);
- `key`: it is signed with the key the actor holds at this point of the log — or, for
  an enrollment, with the key it registers;
- `signature`: the signature verifies under that key;
- `format`: its data is the arguments of its act.

It returns the statement's command, which the decider then decides.
"""

from __future__ import annotations

from soviet.domain import commands as cmd
from soviet.domain import statements
from soviet.domain.state import State
from soviet.domain.statements import Signed, StatementError
from soviet.errors import Refused

#: The checks, in the order they are made.
CHECKS = ("origin", "expired", "nonce", "format", "key", "signature")


class SignatureRefused(Refused):
    """A signed statement refused before the rules see it; `check` names which check."""

    def __init__(self, check: str, message: str) -> None:
        super().__init__(message)
        self.check = check


def check(state: State, signed: Signed, now: str) -> cmd.Command:
    """The command of a signed statement that passes every check; SignatureRefused
    naming the first that fails."""
    statement = signed.statement
    actor = statement.actor
    origin = state.origin()
    if statement.origin != origin:
        raise SignatureRefused(
            "origin",
            f"the statement is for {statement.origin!r}, not this organization ({origin!r})",
        )
    if now > statement.not_after:
        raise SignatureRefused(
            "expired", f"the statement expired at {statement.not_after} (it is now {now})"
        )
    earlier = state.nonce_seq(actor, statement.nonce)
    if earlier is not None:
        raise SignatureRefused(
            "nonce",
            f"{actor!r} signed a statement with nonce {statement.nonce} already: it was "
            f"recorded at seq {earlier}, and a statement is recorded once",
        )
    try:
        command = statements.command_of_statement(statement)
    except StatementError as error:
        raise SignatureRefused("format", str(error)) from None
    if isinstance(command, cmd.EnrollKey):
        if not statements.is_public_key(command.public_key):
            raise SignatureRefused("format", "key.enroll: public_key is not an Ed25519 key")
        public_key, held = command.public_key, statements.key_id(command.public_key)
        whose = "the key it enrolls"
    else:
        key = state.key_of(actor)
        if key is None:
            if actor not in state.member_ids():
                raise SignatureRefused("key", f"{actor!r} is not a member")
            raise SignatureRefused(
                "key",
                f"{actor!r} holds no key: enroll one with `soviet key enroll CODE`, using the "
                "code your admission issued",
            )
        public_key, held = key.public_key, key.key
        whose = f"the key in force of {actor!r} (registered at seq {key.seq})"
    if signed.key != held:
        raise SignatureRefused(
            "key", f"the statement is signed with key {signed.key}, not {whose}, {held}"
        )
    if not statements.signature_verifies(signed, public_key):
        raise SignatureRefused(
            "signature", f"the signature does not verify under key {held} ({actor!r})"
        )
    return command
