"""The butterfly-review command line, run as a real process."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from tests.conftest import REPO_ROOT, SAMPLE_PACKS


def run_cli(*args: str, cwd: Path = REPO_ROOT) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "cli.main", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=300,
    )


@pytest.mark.parametrize("name", ["clean-implementation-specialist", "lead-late-approval"])
def test_check_json_matches_expected(name: str):
    expected = json.loads((SAMPLE_PACKS / name / "expected.json").read_text())
    result = run_cli("check", str(SAMPLE_PACKS / f"{name}.zip"), "--json")
    output = json.loads(result.stdout)
    assert result.returncode == expected["exit"]
    assert output["status"] == "accepted"
    assert set(output) == {"pack_id", "status", "findings"}


def test_check_json_finding_fields():
    result = run_cli("check", str(SAMPLE_PACKS / "lead-late-approval.zip"), "--json")
    finding = json.loads(result.stdout)["findings"][0]
    assert set(finding) == {"check", "severity", "artifact", "field", "message",
                            "critical_failure"}  # fmt: skip


def test_check_rejects_non_zip(tmp_path: Path):
    bogus = tmp_path / "pack.zip"
    bogus.write_bytes(b"this is not a zip file")
    result = run_cli("check", str(bogus), "--json")
    output = json.loads(result.stdout)
    assert result.returncode == 2
    assert output["status"] == "rejected"
    assert output["findings"][0]["message"]
    assert "Traceback" not in result.stderr


def test_check_missing_path_is_usage_error(tmp_path: Path):
    result = run_cli("check", str(tmp_path / "nope.zip"))
    assert result.returncode == 1


def test_unknown_command_is_usage_error():
    assert run_cli("frobnicate").returncode == 1


def test_check_writes_no_database(tmp_path: Path):
    pack = tmp_path / "pack.zip"
    shutil.copy(SAMPLE_PACKS / "clean-implementation-specialist.zip", pack)
    run_cli("check", str(pack), cwd=tmp_path)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["pack.zip"]


def test_import_prints_pack_id(tmp_path: Path):
    db = tmp_path / "review.duckdb"
    result = run_cli("import", str(SAMPLE_PACKS / "lead-late-approval.zip"), "--db", str(db))
    assert result.returncode == 0
    assert result.stdout.strip() == "EP-2026-3217"
    con = duckdb.connect(str(db), read_only=True)
    assert con.execute("SELECT count(*) FROM packs").fetchone() == (1,)


def test_import_folder_twice_stored_once(tmp_path: Path):
    db = tmp_path / "review.duckdb"
    folder = SAMPLE_PACKS / "lead-late-approval"
    run_cli("import", str(folder), "--db", str(db))
    second = run_cli("import", str(folder), "--db", str(db))
    assert "already stored" in second.stdout
