"""The standalone verification script in docs/verifying-reports.md, run as a user would."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import zipfile
from pathlib import Path

from reports.export import write_decision_reports
from tests.conftest import REPO_ROOT
from tests.reports.conftest import (
    CLEAN,
    LATE,
    PACK_IDS,
    ReviewDatabase,
    decide_clean_pass,
    decide_late_fail,
    sample_zip,
)

DOC = REPO_ROOT / "docs" / "verifying-reports.md"


def script_from_doc(tmp_path: Path) -> Path:
    blocks = re.findall(r"```python\n(.*?)```", DOC.read_text(encoding="utf-8"), re.DOTALL)
    assert len(blocks) == 1
    script = tmp_path / "verify_report.py"
    script.write_text(blocks[0], encoding="utf-8")
    return script


def run_script(script: Path, pack: Path, report: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(script), str(pack), str(report)],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=script.parent,
    )


def export_json(db: ReviewDatabase, pack_id: str, out: Path, audience: str = "internal") -> Path:
    _, paths = write_decision_reports(db.con, pack_id, out, db.store_dir, "Avery Chen", audience)  # type: ignore[arg-type]
    return paths[1]


def test_snippet_verifies_passed_pack(review_db: ReviewDatabase, tmp_path: Path):
    report = export_json(review_db, decide_clean_pass(review_db.con), tmp_path / "out")
    result = run_script(script_from_doc(tmp_path), sample_zip(CLEAN), report)
    assert result.returncode == 0, result.stdout
    assert result.stdout.strip().endswith("verified")
    assert "FAILED" not in result.stdout


def test_snippet_verifies_partner_report(review_db: ReviewDatabase, tmp_path: Path):
    report = export_json(review_db, decide_late_fail(review_db.con), tmp_path / "out", "partner")
    result = run_script(script_from_doc(tmp_path), sample_zip(LATE), report)
    assert result.returncode == 0, result.stdout


def test_snippet_verifies_undecided_pack(review_db: ReviewDatabase, tmp_path: Path):
    report = export_json(review_db, PACK_IDS[LATE], tmp_path / "out")
    result = run_script(script_from_doc(tmp_path), sample_zip(LATE), report)
    assert result.returncode == 0, result.stdout


def test_snippet_accepts_compressed_folder(review_db: ReviewDatabase, tmp_path: Path):
    report = export_json(review_db, decide_clean_pass(review_db.con), tmp_path / "out")
    nested = tmp_path / "nested.zip"
    with zipfile.ZipFile(sample_zip(CLEAN)) as source, zipfile.ZipFile(nested, "w") as target:
        for name in source.namelist():
            target.writestr(f"pack-folder/{name}", source.read(name))
        target.writestr("__MACOSX/pack-folder/._manifest.json", b"debris")
    result = run_script(script_from_doc(tmp_path), nested, report)
    assert result.returncode == 0, result.stdout


def test_snippet_rejects_changed_file(review_db: ReviewDatabase, tmp_path: Path):
    report = export_json(review_db, decide_clean_pass(review_db.con), tmp_path / "out")
    changed = tmp_path / "changed.zip"
    with zipfile.ZipFile(sample_zip(CLEAN)) as source, zipfile.ZipFile(changed, "w") as target:
        for name in source.namelist():
            data = source.read(name)
            target.writestr(name, data + b"\n" if name == "butterfly/backup.json" else data)
    result = run_script(script_from_doc(tmp_path), changed, report)
    assert result.returncode == 1
    assert "FAILED  SHA-256 of butterfly/backup.json" in result.stdout
    assert "FAILED  decision covers these bytes" in result.stdout


def test_snippet_rejects_edited_score(review_db: ReviewDatabase, tmp_path: Path):
    path = export_json(review_db, decide_clean_pass(review_db.con), tmp_path / "out")
    document = json.loads(path.read_text(encoding="utf-8"))
    document["scoring"]["categories"][0]["score"] = "100.00"
    path.write_text(json.dumps(document), encoding="utf-8")
    result = run_script(script_from_doc(tmp_path), sample_zip(CLEAN), path)
    assert result.returncode == 1
    assert "FAILED  report digest" in result.stdout
    assert "FAILED  weighted points of Recoverability" in result.stdout
