"""Acting in a real browser: Debian's chromium, driven by playwright, against `soviet
serve` on a loopback port. A member enrolls with their code, opens, fills and votes in
an STV election in the page, closes it, and reads the rounds; a second member, in a
browser of their own, opens a recall petition that others sign until the recall vote
opens. Every page is photographed into test-artifacts/ and checked with axe-core."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, Route, expect

from browser.acting import Members, read, stand_in
from browser.conftest import Board
from soviet.domain import commands as cmd
from soviet.ledger.entries import canonical

#: On one worker under pytest -n: one installs chromium (if it is missing) and starts it.
pytestmark = pytest.mark.xdist_group("browser")

#: The impacts of an accessibility violation that fail the check.
GRAVE = ("serious", "critical")


class Visits:
    """Pages visited: each photographed, each checked by axe-core; which pages were
    stand-ins for pages the board does not draw yet."""

    def __init__(self, board: Board, axe: Path, artifacts: Path) -> None:
        self.board, self.axe, self.artifacts = board, axe, artifacts
        self.violations: list[str] = []
        self.stand_ins: set[str] = set()

    def look(self, page: Page, name: str) -> None:
        page.wait_for_load_state("load")
        page.screenshot(path=str(self.artifacts / f"{name}.png"), full_page=True)
        page.add_script_tag(path=str(self.axe))
        found: list[dict[str, Any]] = page.evaluate("axe.run().then(r => r.violations)")
        for v in found:
            if v["impact"] in GRAVE:
                nodes = "; ".join(n["target"][0] for n in v["nodes"][:3])
                self.violations.append(f"{name}: {v['id']} ({v['impact']}) at {nodes}")

    def acting_page(self, page: Page, resource: str, ident: str, path: str) -> None:
        """Open a record's page; a stand-in carrying the #acts contract if the board does
        not draw one with an #acts section yet."""
        url = f"{self.board.url}{path}"
        drawn = page.request.get(url)
        if drawn.status != 200 or 'id="acts"' not in drawn.text():
            self.stand_ins.add(path)

            def fulfil(route: Route) -> None:
                html = stand_in(self.board, resource, ident)
                route.fulfill(status=200, content_type="text/html; charset=utf-8", body=html)

            page.route(url, fulfil)
        page.goto(url)
        expect(page.locator("#acts form.act").first).to_be_visible()


@pytest.fixture
def visits(board: Board, axe: Path, artifacts: Path) -> Visits:
    return Visits(board, axe, artifacts)


@pytest.fixture
def first(browser: Browser) -> Iterator[BrowserContext]:
    context = browser.new_context()
    yield context
    context.close()


@pytest.fixture
def second(browser: Browser) -> Iterator[BrowserContext]:
    context = browser.new_context()
    yield context
    context.close()


def enroll(page: Page, board: Board, member: str, visits: Visits, name: str) -> None:
    page.goto(f"{board.url}/enroll")
    page.get_by_label("Member id").fill(member)
    page.get_by_label("Enrollment code").fill(board.codes[member].lower().replace("-", " "))
    page.get_by_role("button", name="Make my key and enroll").click()
    expect(page.locator("#enroll-answer")).to_contain_text(f"of {member} is registered")
    expect(page.locator("#held-keys")).to_contain_text(member)
    visits.look(page, name)


def answer(page: Page) -> Any:
    return expect(page.locator("#acts .answer"))


def test_a_member_enrolls_votes_by_ranking_and_another_opens_a_recall_that_reaches_a_vote(
    board: Board, visits: Visits, first: BrowserContext, second: BrowserContext
) -> None:
    others = Members(board)
    for member in ("ben", "cleo", "dan", "eva"):
        others.enroll(member)

    # Ana enrolls in her browser and opens an election for the committee.
    ana = first.new_page()
    enroll(ana, board, "ana", visits, "01-enroll")
    held = ana.evaluate("window.soviet.heldKeys().then(ks => ks.map(k => k.member))")
    assert held == ["ana"]
    visits.acting_page(ana, "offices", "shop.committee", "/offices/shop.committee")
    ana.get_by_role("button", name="Open an election").click()
    answer(ana).to_contain_text("Election E1 is open for shop.committee")
    visits.look(ana, "02-office")

    # She nominates two others, accepts Ben's nomination of her, and starts the vote.
    visits.acting_page(ana, "elections", "E1", "/elections/E1")
    for candidate in ("ben", "cleo"):
        ana.get_by_label("Member id").fill(candidate)
        ana.get_by_role("button", name="Nominate").click()
        answer(ana).to_contain_text(f"{candidate} is nominated in election E1")
    others.act("elections", "E1", cmd.Nominate("ben", "E1", "ana"))
    ana.reload()
    ana.get_by_role("button", name="Accept my nomination").click()
    answer(ana).to_contain_text("ana accepts the nomination")
    for candidate in ("ben", "cleo"):
        others.act("elections", "E1", cmd.AcceptNomination(candidate, "E1", candidate))
    ana.get_by_role("button", name="Start the vote").click()
    answer(ana).to_contain_text("The vote in election E1 has started: 6 electors")
    visits.look(ana, "03-election-voting")

    # Her ranking: dragged into an order, then numbered in the boxes.
    ranking = ana.locator("ol.ranking")
    ranking.locator("li[data-candidate=cleo]").drag_to(ranking.locator("li[data-candidate=ana]"))
    dragged = ranking.locator("li").evaluate_all("items => items.map(i => i.dataset.candidate)")
    assert dragged[0] == "cleo", dragged
    assert ana.locator("input.rank[data-candidate=cleo]").input_value() == "1"
    for candidate, rank in (("cleo", "1"), ("ana", "2"), ("ben", "3")):
        ana.get_by_label(f"({candidate})").fill(rank)
    ana.get_by_role("button", name="Cast my ballot").click()
    answer(ana).to_contain_text("Your ballot in election E1 is recorded")
    ballot = read(board, "log?since=1")
    cast = [e for e in ballot["events"] if e["type"] == "ballot.cast" and e["actor"] == "ana"]
    assert cast[-1]["data"]["choice"] == ["cleo", "ana", "ben"]

    # The others vote (quota 3: cleo is elected in the first round, ana is excluded, and
    # her transfer elects ben), then Ana closes the vote.
    for voter, choice in (
        ("ben", ("ben", "cleo")),
        ("cleo", ("cleo", "ben")),
        ("dan", ("ana", "ben")),
        ("eva", ("ben", "ana")),
    ):
        others.act("elections", "E1", cmd.CastBallot(voter, "E1", choice))
    ana.reload()
    ana.get_by_label("(cleo)").fill("1")
    ana.get_by_role("button", name="Abstain").click()
    answer(ana).to_contain_text("Your abstention in election E1 is recorded")
    ana.get_by_label("(cleo)").fill("1")
    ana.get_by_label("(ana)").fill("2")
    ana.get_by_role("button", name="Cast my ballot").click()
    answer(ana).to_contain_text("it replaces your earlier one")
    # Femi, in a browser of his own, enrolls and votes with the numbered boxes alone.
    femi = second.new_page()
    enroll(femi, board, "femi", visits, "05-enroll-second")
    visits.acting_page(femi, "elections", "E1", "/elections/E1")
    femi.get_by_label("(cleo)").fill("1")
    femi.get_by_label("(ana)").fill("2")
    femi.get_by_role("button", name="Cast my ballot").click()
    expect(femi.locator("#acts .answer")).to_contain_text("Your ballot in election E1 is recorded")
    ana.get_by_role("button", name="Close the vote").click()
    answer(ana).to_contain_text("Election E1 is closed: elected.")
    answer(ana).to_contain_text("cleo holds shop.committee")
    election = read(board, "elections/E1")
    assert election["winners"] == ["cleo", "ben"], election["winners"]
    assert len(election["result"]["rounds"]) >= 2

    # The result page shows the rounds.
    ana.unroute(f"{board.url}/elections/E1")
    ana.goto(f"{board.url}/elections/E1")
    visits.look(ana, "04-election-result")
    result_drawn = "/elections/E1" not in visits.stand_ins
    if result_drawn:
        expect(ana.locator("svg").first).to_be_visible()
        expect(ana.locator("main")).to_contain_text("ound 2")

    # Femi petitions to recall the steward.
    steward = next(
        m
        for m in read(board, "mandates")
        if m["office"] == "shop.steward" and m["status"] == "active"
    )
    path = f"/mandates/{steward['id']}"
    visits.acting_page(femi, "mandates", steward["id"], path)
    femi.get_by_label("Why recall it").fill("Signed the overtime deal without asking the shop")
    femi.get_by_role("button", name="Open a recall petition").click()
    answer(femi).to_contain_text("Petition P1 to recall mandate")
    visits.look(femi, "06-mandate")

    # Ana signs in her browser; Ben's signature through the API is the third of six:
    # the recall vote opens.
    visits.acting_page(ana, "petitions", "P1", "/petitions/P1")
    ana.get_by_role("button", name="Sign the petition").click()
    answer(ana).to_contain_text("Your signature on petition P1 is recorded")
    assert read(board, "petitions/P1")["status"] == "open"
    others.act("petitions", "P1", cmd.SignPetition("ben", "P1"))
    assert read(board, "petitions/P1")["status"] == "voting"

    # Femi's page tells him the log has moved on; he reloads and votes.
    visits.acting_page(femi, "petitions", "P1", "/petitions/P1")
    femi.get_by_label("Yes: recall the mandate").check()
    femi.get_by_role("button", name="Cast my recall vote").click()
    answer(femi).to_contain_text("Your recall vote (yes) on petition P1 is recorded")
    visits.look(femi, "07-petition-voting")
    assert read(board, "petitions/P1")["votes"]["yes"] == 1

    assert visits.violations == [], "\n".join(visits.violations)
    if visits.stand_ins:
        pytest.skip(
            "acted through the #acts contract on stand-ins for pages the board does not "
            f"draw yet: {', '.join(sorted(visits.stand_ins))}"
        )


TRICKY: list[Any] = [
    {"b": 1, "a": [True, False, None], "A": {"z": "", "y": {"x": []}}},
    {"é": "Cléo", "€": "euro", "😀": "smile", "ｚ": "fullwidth", "z": "z"},
    'quote " backslash \\ slash / newline \n tab \t bell \u0007 del \u007f',
    "line separator \u2028 paragraph \u2029 nul \u0000 escape \u001b",
    [0, -1, 1, 9007199254740991, -9007199254740991, 10**15],
    {
        "origin": "print.example.org/canal",
        "type": "vote",
        "actor": "ana",
        "data": {"election": "E1", "choice": ["cleo", "ana"], "abstain": False},
        "nonce": "0123456789abcdef0123456789abcdef",
        "not_after": "2026-12-03T14:00:00Z",
    },
    {"": {}, " ": [[]], "\u0000": "control key"},
]


def test_the_browser_serializes_statements_byte_for_byte_as_the_log_does(
    board: Board, first: BrowserContext
) -> None:
    page = first.new_page()
    page.goto(f"{board.url}/enroll")
    page.wait_for_function("window.soviet !== undefined")
    for value in TRICKY:
        in_browser = page.evaluate("v => window.soviet.canonical(v)", value)
        assert in_browser.encode("utf-8") == canonical(value), value


def test_an_enrollment_code_is_proved_in_the_browser_as_on_the_command_line(
    board: Board, first: BrowserContext
) -> None:
    from soviet.domain import enrollment

    page = first.new_page()
    page.goto(f"{board.url}/enroll")
    page.wait_for_function("window.soviet !== undefined")
    code = board.codes["ana"]
    typed = code.lower().replace("0", "o").replace("1", "l").replace("-", " ")
    normalized = page.evaluate("c => window.soviet.normalizedCode(c)", typed)
    assert normalized == enrollment.normalized(code)
    assert page.evaluate("c => window.soviet.proofOf(c)", normalized) == enrollment.proof(code)


def test_without_javascript_the_enrollment_page_says_it_needs_it(
    board: Board, browser: Browser, visits: Visits
) -> None:
    context = browser.new_context(java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(f"{board.url}/enroll")
        # Chromium parses <noscript> as text when scripts are turned off from outside the
        # page, so its words are read from the document rather than as elements.
        html = page.content()
        assert "Enrolling needs JavaScript" in html
        assert "<code>soviet key enroll CODE</code>" in html
        expect(page.locator("#enroll")).to_be_hidden()
        page.screenshot(path=str(visits.artifacts / "00-enroll-without-javascript.png"))
    finally:
        context.close()


def test_an_open_election_page_counts_ballots_as_they_arrive_and_says_it_is_behind(
    board: Board, first: BrowserContext
) -> None:
    others = Members(board)
    for member in ("ana", "ben", "cleo"):
        others.enroll(member)
    others.act("offices", "shop.committee", cmd.OpenElection("ana", "shop.committee"))
    for candidate in ("ben", "cleo", "ana"):
        others.act("elections", "E1", cmd.Nominate(candidate, "E1", candidate))
    others.act("elections", "E1", cmd.StartElection("ana", "E1"))
    page = first.new_page()
    page.goto(f"{board.url}/elections/E1")
    turnout = page.locator("[data-live-field=ballots]")
    expect(turnout).to_have_text("0")
    expect(page.locator("#behind")).to_be_hidden()
    # two ballots arrive while the page is open: it counts them without a reload
    others.act("elections", "E1", cmd.CastBallot("ben", "E1", ("ben", "cleo")))
    others.act("elections", "E1", cmd.CastBallot("cleo", "E1", ("cleo",)))
    expect(turnout).to_have_text("2", timeout=15_000)
    behind = page.locator("#behind")
    expect(behind).to_be_visible(timeout=15_000)
    expect(behind).to_contain_text("2 new events")


def test_the_pages_fit_a_phone_screen_without_scrolling_sideways(
    board: Board, browser: Browser, artifacts: Path
) -> None:
    others = Members(board)
    electors = ("ana", "ben", "cleo", "dan", "eva", "femi")
    for member in electors:
        others.enroll(member)
    others.act("offices", "shop.committee", cmd.OpenElection("ana", "shop.committee"))
    for candidate in ("ben", "cleo", "ana"):
        others.act("elections", "E1", cmd.Nominate(candidate, "E1", candidate))
    others.act("elections", "E1", cmd.StartElection("ana", "E1"))
    rankings = [("ben", "cleo"), ("cleo", "ben"), ("ana", "ben"), ("ben",), ("cleo",), ("ana",)]
    for voter, ranking in zip(electors, rankings, strict=True):
        others.act("elections", "E1", cmd.CastBallot(voter, "E1", ranking))
    others.act("elections", "E1", cmd.CloseElection("ana", "E1"))
    phone = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True)
    try:
        page = phone.new_page()
        for name, path in (
            ("federation", "/"),
            ("election-result", "/elections/E1"),
            ("office", "/offices/shop.committee"),
            ("log", "/log"),
            ("audit", "/audit"),
        ):
            page.goto(f"{board.url}{path}")
            page.screenshot(path=str(artifacts / f"phone-{name}.png"), full_page=True)
            wide = page.evaluate("document.documentElement.scrollWidth")
            assert wide <= 390, f"{path} is {wide} px wide on a 390 px phone"
        page.goto(f"{board.url}/elections/E1")
        expect(page.locator("svg")).to_be_visible()
    finally:
        phone.close()
