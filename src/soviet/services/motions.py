"""Acts of motions: propose, second, refer down, start, vote and close — each decided by
the rules and recorded with its consequences (`soviet.services.deciding`)."""

from __future__ import annotations

from soviet.domain import commands as cmd
from soviet.domain.events import Recorded
from soviet.services.deciding import act
from soviet.services.ports import Workspace


def propose(
    ws: Workspace,
    body: str,
    title: str,
    text: str,
    actor: str,
    kind: str = "ordinary",
    instructs: str | None = None,
    instruction: str | None = None,
    charter: str | None = None,
) -> Recorded:
    """`soviet motion propose BODY --title T --text FILE --as MEMBER`; an amendment with
    `--charter FRAGMENT.toml`."""
    command = cmd.ProposeMotion(actor, body, title, text, kind, instructs, instruction, charter)
    return act(ws, command)


def second(ws: Workspace, motion: str, actor: str) -> Recorded:
    """`soviet motion second MOTION --as MEMBER`."""
    return act(ws, cmd.SecondMotion(actor, motion))


def refer(ws: Workspace, motion: str, actor: str) -> Recorded:
    """`soviet motion refer MOTION --as DEPUTY`: the bodies below may instruct."""
    return act(ws, cmd.ReferMotion(actor, motion))


def start(ws: Workspace, motion: str, actor: str) -> Recorded:
    """`soviet motion start MOTION --as MEMBER`: the roll is frozen."""
    return act(ws, cmd.StartMotion(actor, motion))


def vote(ws: Workspace, motion: str, choice: str, voter: str) -> Recorded:
    """`soviet motion vote MOTION yes|no|abstain --as MEMBER`."""
    return act(ws, cmd.CastMotionVote(voter, motion, choice))


def close(ws: Workspace, motion: str, actor: str) -> Recorded:
    """`soviet motion close MOTION --as MEMBER`: count the roll call; an adopted motion is
    the body's next decision, and breaches of instructions take effect."""
    return act(ws, cmd.CloseMotion(actor, motion))
