"""The decision report JSON: schema, digests, hashes against the pack, totals, audiences."""

from __future__ import annotations

import hashlib
import json
import zipfile
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import jsonschema

from reports.digest import report_digest
from reports.export import render_decision_bundle
from reports.schema import SCHEMA_PATH, report_schema_text
from store.review import record_critical_failure_call, record_decision, record_score
from store.settings import DEFAULT_REVIEWERS
from tests.reports.conftest import (
    CLEAN,
    LATE,
    PACK_IDS,
    ReviewDatabase,
    decide_clean_pass,
    decide_late_fail,
    sample_zip,
    score_all,
)


def report_json(db: ReviewDatabase, pack_id: str, audience: str = "internal") -> dict:
    bundle = render_decision_bundle(db.con, pack_id, db.store_dir, audience)  # type: ignore[arg-type]
    return json.loads(bundle.json)


def zip_hashes(path: Path) -> dict[str, str]:
    with zipfile.ZipFile(path) as archive:
        return {
            name: hashlib.sha256(archive.read(name)).hexdigest()
            for name in archive.namelist()
            if not name.endswith("/")
        }


def test_committed_schema_matches_models():
    assert SCHEMA_PATH.read_text(encoding="utf-8") == report_schema_text()


def test_reports_validate_against_schema(review_db: ReviewDatabase):
    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    decide_clean_pass(review_db.con)
    decide_late_fail(review_db.con)
    for pack_id in PACK_IDS.values():
        for audience in ("internal", "partner"):
            jsonschema.validate(report_json(review_db, pack_id, audience), schema)


def test_schema_rejects_unknown_field(review_db: ReviewDatabase):
    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    document = report_json(review_db, decide_clean_pass(review_db.con))
    document["pack"]["extra"] = "not in the model"
    validator = jsonschema.Draft202012Validator(schema)
    assert not validator.is_valid(document)


def test_report_digest_recomputes(review_db: ReviewDatabase):
    document = report_json(review_db, decide_clean_pass(review_db.con))
    body = {key: value for key, value in document.items() if key != "report_digest"}
    canonical = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    assert hashlib.sha256(canonical.encode("utf-8")).hexdigest() == document["report_digest"]
    assert report_digest(document) == document["report_digest"]


def test_file_hashes_match_pack_zip(review_db: ReviewDatabase):
    document = report_json(review_db, decide_clean_pass(review_db.con))
    listed = {entry["path"]: entry["sha256"] for entry in document["evidence"]["files"]}
    assert listed == zip_hashes(sample_zip(CLEAN))


def test_content_digest_recomputes_from_zip(review_db: ReviewDatabase):
    document = report_json(review_db, decide_clean_pass(review_db.con))
    lines = "".join(f"{p}\0{h}\n" for p, h in sorted(zip_hashes(sample_zip(CLEAN)).items()))
    digest = hashlib.sha256(lines.encode("utf-8")).hexdigest()
    assert digest == document["evidence"]["content_digest"]
    assert digest == document["decision"]["content_digest"]


def test_manifest_hashes_are_listed(review_db: ReviewDatabase):
    document = report_json(review_db, decide_clean_pass(review_db.con))
    with zipfile.ZipFile(sample_zip(CLEAN)) as archive:
        manifest = json.loads(archive.read("manifest.json"))
    declared = {
        i["path"]: i["sha256_declared"] for i in document["evidence"]["items"] if i["listed"]
    }
    assert declared == {a["path"]: a["sha256"] for a in manifest["artifacts"]}


def test_totals_recompute_from_scores(review_db: ReviewDatabase):
    document = report_json(review_db, decide_late_fail(review_db.con))
    scoring = document["scoring"]
    total = Decimal(0)
    for line in scoring["categories"]:
        points = Decimal(line["score"]) * line["weight"] / 100
        assert points == Decimal(line["points"]), line["category"]
        total += points
    assert total == Decimal(scoring["total"])
    assert total == Decimal(document["decision"]["total"])
    assert scoring["meets_pass_rule"] is False


def test_decision_total_rounds_half_up(review_db: ReviewDatabase):
    pack_id = PACK_IDS[CLEAN]
    scores = {
        "Recoverability": 84.99,
        "Safety": 85.01,
        "Evidence": 85,
        "Communication": 85,
        "Claims": 85,
    }
    score_all(review_db.con, pack_id, "Avery Chen", scores)
    record_decision(review_db.con, pack_id, "fail", "Just under the pass mark.", "Avery Chen")
    document = report_json(review_db, pack_id)

    total = Decimal(document["scoring"]["total"])
    assert total == Decimal("84.998")
    assert document["scoring"]["meets_pass_rule"] is False
    rounded = total.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    assert rounded == Decimal(document["decision"]["total"])


def test_scores_shown_as_decided(review_db: ReviewDatabase):
    pack_id = decide_clean_pass(review_db.con)
    record_score(review_db.con, pack_id, "Claims", 10, "Changed my mind.", "Morgan Patel")
    document = report_json(review_db, pack_id)

    claims = next(c for c in document["scoring"]["categories"] if c["category"] == "Claims")
    assert Decimal(claims["score"]) == 100
    assert document["scoring"]["total"] == document["decision"]["total"]
    assert "changed after the decision" in document["status"]["warnings"][0]


def test_undecided_report_has_draft_scores(review_db: ReviewDatabase):
    pack_id = PACK_IDS[LATE]
    record_score(review_db.con, pack_id, "Safety", 75, "Least privilege shown.", "Avery Chen")
    document = report_json(review_db, pack_id)

    assert document["decision"] is None
    assert document["status"]["state"] == "not decided"
    assert document["scoring"]["total"] is None
    safety = next(c for c in document["scoring"]["categories"] if c["category"] == "Safety")
    assert Decimal(safety["score"]) == 75


def test_partner_json_has_no_reviewer_name(review_db: ReviewDatabase):
    pack_id = decide_late_fail(review_db.con)
    text = json.dumps(report_json(review_db, pack_id, "partner"))
    for name in DEFAULT_REVIEWERS:
        assert name not in text


def test_partner_json_drops_internal_parts(review_db: ReviewDatabase):
    pack_id = decide_late_fail(review_db.con)
    document = report_json(review_db, pack_id, "partner")
    calls = {cf["number"]: cf for cf in document["critical_failures"]}

    assert document["history"] is None
    assert document["decision"]["reviewers"] == []
    assert calls[4]["call"] == "dismiss"
    assert calls[4]["reason"] is None
    assert calls[2]["reason"] == "Restore RX-0091 ran before CHG-0777 was approved."


def test_partner_json_drops_internal_lines(review_db: ReviewDatabase):
    pack_id = PACK_IDS[CLEAN]
    comment = "Clear restore preview.\nInternal: partner pushed back hard on the call."
    score_all(review_db.con, pack_id, "Avery Chen", comment=comment)
    record_critical_failure_call(
        review_db.con,
        pack_id,
        1,
        "raise",
        "Customer tenant used.\ninternal: seen in call",
        "Avery Chen",
    )
    internal = report_json(review_db, pack_id)
    partner = report_json(review_db, pack_id, "partner")

    assert internal["scoring"]["categories"][0]["comment"] == comment
    assert partner["scoring"]["categories"][0]["comment"] == "Clear restore preview."
    assert partner["critical_failures"][0]["reason"] == "Customer tenant used."


def test_internal_json_keeps_history(review_db: ReviewDatabase):
    pack_id = decide_late_fail(review_db.con)
    document = report_json(review_db, pack_id)
    kinds = [entry["kind"] for entry in document["history"]]
    assert kinds[0] == "decision"
    assert kinds.count("score") == 5
    assert kinds.count("critical failure") == 2
