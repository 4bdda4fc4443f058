"""The critical failures each example pack suggests, pinned beyond its expected.json."""

from __future__ import annotations

from ingest.loader import check_pack
from store.settings import ArchiveLimits
from tests.conftest import SAMPLE_PACKS


def test_clean_pack_suggests_nothing():
    report = check_pack(SAMPLE_PACKS / "clean-implementation-specialist.zip", ArchiveLimits())
    assert report.suggested_failures == []


def test_late_approval_suggests_only_cf2():
    report = check_pack(SAMPLE_PACKS / "lead-late-approval.zip", ArchiveLimits())
    assert report.suggested_failures == [2]


def test_production_org_response_suggests_cf1():
    """An API response from a production org is evidence a customer tenant was touched."""
    report = check_pack(SAMPLE_PACKS / "impl-scim-no-deactivate.zip", ArchiveLimits())
    hosts = [f for f in report.findings if f.check == "tenant.hosts"]
    assert report.suggested_failures == [1, 3]
    assert hosts[0].artifact == "okta/groups.json"
    assert hosts[0].critical_failure == 1
