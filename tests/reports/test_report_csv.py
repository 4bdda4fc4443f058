"""The decision CSV: one row per category and critical failure, safe in a spreadsheet."""

from __future__ import annotations

import csv
import io

import pytest

from reports.csv_report import DECISION_COLUMNS
from reports.export import render_decision_bundle
from reports.text import neutralise_cell
from store.settings import DEFAULT_REVIEWERS
from tests.reports.conftest import (
    CLEAN,
    PACK_IDS,
    ReviewDatabase,
    decide_late_fail,
    score_all,
)


def csv_rows(data: bytes) -> list[dict[str, str]]:
    assert data.startswith(b"\xef\xbb\xbf")
    return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ('=HYPERLINK("http://x")', '\'=HYPERLINK("http://x")'),
        ("+1+2", "'+1+2"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tindented", "'\tindented"),
        ("\rreturn", "'\rreturn"),
        ("plain text", "plain text"),
        ("a = b", "a = b"),
        (None, ""),
        (40, "40"),
    ],
)
def test_neutralise_cell(value: object, expected: str):
    assert neutralise_cell(value) == expected


def test_hyperlink_comment_is_neutralised(review_db: ReviewDatabase):
    pack_id = PACK_IDS[CLEAN]
    score_all(review_db.con, pack_id, "Avery Chen", comment='=HYPERLINK("http://evil.example","x")')
    rows = csv_rows(render_decision_bundle(review_db.con, pack_id, review_db.store_dir).csv)

    comments = [row["comment_or_reason"] for row in rows if row["row_type"] == "category"]
    assert comments == ['\'=HYPERLINK("http://evil.example","x")'] * 5


def test_no_cell_starts_with_trigger(review_db: ReviewDatabase):
    pack_id = PACK_IDS[CLEAN]
    score_all(review_db.con, pack_id, "@Avery", comment="-5 points for the missing rollback")
    data = render_decision_bundle(review_db.con, pack_id, review_db.store_dir).csv
    for row in csv.reader(io.StringIO(data.decode("utf-8-sig"))):
        for cell in row:
            assert not cell.startswith(("=", "+", "-", "@", "\t", "\r")), cell


def test_one_row_per_category_and_failure(review_db: ReviewDatabase):
    pack_id = decide_late_fail(review_db.con)
    bundle = render_decision_bundle(review_db.con, pack_id, review_db.store_dir)
    rows = csv_rows(bundle.csv)

    assert list(rows[0]) == list(DECISION_COLUMNS)
    assert [r["item"] for r in rows if r["row_type"] == "category"] == [
        "Recoverability", "Safety", "Evidence", "Communication", "Claims",
    ]  # fmt: skip
    assert [r["item"] for r in rows if r["row_type"] == "critical_failure"] == ["1", "2", "3", "4"]
    assert {r["report_digest"] for r in rows} == {bundle.report.report_digest}
    assert {r["decision"] for r in rows} == {"fail"}
    assert {r["decision_total"] for r in rows} == {"86"}


def test_failure_rows_carry_calls(review_db: ReviewDatabase):
    pack_id = decide_late_fail(review_db.con)
    rows = csv_rows(render_decision_bundle(review_db.con, pack_id, review_db.store_dir).csv)
    calls = {r["item"]: r for r in rows if r["row_type"] == "critical_failure"}

    assert calls["2"]["call"] == "confirm"
    assert calls["2"]["confirmed"] == "yes"
    assert calls["2"]["reviewer"] == "Morgan Patel"
    assert calls["4"]["call"] == "dismiss"
    assert calls["1"]["call"] == ""


def test_partner_csv_has_no_reviewer_name(review_db: ReviewDatabase):
    pack_id = decide_late_fail(review_db.con)
    data = render_decision_bundle(review_db.con, pack_id, review_db.store_dir, "partner").csv
    text = data.decode("utf-8-sig")
    for name in DEFAULT_REVIEWERS:
        assert name not in text
