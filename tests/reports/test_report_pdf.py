"""The decision PDF, read back with pypdf."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pypdf

from reports.export import render_decision_bundle, write_decision_reports
from store.review import record_score
from store.settings import DEFAULT_REVIEWERS
from tests.reports.conftest import (
    CLEAN,
    GOOD_SCORES,
    LATE,
    PACK_IDS,
    ReviewDatabase,
    decide_clean_pass,
    decide_late_fail,
    resubmission_zip,
    sample_zip,
    score_all,
)


def pdf_text(data: bytes) -> str:
    reader = pypdf.PdfReader(io.BytesIO(data))
    text = "\n".join(page.extract_text() for page in reader.pages)
    return re.sub(r"\s+", " ", text)


def test_pdf_shows_decision_scores_and_calls(review_db: ReviewDatabase, tmp_path: Path):
    pack_id = decide_late_fail(review_db.con)
    _, paths = write_decision_reports(
        review_db.con, pack_id, tmp_path / "out", review_db.store_dir, "Avery Chen"
    )
    text = pdf_text(paths[0].read_bytes())

    assert paths[0].suffix == ".pdf"
    assert pack_id in text
    assert "Decision: FAIL" in text
    assert "Weighted total: 86.00" in text
    for category, score in GOOD_SCORES.items():
        assert re.search(rf"{category} {score} \d+% ", text), category
    assert "Restore RX-0091 ran before CHG-0777 was approved." in text
    assert "confirmed" in text
    assert "dismissed" in text
    assert "Marketing wording is a draft, never published." in text


def test_pdf_shows_pack_facts(review_db: ReviewDatabase):
    pack_id = decide_late_fail(review_db.con)
    bundle = render_decision_bundle(review_db.con, pack_id, review_db.store_dir)
    text = pdf_text(bundle.pdf)

    assert "Partner Three Security" in text
    assert "recovery-lead" in text
    assert "Dana Reyes" in text
    assert "https://butterfly-lab-07.oktapreview.com (sandbox)" in text
    assert "2026-11-04 16:00 UTC" in text
    assert "2026-11 v1" in text
    assert "Riley Santos" in text


def test_pdf_lists_evidence_hashes(review_db: ReviewDatabase):
    pack_id = decide_late_fail(review_db.con)
    bundle = render_decision_bundle(review_db.con, pack_id, review_db.store_dir)
    text = pdf_text(bundle.pdf).replace(" ", "")

    for item in bundle.report.evidence.items:
        assert item.sha256_actual is not None
        assert item.sha256_actual in text, item.path


def test_pdf_carries_json_digest(review_db: ReviewDatabase):
    pack_id = decide_clean_pass(review_db.con)
    bundle = render_decision_bundle(review_db.con, pack_id, review_db.store_dir)
    assert bundle.report.report_digest in pdf_text(bundle.pdf)


def test_pdf_has_timeline_table(review_db: ReviewDatabase):
    pack_id = decide_late_fail(review_db.con)
    text = pdf_text(render_decision_bundle(review_db.con, pack_id, review_db.store_dir).pdf)
    assert "Timeline" in text
    assert "Access window" in text
    assert "Pack submitted" in text


def test_undecided_pdf_is_marked(review_db: ReviewDatabase):
    pack_id = PACK_IDS[LATE]
    text = pdf_text(render_decision_bundle(review_db.con, pack_id, review_db.store_dir).pdf)
    assert "NOT DECIDED" in text
    assert "Not decided: no reviewer has recorded a decision" in text


def test_superseded_pdf_is_marked(review_db: ReviewDatabase, tmp_path: Path):
    pack_id = decide_clean_pass(review_db.con)
    review_db.import_zip(resubmission_zip(sample_zip(CLEAN), tmp_path, "EP-2026-9990", pack_id))
    text = pdf_text(render_decision_bundle(review_db.con, pack_id, review_db.store_dir).pdf)
    assert "Status: SUPERSEDED" in text
    assert "EP-2026-9990" in text


def test_partner_pdf_has_no_reviewer_name(review_db: ReviewDatabase):
    pack_id = decide_late_fail(review_db.con)
    bundle = render_decision_bundle(review_db.con, pack_id, review_db.store_dir, "partner")
    text = pdf_text(bundle.pdf)

    for name in DEFAULT_REVIEWERS:
        assert name not in text
    assert "Marketing wording is a draft" not in text
    assert "Review history" not in text
    assert "Restore RX-0091 ran before CHG-0777 was approved." in text
    assert "Recoverability comment" in text


def test_pdf_draws_non_latin1_text(review_db: ReviewDatabase):
    pack_id = PACK_IDS[CLEAN]
    score_all(review_db.con, pack_id, "Avery Chen", comment="Très bien – “clear” ✓ 日本")
    text = pdf_text(render_decision_bundle(review_db.con, pack_id, review_db.store_dir).pdf)
    assert 'Très bien - "clear" ? ??' in text


def test_pdf_of_every_example_pack(review_db: ReviewDatabase):
    for pack_id in PACK_IDS.values():
        record_score(review_db.con, pack_id, "Safety", 75, "Least privilege shown.", "Avery Chen")
        bundle = render_decision_bundle(review_db.con, pack_id, review_db.store_dir)
        assert bundle.pdf.startswith(b"%PDF-")
        assert pack_id in pdf_text(bundle.pdf)
