"""Fixtures for the report tests: the example packs imported into a DuckDB file in tmp_path."""

from __future__ import annotations

import json
import shutil
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pytest

from ingest.filestore import BlobStore
from ingest.loader import import_pack
from store.db import open_database
from store.review import record_critical_failure_call, record_decision, record_score
from store.settings import ArchiveLimits
from tests.conftest import SAMPLE_PACKS

CLEAN = "clean-implementation-specialist"
SCIM = "impl-scim-no-deactivate"
LATE = "lead-late-approval"
PACK_IDS = {CLEAN: "EP-2026-9964", SCIM: "EP-2026-9132", LATE: "EP-2026-3217"}
GOOD_SCORES = {
    "Recoverability": 90,
    "Safety": 80,
    "Evidence": 85,
    "Communication": 70,
    "Claims": 100,
}


@dataclass
class ReviewDatabase:
    """A database file with the example packs imported, and its file store."""

    con: duckdb.DuckDBPyConnection
    db_path: Path
    store_dir: Path

    def import_zip(self, path: Path) -> str:
        report = import_pack(self.con, path, BlobStore(self.store_dir), ArchiveLimits())
        assert report.status == "accepted", report.findings
        assert report.pack_id is not None
        return report.pack_id


def sample_zip(name: str) -> Path:
    path = SAMPLE_PACKS / f"{name}.zip"
    if not path.is_file():
        pytest.skip(reason=f"example pack {path} is not available")
    return path


@pytest.fixture(scope="session")
def review_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Import the three example packs once per test run; tests copy the folder."""
    folder = tmp_path_factory.mktemp("review-template")
    con = open_database(folder / "review.duckdb")
    for name in (CLEAN, SCIM, LATE):
        report = import_pack(con, sample_zip(name), BlobStore(folder / "store"), ArchiveLimits())
        assert report.status == "accepted", report.findings
    con.close()
    return folder


@pytest.fixture
def review_db(review_template: Path, tmp_path: Path) -> Iterator[ReviewDatabase]:
    """Open a fresh copy of the template database and its file store."""
    folder = tmp_path / "review"
    shutil.copytree(review_template, folder)
    db = ReviewDatabase(
        con=open_database(folder / "review.duckdb"),
        db_path=folder / "review.duckdb",
        store_dir=folder / "store",
    )
    yield db
    db.con.close()


def score_all(
    con: duckdb.DuckDBPyConnection,
    pack_id: str,
    reviewer: str,
    scores: dict[str, float] | None = None,
    comment: str = "",
) -> None:
    for category, score in (scores or GOOD_SCORES).items():
        record_score(con, pack_id, category, score, comment or f"{category} comment", reviewer)


def decide_clean_pass(con: duckdb.DuckDBPyConnection, reviewer: str = "Avery Chen") -> str:
    """Score the clean pack above the pass mark and record a pass."""
    pack_id = PACK_IDS[CLEAN]
    score_all(con, pack_id, reviewer)
    record_decision(con, pack_id, "pass", "Complete and consistent evidence.", reviewer)
    return pack_id


def decide_late_fail(con: duckdb.DuckDBPyConnection) -> str:
    """Score the late-approval pack, confirm critical failure 2, dismiss 4 and record a fail."""
    pack_id = PACK_IDS[LATE]
    score_all(con, pack_id, "Avery Chen")
    record_critical_failure_call(
        con, pack_id, 2, "confirm", "Restore RX-0091 ran before CHG-0777 was approved.",
        "Morgan Patel",
    )  # fmt: skip
    record_critical_failure_call(
        con, pack_id, 4, "dismiss", "Marketing wording is a draft, never published.",
        "Morgan Patel",
    )  # fmt: skip
    record_decision(con, pack_id, "fail", "Critical failure 2 confirmed.", "Riley Santos")
    return pack_id


def resubmission_zip(source: Path, tmp_path: Path, pack_id: str, supersedes: str) -> Path:
    """Copy a pack zip with a new pack_id that supersedes `supersedes`."""
    folder = tmp_path / f"unpacked-{pack_id}"
    with zipfile.ZipFile(source) as archive:
        archive.extractall(folder)
    manifest_path = folder / "manifest.json"
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    manifest["pack_id"] = pack_id
    manifest["supersedes"] = supersedes
    manifest_path.write_text(json.dumps(manifest, indent=2), encoding="utf-8")
    target = tmp_path / f"{pack_id}.zip"
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(folder.rglob("*")):
            if path.is_file():
                archive.write(path, path.relative_to(folder).as_posix())
    shutil.rmtree(folder)
    return target
