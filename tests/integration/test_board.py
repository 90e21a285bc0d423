"""The notice board's pages, served in process over a signed organization: every page
reads its records (names, numbers, the count round by round drawn as SVG), carries the
acts section the browser's acting script reads, marks what changes while a vote is open,
answers an unknown id or a bad parameter with an HTML page (while the API keeps answering
JSON), pages the log, and keeps its links under the path a proxy serves it at."""

from __future__ import annotations

import itertools
import json
import xml.etree.ElementTree as ET
from collections.abc import Callable
from html.parser import HTMLParser

import httpx
import pytest

from integration.served import Served, run
from soviet.domain import commands as cmd

SVG = "{http://www.w3.org/2000/svg}"
Attrs = dict[str, str | None]


class Page(HTMLParser):
    """A page as its elements: each tag with its attributes, and the text it reads."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.html = html
        self.elements: list[tuple[str, Attrs]] = []
        self.words: list[str] = []
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.elements.append((tag, dict(attrs)))

    def handle_data(self, data: str) -> None:
        self.words.append(data)

    @property
    def text(self) -> str:
        return " ".join(" ".join(self.words).split())

    def all(self, tag: str, **having: str) -> list[Attrs]:
        return [
            attrs
            for name, attrs in self.elements
            if name == tag and all(attrs.get(k.replace("_", "-")) == v for k, v in having.items())
        ]

    def one(self, tag: str, **having: str) -> Attrs:
        found = self.all(tag, **having)
        assert len(found) == 1, f"{len(found)} <{tag} {having}>"
        return found[0]

    def links(self) -> list[str]:
        return [str(a["href"]) for a in self.all("a") if a.get("href")]

    def headings(self) -> list[int]:
        return [int(tag[1]) for tag, _ in self.elements if tag in ("h1", "h2", "h3", "h4")]

    def svg(self) -> ET.Element:
        start = self.html.index("<svg")
        end = self.html.index("</svg>") + len("</svg>")
        return ET.fromstring(self.html[start:end])


def page(s: Served, path: str, status: int = 200) -> Page:
    r = s.get(path)
    assert r.status_code == status, r.text
    assert r.headers["content-type"].startswith("text/html")
    found = Page(r.text)
    levels = found.headings()
    assert levels[0] == 1 and levels.count(1) == 1, f"{path}: headings {levels}"
    assert all(b - a <= 1 for a, b in itertools.pairwise(levels)), levels
    return found


def elected(s: Served) -> Served:
    """The a2 deputies elected by STV (two seats, three candidates, counted over several
    rounds) through the API, and a1's deputy by IRV through the services."""
    election = opened(s, "a2.deputy", "a2-1")
    for candidate in ("a2-1", "a2-2", "a2-3"):
        posted(s, "elections", election, cmd.Nominate("a2-1", election, candidate))
        if candidate != "a2-1":
            posted(s, "elections", election, cmd.AcceptNomination(candidate, election, candidate))
    posted(s, "elections", election, cmd.StartElection("a2-1", election))
    rankings = {
        "a2-1": ("a2-1", "a2-3"),
        "a2-2": ("a2-2", "a2-1"),
        "a2-3": ("a2-3", "a2-2"),
        "a2-4": ("a2-1", "a2-3"),
        "a2-5": ("a2-1", "a2-2"),
        "a2-6": ("a2-2",),
    }
    for voter, choice in rankings.items():
        posted(s, "elections", election, cmd.CastBallot(voter, election, choice))
    posted(s, "elections", election, cmd.CloseElection("a2-1", election))
    s.org.tick(hours=1)
    s.org.elect("a1.deputy", ["a1-2"])
    s.org.tick(hours=1)
    return s


def posted(s: Served, resource: str, ident: str, command: cmd.Command) -> None:
    r = s.act(resource, ident, command)
    assert r.status_code == 201, r.text


def mandate_of(s: Served, office: str, holder: str) -> str:
    found = [
        m
        for m in s.get("/api/v1/mandates").json()
        if m["office"] == office and m["holder"] == holder and m["status"] == "active"
    ]
    return str(found[0]["id"])


def opened(s: Served, office: str, actor: str) -> str:
    r = s.act("offices", office, cmd.OpenElection(actor, office))
    assert r.status_code == 201, r.text
    return str(r.json()["events"][0]["data"]["election"])


# -- the federation, a body, an office ---------------------------------------------------


def test_the_federation_shows_every_body_as_a_tree_with_each_offices_holders(
    served: Callable[[], Served],
) -> None:
    s = elected(served())
    home = page(s, "/")
    assert "City Federation" in home.text
    for body in ("city", "district", "a1", "a2"):
        assert f"/bodies/{body}" in home.links()
    assert "Member 1 of a2" in home.text and "Member 2 of a2" in home.text
    # a1 and a2 are nested inside district, which is nested inside city
    html = home.html
    city, district, a1 = (html.index(f'/bodies/{b}"') for b in ("city", "district", "a1"))
    assert city < district < a1
    assert html.count('<ul class="tree">') == 3


def test_a_body_shows_its_offices_holders_and_the_election_of_each(
    served: Callable[[], Served],
) -> None:
    s = elected(served())
    body = page(s, "/bodies/a2")
    assert "Assembly Two" in body.text
    assert "/offices/a2.deputy" in body.links()
    assert "Member 1 of a2" in body.text and "Member 2 of a2" in body.text
    election = s.get("/api/v1/mandates").json()[0]["election"]
    assert f"/elections/{election}" in body.links()
    assert "Members 6" in body.text
    district = page(s, "/bodies/district")
    assert "Deputies seated 3" in district.text


def test_a_body_lists_its_open_elections_and_live_petitions(served: Callable[[], Served]) -> None:
    s = elected(served())
    mandate = mandate_of(s, "a2.deputy", "a2-1")
    r = s.act("mandates", mandate, cmd.OpenPetition("a2-3", mandate, "never reports back"))
    assert r.status_code == 201, r.text
    petition = r.json()["events"][0]["data"]["petition"]
    body = page(s, "/bodies/a2")
    assert f"/petitions/{petition}" in body.links()


def test_an_office_shows_its_mandates_and_elections_and_offers_to_open_one(
    served: Callable[[], Served],
) -> None:
    s = elected(served())
    office = page(s, "/offices/a2.deputy")
    for mandate in s.get("/api/v1/mandates").json():
        if mandate["office"] == "a2.deputy":
            assert f"/mandates/{mandate['id']}" in office.links()
    acts = office.one("section", id="acts")
    assert acts["data-resource"] == "offices" and acts["data-ident"] == "a2.deputy"
    assert acts["data-acts"] == ""  # both seats are held
    vacant = page(s, "/offices/district.deputy")
    assert vacant.one("section", id="acts")["data-acts"] == "election.open"
    election = opened(s, "district.deputy", "a1-2")
    again = page(s, "/offices/district.deputy")
    assert again.one("section", id="acts")["data-acts"] == ""
    assert f"/elections/{election}" in again.links()


# -- elections -----------------------------------------------------------------------------


def test_a_closed_stv_election_draws_its_count_round_by_round(
    served: Callable[[], Served],
) -> None:
    s = elected(served())
    record = next(e for e in s.get("/api/v1/elections").json() if e["office"] == "a2.deputy")
    rounds = record["result"]["rounds"]
    assert len(rounds) > 1
    election = page(s, f"/elections/{record['id']}")
    svg = election.svg()
    assert svg.get("aria-label") and svg.find(f"{SVG}title") is not None
    groups = [g for g in svg.iter(f"{SVG}g") if g.get("class") == "round"]
    assert [g.get("data-round") for g in groups] == [str(r["round"]) for r in rounds]
    assert all(any(line.get("class") == "quota" for line in g.iter(f"{SVG}line")) for g in groups)
    # the table is the chart's accessible version: a column per round, a row per candidate
    for one in rounds:
        assert election.all("th", scope="col") and f"Round {one['round']}" in election.text
    assert len(election.all("th", scope="row")) >= len(rounds[0]["votes"])
    assert "Member 1 of a2" in election.text and "elected" in election.text
    assert f"the quota is {record['result']['quota']}" in election.text
    acts = election.one("section", id="acts")
    assert acts["data-status"] == "closed" and acts["data-acts"] == ""
    assert not election.all("section", data_live=f"/api/v1/elections/{record['id']}")


def test_an_irv_election_draws_its_rounds_too(served: Callable[[], Served]) -> None:
    s = elected(served())
    record = next(e for e in s.get("/api/v1/elections").json() if e["office"] == "a1.deputy")
    groups = [
        g
        for g in page(s, f"/elections/{record['id']}").svg().iter(f"{SVG}g")
        if g.get("class") == "round"
    ]
    assert len(groups) == len(record["result"]["rounds"])


def test_an_open_election_carries_its_acts_and_its_live_numbers(
    served: Callable[[], Served],
) -> None:
    s = served()
    election = opened(s, "a2.deputy", "a2-1")
    r = s.act("elections", election, cmd.Nominate("a2-1", election, "a2-1"))
    assert r.status_code == 201, r.text
    shown = page(s, f"/elections/{election}")
    acts = shown.one("section", id="acts")
    assert acts["data-resource"] == "elections" and acts["data-ident"] == election
    assert acts["data-kind"] == "election" and acts["data-status"] == "nominating"
    assert acts["data-method"] == "stv" and acts["data-seats"] == "2"
    assert json.loads(str(acts["data-candidates"])) == ["a2-1"]
    assert str(acts["data-acts"]).split() == [
        "election.nominate",
        "election.accept",
        "election.withdraw",
        "election.start",
    ]
    assert shown.one("section", data_live=f"/api/v1/elections/{election}")
    assert shown.one("span", data_live_field="ballots")
    assert shown.one("meta", name="soviet-size")["content"] == str(s.size())
    assert shown.one("script")["data-size"] == str(s.size())

    r = s.act("elections", election, cmd.StartElection("a2-1", election))
    assert r.status_code == 201, r.text
    r = s.act("elections", election, cmd.CastBallot("a2-2", election, ("a2-1",)))
    assert r.status_code == 201, r.text
    voting = page(s, f"/elections/{election}")
    assert str(voting.one("section", id="acts")["data-acts"]).split() == [
        "vote",
        "election.extend",
        "election.close",
    ]
    assert "1 of 6 voted" in voting.text
    assert '<span data-live-field="ballots">1</span>' in voting.html


# -- petitions and mandates ----------------------------------------------------------------


def test_a_petition_shows_its_signatures_against_both_shares_and_its_recall_vote(
    served: Callable[[], Served],
) -> None:
    s = elected(served())
    mandate = mandate_of(s, "a2.deputy", "a2-1")
    r = s.act("mandates", mandate, cmd.OpenPetition("a2-3", mandate, "never reports back"))
    assert r.status_code == 201, r.text
    petition = r.json()["events"][0]["data"]["petition"]
    shares = s.get(f"/api/v1/petitions/{petition}").json()["thresholds"]
    shown = page(s, f"/petitions/{petition}")
    assert "never reports back" in shown.text and "Member 1 of a2" in shown.text
    assert f"{shares['petition_needed']} signatures (the petition share" in shown.text
    assert f"{shares['immediate_needed']} signatures (the immediate share" in shown.text
    assert shown.one(
        "div",
        **{
            "class": "bar",
            "aria-label": "Signatures toward an immediate "
            f"recall: 1 of {shares['immediate_needed']}",
        },
    )
    assert shown.one("section", data_live=f"/api/v1/petitions/{petition}")
    assert '<span data-live-field="signatures">1</span>' in shown.html
    acts = shown.one("section", id="acts")
    assert acts["data-resource"] == "petitions" and acts["data-acts"] == "recall.sign"
    assert "No recall vote yet" in shown.text

    r = s.act("petitions", petition, cmd.SignPetition("a2-4", petition))
    assert r.status_code == 201, r.text
    voting = page(s, f"/petitions/{petition}")
    shares = s.get(f"/api/v1/petitions/{petition}").json()["thresholds"]
    assert shares["quorum_needed"] is not None
    assert f"{shares['quorum_needed']} voters" in voting.text
    assert str(voting.one("section", id="acts")["data-acts"]).split() == [
        "recall.sign",
        "recall.vote",
        "recall.close",
    ]
    assert voting.one("span", data_live_field="votes.yes")

    held = page(s, f"/mandates/{mandate}")
    assert f"/petitions/{petition}" in held.links()
    assert held.one("section", id="acts")["data-acts"] == "mandate.resign"


def test_a_mandate_shows_its_holder_office_seat_and_election(
    served: Callable[[], Served],
) -> None:
    s = elected(served())
    mandate = mandate_of(s, "a1.deputy", "a1-2")
    record = s.get(f"/api/v1/mandates/{mandate}").json()
    shown = page(s, f"/mandates/{mandate}")
    assert "Member 2 of a1" in shown.text and "/offices/a1.deputy" in shown.links()
    assert f"/elections/{record['election']}" in shown.links()
    acts = shown.one("section", id="acts")
    assert acts["data-resource"] == "mandates" and acts["data-ident"] == mandate
    assert acts["data-acts"] == "recall.open mandate.resign"
    by_name = page(s, "/mandates/a1.deputy:a1-2")
    assert by_name.one("section", id="acts")["data-ident"] == mandate


# -- the audit, a member, the log ----------------------------------------------------------


def test_the_audit_shows_every_finding_and_the_election_that_fills_it(
    served: Callable[[], Served],
) -> None:
    s = served()
    findings = s.get("/api/v1/audit").json()
    assert findings
    shown = page(s, "/audit")
    assert f"{len(findings)} finding" in shown.text
    assert "soviet audit --schedule" in shown.text
    election = opened(s, "a1.deputy", "a1-1")
    again = page(s, "/audit")
    assert f"/elections/{election}" in again.links()


def test_a_member_shows_bodies_mandates_and_acts_taken(served: Callable[[], Served]) -> None:
    s = elected(served())
    mandate = mandate_of(s, "a1.deputy", "a1-2")
    r = s.act("mandates", mandate, cmd.ResignMandate("a1-2", mandate, "moving away"))
    assert r.status_code == 201, r.text
    seq = r.json()["events"][0]["seq"]
    shown = page(s, "/members/a1-2")
    assert "Member 2 of a1" in shown.text and "/bodies/a1" in shown.links()
    assert f"/mandates/{mandate}" in shown.links()
    assert "resigned" in shown.text
    assert f"/api/v1/log/{seq}" in shown.links()
    rows = shown.html[shown.html.index("Acts taken") :]
    assert rows.index(f">{seq}<") < rows.index("ballot.cast")  # newest first


def test_the_log_pages_newest_first_with_proofs_against_the_checkpoint(
    served: Callable[[], Served],
) -> None:
    s = elected(served())
    s.org.elect("district.deputy", ["a2-1"])
    s.org.tick(hours=1)
    s.org.elect("city.chair", ["a2-1"])
    for n in range(9, 25):
        s.org.admit(f"a1-{n}", ["a1"], "a1-1", f"Member {n} of a1")
    size = s.size()
    assert size > 100
    checkpoint = s.get("/api/v1/checkpoint").json()
    newest = page(s, "/log")
    proofs = [h for h in newest.links() if "/api/v1/proofs/inclusion/" in h]
    assert len(proofs) == 50
    assert proofs[0] == f"/api/v1/proofs/inclusion/{size}?size={checkpoint['size']}"
    assert proofs[-1].startswith(f"/api/v1/proofs/inclusion/{size - 49}?")
    assert checkpoint["verifier_key"] in newest.text
    assert checkpoint["note"].split("\n")[0] in newest.text
    assert "soviet verify-proof proof.json --checkpoint checkpoint.txt" in newest.text
    assert "soviet verify --url http://board --key soviet.pub" in newest.text
    older = f"/log?before={size - 49}"
    assert older in newest.links()
    second = page(s, older)
    seqs = [h.split("/")[-1].split("?")[0] for h in second.links() if "/proofs/inclusion/" in h]
    assert seqs == [str(n) for n in range(size - 50, size - 100, -1)]
    assert f"/log?before={size - 99}" in second.links()
    assert "/log" in second.links()  # back to the newest page
    first = page(s, "/log?before=3")
    assert [h for h in first.links() if "/proofs/inclusion/" in h] == [
        f"/api/v1/proofs/inclusion/{n}?size={checkpoint['size']}" for n in (2, 1)
    ]
    assert not first.all("a", rel="next")  # nothing older than the first event
    assert first.one("a", rel="prev")["href"] == "/log?before=53"


# -- refusals and the proxy's path ---------------------------------------------------------


@pytest.mark.parametrize(
    "path, named",
    [
        ("/bodies/nowhere", "nowhere"),
        ("/offices/nobody.chair", "nobody.chair"),
        ("/elections/E99", "E99"),
        ("/petitions/P99", "P99"),
        ("/mandates/M99", "M99"),
        ("/members/ghost", "ghost"),
        ("/no/such/page", "/no/such/page"),
    ],
)
def test_an_unknown_id_is_an_html_page_naming_what_was_not_found(
    served: Callable[[], Served], path: str, named: str
) -> None:
    shown = page(served(), path, status=404)
    assert named in shown.text and "Not found" in shown.text


@pytest.mark.parametrize("query", ["before=abc", "before=0", "before=99999999999999999999"])
def test_a_bad_query_parameter_is_an_html_page(served: Callable[[], Served], query: str) -> None:
    shown = page(served(), f"/log?{query}", status=422)
    assert "before" in shown.text


def test_a_mandate_named_badly_is_an_html_page(served: Callable[[], Served]) -> None:
    shown = page(served(), "/mandates/a1.deputy:", status=400)
    assert "names no mandate" in shown.text


def test_the_api_keeps_answering_its_errors_in_json(served: Callable[[], Served]) -> None:
    s = served()
    for path, status in (("/api/v1/elections/E99", 404), ("/api/v1/log?since=abc", 422)):
        r = s.get(path)
        assert r.status_code == status
        assert r.headers["content-type"].startswith("application/json")
        assert set(r.json()) >= {"error", "detail"}


def test_links_carry_the_path_a_proxy_serves_the_board_under(
    served: Callable[[], Served],
) -> None:
    s = elected(served())

    async def send(path: str) -> httpx.Response:
        transport = httpx.ASGITransport(app=s.app, root_path="/council")
        async with httpx.AsyncClient(transport=transport, base_url="http://board") as client:
            return await client.get(path)

    for path in ("/council/", "/council/offices/a2.deputy", "/council/log", "/council/nowhere"):
        r = run(send(path))
        assert r.status_code in (200, 404)
        shown = Page(r.text)
        links = [h for h in shown.links() if h.startswith("/")]
        assert links and all(h.startswith("/council/") for h in links), links
        assert shown.one("link", rel="stylesheet")["href"] == "/council/static/board.css"
        assert shown.one("meta", name="soviet-root")["content"] == "/council"


def test_what_members_write_is_escaped_on_the_page(served: Callable[[], Served]) -> None:
    s = elected(served())
    mandate = mandate_of(s, "a2.deputy", "a2-1")
    reason = '<script>alert("x")</script> & more'
    r = s.act("mandates", mandate, cmd.OpenPetition("a2-3", mandate, reason))
    assert r.status_code == 201, r.text
    petition = r.json()["events"][0]["data"]["petition"]
    shown = page(s, f"/petitions/{petition}")
    assert "<script>alert" not in shown.html
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; &amp; more" in shown.html
    assert reason in shown.text
