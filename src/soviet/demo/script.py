"""The demo, step by step: found, elect level by level (the first election shows the
procedure: a withdrawal, a vote extended short of its quorum, a changed vote, blank
ballots and abstentions), recall with cascade, a resignation, a motion referred down whose
breach of instructions ends in a recall (`soviet.demo.motions`), by-elect, purge.

Everything goes through the same services and log as the CLI; votes are synthetic
(reproducible from the seed) and the clock is advanced by the script, as SOVIET_NOW would.
"""

from __future__ import annotations

import hashlib
import random
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

from rich.console import Console
from rich.table import Table

from soviet import codes_file
from soviet.bootstrap import Settings, Soviet
from soviet.codes_file import Code
from soviet.demo import federation, folders, motions
from soviet.domain import catalogue as c
from soviet.domain import electorates
from soviet.domain import events as ev
from soviet.domain.charter import parse_charter
from soviet.domain.clock import format_instant
from soviet.domain.enrollment import code_hash
from soviet.domain.records import ElectionRecord
from soviet.keyring import KeyFolder
from soviet.services import audit, elections, keys, recall
from soviet.storage.workspace import SqlWorkspace

#: How far back the story starts: it spans about three weeks of simulated time and must
#: end before the real clock, so that `soviet audit` on its database afterwards agrees.
STORY_DAYS = 30
#: The bodies above the base assemblies.
DISTRICT_LEVEL = ("north", "south", "city")


def story_start(now: datetime) -> datetime:
    """The first instant of the story: 09:00 UTC, STORY_DAYS before `now`."""
    day = (now - timedelta(days=STORY_DAYS)).astimezone(UTC)
    return day.replace(hour=9, minute=0, second=0, microsecond=0)


class Demo:
    """One run of the demo into a folder."""

    def __init__(self, folder: Path, seed: int, console: Console, *, force: bool = False) -> None:
        self.folder = folder
        self.force = force
        self.seed = seed
        self.rng = random.Random(seed)
        self.say = console.print
        self.console = console
        self.clock = story_start(datetime.now(UTC))
        self.db_path = folder / "soviet.db"
        self.url = f"sqlite:///{self.db_path}"
        self.soviet: Soviet | None = None
        self.showed = False  # whether the procedure's showcase has run

    # -- plumbing --------------------------------------------------------------------------

    def tick(self, hours: float) -> None:
        self.clock += timedelta(hours=hours)

    def work(self, handler: Callable[[SqlWorkspace], object]) -> SqlWorkspace:
        assert self.soviet is not None
        self.soviet.settings = replace(self.soviet.settings, now=format_instant(self.clock))
        with self.soviet.unit_of_work() as ws:
            handler(ws)
        return ws

    def ranking(self, candidates: Sequence[str], popularity: dict[str, float]) -> list[str]:
        """A voter's ranking: Plackett–Luce over the candidates' popularity, truncated."""
        left = list(candidates)
        order: list[str] = []
        depth = self.rng.randint(1, len(left))
        while left and len(order) < depth:
            weights = [popularity[c] for c in left]
            pick = self.rng.choices(left, weights)[0]
            order.append(pick)
            left.remove(pick)
        return order

    # -- the story -------------------------------------------------------------------------

    def run(self) -> None:
        self.found()
        self.say("\n[bold]2. The purge finds every office vacant and opens their elections[/bold]")
        self.audit(schedule=True)
        self.say(
            "\n[bold]3. The base assemblies elect their deputies to the district councils[/bold]"
        )
        self.elect_offices([f"{a[0]}.deputy" for a in federation.ASSEMBLIES])
        self.say(
            "\n[bold]4. The district councils, now seated, elect deputies to the city "
            "council[/bold]"
        )
        self.elect_offices(["north.deputy", "south.deputy"])
        self.say("\n[bold]5. The city council elects its chair and executive committee[/bold]")
        self.elect_offices(["city.chair", "city.executive"])
        self.say("\n[bold]6. The purge again[/bold]")
        self.audit(schedule=False)
        self.lose_key()
        self.recall_chair()
        self.resign_one()
        motions.tram_fares(self, 11)
        self.say("\n[bold]12. By-elections fill every lost seat, bottom up[/bold]")
        self.by_elections()
        self.say("\n[bold]13. The purge finds nothing[/bold]")
        self.audit(schedule=False)
        self.final_state()

    def found(self) -> None:
        # an earlier run's database and key are refused, or with --force moved aside
        moved = folders.prepare(self.folder, force=self.force, now=datetime.now(UTC))
        if moved:
            self.say(folders.told(moved))
        charter_path = self.folder / "charter.toml"
        charter_path.write_text(federation.charter_toml(self.seed), encoding="utf-8")
        (self.folder / "members.csv").write_text(
            federation.members_csv(self.seed), encoding="utf-8"
        )
        charter = parse_charter(
            charter_path.read_text(encoding="utf-8"),
            str(charter_path),
            lambda name: (self.folder / name).read_text(encoding="utf-8"),
        )
        # The story sets its clock itself, as SOVIET_NOW would, and is allowed to act on it
        # whatever the environment says; its events carry the marker of a set clock.
        settings = Settings(
            self.url,
            format_instant(self.clock),
            self.folder / "soviet.key",
            set_clock=True,
            allow_clock=True,
        )
        # Every member's key goes to the demo's own key folder, so that whoever runs it
        # can go on acting as any member afterwards (SOVIET_KEYS=<folder>/keys).
        keys = KeyFolder(folder=self.folder / folders.KEYS)
        self.soviet = Soviet(
            settings, create=True, signer=keys, codes_path=self.folder / folders.CODES
        )
        self.soviet.found(charter)  # a new signing key: every close logs a checkpoint
        self.say(
            f"[bold]1. {charter.name}[/bold] adopts its charter ({charter_path}): "
            f"{len(charter.bodies)} bodies, {len(charter.offices)} offices, "
            f"{len(charter.members)} members. Founders, acting provisionally: "
            f"{', '.join(charter.founders)}."
        )
        codes = self.soviet.founding_codes
        self.tick(1)
        self.soviet.settings = replace(self.soviet.settings, now=format_instant(self.clock))
        enrolled = self.soviet.enroll(codes, keys)
        self.say(
            f"   Each member gets a one-time enrollment code ({self.folder / folders.CODES}) "
            f"and registers a key of their own with it: {len(enrolled)} keys, whose private "
            f"halves stay in {self.folder / folders.KEYS}. From here on every act is signed "
            "by the member who takes it."
        )

    def audit(self, *, schedule: bool) -> None:
        def run(ws: SqlWorkspace) -> None:
            if schedule:
                audit.schedule(ws)
            found = audit.findings(ws)
            kinds: dict[str, int] = {}
            for f in found:
                kinds[f.kind] = kinds.get(f.kind, 0) + 1
            if not found:
                self.say("   [green]clean[/green]: every office is held by a live elected mandate")
            else:
                summary = ", ".join(f"{n} {k}" for k, n in kinds.items())
                self.say(f"   {len(found)} findings: {summary}")
            opened = [
                p
                for e in ws.recorded
                if isinstance(p := c.decode(e.type, e.data), c.ElectionOpened)
            ]
            if opened:
                self.say(
                    f"   opened {len(opened)} elections: "
                    + ", ".join(f"{p.election} {p.office}" for p in opened)
                )

        self.tick(1)
        self.work(run)

    def elect_offices(self, offices: Sequence[str]) -> None:
        for number, office_id in enumerate(offices):
            # the first election of the story shows the procedure: a withdrawal, a vote
            # extended short of its quorum, changed votes, blank ballots and abstentions
            self.elect(office_id, showcase=number == 0 and not self.showed)
            self.tick(2)

    def elect(self, office_id: str, *, showcase: bool = False) -> None:
        """Nominate, start, vote and close the office's pending election."""
        chosen: dict[str, list[str]] = {}
        if showcase:
            self.showed = True

        def nominate(ws: SqlWorkspace) -> None:
            election = ws.pending_election(office_id)
            assert election is not None, f"no election open for {office_id}"
            office = electorates.office_of(ws, office_id)
            electors = sorted(electorates.electorate(ws, office))
            seated = {m.holder for m in ws.active_mandates(office=office_id)}
            pool = sorted(electorates.eligible(ws, office) - set(election.candidates) - seated)
            size = min(len(pool), election.seats + self.rng.randint(1, 3))
            if showcase:
                size += 1  # one more, who will withdraw
            for candidate in self.rng.sample(pool, size):
                nominator = self.rng.choice(electors)
                elections.nominate(ws, election.id, candidate, nominator)
                if nominator != candidate:  # a nomination by someone else needs consent
                    elections.accept(ws, election.id, candidate)
            if showcase:
                leaving = ws.election(election.id).candidates[-1]
                elections.withdraw(ws, election.id, leaving)
                self.say(f"   {leaving} withdraws from {election.id} before the vote starts")
            elections.start(ws, election.id, self.rng.choice(electors))
            chosen["id"] = [election.id]

        self.work(nominate)
        self.tick(24)
        closed: list[c.ElectionClosed] = []
        sizes: dict[str, int] = {}

        def ballot(
            ws: SqlWorkspace, election: ElectionRecord, voter: str, ranks: list[str]
        ) -> None:
            """Most voters rank; in the showcase a few cast a blank ballot or abstain."""
            draw = self.rng.random() if showcase else 1.0
            if draw < 0.05:
                elections.vote(ws, election.id, [], voter)
            elif draw < 0.1:
                elections.vote(ws, election.id, [], voter, abstain=True)
            else:
                elections.vote(ws, election.id, ranks, voter)

        def vote_and_close(ws: SqlWorkspace) -> None:
            election = ws.election(chosen["id"][0])
            popularity = {c: self.rng.uniform(0.5, 3.0) for c in election.candidates}
            roll = sorted(election.roll)
            early = roll[: len(roll) // 4] if showcase else roll
            for voter in early:
                ballot(ws, election, voter, self.ranking(election.candidates, popularity))
            if showcase:
                extender = roll[-1]
                elections.extend(ws, election.id, 2, extender)
                self.say(
                    f"   {len(early)} of {len(roll)} have voted, short of the quorum of 1/3: "
                    f"{extender} extends the vote by 2 days"
                )
                changed = early[0]
                elections.vote(
                    ws, election.id, self.ranking(election.candidates, popularity), changed
                )
                self.say(f"   {changed} changes their vote (the latest ballot counts)")
                rest = roll[len(early) :]
                hall = len(rest) // 3  # a third of the rest vote on paper, in a hall
                for voter in rest[: len(rest) - hall]:
                    ballot(ws, election, voter, self.ranking(election.candidates, popularity))
                if hall:
                    self.paper(ws, election, roll[:2], hall, popularity)
            event = elections.close(ws, election.id, roll[0])
            closed.append(c.decode_as(c.ElectionClosed, event.data))
            sizes.update(roll=len(election.roll), candidates=len(election.candidates))

        self.work(vote_and_close)
        (result,) = closed
        count = result.result
        quota = f", quota {count['quota']}" if count.get("quota") is not None else ""
        turnout = result.turnout or {}
        spoilt = [f"{turnout[k]} {k}" for k in ("blank", "abstained") if turnout.get(k)]
        voted = f"{turnout.get('voted', sizes['roll'])} voted" + (
            f" ({', '.join(spoilt)})" if spoilt else ""
        )
        self.say(
            f"   {result.election} {office_id}: {sizes['roll']} electors, {voted}, "
            f"{sizes['candidates']} candidates, {count['method']}{quota}, "
            f"{len(count['rounds'])} round(s) → [bold]{', '.join(result.winners)}[/bold]"
        )
        for tie in count.get("ties", []):
            if tie.get("broken_by") == "lot":
                self.say(
                    f"   a tie for {tie['for']} between {', '.join(tie['between'])} was "
                    f"decided by lot: the draw {', '.join(tie['draw'])} chose {tie['chosen']}"
                )

    def paper(
        self,
        ws: SqlWorkspace,
        election: ElectionRecord,
        tellers: list[str],
        voters: int,
        popularity: dict[str, float],
    ) -> None:
        """The paper ballots of a meeting in a hall, entered by two tellers."""
        counted = Counter(
            tuple(self.ranking(election.candidates, popularity)) for _ in range(voters)
        )
        rows = sorted((n, choice) for choice, n in counted.items())
        sheet = "".join(f"{n},{','.join(choice)}\n" for n, choice in rows)
        source = hashlib.sha256(sheet.encode("utf-8")).hexdigest()
        elections.import_paper(ws, election.id, tellers, rows, voters, source)
        self.say(
            f"   {voters} vote on paper in a hall; tellers {' and '.join(tellers)} enter "
            "the counted ballots"
        )

    def lose_key(self) -> None:
        """A member loses their key: an elected officer with the power to admit revokes it
        and issues a new code, with a reason; the member enrolls a new key with it."""
        assert self.soviet is not None
        with self.soviet.reading() as reads:
            mandates = [m for m in reads.view("mandates") if m["status"] == "active"]
            members = reads.view("members")
        officer = next(m["holder"] for m in mandates if m["office"] == "city.executive")
        holders = {m["holder"] for m in mandates}
        member = next(m for m in members if m["id"] not in holders)
        code = codes_file.draw()
        self.say(
            f"\n[bold]7. A lost key:[/bold] {member['id']} loses the laptop that held their "
            f"key; {officer}, elected to the city executive, which may admit members, "
            "revokes it and issues a new code"
        )
        self.tick(2)

        def reset(ws: SqlWorkspace) -> None:
            recorded = keys.reset(
                ws, member["id"], "lost the laptop that held the key", code_hash(code), officer
            )
            reset = c.decode_as(c.MemberKeyReset, recorded.data)
            self.say(
                f"   the lost key is revoked (#{recorded.seq}); the new code is good until "
                f"{reset.code_expires}"
            )

        self.work(reset)
        self.tick(1)
        self.soviet.settings = replace(self.soviet.settings, now=format_instant(self.clock))
        assert isinstance(self.soviet.signer, KeyFolder)
        (enrolled,) = self.soviet.enroll(
            [Code(member["id"], member["name"], code, "")], self.soviet.signer
        )
        self.say(f"   {member['id']} enrolls a new key with it (#{enrolled.seq})")

    def recall_chair(self) -> None:
        assert self.soviet is not None
        with self.soviet.reading() as reads:
            mandates = [m for m in reads.view("mandates") if m["status"] == "active"]
        chair = next(m for m in mandates if m["office"] == "city.chair")
        holder = chair["holder"]
        base = next(
            m
            for m in mandates
            if m["holder"] == holder and m["office"].split(".")[0] not in DISTRICT_LEVEL
        )
        self.say(
            f"\n[bold]8. A recall:[/bold] {holder} chairs the city council, sits for "
            f"their district in it, and for {base['office'].split('.')[0]} in the district"
            f" council (mandate {base['id']}). Their workplace petitions to recall them."
        )
        petition: dict[str, str] = {}

        def petition_and_sign(ws: SqlWorkspace) -> None:
            office = electorates.office_of(ws, base["office"])
            electors = sorted(electorates.electorate(ws, office) - {holder})
            self.rng.shuffle(electors)
            opened = recall.open_petition(
                ws, base["id"], "broke the mandate on the eight-hour day", electors[0]
            )
            petition["id"] = c.decode_as(c.PetitionOpened, opened.data).petition
            signer = 1
            while ws.petition(petition["id"]).status == "open":
                recall.sign(ws, petition["id"], electors[signer])
                signer += 1
            self.say(
                f"   petition {petition['id']}: {signer} of {len(electors) + 1} electors "
                "signed; at 1/4 a recall vote opens"
            )

        self.tick(24)
        self.work(petition_and_sign)
        self.tick(24)

        def vote(ws: SqlWorkspace) -> None:
            record = ws.petition(petition["id"])
            tally = {"yes": 0, "no": 0}
            for voter in sorted(record.roll):
                if self.rng.random() < 0.2:
                    continue  # some stay home
                choice = "no" if voter == holder or self.rng.random() < 0.3 else "yes"
                recall.vote(ws, record.id, choice, voter)
                tally[choice] += 1
            self.say(
                f"   recall vote: {tally['yes']} yes, {tally['no']} no, "
                f"{len(record.roll)} on the roll"
            )

        self.work(vote)
        self.tick(72)

        def close(ws: SqlWorkspace) -> None:
            record = ws.petition(petition["id"])
            recall.close(ws, record.id, sorted(record.roll)[0])
            self.say("\n[bold]9. The recall passes, and the lost seat cascades upward[/bold]")
            for e in ws.recorded[1:]:
                change = e.type.split(".")[1]
                match c.decode(e.type, e.data):
                    case (
                        c.MandateLapsed(mandate=mandate, reason=reason)
                        | c.MandateExpired(mandate=mandate, reason=reason)
                        | c.MandateResigned(mandate=mandate, reason=reason)
                    ):
                        self.say(f"   mandate {mandate} {change}: {reason}")
                    case (
                        c.MandateRecalled(mandate=mandate)
                        | c.MandateGranted(mandate=mandate)
                        | c.MandateImported(mandate=mandate)
                    ):
                        self.say(f"   mandate {mandate} {change}")
                    case c.ElectionOpened(election=election, office=office, cause=cause):
                        self.say(
                            f"   by-election {election} opened for {office} (caused by #{cause})"
                        )

        self.work(close)

    def resign_one(self) -> None:
        """A deputy to a district council resigns: the seat goes to a by-election at once."""
        assert self.soviet is not None
        with self.soviet.reading() as reads:
            mandates = [m for m in reads.view("mandates") if m["status"] == "active"]
        mandate = next(m for m in mandates if m["office"].split(".")[0] not in DISTRICT_LEVEL)
        self.say(
            f"\n[bold]10. A resignation:[/bold] {mandate['holder']} gives up mandate "
            f"{mandate['id']} ({mandate['office']})"
        )
        self.tick(24)

        def resign(ws: SqlWorkspace) -> None:
            recall.resign(ws, mandate["id"], mandate["holder"], "moving to another city")
            for e in ws.recorded[1:]:
                if e.type == ev.ELECTION_OPENED:
                    opened = c.decode_as(c.ElectionOpened, e.data)
                    self.say(f"   by-election {opened.election} opened for {opened.office}")
                elif e.type == ev.MANDATE_LAPSED:
                    lapsed = c.decode_as(c.MandateLapsed, e.data)
                    self.say(f"   mandate {lapsed.mandate} lapsed: {lapsed.reason}")

        self.work(resign)

    def by_elections(self) -> None:
        assert self.soviet is not None
        with self.soviet.reading() as reads:
            pending = [e["office"] for e in reads.view("elections") if e["status"] != "closed"]
        order = {"city": 2, "north": 1, "south": 1}
        for office_id in sorted(pending, key=lambda o: order.get(o.split(".")[0], 0)):
            self.elect(office_id)
            self.tick(2)

    def final_state(self) -> None:
        assert self.soviet is not None
        with self.soviet.reading() as reads:
            offices = reads.view("offices")
            mandates = reads.view("mandates")
        grid = Table(
            title="Every office, after the purge", title_justify="left", header_style="bold"
        )
        for column in ("office", "title", "seats", "method", "holders"):
            grid.add_column(column, no_wrap=column == "office")  # an id is never cut
        for o in offices:
            grid.add_row(o["id"], o["title"], str(o["seats"]), o["method"], ", ".join(o["holders"]))
        self.console.print(grid)
        ended = [m for m in mandates if m["status"] != "active"]
        self.say(
            f"{len(mandates)} mandates granted, {len(ended)} ended "
            f"({', '.join(sorted({m['status'] for m in ended})) or 'none'})."
        )
        self.say(
            f"\nThe database is [bold]{self.db_path}[/bold]. Look around:\n"
            f"  export SOVIET_DB={self.url} SOVIET_KEYS={self.folder / folders.KEYS}\n"
            "  soviet show offices; soviet show mandates; soviet show elections\n"
            "  soviet audit; soviet log\n"
            "  soviet serve    # the notice board on http://127.0.0.1:8000/ (or: make serve)"
        )
        self.soviet.dispose()


def run(folder: Path, seed: int, console: Console, *, force: bool = False) -> Path:
    """Run the whole demo into `folder`; returns the database's path. A folder holding an
    earlier run's files is refused (InputError), writing nothing, unless `force`: then
    they are moved aside."""
    demo = Demo(folder, seed, console, force=force)
    demo.run()
    return demo.db_path
