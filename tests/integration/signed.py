"""Organizations whose log signs its checkpoints, for the ledger's integration tests: founded
with a key beside the database, then a story that closes elections at every level."""

from __future__ import annotations

from pathlib import Path

from integration.conftest import START, Organization, city_federation
from soviet.bootstrap import Settings, Soviet
from soviet.domain.clock import format_instant
from soviet.ledger.checkpoints import VerifierKey
from soviet.services.verification import Report
from soviet.storage import database
from soviet.storage.database import snapshot
from soviet.storage.verification import verify_database


class SignedOrganization(Organization):
    """An organization founded by `Soviet.found`: a signing key in `key_path`, its
    verifier key in the first event."""

    def __init__(self, url: str, key_path: Path) -> None:
        self.url = url
        self.clock = START
        self.soviet = Soviet(Settings(url, format_instant(START), key_path), create=True)
        self.soviet.found(city_federation())


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
