"""Each committed defect pack is found by its check, with the right artifact, field and failure."""

from __future__ import annotations

from pathlib import Path

import pytest

from checks.registry import load_catalogue

# (defect pack, check id, artifact, field, suggested critical failure)
DEFECT_FINDINGS = [
    ("hash-mismatch", "integrity.hash", "butterfly/backup.json", "sha256", None),
    ("listed-missing", "integrity.missing", "docs/readiness-notes.md", "path", None),
    ("unlisted-file", "integrity.unlisted", "notes/scratch.txt", None, None),
    ("duplicate-ids", "integrity.duplicate", "okta/users.json", "artifacts[11].path", None),
    ("duplicate-ids", "integrity.duplicate", "manifest.json", "approvals[1].approval_id", None),
    ("png-declared-json", "integrity.parse", "okta/users.json", None, None),
    (
        "window-reversed",
        "manifest.valid",
        "manifest.json",
        "engagement.access_window.end",
        None,
    ),
    ("no-offset", "time.offset", "butterfly/backup.json", "captured_at", None),
    ("after-submission", "time.after_submission", "docs/readiness-notes.md", "captured_at", None),
    ("outside-window", "time.window", "okta/users.json", "captured_at", None),
    ("preview-before-backup", "time.order", "butterfly/restore-preview.json", "generated_at", None),
    ("internal-time-mismatch", "time.internal", "butterfly/backup.json", "completed_at", None),
    ("dangling-reference", "lineage.references", "docs/handoff-summary.md", "references[1]", None),
    ("dangling-reference", "lineage.references", "docs/handoff-summary.md", "references[2]", None),
    (
        "preview-unknown-backup",
        "lineage.records",
        "butterfly/restore-preview.json",
        "backup_id",
        None,
    ),
    ("document-unknown-id", "lineage.documents", "docs/handoff-summary.md", "line 5", None),
    ("production-tenant", "tenant.sandbox", "manifest.json", "tenant.environment", 1),
    ("foreign-org-api", "tenant.hosts", "okta/users.json", None, 1),
    ("foreign-sandbox-api", "tenant.hosts", "okta/users.json", None, None),
    ("foreign-org-backup", "tenant.hosts", "butterfly/backup.json", None, 1),
    ("customer-data", "data.personal", "okta/users.json", None, 1),
    ("secrets-in-evidence", "data.secrets", "okta/users.json", None, None),
    ("secrets-in-evidence", "data.secrets", "docs/readiness-notes.md", None, None),
    ("unapproved-deactivation", "mutations.log", "okta/system-log.ndjson", "[3]", 2),
    ("late-admin-approval", "mutations.log", "okta/system-log.ndjson", "[1]", 2),
    (
        "restore-before-approval",
        "mutations.restore",
        "butterfly/restore-execution.json",
        "approval_id",
        2,
    ),
    ("missing-backup", "track.required", "manifest.json", "artifacts", 3),
    ("scim-no-deactivate", "track.scim", "scim/lifecycle.json", None, 3),
    ("sso-unusable", "track.sso", "sso/saml-response.xml", None, 3),
    ("backup-failed", "track.backup", "butterfly/backup.json", None, 3),
    ("backup-failed", "track.backup", "butterfly/backup.json", "status", None),
    ("preview-executes", "track.restore_preview", "butterfly/restore-preview.json", None, 3),
    ("preview-executes", "track.restore_preview", "butterfly/restore-preview.json", "mode", None),
    ("partner-claim", "claims.partner_status", "docs/readiness-notes.md", "line 3", 4),
    ("partner-claim", "claims.partner_status", "docs/readiness-notes.md", "line 4", None),
    ("absolute-claims", "claims.absolutes", "docs/readiness-notes.md", "line 3", None),
    ("unreadable-document", "claims.unreadable", "docs/change-control.pdf", None, None),
    ("handoff-missing-sections", "communication.handoff", "docs/handoff-summary.md", None, None),
]

# The exact set of critical failures each defect pack suggests: nothing more.
SUGGESTED = {
    "production-tenant": [1],
    "foreign-org-api": [1],
    "foreign-org-backup": [1],
    "customer-data": [1],
    "unapproved-deactivation": [2],
    "late-admin-approval": [2],
    "restore-before-approval": [2],
    "missing-backup": [3],
    "scim-no-deactivate": [3],
    "sso-unusable": [3],
    "backup-failed": [3],
    "preview-executes": [3],
    "partner-claim": [4],
}


@pytest.mark.parametrize(("defect", "check_id", "artifact", "field", "failure"), DEFECT_FINDINGS)
def test_defect_found(pack_report, defect, check_id, artifact, field, failure):
    report = pack_report(defect)
    assert report.status == "accepted"
    matches = [
        f
        for f in report.findings
        if f.check == check_id and f.artifact == artifact and f.field == field
    ]
    assert matches, [(f.check, f.artifact, f.field) for f in report.findings]
    assert failure in {f.critical_failure for f in matches}


@pytest.mark.parametrize("defect", sorted({row[0] for row in DEFECT_FINDINGS}))
def test_defect_suggests_exactly(pack_report, defect):
    report = pack_report(defect)
    assert report.suggested_failures == SUGGESTED.get(defect, [])
    assert report.exit_code() == (3 if defect in SUGGESTED else 0)


def test_clean_pack_has_no_findings(pack_report):
    report = pack_report("clean")
    assert report.exit_code() == 0
    assert report.findings == []


def test_every_check_has_a_defect_pack():
    # identity.cohort compares with cohort records, which a defect pack's `check` run lacks;
    # test_checks_identity.py tests it on a database with a cohort.
    tested = {row[1] for row in DEFECT_FINDINGS} | {"identity.cohort"}
    assert set(load_catalogue()) - tested == set()


def test_committed_packs_match_builders(tmp_path: Path, pack_regenerator, packs_dir: Path):
    pack_regenerator(tmp_path)
    for built in sorted(tmp_path.rglob("*")):
        if built.is_file():
            committed = packs_dir / built.relative_to(tmp_path)
            assert committed.is_file(), committed
            assert committed.read_bytes() == built.read_bytes(), committed
    committed_names = {p.name for p in packs_dir.iterdir() if p.is_dir()}
    assert committed_names == {p.name for p in tmp_path.iterdir()}
