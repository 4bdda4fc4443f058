"""Real public samples (System Log, SAML, SCIM, PDF) run through the checks that read them."""

from __future__ import annotations

import json
from pathlib import Path

from ingest.content import read_http_capture

REAL = "real-samples"
MUTATING_TYPES = {"user.account.privilege.grant", "system.mfa.factor.deactivate"}


def _add(manifest: dict, files: dict, path: str, kind: str, data: bytes, captured: str) -> None:
    files[path] = data
    manifest["artifacts"].append({"path": path, "kind": kind, "captured_at": captured})


def _log_pack(shared: Path, clean_pack) -> tuple[dict, dict]:
    manifest, files = clean_pack()
    for source in sorted((shared / REAL / "okta-system-log").iterdir()):
        path = f"okta/real/{source.name}"
        _add(manifest, files, path, "okta-system-log", source.read_bytes(), "2026-11-03T15:15:00Z")
    return manifest, files


def test_real_system_logs_flag_only_mutations(
    shared_dir, clean_pack, pack_writer, check_folder, tmp_path
):
    manifest, files = _log_pack(shared_dir, clean_pack)
    report = check_folder(pack_writer(tmp_path / "pack", manifest, files))
    flagged = [f for f in report.findings if f.check == "mutations.log"]
    flagged_types = {f.message.split(" ", 1)[0] for f in flagged}
    assert flagged_types == MUTATING_TYPES
    assert all(f.critical_failure == 2 for f in flagged)
    assert all(f.artifact.startswith("okta/real/") for f in flagged)
    grants = [f for f in flagged if f.message.startswith("user.account.privilege.grant")]
    assert {f.artifact for f in grants} >= {
        "okta/real/cribl_okta_trial_org_events.ndjson",
        "okta/real/panther_scenario_admin_privs_assigned.ndjson",
    }


def test_real_system_logs_covered_by_early_approval(
    shared_dir, clean_pack, pack_writer, check_folder, tmp_path
):
    manifest, files = _log_pack(shared_dir, clean_pack)
    manifest["approvals"][0]["approved_at"] = "2000-01-01T00:00:00Z"
    manifest["approvals"][0]["covers"] = ["admin-role-change", "destructive-change"]
    report = check_folder(pack_writer(tmp_path / "pack", manifest, files))
    assert not [f for f in report.findings if f.check == "mutations.log"]


def test_real_system_logs_time_and_data_checks(
    shared_dir, clean_pack, pack_writer, check_folder, tmp_path
):
    manifest, files = _log_pack(shared_dir, clean_pack)
    report = check_folder(pack_writer(tmp_path / "pack", manifest, files))
    by_check = {}
    for finding in report.findings:
        by_check.setdefault(finding.check, set()).add(finding.artifact)
    # Panther writes published as "2022-03-22 14:21:53.225", with no offset.
    assert "okta/real/panther_rule_tests_camelcase.json" in by_check["time.offset"]
    # Events from 2019-2025 fall outside a 2026 access window.
    assert "okta/real/cribl_okta_trial_org_events.ndjson" in by_check["time.window"]
    # Real addresses such as the Panther staff's are counted, masked.
    personal = [f for f in report.findings if f.check == "data.personal"]
    assert personal
    assert all("jack.naglieri@" not in f.message for f in personal)


def test_real_saml_usable(shared_dir, clean_pack, pack_writer, check_folder, tmp_path):
    manifest, files = clean_pack()
    saml = shared_dir / REAL / "saml"
    samples = {
        "sso/okta-encrypted.xml": ("saml-response", "pysaml2_okta_response.xml"),
        "sso/okta-signed.b64": (
            "saml-response",
            "crewjam_okta_signed_response_encrypted_assertion.b64",
        ),
        "sso/unsigned-base64.xml": (
            "saml-response",
            "python3saml_responses_valid_unsigned_response.xml",
        ),
        "sso/crlf.xml.base64": ("saml-response", "python3saml_responses_response1.xml.base64"),
        "sso/okta-metadata.xml": ("saml-metadata", "tf_okta_app_idp_metadata.xml"),
        "sso/dev-org-metadata.xml": ("saml-metadata", "crewjam_okta_idp_metadata.xml"),
    }
    for path, (kind, name) in samples.items():
        _add(manifest, files, path, kind, (saml / name).read_bytes(), "2026-11-03T16:00:00Z")
    report = check_folder(pack_writer(tmp_path / "pack", manifest, files))
    unusable = [f for f in report.findings if f.check in ("track.sso", "integrity.parse")]
    assert unusable == []
    hosts = [f for f in report.findings if f.check == "tenant.hosts"]
    assert {f.artifact for f in hosts} == {"sso/dev-org-metadata.xml"}
    assert "dev-513394.oktapreview.com" in hosts[0].message
    assert hosts[0].critical_failure is None


def test_real_saml_only_garbage_suggests_failure_3(
    shared_dir, clean_pack, pack_writer, check_folder, tmp_path
):
    manifest, files = clean_pack()
    files["sso/saml-response.xml"] = (shared_dir / REAL / "pdf" / "qpdf_empty.pdf").read_bytes()
    report = check_folder(pack_writer(tmp_path / "pack", manifest, files))
    assert report.suggested_failures == [3]
    assert [f.artifact for f in report.findings if f.check == "track.sso"] == [
        "sso/saml-response.xml"
    ]


def _scim_exchanges(shared: Path, pairs: list[tuple[str, str]]) -> list[dict]:
    exchanges = []
    for number, (request_name, response_name) in enumerate(pairs):
        request = read_http_capture((shared / REAL / "scim" / request_name).read_bytes())
        response = read_http_capture((shared / REAL / "scim" / response_name).read_bytes())
        exchanges.append(
            {
                "sent_at": f"2026-11-03T17:0{number}:00Z",
                "request": {"method": request.method, "path": request.url, "body": request.body},
                "response": {"status": response.status, "body": response.body},
            }
        )
    return exchanges


OKTA_SCIM_PAIRS = [
    (
        "okta_docs_scim20_03_post_user_request.http",
        "okta_docs_scim20_04_post_user_201_response.http",
    ),
    ("okta_docs_scim20_13_put_user_request.http", "okta_docs_scim20_10_get_user_200_response.http"),
    (
        "okta_docs_scim20_15_patch_user_deactivate_request.http",
        "okta_docs_scim20_16_patch_user_200_response.http",
    ),
]


def test_real_scim_transcript_complete(shared_dir, clean_pack, pack_writer, check_folder, tmp_path):
    manifest, files = clean_pack()
    files["scim/lifecycle.json"] = _scim_exchanges(shared_dir, OKTA_SCIM_PAIRS)
    report = check_folder(pack_writer(tmp_path / "pack", manifest, files))
    assert not [f for f in report.findings if f.check == "track.scim"]
    assert report.suggested_failures == []


def test_real_scim_without_deactivation(
    shared_dir, clean_pack, pack_writer, check_folder, tmp_path
):
    manifest, files = clean_pack()
    files["scim/lifecycle.json"] = _scim_exchanges(shared_dir, OKTA_SCIM_PAIRS[:2])
    report = check_folder(pack_writer(tmp_path / "pack", manifest, files))
    scim = [f for f in report.findings if f.check == "track.scim"]
    assert [(f.artifact, f.critical_failure) for f in scim] == [("scim/lifecycle.json", 3)]
    assert "deactivation" in scim[0].message


def test_real_pdfs_read_or_reported(shared_dir, clean_pack, pack_writer, check_folder, tmp_path):
    manifest, files = clean_pack()
    names = [
        "okta_individual_cla_2025-05.pdf",
        "samplefiles_google-doc-document.pdf",
        "qpdf_bad-encryption-length.pdf",
        "qpdf_empty.pdf",
        "qpdf_bad-token-startxref.pdf",
    ]
    for name in names:
        data = (shared_dir / REAL / "pdf" / name).read_bytes()
        _add(manifest, files, f"docs/{name}", "other", data, "2026-11-04T09:00:00Z")
    report = check_folder(pack_writer(tmp_path / "pack", manifest, files))
    unreadable = {f.artifact for f in report.findings if f.check == "claims.unreadable"}
    assert unreadable == {"docs/qpdf_bad-encryption-length.pdf", "docs/qpdf_empty.pdf"}
    claims = [
        f
        for f in report.findings
        if f.check.startswith("claims.") and f.check != "claims.unreadable"
    ]
    assert claims == []
    assert report.suggested_failures == []


def test_real_okta_api_from_other_org(shared_dir, clean_pack, pack_writer, check_folder, tmp_path):
    manifest, files = clean_pack()
    data = (shared_dir / REAL / "okta-api" / "j1_groups_list.json").read_bytes()
    _add(manifest, files, "okta/groups.json", "okta-api-response", data, "2026-11-03T14:12:00Z")
    report = check_folder(pack_writer(tmp_path / "pack", manifest, files))
    hosts = [f for f in report.findings if f.check == "tenant.hosts"]
    assert [f.artifact for f in hosts] == ["okta/groups.json"]
    assert hosts[0].severity == "major"
    assert json.loads(data)  # the sample is a JSON array of groups
