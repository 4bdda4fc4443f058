"""identity.cohort: a pack's partner and operators are compared with the cohort records."""

from __future__ import annotations

from pathlib import Path

import pytest

from ingest.filestore import BlobStore
from ingest.loader import import_pack, recheck_pack
from store.db import open_database
from store.seed import seed_demo_if_empty
from store.settings import ArchiveLimits, load_settings
from tests.conftest import SAMPLE_PACKS


@pytest.fixture(scope="module")
def cohort_findings(tmp_path_factory: pytest.TempPathFactory) -> list:
    folder = tmp_path_factory.mktemp("identity")
    settings = load_settings({"BUTTERFLY_DB": str(folder / "demo.duckdb")})
    con = open_database(settings.db_path)
    seed_demo_if_empty(con, settings)
    report = import_pack(
        con, SAMPLE_PACKS / "impl-scim-no-deactivate.zip", BlobStore(folder / "store"),
        ArchiveLimits(),
    )  # fmt: skip
    con.close()
    return [f for f in report.findings if f.check == "identity.cohort"]


def test_partner_name_mismatch_found(cohort_findings: list):
    fields = {f.field for f in cohort_findings}
    assert "partner.name" in fields


def test_operator_of_other_firm_found(cohort_findings: list):
    messages = " ".join(f.message for f in cohort_findings if f.field == "operators[0]")
    assert "OP-101" in messages
    assert "P-001" in messages


def test_identity_never_suggests_failure(cohort_findings: list):
    assert {f.critical_failure for f in cohort_findings} == {None}


def test_demo_packs_match_cohort(tmp_path: Path):
    settings = load_settings({"BUTTERFLY_DB": str(tmp_path / "demo.duckdb")})
    con = open_database(settings.db_path)
    seed_demo_if_empty(con, settings)
    # The demo packs load before the cohort is seeded, so check them again against it.
    pack_ids = [row[0] for row in con.execute("SELECT pack_id FROM packs").fetchall()]
    findings = []
    for pack_id in pack_ids:
        findings += recheck_pack(con, pack_id, BlobStore(settings.store_dir))
    con.close()
    assert len(pack_ids) == 7
    assert [f.message for f in findings if f.check == "identity.cohort"] == []
