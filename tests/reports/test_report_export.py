"""Writing the three files side by side and recording each export in the history."""

from __future__ import annotations

from pathlib import Path

import pytest

from reports.errors import PackNotFound
from reports.export import write_decision_reports
from store.review import load_history
from tests.reports.conftest import ReviewDatabase, decide_clean_pass


def test_three_files_side_by_side(review_db: ReviewDatabase, tmp_path: Path):
    pack_id = decide_clean_pass(review_db.con)
    _, paths = write_decision_reports(
        review_db.con, pack_id, tmp_path / "out", review_db.store_dir, "Avery Chen"
    )
    assert [p.name for p in paths] == [
        f"{pack_id}-decision-report.pdf",
        f"{pack_id}-decision-report.json",
        f"{pack_id}-decision-report.csv",
    ]
    assert {p.parent for p in paths} == {tmp_path / "out"}


def test_partner_files_have_own_names(review_db: ReviewDatabase, tmp_path: Path):
    pack_id = decide_clean_pass(review_db.con)
    _, paths = write_decision_reports(
        review_db.con, pack_id, tmp_path, review_db.store_dir, "Avery Chen", "partner"
    )
    assert paths[0].name == f"{pack_id}-decision-report-partner.pdf"


def test_each_export_is_recorded(review_db: ReviewDatabase, tmp_path: Path):
    pack_id = decide_clean_pass(review_db.con)
    bundle, _ = write_decision_reports(
        review_db.con, pack_id, tmp_path, review_db.store_dir, "Morgan Patel", "partner"
    )
    rows = review_db.con.execute(
        "SELECT pack_id, report_kind, audience, report_digest, exported_by FROM export_events "
        "ORDER BY event_id"
    ).fetchall()
    digest = bundle.report.report_digest
    assert rows == [
        (pack_id, "decision-pdf", "partner", digest, "Morgan Patel"),
        (pack_id, "decision-json", "partner", digest, "Morgan Patel"),
        (pack_id, "decision-csv", "partner", digest, "Morgan Patel"),
    ]


def test_exports_appear_in_history(review_db: ReviewDatabase, tmp_path: Path):
    pack_id = decide_clean_pass(review_db.con)
    write_decision_reports(review_db.con, pack_id, tmp_path, review_db.store_dir, "Avery Chen")
    history = load_history(review_db.con, pack_id)
    assert [h["kind"] for h in history[:3]] == ["export"] * 3


def test_empty_exporter_is_rejected(review_db: ReviewDatabase, tmp_path: Path):
    pack_id = decide_clean_pass(review_db.con)
    with pytest.raises(ValueError, match="exported_by is empty"):
        write_decision_reports(review_db.con, pack_id, tmp_path, review_db.store_dir, "  ")
    assert not list(tmp_path.glob("*.pdf"))


def test_unknown_pack_writes_nothing(review_db: ReviewDatabase, tmp_path: Path):
    with pytest.raises(PackNotFound):
        write_decision_reports(
            review_db.con, "EP-0000-0000", tmp_path / "out", review_db.store_dir, "Avery Chen"
        )
    assert not (tmp_path / "out").exists()
    count = review_db.con.execute("SELECT count(*) FROM export_events").fetchone()
    assert count == (0,)
