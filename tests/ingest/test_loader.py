"""Loading packs into a real DuckDB file: one transaction, stored once, linked resubmissions."""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import duckdb
import pytest

from ingest import loader
from ingest.filestore import BlobStore
from ingest.loader import import_pack, recheck_pack
from scoring.rubric import WEIGHTS
from store.db import open_database
from store.review import check_decision, load_review_state, record_score
from store.settings import ArchiveLimits
from tests.conftest import SAMPLE_PACKS

CLEAN = SAMPLE_PACKS / "clean-implementation-specialist"
LIMITS = ArchiveLimits()


@pytest.fixture
def db(tmp_path: Path) -> duckdb.DuckDBPyConnection:
    con = open_database(tmp_path / "review.duckdb")
    yield con
    con.close()


def count(con: duckdb.DuckDBPyConnection, table: str) -> int:
    # Table names come from the tests' own literals.
    return con.execute(f"SELECT count(*) FROM {table}").fetchone()[0]


def copy_pack(tmp_path: Path, source: Path = CLEAN, name: str = "pack") -> Path:
    target = tmp_path / name
    shutil.copytree(source, target)
    (target / "expected.json").unlink(missing_ok=True)
    return target


def rewrite_manifest(folder: Path, **fields: object) -> None:
    path = folder / "manifest.json"
    manifest = json.loads(path.read_text())
    manifest.update(fields)
    path.write_text(json.dumps(manifest, indent=2))


def test_import_stores_pack_and_artifacts(db, tmp_path: Path):
    report = import_pack(db, CLEAN.with_suffix(".zip"), BlobStore(tmp_path / "store"), LIMITS)
    assert report.status == "accepted"
    assert count(db, "packs") == 1
    # 13 listed artifacts, plus manifest.json itself, kept as an unlisted file.
    assert count(db, "artifacts") == 14


def test_import_loads_system_log_events(db, tmp_path: Path):
    import_pack(db, CLEAN.with_suffix(".zip"), BlobStore(tmp_path / "store"), LIMITS)
    lines = (CLEAN / "okta/system-log.ndjson").read_text().splitlines()
    assert count(db, "log_events") == len([line for line in lines if line.strip()])


def test_import_keeps_three_times(db, tmp_path: Path):
    import_pack(db, CLEAN.with_suffix(".zip"), BlobStore(tmp_path / "store"), LIMITS)
    captured, internal, received = db.execute(
        "SELECT captured_at, internal_time, received_at FROM artifacts "
        "WHERE path = 'butterfly/backup.json'"
    ).fetchone()
    assert captured.isoformat() == "2026-11-03T14:06:12+00:00"
    assert internal.isoformat() == "2026-11-03T14:06:12+00:00"
    assert received > captured


def test_import_reads_pdf_text(db, tmp_path: Path):
    import_pack(db, CLEAN.with_suffix(".zip"), BlobStore(tmp_path / "store"), LIMITS)
    readable, text = db.execute(
        "SELECT readable, text FROM documents WHERE artifact_path = 'docs/handoff-summary.pdf'"
    ).fetchone()
    assert readable
    assert "BK-51D0E2" in text


def test_import_stores_scim_exchanges(db, tmp_path: Path):
    import_pack(db, CLEAN.with_suffix(".zip"), BlobStore(tmp_path / "store"), LIMITS)
    methods = {r[0] for r in db.execute("SELECT method FROM scim_exchanges").fetchall()}
    assert {"POST", "GET"} <= methods


def test_files_kept_by_content_address(db, tmp_path: Path):
    store = BlobStore(tmp_path / "store")
    import_pack(db, CLEAN.with_suffix(".zip"), store, LIMITS)
    raw = (CLEAN / "butterfly/backup.json").read_bytes()
    assert store.read(hashlib.sha256(raw).hexdigest()) == raw


def test_same_pack_twice_stored_once(db, tmp_path: Path):
    store = BlobStore(tmp_path / "store")
    import_pack(db, CLEAN.with_suffix(".zip"), store, LIMITS)
    second = import_pack(db, CLEAN.with_suffix(".zip"), store, LIMITS)
    assert second.already_stored
    assert count(db, "packs") == 1
    assert count(db, "artifacts") == 14


def test_same_id_other_content_rejected(db, tmp_path: Path):
    store = BlobStore(tmp_path / "store")
    import_pack(db, CLEAN.with_suffix(".zip"), store, LIMITS)
    changed = copy_pack(tmp_path)
    rewrite_manifest(changed, submitted_at="2026-11-04T17:00:00Z")
    report = import_pack(db, changed, store, LIMITS)
    assert report.status == "rejected"
    assert "supersedes" in report.findings[0].message


def test_resubmission_linked_to_original(db, tmp_path: Path):
    store = BlobStore(tmp_path / "store")
    import_pack(db, CLEAN.with_suffix(".zip"), store, LIMITS)
    resubmitted = copy_pack(tmp_path)
    rewrite_manifest(resubmitted, pack_id="EP-2026-9965", supersedes="EP-2026-9964")
    import_pack(db, resubmitted, store, LIMITS)
    row = db.execute("SELECT supersedes FROM packs WHERE pack_id = 'EP-2026-9965'").fetchone()
    assert row == ("EP-2026-9964",)


def test_invalid_manifest_lists_every_problem(db, tmp_path: Path):
    broken = copy_pack(tmp_path)
    rewrite_manifest(broken, track="recovery-leed", submitted_at="yesterday")
    report = import_pack(db, broken, BlobStore(tmp_path / "store"), LIMITS)
    fields = {f.field for f in report.findings}
    assert report.status == "rejected"
    assert {"track", "submitted_at"} <= fields
    assert count(db, "packs") == 0


def test_failed_write_leaves_nothing(db, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    def broken_log_load(*_args: object) -> None:
        raise RuntimeError("disk full")

    monkeypatch.setattr(loader, "_insert_system_logs", broken_log_load)
    with pytest.raises(RuntimeError):
        import_pack(db, CLEAN.with_suffix(".zip"), BlobStore(tmp_path / "store"), LIMITS)
    for table in ("packs", "artifacts", "log_events", "documents", "scim_exchanges"):
        assert count(db, table) == 0, table
    monkeypatch.undo()
    report = import_pack(db, CLEAN.with_suffix(".zip"), BlobStore(tmp_path / "store"), LIMITS)
    assert report.status == "accepted"


def test_unchecked_pack_cannot_pass(db, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    def broken_store(*_args: object) -> None:
        raise RuntimeError("process killed")

    store = BlobStore(tmp_path / "store")
    monkeypatch.setattr(loader, "store_findings", broken_store)
    with pytest.raises(RuntimeError):
        import_pack(db, CLEAN.with_suffix(".zip"), store, LIMITS)
    monkeypatch.undo()
    for category in WEIGHTS:
        record_score(db, "EP-2026-9964", category, 100, "", "Avery Chen")
    state = load_review_state(db, "EP-2026-9964")
    reasons = " ".join(check_decision(state, "pass").reasons)
    assert "have not run" in reasons

    recheck_pack(db, "EP-2026-9964", store)
    state = load_review_state(db, "EP-2026-9964")
    assert check_decision(state, "pass").allowed


def test_reimport_runs_missing_checks(db, tmp_path: Path):
    store = BlobStore(tmp_path / "store")
    first = import_pack(db, CLEAN.with_suffix(".zip"), store, LIMITS, checks=False)
    second = import_pack(db, CLEAN.with_suffix(".zip"), store, LIMITS)
    assert not first.checks_run
    assert second.checks_run


def test_hash_mismatch_reported(db, tmp_path: Path):
    tampered = copy_pack(tmp_path)
    with (tampered / "butterfly/backup.json").open("a") as handle:
        handle.write("\n")
    report = import_pack(db, tampered, BlobStore(tmp_path / "store"), LIMITS)
    hits = [f for f in report.findings if f.check == "integrity.hash"]
    assert [f.artifact for f in hits] == ["butterfly/backup.json"]


def test_missing_and_unlisted_reported(db, tmp_path: Path):
    pack = copy_pack(tmp_path)
    (pack / "docs/readiness-notes.md").rename(pack / "docs/notes-renamed.md")
    report = import_pack(db, pack, BlobStore(tmp_path / "store"), LIMITS)
    by_check = {(f.check, f.artifact) for f in report.findings}
    assert ("integrity.missing", "docs/readiness-notes.md") in by_check
    assert ("integrity.unlisted", "docs/notes-renamed.md") in by_check


def test_missing_required_evidence_suggests_cf3(db, tmp_path: Path):
    pack = copy_pack(tmp_path)
    manifest = json.loads((pack / "manifest.json").read_text())
    manifest["artifacts"] = [a for a in manifest["artifacts"] if a["kind"] != "backup-record"]
    (pack / "manifest.json").write_text(json.dumps(manifest))
    (pack / "butterfly/backup.json").unlink()
    report = import_pack(db, pack, BlobStore(tmp_path / "store"), LIMITS)
    required = [f for f in report.findings if f.check == "track.required"]
    assert required[0].critical_failure == 3
    assert "backup-record" in required[0].message
