"""The cohort report: organisations, operators and packs, as PDF and CSV."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pypdf

from cohort.intake import parse_application, submit_intake
from reports.cohort import build_cohort_report, load_cohort_report
from tests.reports.conftest import (
    CLEAN,
    PACK_IDS,
    SCIM,
    ReviewDatabase,
    decide_late_fail,
    resubmission_zip,
    sample_zip,
)


def enrol_partner_two(db: ReviewDatabase) -> None:
    application = parse_application(
        {
            "organisation": "Partner Two Consulting",
            "partner_id": "P-002",
            "motion": "delivery",
            "target_customers": "Mid-market Okta customers",
            "pilot_context": "Supervised pilot with a regional retailer",
            "operators": [
                {
                    "name": "Dana Reyes",
                    "email": "dana.reyes@partner-two.example",
                    "okta_iam_years": 6,
                    "experience_notes": "Six years of Okta administration",
                    "requested_track": "implementation-specialist",
                    "operator_id": "OP-101",
                }
            ],
        }
    )
    submit_intake(db.con, application, "Cohort Lead")


def rows_by_type(data: bytes) -> dict[str, list[dict[str, str]]]:
    grouped: dict[str, list[dict[str, str]]] = {}
    for row in csv.DictReader(io.StringIO(data.decode("utf-8-sig"))):
        grouped.setdefault(row["record_type"], []).append(row)
    return grouped


def test_every_pack_has_a_row(review_db: ReviewDatabase):
    report = load_cohort_report(review_db.con, review_db.store_dir)
    assert sorted(line.pack_id for line in report.packs) == sorted(PACK_IDS.values())


def test_pack_rows_show_decision_and_failures(review_db: ReviewDatabase):
    pack_id = decide_late_fail(review_db.con)
    report = load_cohort_report(review_db.con, review_db.store_dir)
    line = next(p for p in report.packs if p.pack_id == pack_id)

    assert line.decision == "fail"
    assert line.decided_by == "Riley Santos"
    assert line.decision_status == "current"
    assert line.critical_failures == "CF2 confirmed"


def test_undecided_pack_is_an_open_item(review_db: ReviewDatabase):
    report = load_cohort_report(review_db.con, review_db.store_dir)
    line = next(p for p in report.packs if p.pack_id == PACK_IDS[SCIM])
    assert line.decision == "not decided"
    assert "awaiting a decision" in line.open_items


def test_superseded_pack_status(review_db: ReviewDatabase, tmp_path: Path):
    review_db.import_zip(
        resubmission_zip(sample_zip(CLEAN), tmp_path, "EP-2026-9990", PACK_IDS[CLEAN])
    )
    report = load_cohort_report(review_db.con)
    line = next(p for p in report.packs if p.pack_id == PACK_IDS[CLEAN])
    assert line.decision_status == "not decided"
    assert "awaiting a decision" not in line.open_items


def test_enrolled_organisation_and_operator(review_db: ReviewDatabase):
    enrol_partner_two(review_db)
    report = load_cohort_report(review_db.con, review_db.store_dir)

    org = next(o for o in report.organisations if o.partner_id == "P-002")
    assert org.stage.startswith("admitted")
    operator = next(o for o in report.operators if o.operator_id == "OP-101")
    assert operator.stage == "train"
    assert "EP-2026-9964: not decided" in operator.decision


def test_unenrolled_partner_is_listed(review_db: ReviewDatabase):
    report = load_cohort_report(review_db.con, review_db.store_dir)
    org = next(o for o in report.organisations if o.partner_id == "P-003")
    assert org.stage == "not in cohort"


def test_files_written_and_recorded(review_db: ReviewDatabase, tmp_path: Path):
    enrol_partner_two(review_db)
    decide_late_fail(review_db.con)
    paths = build_cohort_report(review_db.con, tmp_path, "Avery Chen", review_db.store_dir)

    assert [p.name for p in paths] == ["cohort-report.pdf", "cohort-report.csv"]
    text = re.sub(r"\s+", " ", "\n".join(
        page.extract_text() for page in pypdf.PdfReader(paths[0]).pages
    ))  # fmt: skip
    for pack_id in PACK_IDS.values():
        assert pack_id in text
    assert "Partner Two Consulting" in text
    grouped = rows_by_type(paths[1].read_bytes())
    assert sorted(grouped) == ["operator", "organisation", "pack"]
    events = review_db.con.execute(
        "SELECT pack_id, report_kind, exported_by FROM export_events ORDER BY event_id"
    ).fetchall()
    assert events == [(None, "cohort-pdf", "Avery Chen"), (None, "cohort-csv", "Avery Chen")]


def test_empty_database_gives_empty_report(tmp_path: Path):
    from store.db import open_database

    con = open_database(tmp_path / "empty.duckdb")
    paths = build_cohort_report(con, tmp_path / "out", "Avery Chen")
    con.close()
    assert rows_by_type(paths[1].read_bytes()) == {}
