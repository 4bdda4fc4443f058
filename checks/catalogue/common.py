"""Helpers shared by the check modules: typed JSON records, object ids, hosts and masking.

Nothing here is registered as a check. Queries read the tables the loader filled; JSON
artifacts are small (the loader keeps `content_json` only up to 8 MiB), so they are decoded
in Python, while System Log events stay in SQL.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

from checks.registry import PackContext
from ingest.manifest import Manifest
from ingest.times import ParsedTime, format_utc, try_parse_timestamp

# Internal times and the manifest's captured_at may differ by this much before a finding,
# because exports, PDF conversions and screenshots are saved minutes after the work they show.
TIME_TOLERANCE = timedelta(minutes=15)

# The id field of each Butterfly record kind, and the reference type that cites it.
ID_FIELDS: dict[str, str] = {
    "backup-record": "backup_id",
    "compare-report": "compare_id",
    "restore-preview": "restore_preview_id",
    "restore-execution": "restore_id",
}
REFERENCE_KIND: dict[str, str] = {
    "backup": "backup-record",
    "compare": "compare-report",
    "restore_preview": "restore-preview",
}
DOCUMENT_KINDS = (
    "readiness-notes",
    "handoff-summary",
    "change-control-plan",
    "approval",
    "drill-report",
    "other",
)

SELECT_JSON_RECORDS = """
    SELECT path, kind, content_json, captured_at, "references"
    FROM artifacts
    WHERE pack_id = ? AND listed AND present AND content_json IS NOT NULL
      AND list_contains(?::VARCHAR[], kind)
    ORDER BY position
"""

# Okta org hosts: a label, then an Okta cell domain. Group 1 is the host, and the leading
# class keeps a match from starting part-way through a longer name.
# NOTE: an org on a custom domain (login.example.com) is not recognised as an Okta host.
OKTA_HOST_PATTERN = (
    r"(?:^|[^A-Za-z0-9.-])([A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?"
    r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*"
    r"\.(?:okta|oktapreview|okta-emea|okta-gov|okta-mil|oktacdn)\.com)"
)
# Okta's own sites and CDN, which appear in every org's data and name no org.
OKTA_SERVICE_HOSTS = frozenset(
    {
        "www.okta.com",
        "okta.com",
        "developer.okta.com",
        "help.okta.com",
        "support.okta.com",
        "login.okta.com",
        "status.okta.com",
        "trust.okta.com",
        "iam.okta.com",
    }
)
OKTA_SERVICE_SUFFIXES = (".oktacdn.com",)
PREVIEW_SUFFIXES = (".oktapreview.com",)
# Free developer, trial and integrator orgs live on okta.com but hold no customer data.
DEVELOPER_ORG = re.compile(r"^(dev|trial|integrator)-\d+(-admin)?\.okta\.com$")


@dataclass(frozen=True)
class Record:
    """One parsed JSON artifact with the manifest fields checks compare it with."""

    path: str
    kind: str
    body: Any
    captured_at: datetime | None
    references: tuple[str, ...]

    def text(self, name: str) -> str | None:
        """Return the string value of a top-level field, or None."""
        value = self.body.get(name) if isinstance(self.body, dict) else None
        return value.strip() if isinstance(value, str) and value.strip() else None

    def time(self, name: str) -> ParsedTime | None:
        """Parse a top-level time field, or return None when it is absent or not a time."""
        return try_parse_timestamp(self.text(name))

    @property
    def object_id(self) -> str | None:
        """The Butterfly id this record declares (backup_id, compare_id, ...)."""
        field = ID_FIELDS.get(self.kind)
        return self.text(field) if field else None


def json_records(ctx: PackContext, kinds: tuple[str, ...]) -> list[Record]:
    """Return the parsed JSON artifacts of the given kinds, in manifest order."""
    records = []
    for path, kind, content, captured, references in ctx.rows(
        SELECT_JSON_RECORDS, [ctx.pack_id, list(kinds)]
    ):
        body = json.loads(str(content)) if isinstance(content, str) else content
        records.append(
            Record(str(path), str(kind), body, captured, tuple(references or ()))  # type: ignore[arg-type]
        )
    return records


def records_by_id(records: list[Record]) -> dict[tuple[str, str], Record]:
    """Index Butterfly records by (kind, id); the first record with an id wins."""
    index: dict[tuple[str, str], Record] = {}
    for record in records:
        if record.object_id:
            index.setdefault((record.kind, record.object_id), record)
    return index


def tenant_host(manifest: Manifest) -> str:
    """Return the lower-case host of the declared tenant's org URL."""
    return (urlsplit(manifest.tenant.org_url).hostname or "").lower()


def host_of(url: str) -> str | None:
    """Return the lower-case host of a URL, or None when it has none."""
    try:
        host = urlsplit(url.strip()).hostname
    except ValueError:
        return None
    return host.lower() if host else None


def is_okta_service_host(host: str) -> bool:
    """Tell whether a host is Okta's own site or CDN rather than an org."""
    return host in OKTA_SERVICE_HOSTS or host.endswith(OKTA_SERVICE_SUFFIXES)


def is_tenant_host(host: str, tenant: str) -> bool:
    """Tell whether a host is the tenant itself or its admin console (`<org>-admin.<domain>`)."""
    if host == tenant:
        return True
    label, _, domain = tenant.partition(".")
    return host == f"{label}-admin.{domain}"


def is_sandbox_host(host: str) -> bool:
    """Tell whether a host is an Okta preview (sandbox) org or a free developer or trial org."""
    return host.endswith(PREVIEW_SUFFIXES) or bool(DEVELOPER_ORG.match(host))


def mask_email(address: str) -> str:
    """Mask the local part of an e-mail address, keeping its first character and the domain."""
    local, _, domain = address.partition("@")
    return f"{local[:1]}***@{domain}"


def mask_name(name: str) -> str:
    """Mask a person's name to the initial of each word."""
    return " ".join(f"{word[:1]}***" for word in name.split())


def mask_secret(value: str) -> str:
    """Mask a secret, keeping its first four characters so two findings can be told apart."""
    return f"{value[:4]}****" if len(value) > 8 else "****"


def mask_phone(value: str) -> str:
    """Mask a phone number to its last two digits."""
    digits = re.sub(r"\D", "", value)
    return f"***{digits[-2:]}"


def plural(count: int, noun: str, nouns: str | None = None) -> str:
    """Return '1 event' or '3 events'."""
    return f"{count} {noun if count == 1 else (nouns or noun + 's')}"


def utc(value: datetime | None) -> str:
    """Format a time in UTC for a message, or 'no time' when it is missing."""
    return format_utc(value) if value else "no time"


def event_field(index: object, uuid: object) -> str:
    """Name a System Log event in a finding's field: its position, or its uuid in a large log.

    Events of logs loaded straight into DuckDB (over 32 MB) carry no position.
    """
    if index is not None:
        return f"[{index}]"
    return f"[uuid={uuid}]"
