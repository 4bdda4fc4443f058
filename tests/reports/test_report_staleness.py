"""decision_status: current, not decided, superseded by a resubmission, stale bytes."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from ingest.filestore import BlobStore
from reports.errors import PackNotFound
from reports.staleness import decision_status
from store.review import record_score
from tests.reports.conftest import (
    CLEAN,
    LATE,
    PACK_IDS,
    ReviewDatabase,
    decide_clean_pass,
    resubmission_zip,
    sample_zip,
)


def stored_blob(db: ReviewDatabase, pack_id: str, path: str) -> Path:
    row = db.con.execute(
        "SELECT sha256_actual FROM artifacts WHERE pack_id = ? AND path = ?", [pack_id, path]
    ).fetchone()
    assert row is not None
    return BlobStore(db.store_dir).path_for(row[0])


def overwrite(blob: Path, data: bytes) -> None:
    os.chmod(blob, 0o644)
    blob.write_bytes(data)


def test_undecided_pack_is_not_decided(review_db: ReviewDatabase):
    status = decision_status(review_db.con, PACK_IDS[LATE], review_db.store_dir)
    assert status.state == "not decided"
    assert "No decision has been recorded" in status.reason
    assert status.decided_content_digest is None


def test_fresh_decision_is_current(review_db: ReviewDatabase):
    pack_id = decide_clean_pass(review_db.con)
    status = decision_status(review_db.con, pack_id, review_db.store_dir)
    assert status.state == "current"
    assert status.decided_content_digest == status.pack_content_digest
    assert status.mismatched_artifacts == []
    assert status.warnings == []


def test_resubmission_supersedes_decision(review_db: ReviewDatabase, tmp_path: Path):
    pack_id = decide_clean_pass(review_db.con)
    resubmitted = resubmission_zip(sample_zip(CLEAN), tmp_path, "EP-2026-9990", pack_id)
    review_db.import_zip(resubmitted)

    status = decision_status(review_db.con, pack_id, review_db.store_dir)
    assert status.state == "superseded"
    assert status.superseded_by == ["EP-2026-9990"]
    assert "EP-2026-9990" in status.reason


def test_resubmission_leaves_new_pack_undecided(review_db: ReviewDatabase, tmp_path: Path):
    pack_id = decide_clean_pass(review_db.con)
    review_db.import_zip(resubmission_zip(sample_zip(CLEAN), tmp_path, "EP-2026-9990", pack_id))
    status = decision_status(review_db.con, "EP-2026-9990", review_db.store_dir)
    assert status.state == "not decided"


def test_changed_blob_makes_decision_stale(review_db: ReviewDatabase):
    pack_id = decide_clean_pass(review_db.con)
    overwrite(stored_blob(review_db, pack_id, "butterfly/backup.json"), b'{"edited": true}')

    status = decision_status(review_db.con, pack_id, review_db.store_dir)
    assert status.state == "stale"
    assert status.mismatched_artifacts == ["butterfly/backup.json"]
    assert "butterfly/backup.json" in status.reason


def test_missing_blob_makes_decision_stale(review_db: ReviewDatabase):
    pack_id = decide_clean_pass(review_db.con)
    stored_blob(review_db, pack_id, "docs/readiness-notes.md").unlink()

    status = decision_status(review_db.con, pack_id, review_db.store_dir)
    assert status.state == "stale"
    assert status.mismatched_artifacts == ["docs/readiness-notes.md"]
    assert "has no copy of docs/readiness-notes.md" in status.reason


def test_wrong_store_folder_makes_every_file_missing(review_db: ReviewDatabase, tmp_path: Path):
    pack_id = decide_clean_pass(review_db.con)
    status = decision_status(review_db.con, pack_id, tmp_path / "elsewhere")
    assert status.state == "stale"
    assert "manifest.json" in status.mismatched_artifacts
    assert "check that the store folder belongs to this database" in status.reason


def test_stale_wins_over_superseded(review_db: ReviewDatabase, tmp_path: Path):
    pack_id = decide_clean_pass(review_db.con)
    review_db.import_zip(resubmission_zip(sample_zip(CLEAN), tmp_path, "EP-2026-9990", pack_id))
    overwrite(stored_blob(review_db, pack_id, "sso/saml-response.xml"), b"<changed/>")

    status = decision_status(review_db.con, pack_id, review_db.store_dir)
    assert status.state == "stale"
    assert "EP-2026-9990" in status.reason
    assert status.superseded_by == ["EP-2026-9990"]


def test_score_after_decision_warns(review_db: ReviewDatabase):
    pack_id = decide_clean_pass(review_db.con)
    record_score(review_db.con, pack_id, "Claims", 60, "Rechecked the claims.", "Morgan Patel")

    status = decision_status(review_db.con, pack_id, review_db.store_dir)
    assert status.state == "current"
    assert len(status.warnings) == 1
    assert "changed after the decision" in status.warnings[0]


def test_unknown_pack_raises(review_db: ReviewDatabase):
    with pytest.raises(PackNotFound, match="EP-0000-0000"):
        decision_status(review_db.con, "EP-0000-0000", review_db.store_dir)
