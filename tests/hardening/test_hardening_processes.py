"""A second process on the same database file: plain messages, never a traceback."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from store.db import open_database
from tests.conftest import REPO_ROOT
from tests.hardening.hardening_support import (
    CLEAN_PACK_ID,
    CLEAN_ZIP,
    cli_environment,
    copy_pack_folder,
    fresh_resources,
    row_counts,
)

__all__ = ["fresh_resources"]

IN_USE = "is in use by another process"
HOLDER = (
    "import sys, time\n"
    "from store.db import open_database\n"
    "con = open_database(sys.argv[1])\n"
    "print('ready', flush=True)\n"
    "time.sleep(120)\n"
)


@pytest.fixture
def held_database(tmp_path: Path) -> Iterator[Path]:
    """Start a process that opens a database file and keeps it open until the test ends."""
    database = tmp_path / "held.duckdb"
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(database)],
        cwd=REPO_ROOT,
        env=cli_environment(),
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None
        assert holder.stdout.readline().strip() == "ready"
        yield database
    finally:
        holder.kill()
        holder.wait(timeout=30)


def run_import(pack: Path, database: Path) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "cli.main", "import", str(pack), "--db", str(database)],
        cwd=REPO_ROOT,
        env=cli_environment(),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def test_import_while_held_says_in_use(held_database: Path):
    process = run_import(CLEAN_ZIP, held_database)
    stdout, stderr = process.communicate(timeout=120)

    assert process.returncode == 2
    assert IN_USE in stderr
    assert "BUTTERFLY_DB" in stderr
    assert "Traceback" not in stderr
    assert stdout == ""


def test_report_while_held_says_in_use(held_database: Path, tmp_path: Path):
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "cli.main",
            "cohort-report",
            "--db",
            str(held_database),
            "--out",
            str(tmp_path / "out"),
        ],
        cwd=REPO_ROOT,
        env=cli_environment(),
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert result.returncode == 2
    assert IN_USE in result.stderr
    assert "Traceback" not in result.stderr


def test_app_while_held_says_in_use(
    held_database: Path, monkeypatch: pytest.MonkeyPatch, fresh_resources: None
):
    monkeypatch.setenv("BUTTERFLY_DB", str(held_database))
    app = AppTest.from_file(str(REPO_ROOT / "app.py"), default_timeout=60)
    app.run()

    assert not app.exception
    errors = [element.value for element in app.error]
    assert len(errors) == 1
    assert IN_USE.replace(" ", "") in errors[0].replace("\\", "").replace(" ", "")
    assert app.title == []


@pytest.mark.parametrize("attempt", range(3))
def test_two_imports_together(tmp_path: Path, attempt: int):
    database = tmp_path / f"together-{attempt}.duckdb"
    other = copy_pack_folder(tmp_path / "other", pack_id="EP-2026-7777")
    processes = [run_import(CLEAN_ZIP, database), run_import(other, database)]
    outputs = [process.communicate(timeout=300) for process in processes]
    outcomes = [
        (process.returncode, stdout, stderr)
        for process, (stdout, stderr) in zip(processes, outputs, strict=True)
    ]

    for returncode, stdout, stderr in outcomes:
        assert "Traceback" not in stderr
        if returncode == 0:
            assert stdout.strip() in (CLEAN_PACK_ID, "EP-2026-7777")
        else:
            assert returncode == 2
            assert IN_USE in stderr
    succeeded = {stdout.strip() for returncode, stdout, _ in outcomes if returncode == 0}
    assert succeeded

    con = open_database(database)
    try:
        stored = {row[0] for row in con.execute("SELECT pack_id FROM packs").fetchall()}
        counts = row_counts(con)
    finally:
        con.close()
    assert stored == succeeded
    assert counts["artifacts"] > 0
