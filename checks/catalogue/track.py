"""Track coverage: the evidence each certification track requires."""

from __future__ import annotations

import json
from collections.abc import Iterator

from checks.catalogue.common import host_of, is_tenant_host, json_records, tenant_host
from checks.findings import Finding
from checks.registry import Check, PackContext, register
from ingest.manifest import MANIFEST_NAME

SSO_KINDS = ("saml-response", "saml-metadata", "oidc-discovery", "id-token-claims")
OPERATOR_KINDS = (
    "backup-record",
    "compare-report",
    "restore-preview",
    "okta-system-log",
    "handoff-summary",
)
# Each requirement is a label and the artifact kinds any one of which satisfies it.
REQUIRED_EVIDENCE: dict[str, list[tuple[str, tuple[str, ...]]]] = {
    "recovery-operator": [(kind, (kind,)) for kind in OPERATOR_KINDS],
    "implementation-specialist": [(kind, (kind,)) for kind in OPERATOR_KINDS]
    + [
        ("SSO evidence", SSO_KINDS),
        ("scim-exchange", ("scim-exchange",)),
        ("change-control-plan", ("change-control-plan",)),
    ],
    "recovery-lead": [(kind, (kind,)) for kind in OPERATOR_KINDS]
    + [
        ("drill-report", ("drill-report",)),
        ("restore-execution or dry-run restore-preview", ("restore-execution", "restore-preview")),
    ],
}
SELECT_PRESENT_KINDS = """
    SELECT DISTINCT kind FROM artifacts WHERE pack_id = ? AND listed AND present
"""


@register(
    "track.required",
    "Required evidence present",
    "The pack contains every kind of evidence its certification track requires; a missing one "
    "is critical failure 3.",
    category="Recoverability",
    severity="critical",
    critical_failure=3,
    group="Track coverage",
)
def required_evidence(ctx: PackContext, check: Check) -> Iterator[Finding]:
    track = ctx.manifest.track
    present = {row[0] for row in ctx.rows(SELECT_PRESENT_KINDS, [ctx.pack_id])}
    for label, kinds in REQUIRED_EVIDENCE[track]:
        if not present.intersection(kinds):
            yield check.finding(
                f"The {track} track requires {label}, and the pack has none "
                f"(no present artifact of kind {' or '.join(kinds)}); add it to the pack and "
                "the manifest.",
                MANIFEST_NAME,
                "artifacts",
                expected=" or ".join(kinds),
                found="none",
            )


SELECT_SCIM = """
    SELECT artifact_path, seq, method, path, CAST(request_body AS VARCHAR), status
    FROM scim_exchanges WHERE pack_id = ? ORDER BY artifact_path, seq
"""
SELECT_KIND_PATHS = """
    SELECT path FROM artifacts
    WHERE pack_id = ? AND listed AND present AND kind = ? ORDER BY position
"""
SELECT_SSO = """
    SELECT path, kind, parse_error, CAST(content_json AS VARCHAR) FROM artifacts
    WHERE pack_id = ? AND listed AND present AND list_contains(?::VARCHAR[], kind)
    ORDER BY position
"""
SCIM_STEPS = ("create", "update", "deactivate")
# Marks an SSO problem that is a read error, which integrity.parse already reports.
PARSE_ERROR = "<parse error>"
SCIM_STEP_TEXT = {
    "create": "a create (POST answered 201)",
    "update": "an update (PUT or PATCH answered 2xx that changes more than active)",
    "deactivate": "a deactivation (PUT or PATCH setting active to false, answered 2xx)",
}
SAML_ROOTS = frozenset(
    {"Response", "Assertion", "EncryptedAssertion", "EntityDescriptor", "EntitiesDescriptor"}
)


def _requires(track: str, label: str) -> bool:
    return any(name == label for name, _kinds in REQUIRED_EVIDENCE[track])


def _scim_steps(method: str | None, body_text: str | None, status: int | None) -> set[str]:
    """Return which lifecycle steps one SCIM exchange shows."""
    method = (method or "").upper()
    ok = status is not None and 200 <= int(status) < 300
    if method == "POST" and status == 201:
        return {"create"}
    if method not in ("PUT", "PATCH") or not ok:
        return set()
    body = json.loads(body_text) if body_text else None
    deactivates, other_changes = _patch_effects(method, body)
    steps = {"deactivate"} if deactivates else set()
    if other_changes:
        steps.add("update")
    return steps


def _patch_effects(method: str, body: object) -> tuple[bool, bool]:
    """Tell whether a PUT or PATCH body sets active to false, and whether it changes more."""
    if not isinstance(body, dict):
        return False, method == "PUT"
    if method == "PUT":
        return body.get("active") is False, True
    deactivates, other = False, False
    for operation in body.get("Operations") or []:
        if not isinstance(operation, dict):
            continue
        path, value = str(operation.get("path") or ""), operation.get("value")
        if path.lower() == "active" and value in (False, "false", "False"):
            deactivates = True
        elif not path and isinstance(value, dict) and value.get("active") in (False, "false"):
            deactivates = True
            other = other or len(value) > 1
        else:
            other = True
    return deactivates, other


@register(
    "track.scim",
    "SCIM lifecycle shown",
    "SCIM evidence shows a create (POST answered 201), an update (PUT or PATCH answered 2xx) and "
    "a deactivation (active set to false, answered 2xx); where the track requires SCIM, a "
    "missing step is critical failure 3.",
    category="Recoverability",
    severity="critical",
    critical_failure=3,
    group="Track coverage",
)
def scim_lifecycle(ctx: PackContext, check: Check) -> Iterator[Finding]:
    required = _requires(ctx.manifest.track, "scim-exchange")
    shown: dict[str, set[str]] = {}
    for path, _seq, method, _target, body, status in ctx.rows(SELECT_SCIM, [ctx.pack_id]):
        shown.setdefault(str(path), set()).update(_scim_steps(method, body, status))
    present = _present_paths(ctx, "scim-exchange")
    if not present:
        return  # track.required reports a missing SCIM artifact
    covered = set().union(*shown.values()) if shown else set()
    missing = [step for step in SCIM_STEPS if step not in covered]
    path = next(iter(shown)) if shown else present[0]
    for step in missing:
        yield check.finding(
            f"The SCIM evidence ({', '.join(present)}) never shows {SCIM_STEP_TEXT[step]}; "
            "the lifecycle test must create, update and deactivate a user"
            + ("." if shown else ", and no exchange in it could be read."),
            path,
            None,
            severity="critical" if required else "minor",
            suggest=required,
            expected=SCIM_STEP_TEXT[step],
            found="no such exchange",
        )


@register(
    "track.sso",
    "SSO evidence usable",
    "SAML evidence parses as a SAML response or metadata (plain, base64 or DEFLATE+base64), and "
    "an OIDC discovery document or ID token names the tenant as issuer; where the track "
    "requires SSO evidence and none is usable, critical failure 3.",
    category="Recoverability",
    severity="critical",
    critical_failure=3,
    group="Track coverage",
)
def sso_evidence(ctx: PackContext, check: Check) -> Iterator[Finding]:
    tenant = tenant_host(ctx.manifest)
    usable: list[str] = []
    problems: list[tuple[str, str, str | None, str]] = []
    for path, kind, error, content in ctx.rows(SELECT_SSO, [ctx.pack_id, list(SSO_KINDS)]):
        body = json.loads(str(content)) if content else None
        problem = _sso_problem(str(kind), error, body, tenant)
        if problem is None:
            usable.append(str(path))
        else:
            problems.append((str(path), problem[0], problem[1], problem[2]))
    required = _requires(ctx.manifest.track, "SSO evidence")
    for path, message, field, severity in problems:
        if field == PARSE_ERROR:
            continue  # integrity.parse reports the read error itself
        yield check.finding(f"{path} {message}.", path, field, severity=severity, suggest=False)
    if required and problems and not usable:
        yield check.finding(
            "None of the SSO evidence is usable ("
            + ", ".join(p for p, *_rest in problems)
            + "), so the pack shows no working SSO setup.",
            problems[0][0],
            None,
            expected="a parsed SAML response or metadata, or an OIDC issuer on the tenant",
            found="no usable SSO evidence",
        )


def _sso_problem(
    kind: str, error: object, body: object, tenant: str
) -> tuple[str, str | None, str] | None:
    """Return (message, field, severity) when an SSO artifact is not usable, else None."""
    if error:
        return f"could not be read as {kind}", PARSE_ERROR, "major"
    if not isinstance(body, dict):
        return f"holds no {kind} content", None, "major"
    if kind.startswith("saml-"):
        if body.get("root") not in SAML_ROOTS:
            root = body.get("root")
            return f"is XML with root {root}, not a SAML response or metadata", None, "major"
        return None
    issuer = body.get("issuer") if kind == "oidc-discovery" else body.get("iss")
    field = "issuer" if kind == "oidc-discovery" else "iss"
    if not isinstance(issuer, str) or not issuer.strip():
        return f"has no {field}", field, "major"
    if "{" in issuer:
        return f"has the placeholder issuer {issuer!r}, not the tenant {tenant}", field, "minor"
    host = host_of(issuer)
    if host is None or not is_tenant_host(host, tenant):
        return f"has issuer {issuer}, not the tenant {tenant}", field, "major"
    return None


@register(
    "track.backup",
    "Backup record usable",
    "A backup record has a backup_id and status succeeded or partial, and covers users and "
    "groups; if no backup record in the pack is usable, critical failure 3.",
    category="Recoverability",
    severity="critical",
    critical_failure=3,
    group="Track coverage",
)
def backup_substance(ctx: PackContext, check: Check) -> Iterator[Finding]:
    records = json_records(ctx, ("backup-record",))
    usable = []
    for record in records:
        status = (record.text("status") or "").lower()
        counts = record.body.get("object_counts") if isinstance(record.body, dict) else None
        if not record.object_id:
            yield _unusable(check, record.path, "backup_id", "has no backup_id")
        elif status not in ("succeeded", "partial"):
            yield _unusable(check, record.path, "status", f"has status {status or 'missing'}")
        else:
            usable.append(record.path)
            if status == "partial":
                yield _unusable(check, record.path, "status", "is a partial backup", "minor")
            if not isinstance(counts, dict) or not {"users", "groups"} <= counts.keys():
                yield _unusable(
                    check, record.path, "object_counts", "does not count users and groups", "minor"
                )
    yield from _none_usable(ctx, check, "backup-record", usable)


@register(
    "track.restore_preview",
    "Restore preview usable",
    "A restore preview is in preview or dry-run mode and names the backup it restores from; if "
    "none is, critical failure 3. A recovery-lead pack also needs a restore execution or a "
    "dry-run preview.",
    category="Recoverability",
    severity="critical",
    critical_failure=3,
    group="Track coverage",
)
def preview_substance(ctx: PackContext, check: Check) -> Iterator[Finding]:
    records = json_records(ctx, ("restore-preview",))
    usable, dry_run = [], False
    for record in records:
        mode = (record.text("mode") or "").lower()
        if mode not in ("preview", "dry-run"):
            yield _unusable(check, record.path, "mode", f"has mode {mode or 'missing'}")
        elif not record.text("backup_id"):
            yield _unusable(check, record.path, "backup_id", "does not name its backup")
        else:
            usable.append(record.path)
            dry_run = dry_run or mode == "dry-run"
    yield from _none_usable(ctx, check, "restore-preview", usable)
    if ctx.manifest.track == "recovery-lead" and not dry_run:
        executions = json_records(ctx, ("restore-execution",))
        if not executions:
            yield check.finding(
                "The recovery-lead track requires a restore execution or a dry-run restore "
                "preview with its approval, and the pack has neither.",
                MANIFEST_NAME,
                "artifacts",
                expected="restore-execution or restore-preview in dry-run mode",
                found="none",
            )


def _unusable(
    check: Check, path: str, field: str, problem: str, severity: str = "major"
) -> Finding:
    return check.finding(f"{path} {problem}.", path, field, severity=severity, suggest=False)


def _present_paths(ctx: PackContext, kind: str) -> list[str]:
    return [str(row[0]) for row in ctx.rows(SELECT_KIND_PATHS, [ctx.pack_id, kind])]


def _none_usable(ctx: PackContext, check: Check, kind: str, usable: list[str]) -> Iterator[Finding]:
    """Report a required kind whose artifacts are all unreadable or unusable."""
    present = _present_paths(ctx, kind)
    if usable or not present or not _requires(ctx.manifest.track, kind):
        return
    yield check.finding(
        f"No {kind} in the pack is usable ({', '.join(present)}: unreadable or incomplete), so "
        f"the {ctx.manifest.track} track's {kind} evidence is effectively missing.",
        present[0],
        None,
        expected=f"a usable {kind}",
        found="none usable",
    )
