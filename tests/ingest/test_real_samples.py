"""Every real public sample, put into a pack as the kind it represents, loads or is reported."""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import duckdb
import pytest

from ingest.filestore import BlobStore
from ingest.loader import import_pack
from store.db import open_database
from store.settings import ArchiveLimits
from tests.conftest import REAL_SAMPLES, SAMPLE_PACKS

BASE_MANIFEST = SAMPLE_PACKS / "clean-implementation-specialist" / "manifest.json"
FOLDERS = ["okta-system-log", "okta-api", "scim", "saml", "oidc", "pdf", "workflows", "other"]

# Rows that show an artifact's content was loaded, per table; counted per artifact path.
LOADED_QUERY = """
    SELECT
        a.content_json IS NOT NULL
        OR EXISTS (SELECT 1 FROM log_events e WHERE e.pack_id = a.pack_id
                   AND e.artifact_path = a.path)
        OR EXISTS (SELECT 1 FROM documents d WHERE d.pack_id = a.pack_id
                   AND d.artifact_path = a.path AND d.readable)
        OR EXISTS (SELECT 1 FROM scim_exchanges s WHERE s.pack_id = a.pack_id
                   AND s.artifact_path = a.path)
    FROM artifacts a WHERE a.pack_id = ? AND a.path = ?
"""
FINDING_QUERY = """
    SELECT count(*) FROM findings WHERE pack_id = ? AND artifact = ?
      AND check_id NOT IN ('integrity.unlisted')
"""


def kind_for(folder: str, name: str) -> str:
    """Return the artifact kind a real sample file represents."""
    if folder == "okta-system-log":
        return "okta-system-log"
    if folder == "okta-api":
        return "okta-api-response"
    if folder == "scim":
        return "scim-exchange"
    if folder == "saml":
        return "saml-metadata" if "metadata" in name else "saml-response"
    if folder == "oidc":
        if "openid_configuration" in name:
            return "oidc-discovery"
        return "id-token-claims" if "claims" in name else "okta-api-response"
    if folder == "pdf":
        return "other"
    if folder == "workflows":
        return "workflows-inventory"
    return "screenshot" if name.endswith(".png") else "other"


def build_pack(folder: str, target: Path) -> list[str]:
    """Write a pack whose artifacts are every real sample file of one folder."""
    manifest = json.loads(BASE_MANIFEST.read_text())
    manifest["pack_id"] = f"EP-REAL-{folder.upper()}"
    manifest["artifacts"] = []
    paths = []
    for source in sorted((REAL_SAMPLES / folder).iterdir()):
        rel = f"{folder}/{source.name}"
        (target / folder).mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, target / rel)
        manifest["artifacts"].append(
            {
                "path": rel,
                "kind": kind_for(folder, source.name),
                "sha256": hashlib.sha256(source.read_bytes()).hexdigest(),
                "captured_at": "2026-11-03T15:00:00Z",
                "description": f"real public sample {source.name}",
            }
        )
        paths.append(rel)
    (target / "manifest.json").write_text(json.dumps(manifest, indent=2))
    return paths


@pytest.fixture(scope="module")
def loaded(tmp_path_factory: pytest.TempPathFactory) -> duckdb.DuckDBPyConnection:
    root = tmp_path_factory.mktemp("real")
    con = open_database(root / "real.duckdb")
    for folder in FOLDERS:
        pack = root / folder
        build_pack(folder, pack)
        report = import_pack(con, pack, BlobStore(root / "store"), ArchiveLimits())
        assert report.status == "accepted", [f.message for f in report.findings]
    yield con
    con.close()


@pytest.mark.parametrize("folder", FOLDERS)
def test_every_real_sample_loads_or_reported(folder: str, loaded: duckdb.DuckDBPyConnection):
    pack_id = f"EP-REAL-{folder.upper()}"
    unexplained = []
    for source in sorted((REAL_SAMPLES / folder).iterdir()):
        rel = f"{folder}/{source.name}"
        (was_loaded,) = loaded.execute(LOADED_QUERY, [pack_id, rel]).fetchone()
        (findings,) = loaded.execute(FINDING_QUERY, [pack_id, rel]).fetchone()
        if not was_loaded and not findings:
            unexplained.append(rel)
    assert unexplained == []


def test_real_system_log_events_loaded(loaded: duckdb.DuckDBPyConnection):
    (events,) = loaded.execute(
        "SELECT count(*) FROM log_events WHERE pack_id = 'EP-REAL-OKTA-SYSTEM-LOG'"
    ).fetchone()
    assert events >= 130


def test_real_event_types_all_kept(loaded: duckdb.DuckDBPyConnection):
    rows = loaded.execute(
        "SELECT DISTINCT event_type FROM log_events WHERE pack_id = 'EP-REAL-OKTA-SYSTEM-LOG'"
    ).fetchall()
    types = {r[0] for r in rows}
    assert {"user.account.privilege.grant", "user.session.start", "policy.rule.update"} <= types


def test_real_request_ids_stay_text(loaded: duckdb.DuckDBPyConnection):
    (kind,) = loaded.execute(
        "SELECT typeof(request_id) FROM log_events WHERE request_id IS NOT NULL LIMIT 1"
    ).fetchone()
    assert kind == "VARCHAR"


def test_real_encrypted_saml_detected(loaded: duckdb.DuckDBPyConnection):
    (content,) = loaded.execute(
        "SELECT content_json FROM artifacts WHERE path = "
        "'saml/crewjam_okta_signed_response_encrypted_assertion.b64'"
    ).fetchone()
    summary = json.loads(content)
    assert summary["encoding"] == "base64"
    assert summary["has_encrypted_assertion"] is True


def test_damaged_pdf_reported_not_loaded(loaded: duckdb.DuckDBPyConnection):
    (findings,) = loaded.execute(
        FINDING_QUERY, ["EP-REAL-PDF", "pdf/qpdf_bad-token-startxref.pdf"]
    ).fetchone()
    (readable,) = loaded.execute(
        "SELECT readable FROM documents WHERE artifact_path = 'pdf/qpdf_bad-token-startxref.pdf'"
    ).fetchone()
    assert readable or findings > 0
