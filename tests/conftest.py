"""Shared fixtures: paths to the shared samples and a seeded demo database."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from store.db import open_database
from store.seed import seed_demo_if_empty
from store.settings import load_settings

REPO_ROOT = Path(__file__).resolve().parent.parent
SHARED = REPO_ROOT.parent / "shared"
SAMPLE_PACKS = SHARED / "sample-packs"
REAL_SAMPLES = SHARED / "real-samples"


@pytest.fixture(scope="session")
def demo_db_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Build the seeded demo database once per test run; tests copy it."""
    folder = tmp_path_factory.mktemp("demo")
    settings = load_settings({"BUTTERFLY_DB": str(folder / "demo.duckdb")})
    con = open_database(settings.db_path)
    seed_demo_if_empty(con, settings)
    con.close()
    return folder


@pytest.fixture
def demo_env(demo_db_template: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Point the app at a fresh copy of the demo database and its file store."""
    target = tmp_path / "demo"
    shutil.copytree(demo_db_template, target)
    monkeypatch.setenv("BUTTERFLY_DB", str(target / "demo.duckdb"))
    monkeypatch.delenv("BUTTERFLY_STORE", raising=False)
    return target / "demo.duckdb"
