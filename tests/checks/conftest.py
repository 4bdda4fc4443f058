"""Pack builders for the check tests: a small clean pack and one defect pack per check.

The defect packs are committed as folders under tests/data/packs/<defect>/; run
`python3 tests/checks/conftest.py` to write them again after changing a builder here.
`test_committed_packs_match_builders` fails when a folder and its builder disagree.
"""

from __future__ import annotations

import copy
import hashlib
import json
import shutil
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parents[2]
SHARED = REPO.parent / "shared"
PACKS_DIR = REPO / "tests" / "data" / "packs"

Files = dict[str, Any]
Pack = tuple[dict[str, Any], Files]

TENANT = "https://lab-42.oktapreview.com"
HOST = "lab-42.oktapreview.com"


def write_pack(folder: Path, manifest: dict[str, Any], files: Files) -> Path:
    """Write a pack folder: each file, then manifest.json with every artifact's SHA-256.

    File values may be bytes, str or JSON-serialisable objects. An artifact entry whose
    `sha256` is already set keeps it, so a test can declare a wrong digest on purpose.
    """
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    digests: dict[str, str] = {}
    for path, content in files.items():
        data = _as_bytes(content)
        target = folder / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
        digests[path] = hashlib.sha256(data).hexdigest()
    manifest = copy.deepcopy(manifest)
    for entry in manifest["artifacts"]:
        entry.setdefault("sha256", digests.get(entry["path"], "0" * 64))
    (folder / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n")
    return folder


def _as_bytes(content: Any) -> bytes:
    if isinstance(content, bytes):
        return content
    if isinstance(content, str):
        return content.encode()
    return (json.dumps(content, indent=2) + "\n").encode()


def _event(uuid: str, published: str, event_type: str, **extra: Any) -> dict[str, Any]:
    event = {
        "uuid": uuid,
        "published": published,
        "eventType": event_type,
        "version": "0",
        "severity": "INFO",
        "displayMessage": event_type,
        "actor": {
            "id": "00u1admin",
            "type": "User",
            "alternateId": "dana.reyes@partner-one.example",
            "displayName": "Dana Reyes",
        },
        "outcome": {"result": "SUCCESS"},
        "debugContext": {
            "debugData": {"requestId": f"req-{uuid[:8]}", "url": f"{TENANT}/api/v1/users"}
        },
        "transaction": {"type": "WEB", "id": f"tx-{uuid[:8]}"},
        "target": [
            {
                "id": "00u1target",
                "type": "User",
                "alternateId": "test.user@partner-lab.example",
                "displayName": "Test User",
            }
        ],
    }
    event.update(extra)
    return event


def _ndjson(events: list[dict[str, Any]]) -> str:
    return "".join(json.dumps(e) + "\n" for e in events)


SAML_RESPONSE = f"""<?xml version="1.0" encoding="UTF-8"?>
<saml2p:Response xmlns:saml2p="urn:oasis:names:tc:SAML:2.0:protocol"
    xmlns:saml2="urn:oasis:names:tc:SAML:2.0:assertion"
    Destination="https://app.partner-lab.example/sso" ID="id1" IssueInstant="2026-11-03T16:00:00Z"
    Version="2.0">
  <saml2:Issuer>http://www.okta.com/exk1lab42</saml2:Issuer>
  <saml2p:Status><saml2p:StatusCode Value="urn:oasis:names:tc:SAML:2.0:status:Success"/>
  </saml2p:Status>
  <saml2:Assertion ID="a1" IssueInstant="2026-11-03T16:00:00Z" Version="2.0">
    <saml2:Issuer>http://www.okta.com/exk1lab42</saml2:Issuer>
    <saml2:Subject><saml2:NameID>test.user@partner-lab.example</saml2:NameID></saml2:Subject>
    <saml2:AuthnStatement AuthnInstant="2026-11-03T16:00:00Z" SessionIndex="s1">
      <saml2:AuthnContext><saml2:AuthnContextClassRef>
        urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport
      </saml2:AuthnContextClassRef></saml2:AuthnContext>
    </saml2:AuthnStatement>
  </saml2:Assertion>
</saml2p:Response>
<!-- metadata: {TENANT}/app/exk1lab42/sso/saml/metadata -->
"""

HANDOFF = """# Customer handoff summary

## Executive summary

The lab org was backed up (BK-100), compared (CMP-100) and a restore preview (RP-100) was
produced. Change approval CHG-100 covered the admin-role change.

## Operator notes

Backup coverage was checked against the object counts in the admin console.

## Remediation backlog

1. Add a second restore drill for group rules.
2. Rotate the lab API token.
"""


def base_pack() -> Pack:
    """Return a small clean implementation-specialist pack on a preview org."""
    files: Files = {
        "butterfly/backup.json": {
            "backup_id": "BK-100",
            "org_url": TENANT,
            "started_at": "2026-11-03T14:00:00Z",
            "completed_at": "2026-11-03T14:06:00Z",
            "status": "succeeded",
            "object_counts": {"users": 12, "groups": 4, "apps": 3, "policies": 5},
        },
        "butterfly/compare.json": {
            "compare_id": "CMP-100",
            "backup_id": "BK-100",
            "against": "live",
            "generated_at": "2026-11-03T14:20:00Z",
            "differences": [
                {"object_type": "user", "object_id": "00u1gone", "change": "removed", "fields": []}
            ],
        },
        "butterfly/restore-preview.json": {
            "restore_preview_id": "RP-100",
            "backup_id": "BK-100",
            "mode": "preview",
            "generated_at": "2026-11-03T14:35:00Z",
            "planned_changes": [
                {"object_type": "user", "object_id": "00u1gone", "action": "create"}
            ],
        },
        "okta/users.json": [
            {
                "id": "00u1target",
                "status": "ACTIVE",
                "profile": {
                    "firstName": "Test",
                    "lastName": "User",
                    "email": "test.user@partner-lab.example",
                    "login": "test.user@partner-lab.example",
                    "mobilePhone": "+1 415-555-0100",
                },
                "_links": {
                    "self": {"href": f"{TENANT}/api/v1/users/00u1target"},
                    "logo": {"href": "https://ok11static.oktacdn.com/assets/img/logo.png"},
                },
            }
        ],
        "okta/system-log.ndjson": _ndjson(
            [
                _event("a1b2c3d4-0001", "2026-11-03T15:00:00.000Z", "user.session.start"),
                _event(
                    "a1b2c3d4-0002",
                    "2026-11-03T15:05:00.000Z",
                    "user.account.privilege.grant",
                    debugContext={"debugData": {"privilegeGranted": "Read-only administrator"}},
                ),
                _event("a1b2c3d4-0003", "2026-11-03T15:06:00.000Z", "group.user_membership.add"),
            ]
        ),
        "sso/saml-response.xml": SAML_RESPONSE,
        "scim/lifecycle.json": [
            {
                "sent_at": "2026-11-03T17:00:00Z",
                "request": {
                    "method": "POST",
                    "path": "/scim/v2/Users",
                    "body": {"userName": "scim.user@partner-lab.example", "active": True},
                },
                "response": {"status": 201, "body": {"id": "u-1", "active": True}},
            },
            {
                "sent_at": "2026-11-03T17:00:30Z",
                "request": {
                    "method": "PUT",
                    "path": "/scim/v2/Users/u-1",
                    "body": {"userName": "scim.user@partner-lab.example", "displayName": "New"},
                },
                "response": {"status": 200, "body": {"id": "u-1", "active": True}},
            },
            {
                "sent_at": "2026-11-03T17:01:00Z",
                "request": {
                    "method": "PATCH",
                    "path": "/scim/v2/Users/u-1",
                    "body": {
                        "schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
                        "Operations": [{"op": "replace", "value": {"active": False}}],
                    },
                },
                "response": {"status": 200, "body": {"id": "u-1", "active": False}},
            },
        ],
        "approvals/CHG-100.md": "# Change approval CHG-100\n\nCovers: admin-role-change.\n",
        "docs/change-control.md": "# Change-control plan\n\nRollback by re-pointing the app.\n",
        "docs/readiness-notes.md": "# Readiness notes\n\n- Backup schedule: daily.\n",
        "docs/handoff-summary.md": HANDOFF,
    }
    entries = [
        ("approvals/CHG-100.md", "approval", "2026-11-03T13:25:00Z", []),
        ("butterfly/backup.json", "backup-record", "2026-11-03T14:06:00Z", []),
        ("butterfly/compare.json", "compare-report", "2026-11-03T14:20:00Z", ["backup:BK-100"]),
        (
            "butterfly/restore-preview.json",
            "restore-preview",
            "2026-11-03T14:35:00Z",
            ["backup:BK-100", "compare:CMP-100"],
        ),
        ("okta/users.json", "okta-api-response", "2026-11-03T14:10:00Z", []),
        ("okta/system-log.ndjson", "okta-system-log", "2026-11-03T15:15:00Z", []),
        ("sso/saml-response.xml", "saml-response", "2026-11-03T16:00:00Z", []),
        ("scim/lifecycle.json", "scim-exchange", "2026-11-03T17:02:00Z", []),
        ("docs/change-control.md", "change-control-plan", "2026-11-03T19:00:00Z", []),
        ("docs/readiness-notes.md", "readiness-notes", "2026-11-04T09:00:00Z", []),
        ("docs/handoff-summary.md", "handoff-summary", "2026-11-04T10:00:00Z", ["backup:BK-100"]),
    ]
    manifest: dict[str, Any] = {
        "spec_version": "1.0",
        "pack_id": "EP-TEST-0001",
        "supersedes": None,
        "partner": {"partner_id": "P-001", "name": "Partner One"},
        "track": "implementation-specialist",
        "operators": [
            {"operator_id": "OP-1", "name": "Dana Reyes", "email": "dana.reyes@partner-one.example"}
        ],
        "tenant": {"org_url": TENANT, "environment": "sandbox"},
        "engagement": {
            "kind": "capstone-lab",
            "scope": "Backup, compare and restore preview of the lab org.",
            "access_window": {"start": "2026-11-03T13:00:00Z", "end": "2026-11-04T18:00:00Z"},
        },
        "submitted_at": "2026-11-04T16:00:00Z",
        "approvals": [
            {
                "approval_id": "CHG-100",
                "approved_by": "Sam Whitfield (lab owner)",
                "approved_at": "2026-11-03T13:25:00Z",
                "covers": ["admin-role-change"],
                "artifact": "approvals/CHG-100.md",
            }
        ],
        "artifacts": [
            {
                "path": path,
                "kind": kind,
                "captured_at": captured,
                "description": kind,
                "references": references,
            }
            for path, kind, captured, references in entries
        ],
    }
    return manifest, files


def _entry(manifest: dict[str, Any], path: str) -> dict[str, Any]:
    return next(e for e in manifest["artifacts"] if e["path"] == path)


def _drop(manifest: dict[str, Any], files: Files, path: str) -> None:
    manifest["artifacts"] = [e for e in manifest["artifacts"] if e["path"] != path]
    files.pop(path, None)


# ---- one builder per defect: each takes the clean pack and changes one thing -------------


def hash_mismatch(manifest: dict[str, Any], files: Files) -> None:
    _entry(manifest, "butterfly/backup.json")["sha256"] = "ab" * 32


def listed_missing(manifest: dict[str, Any], files: Files) -> None:
    files.pop("docs/readiness-notes.md")


def unlisted_file(manifest: dict[str, Any], files: Files) -> None:
    files["notes/scratch.txt"] = "scratch notes\n"


def duplicate_ids(manifest: dict[str, Any], files: Files) -> None:
    manifest["artifacts"].append(copy.deepcopy(_entry(manifest, "okta/users.json")))
    manifest["approvals"].append(copy.deepcopy(manifest["approvals"][0]))


def png_declared_json(manifest: dict[str, Any], files: Files) -> None:
    files["okta/users.json"] = (SHARED / "real-samples/other/png_basn0g01.png").read_bytes()


def window_reversed(manifest: dict[str, Any], files: Files) -> None:
    manifest["engagement"]["access_window"]["end"] = "2026-11-02T18:00:00Z"


def no_offset(manifest: dict[str, Any], files: Files) -> None:
    _entry(manifest, "butterfly/backup.json")["captured_at"] = "2026-11-03T14:06:00"


def after_submission(manifest: dict[str, Any], files: Files) -> None:
    _entry(manifest, "docs/readiness-notes.md")["captured_at"] = "2026-11-06T13:00:00Z"


def outside_window(manifest: dict[str, Any], files: Files) -> None:
    _entry(manifest, "okta/users.json")["captured_at"] = "2026-11-02T09:00:00Z"


def preview_before_backup(manifest: dict[str, Any], files: Files) -> None:
    files["butterfly/restore-preview.json"]["generated_at"] = "2026-11-03T14:03:00Z"
    _entry(manifest, "butterfly/restore-preview.json")["captured_at"] = "2026-11-03T14:03:00Z"


def internal_time_mismatch(manifest: dict[str, Any], files: Files) -> None:
    _entry(manifest, "butterfly/backup.json")["captured_at"] = "2026-11-03T17:06:00Z"


def dangling_reference(manifest: dict[str, Any], files: Files) -> None:
    _entry(manifest, "docs/handoff-summary.md")["references"] = [
        "backup:BK-100",
        "log:ffffffff-0000",
        "backup:BK-404",
    ]


def preview_unknown_backup(manifest: dict[str, Any], files: Files) -> None:
    files["butterfly/restore-preview.json"]["backup_id"] = "BK-999"


def document_unknown_id(manifest: dict[str, Any], files: Files) -> None:
    files["docs/handoff-summary.md"] = HANDOFF.replace("(RP-100)", "(RP-100, then RX-777)")


def production_tenant(manifest: dict[str, Any], files: Files) -> None:
    manifest["tenant"]["environment"] = "production"


def foreign_org_api(manifest: dict[str, Any], files: Files) -> None:
    link = files["okta/users.json"][0]["_links"]["self"]
    link["href"] = "https://acme-prod.okta.com/api/v1/users/00u1target"


def foreign_sandbox_api(manifest: dict[str, Any], files: Files) -> None:
    link = files["okta/users.json"][0]["_links"]["self"]
    link["href"] = "https://other-lab-12.oktapreview.com/api/v1/users/00u1target"


def foreign_org_backup(manifest: dict[str, Any], files: Files) -> None:
    files["butterfly/backup.json"]["org_url"] = "https://acme.okta.com"


def customer_data(manifest: dict[str, Any], files: Files) -> None:
    people = ["maria.lopez", "kwame.mensah", "li.wei", "olga.petrova", "sam.taylor", "ana.silva"]
    users = files["okta/users.json"]
    for index, person in enumerate(people):
        user = copy.deepcopy(users[0])
        user["id"] = f"00u{index}cust"
        user["profile"]["email"] = f"{person}@acme-corp.com"
        user["profile"]["login"] = f"{person}@acme-corp.com"
        user["profile"]["mobilePhone"] = f"+1 312 867 53{index:02d}"
        users.append(user)


def secrets_in_evidence(manifest: dict[str, Any], files: Files) -> None:
    files["okta/users.json"] = {
        "request": {
            "method": "GET",
            "url": f"{TENANT}/api/v1/users",
            "sent_at": "2026-11-03T14:10:00Z",
        },
        "status": 200,
        "body": {"apiToken": "00Qx7yTokenValueThatIsLongEnough1234"},
    }
    files["docs/readiness-notes.md"] = (
        "# Readiness notes\n\nUsed `Authorization: SSWS 00abcdefghijklmnopqrstuvwxyz0123456789`.\n"
    )


def unapproved_deactivation(manifest: dict[str, Any], files: Files) -> None:
    files["okta/system-log.ndjson"] += _ndjson(
        [_event("a1b2c3d4-0009", "2026-11-03T15:10:00.000Z", "user.lifecycle.deactivate")]
    )


def late_admin_approval(manifest: dict[str, Any], files: Files) -> None:
    manifest["approvals"][0]["approved_at"] = "2026-11-03T15:30:00Z"
    _entry(manifest, "approvals/CHG-100.md")["captured_at"] = "2026-11-03T15:30:00Z"


def restore_before_approval(manifest: dict[str, Any], files: Files) -> None:
    manifest["track"] = "recovery-lead"
    manifest["approvals"].append(
        {
            "approval_id": "CHG-200",
            "approved_by": "Sam Whitfield (lab owner)",
            "approved_at": "2026-11-03T17:00:00Z",
            "covers": ["restore-execution"],
            "artifact": "approvals/CHG-100.md",
        }
    )
    files["butterfly/restore-execution.json"] = {
        "restore_id": "RX-100",
        "restore_preview_id": "RP-100",
        "approval_id": "CHG-200",
        "started_at": "2026-11-03T16:00:00Z",
        "completed_at": "2026-11-03T16:03:00Z",
        "applied_changes": [{"object_type": "user", "object_id": "00u1gone", "action": "create"}],
    }
    files["docs/drill-report.md"] = "# Restore drill report\n\nRestored one user from RP-100.\n"
    manifest["artifacts"] += [
        {
            "path": "butterfly/restore-execution.json",
            "kind": "restore-execution",
            "captured_at": "2026-11-03T16:03:00Z",
            "references": ["restore_preview:RP-100", "approval:CHG-200"],
        },
        {
            "path": "docs/drill-report.md",
            "kind": "drill-report",
            "captured_at": "2026-11-03T18:00:00Z",
        },
    ]


def missing_backup(manifest: dict[str, Any], files: Files) -> None:
    _drop(manifest, files, "butterfly/backup.json")
    for entry in manifest["artifacts"]:
        entry["references"] = []
    files["docs/handoff-summary.md"] = HANDOFF.replace("(BK-100)", "")


def scim_no_deactivate(manifest: dict[str, Any], files: Files) -> None:
    files["scim/lifecycle.json"] = files["scim/lifecycle.json"][:2]
    _entry(manifest, "scim/lifecycle.json")["captured_at"] = "2026-11-03T17:01:00Z"


def sso_unusable(manifest: dict[str, Any], files: Files) -> None:
    files["sso/saml-response.xml"] = "SAMLResponse=not really a SAML response\n"


def backup_failed(manifest: dict[str, Any], files: Files) -> None:
    files["butterfly/backup.json"]["status"] = "failed"


def preview_executes(manifest: dict[str, Any], files: Files) -> None:
    files["butterfly/restore-preview.json"]["mode"] = "execute"


def partner_claim(manifest: dict[str, Any], files: Files) -> None:
    files["docs/readiness-notes.md"] = (
        "# Readiness notes\n\nPartner One is an Okta-endorsed team.\nWe are not an Okta reseller.\n"
    )


def absolute_claims(manifest: dict[str, Any], files: Files) -> None:
    files["docs/readiness-notes.md"] = (
        "# Readiness notes\n\nOur restore process guarantees zero data loss.\n"
    )


def unreadable_document(manifest: dict[str, Any], files: Files) -> None:
    _drop(manifest, files, "docs/change-control.md")
    files["docs/change-control.pdf"] = b"%PDF-1.4\n1 0 obj << /Type /Catalog >>\ngarbage\n"
    manifest["artifacts"].append(
        {
            "path": "docs/change-control.pdf",
            "kind": "change-control-plan",
            "captured_at": "2026-11-03T19:00:00Z",
        }
    )


def handoff_missing_sections(manifest: dict[str, Any], files: Files) -> None:
    files["docs/handoff-summary.md"] = HANDOFF.split("## Operator notes")[0]


DEFECTS: dict[str, Callable[[dict[str, Any], Files], None]] = {
    name.replace("_", "-"): builder
    for name, builder in [
        ("hash_mismatch", hash_mismatch),
        ("listed_missing", listed_missing),
        ("unlisted_file", unlisted_file),
        ("duplicate_ids", duplicate_ids),
        ("png_declared_json", png_declared_json),
        ("window_reversed", window_reversed),
        ("no_offset", no_offset),
        ("after_submission", after_submission),
        ("outside_window", outside_window),
        ("preview_before_backup", preview_before_backup),
        ("internal_time_mismatch", internal_time_mismatch),
        ("dangling_reference", dangling_reference),
        ("preview_unknown_backup", preview_unknown_backup),
        ("document_unknown_id", document_unknown_id),
        ("production_tenant", production_tenant),
        ("foreign_org_api", foreign_org_api),
        ("foreign_sandbox_api", foreign_sandbox_api),
        ("foreign_org_backup", foreign_org_backup),
        ("customer_data", customer_data),
        ("secrets_in_evidence", secrets_in_evidence),
        ("unapproved_deactivation", unapproved_deactivation),
        ("late_admin_approval", late_admin_approval),
        ("restore_before_approval", restore_before_approval),
        ("missing_backup", missing_backup),
        ("scim_no_deactivate", scim_no_deactivate),
        ("sso_unusable", sso_unusable),
        ("backup_failed", backup_failed),
        ("preview_executes", preview_executes),
        ("partner_claim", partner_claim),
        ("absolute_claims", absolute_claims),
        ("unreadable_document", unreadable_document),
        ("handoff_missing_sections", handoff_missing_sections),
    ]
}


def build_defect(name: str) -> Pack:
    """Return the manifest and files of a named defect pack (or 'clean')."""
    manifest, files = base_pack()
    if name != "clean":
        DEFECTS[name](manifest, files)
    return manifest, files


def regenerate(root: Path = PACKS_DIR) -> None:
    """Write the clean pack and every defect pack under `root`."""
    for name in ["clean", *DEFECTS]:
        manifest, files = build_defect(name)
        write_pack(root / name, manifest, files)


@pytest.fixture(scope="session")
def pack_report() -> Callable[[str], Any]:
    """Return a function that checks a committed pack by name, caching each report."""
    from ingest.loader import check_pack
    from store.settings import ArchiveLimits

    cache: dict[str, Any] = {}

    def run(name: str) -> Any:
        if name not in cache:
            cache[name] = check_pack(PACKS_DIR / name, ArchiveLimits())
        return cache[name]

    return run


@pytest.fixture
def check_folder() -> Callable[[Path], Any]:
    """Return a function that checks a pack folder written by a test."""
    from ingest.loader import check_pack
    from store.settings import ArchiveLimits

    return lambda folder: check_pack(folder, ArchiveLimits())


@pytest.fixture
def pack_writer() -> Callable[..., Path]:
    """Return write_pack, for tests that build packs in tmp_path."""
    return write_pack


@pytest.fixture
def clean_pack() -> Callable[[], Pack]:
    """Return a function that builds a fresh copy of the clean pack."""
    return base_pack


@pytest.fixture
def defect_builder() -> Callable[[str], Pack]:
    """Return build_defect."""
    return build_defect


@pytest.fixture
def pack_regenerator() -> Callable[[Path], None]:
    """Return regenerate, which writes every builder's pack under a folder."""
    return regenerate


@pytest.fixture
def packs_dir() -> Path:
    """Return the folder of committed defect packs."""
    return PACKS_DIR


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    """Return the shared folder of samples, skipping the test when it is absent."""
    if not SHARED.is_dir():
        pytest.skip(f"shared samples not found at {SHARED}")
    return SHARED


if __name__ == "__main__":
    regenerate(Path(sys.argv[1]) if len(sys.argv) > 1 else PACKS_DIR)
