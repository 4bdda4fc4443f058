"""The demo database: a cohort in several stages, a suspension and a Delivery Partner."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest

from cohort.overview import build_overview
from cohort.seed import seed_cohort
from store.db import open_database


@pytest.fixture
def demo(demo_env: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    """Open a copy of the seeded demo database."""
    con = open_database(demo_env)
    yield con
    con.close()


def test_demo_has_every_stage(demo):
    stages = set(build_overview(demo).operators["stage"])
    assert stages == {"apply", "train", "prove", "supervise", "maintain"}


def test_demo_has_suspended_credential(demo):
    snapshot = build_overview(demo).snapshot
    suspended = [
        state
        for levels in snapshot.credentials.values()
        for state in levels.values()
        if state.status == "suspended"
    ]
    assert len(suspended) == 1
    assert suspended[0].reason_code == "repeated-quality-failures"
    assert suspended[0].reason.startswith("Two customer deliveries")


def test_demo_has_delivery_partner_not_managed(demo):
    organisations = build_overview(demo).organisations.set_index("partner_id")
    assert organisations.loc["P-001", "accreditation"] == "Delivery Partner"
    assert "L1 support model" in organisations.loc["P-001", "still_missing"]
    assert organisations.loc["P-001", "directory"] == "eligible"


def test_demo_has_waitlisted_applicant(demo):
    organisations = build_overview(demo).organisations.set_index("partner_id")
    assert organisations.loc["P-006", "membership"] == "waitlisted"


def test_demo_flags_repeated_quality_failures(demo):
    organisations = build_overview(demo).organisations.set_index("partner_id")
    assert "grounds for suspension" in organisations.loc["P-004", "quality"]


def test_seed_cohort_runs_once(demo):
    before = demo.execute("SELECT count(*) FROM org_status_events").fetchone()
    seed_cohort(demo)
    after = demo.execute("SELECT count(*) FROM org_status_events").fetchone()
    assert after == before
