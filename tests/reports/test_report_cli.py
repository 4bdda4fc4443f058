"""The `report` and `cohort-report` subcommands."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from cli.main import build_parser, main
from tests.conftest import REPO_ROOT
from tests.reports.conftest import LATE, PACK_IDS, ReviewDatabase, decide_clean_pass


def test_parser_keeps_every_command():
    parser = build_parser()
    subcommands = parser._subparsers._group_actions[0].choices  # type: ignore[union-attr]
    assert {"check", "import", "report", "cohort-report"} <= set(subcommands)


def test_report_writes_three_files(review_db: ReviewDatabase, tmp_path: Path, capsys):
    pack_id = decide_clean_pass(review_db.con)
    review_db.con.close()
    out = tmp_path / "out"

    code = main(
        ["report", pack_id, "--db", str(review_db.db_path), "--out", str(out), "--by", "Avery Chen"]
    )

    assert code == 0
    assert sorted(p.suffix for p in out.iterdir()) == [".csv", ".json", ".pdf"]
    printed = capsys.readouterr().out
    assert f"{pack_id}: current" in printed


def test_report_uses_store_beside_db(review_db: ReviewDatabase, tmp_path: Path):
    pack_id = decide_clean_pass(review_db.con)
    review_db.con.close()
    main(["report", pack_id, "--db", str(review_db.db_path), "--out", str(tmp_path)])
    document = json.loads((tmp_path / f"{pack_id}-decision-report.json").read_text())
    assert document["status"]["state"] == "current"


def test_report_partner_audience(review_db: ReviewDatabase, tmp_path: Path):
    pack_id = decide_clean_pass(review_db.con)
    review_db.con.close()
    args = ["report", pack_id, "--db", str(review_db.db_path), "--out", str(tmp_path)]
    assert main([*args, "--audience", "partner"]) == 0
    document = json.loads((tmp_path / f"{pack_id}-decision-report-partner.json").read_text())
    assert document["audience"] == "partner"


def test_report_unknown_pack_fails(review_db: ReviewDatabase, tmp_path: Path, capsys):
    review_db.con.close()
    code = main(["report", "EP-0000-0000", "--db", str(review_db.db_path), "--out", str(tmp_path)])
    assert code == 1
    assert "EP-0000-0000" in capsys.readouterr().err


def test_report_missing_database_fails(tmp_path: Path, capsys):
    code = main(["report", "EP-1", "--db", str(tmp_path / "none.duckdb"), "--out", str(tmp_path)])
    assert code == 1
    assert "does not exist" in capsys.readouterr().err
    assert not (tmp_path / "none.duckdb").exists()


def test_report_needs_out(review_db: ReviewDatabase):
    assert main(["report", "EP-1", "--db", str(review_db.db_path)]) == 1


def test_cohort_report_writes_pdf_and_csv(review_db: ReviewDatabase, tmp_path: Path):
    review_db.con.close()
    code = main(["cohort-report", "--db", str(review_db.db_path), "--out", str(tmp_path / "c")])
    assert code == 0
    assert sorted(p.name for p in (tmp_path / "c").iterdir()) == [
        "cohort-report.csv",
        "cohort-report.pdf",
    ]


@pytest.mark.parametrize("command", ["report", "cohort-report"])
def test_installed_entry_point_runs(review_db: ReviewDatabase, tmp_path: Path, command: str):
    review_db.con.close()
    pack = [PACK_IDS[LATE]] if command == "report" else []
    result = subprocess.run(
        [sys.executable, "-m", "cli.main", command, *pack, "--db", str(review_db.db_path),
         "--out", str(tmp_path)],
        cwd=REPO_ROOT, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert str(tmp_path) in result.stdout
