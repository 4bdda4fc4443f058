"""Tenant: the lab ran in a sandbox org, and all evidence comes from the declared org."""

from __future__ import annotations

from collections.abc import Iterator

from checks.catalogue.common import (
    OKTA_HOST_PATTERN,
    is_okta_service_host,
    is_sandbox_host,
    is_tenant_host,
    plural,
    tenant_host,
)
from checks.findings import Finding
from checks.registry import Check, PackContext, register
from ingest.manifest import MANIFEST_NAME

# Every text in the pack that can name a host: System Log events, parsed JSON and SAML
# summaries, API and SCIM captures, and document text. Scanned with DuckDB's RE2 regexps.
PACK_TEXTS = """
    SELECT artifact_path AS path, CAST(raw AS VARCHAR) AS text FROM log_events WHERE pack_id = ?
    UNION ALL
    SELECT path, CAST(content_json AS VARCHAR) FROM artifacts
    WHERE pack_id = ? AND content_json IS NOT NULL
    UNION ALL
    SELECT artifact_path, concat_ws(' ', url, CAST(body AS VARCHAR)) FROM api_responses
    WHERE pack_id = ?
    UNION ALL
    SELECT artifact_path,
           concat_ws(' ', path, CAST(request_body AS VARCHAR), CAST(response_body AS VARCHAR))
    FROM scim_exchanges WHERE pack_id = ?
    UNION ALL
    SELECT artifact_path, text FROM documents WHERE pack_id = ? AND text IS NOT NULL
"""
SELECT_OKTA_HOSTS = f"""
    SELECT t.path, a.kind, lower(t.host) AS host, count(*) AS hits
    FROM (
        SELECT path, unnest(regexp_extract_all(text, ?, 1)) AS host FROM ({PACK_TEXTS})
    ) t
    LEFT JOIN artifacts a ON a.pack_id = ? AND a.path = t.path
    GROUP BY ALL ORDER BY t.path, host
"""
# The records that describe the lab work itself: another org there means the work ran there.
WORK_KINDS = ("backup-record", "restore-execution", "restore-preview", "compare-report")


def pack_text_params(pack_id: str) -> list[str]:
    """Return the parameters PACK_TEXTS binds, one pack id per union branch."""
    return [pack_id] * 5


@register(
    "tenant.sandbox",
    "Capstone in a sandbox org",
    "A capstone lab declares environment 'sandbox' and an Okta preview org (*.oktapreview.com) "
    "or developer org; a production org is critical failure 1 unless a supervised pilot has a "
    "production-access approval.",
    category="Safety",
    severity="critical",
    critical_failure=1,
    group="Tenant",
)
def sandbox_org(ctx: PackContext, check: Check) -> Iterator[Finding]:
    manifest = ctx.manifest
    host = tenant_host(manifest)
    environment = manifest.tenant.environment.strip().lower()
    production_approved = any(
        "production-access" in approval.covers for approval in manifest.approvals
    )
    pilot = manifest.engagement.kind == "supervised-pilot"
    if environment != "sandbox":
        if pilot and production_approved:
            yield check.finding(
                f"The supervised pilot runs in a {environment} org ({host}) under a "
                "production-access approval; check that approval covers this work.",
                MANIFEST_NAME,
                "tenant.environment",
                severity="info",
                suggest=False,
            )
        else:
            yield check.finding(
                f"The tenant is declared as environment {environment!r} ({host}); a "
                f"{manifest.engagement.kind} must use a sandbox org"
                + ("" if not pilot else " unless a production-access approval covers it")
                + ".",
                MANIFEST_NAME,
                "tenant.environment",
                expected="sandbox",
                found=environment,
            )
    elif not is_sandbox_host(host):
        yield check.finding(
            f"The tenant {host} is declared as a sandbox but is not an Okta preview org "
            "(*.oktapreview.com) or developer org; confirm with the partner that it holds no "
            "customer data.",
            MANIFEST_NAME,
            "tenant.org_url",
            severity="major",
            suggest=False,
            expected="*.oktapreview.com or dev-*.okta.com",
            found=host,
        )


@register(
    "tenant.hosts",
    "Evidence from the declared org",
    "Every Okta org host in the pack (API links, System Log URLs, SAML issuers and metadata, "
    "OIDC issuer, documents) is the declared tenant; Okta's CDN and own sites are ignored. "
    "A backup, compare, preview or restore of another org, or any evidence from a production "
    "org, suggests critical failure 1.",
    category="Safety",
    severity="major",
    critical_failure=1,
    group="Tenant",
)
def foreign_hosts(ctx: PackContext, check: Check) -> Iterator[Finding]:
    tenant = tenant_host(ctx.manifest)
    params = [OKTA_HOST_PATTERN, *pack_text_params(ctx.pack_id), ctx.pack_id]
    for path, kind, host, hits in ctx.rows(SELECT_OKTA_HOSTS, params):
        host = str(host)
        if is_okta_service_host(host) or is_tenant_host(host, tenant):
            continue
        work = kind in WORK_KINDS
        production = not is_sandbox_host(host)
        org = "a production org" if production else "a sandbox org"
        # Evidence from a production org means the operators touched a customer-like tenant,
        # so it is suggested too: a reviewer can dismiss it, but a missed one becomes a pass.
        yield check.finding(
            f"{path} names the Okta org {host} ({org}, {plural(int(hits), 'time')}), not the "
            f"declared tenant {tenant}"
            + (
                "; the lab work recorded here ran in another org."
                if work
                else "; this evidence comes from another org. Replace it with a capture from "
                "the lab org."
            ),
            str(path),
            None,
            severity="critical" if work or production else "major",
            suggest=work or production,
            expected=tenant,
            found=host,
        )
