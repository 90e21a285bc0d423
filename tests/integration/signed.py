"""Organizations whose log signs its checkpoints, for the ledger's integration tests: founded
with a key beside the database, then a story that closes elections at every level."""

from __future__ import annotations

from pathlib import Path

from integration.conftest import START, Organization, city_federation
from soviet.bootstrap import Settings, Soviet
from soviet.domain.clock import format_instant
from soviet.keyring import Keyring
from soviet.ledger.checkpoints import VerifierKey
from soviet.services.founding import adopt
from soviet.services.verification import Report
from soviet.storage import database
from soviet.storage.database import snapshot
from soviet.storage.verification import verify_database
from soviet.storage.workspace import SqlWorkspace


class SignedOrganization(Organization):
    """An organization founded by `Soviet.found`: a signing key in `key_path`, its
    verifier key in the first event."""

    def __init__(self, url: str, key_path: Path) -> None:
        self.url = url
        self.clock = START
        self.keyring = Keyring()
        self.soviet = Soviet(
            Settings(url, format_instant(START), key_path),
            create=True,
            signer=self.keyring,
            codes_path=key_path.with_name(f"{key_path.stem}.codes.csv"),
        )
        charter = city_federation()
        self.soviet.found(charter)
        self.founding = len(charter.members) * 2 + 1 + len(charter.holdings)
        self.soviet.enroll(self.soviet.founding_codes, self.keyring)


class UnkeyedOrganization(SignedOrganization):
    """A signed log as a soviet from before members held keys founded it: the same
    charter and log key, but no enrollment codes, so none of its acts is signed by its
    actor (`founding` is the founding alone)."""

    def __init__(self, url: str, key_path: Path) -> None:
        self.url = url
        self.clock = START
        self.keyring = Keyring()  # never used: nobody's acts are signed in such a log
        self.soviet = Soviet(Settings(url, format_instant(START), key_path), create=True)
        charter = city_federation()

        def found(ws: SqlWorkspace) -> None:
            adopt(ws, charter, str(self.soviet.keys.create(charter.origin).verifier()))

        self.act(found)
        self.soviet.keys.install()
        self.founding = len(charter.members) + 1 + len(charter.holdings)


def elect_every_level(org: Organization) -> None:
    """Elect the deputies of both assemblies, the district's deputy and the city's chair:
    four closes, each logging a signed checkpoint."""
    org.elect("a1.deputy", ["a1-2"])
    org.tick(hours=1)
    org.elect("a2.deputy", ["a2-1", "a2-2"])
    org.tick(hours=1)
    org.elect("district.deputy", ["a2-1"])
    org.tick(hours=1)
    org.elect("city.chair", ["a2-1"])
    org.tick(hours=1)


def verify(url: str, key: VerifierKey | None = None, since: bytes | None = None) -> Report:
    """`soviet verify` of the database at `url`, as its report."""
    engine = database.create_engine(url)
    try:
        with snapshot(engine) as conn:
            return verify_database(conn, key=key, since=since)
    finally:
        engine.dispose()
