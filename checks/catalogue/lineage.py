"""Lineage: every id the pack cites resolves to something in the pack."""

from __future__ import annotations

import re
from collections.abc import Iterator

from checks.catalogue.common import (
    ID_FIELDS,
    REFERENCE_KIND,
    Record,
    json_records,
    records_by_id,
)
from checks.findings import Finding
from checks.registry import Check, PackContext, register
from ingest.manifest import MANIFEST_NAME

# System Log reference types and the log_events column each one is looked up in.
SELECT_LOG_UUIDS = """
    SELECT DISTINCT uuid FROM log_events WHERE pack_id = ? AND list_contains(?::VARCHAR[], uuid)
"""
SELECT_LOG_TRANSACTIONS = """
    SELECT DISTINCT transaction_id FROM log_events
    WHERE pack_id = ? AND list_contains(?::VARCHAR[], transaction_id)
"""
SELECT_LOG_REQUESTS = """
    SELECT DISTINCT request_id FROM log_events
    WHERE pack_id = ? AND list_contains(?::VARCHAR[], request_id)
"""
LOG_LOOKUPS = {
    "log": SELECT_LOG_UUIDS,
    "transaction": SELECT_LOG_TRANSACTIONS,
    "request": SELECT_LOG_REQUESTS,
}
SELECT_PRESENT_PATHS = "SELECT path FROM artifacts WHERE pack_id = ? AND listed AND present"
SELECT_DOCUMENT_TEXT = """
    SELECT artifact_path, text FROM documents
    WHERE pack_id = ? AND readable AND text IS NOT NULL ORDER BY artifact_path
"""
# Ids written in prose: Butterfly record and change-approval ids, and typed references.
DOCUMENT_ID = re.compile(r"\b((?:BK|CMP|RP|RX|CHG)-[A-Z0-9]+(?:-[A-Z0-9]+)*)\b")
DOCUMENT_REFERENCE = re.compile(
    r"\b(backup|compare|restore_preview|approval|log|transaction|request):([A-Za-z0-9._-]+)"
)
PREFIX_KIND = {
    "BK": "backup-record",
    "CMP": "compare-report",
    "RP": "restore-preview",
    "RX": "restore-execution",
}


class _Known:
    """The ids the pack defines, for resolving references."""

    def __init__(self, ctx: PackContext) -> None:
        self.ctx = ctx
        self.records = json_records(ctx, tuple(ID_FIELDS))
        self.index = records_by_id(self.records)
        self.approvals = {a.approval_id for a in ctx.manifest.approvals}
        self._log_cache: dict[tuple[str, str], bool] = {}

    def resolve(self, kind: str, ident: str) -> bool:
        """Tell whether a typed reference (`backup`, `log`, `approval`, ...) exists in the pack."""
        if kind in REFERENCE_KIND:
            return (REFERENCE_KIND[kind], ident) in self.index
        if kind == "approval":
            return ident in self.approvals
        if kind in LOG_LOOKUPS:
            return self._log_ids(kind, [ident])[ident]
        return False

    def _log_ids(self, kind: str, idents: list[str]) -> dict[str, bool]:
        missing = [i for i in idents if (kind, i) not in self._log_cache]
        if missing:
            found = {
                row[0] for row in self.ctx.rows(LOG_LOOKUPS[kind], [self.ctx.pack_id, missing])
            }
            for ident in missing:
                self._log_cache[(kind, ident)] = ident in found
        return {i: self._log_cache[(kind, i)] for i in idents}

    def resolve_prose_id(self, ident: str) -> bool:
        """Tell whether an id like BK-51D0E2 or CHG-0420 quoted in a document exists."""
        prefix = ident.split("-", 1)[0]
        if prefix == "CHG":
            return ident in self.approvals
        return (PREFIX_KIND[prefix], ident) in self.index


@register(
    "lineage.references",
    "References resolve",
    "Every typed reference in the manifest (backup:, compare:, restore_preview:, approval:, "
    "log:, transaction:, request:) names something in the pack, and every approval's artifact "
    "is a file in the pack.",
    category="Evidence",
    severity="major",
    group="Lineage",
)
def manifest_references(ctx: PackContext, check: Check) -> Iterator[Finding]:
    known = _Known(ctx)
    for entry in ctx.manifest.artifacts:
        for position, reference in enumerate(entry.references):
            kind, _, ident = reference.partition(":")
            if not known.resolve(kind, ident.strip()):
                yield check.finding(
                    f"{entry.path} cites {reference}, which is not in the pack: "
                    f"{_where(kind)}. Add the evidence or correct the reference.",
                    entry.path,
                    f"references[{position}]",
                    expected=f"{kind} {ident.strip()} in the pack",
                    found="not found",
                )
    present = {row[0] for row in ctx.rows(SELECT_PRESENT_PATHS, [ctx.pack_id])}
    for index, approval in enumerate(ctx.manifest.approvals):
        if approval.artifact and approval.artifact not in present:
            yield check.finding(
                f"Approval {approval.approval_id} points at {approval.artifact}, which is not a "
                "file in the pack, so the written approval cannot be read.",
                MANIFEST_NAME,
                f"approvals[{index}].artifact",
                expected="a file in the pack",
                found=approval.artifact,
            )


def _where(kind: str) -> str:
    if kind in REFERENCE_KIND:
        return f"no {REFERENCE_KIND[kind]} declares that {ID_FIELDS[REFERENCE_KIND[kind]]}"
    if kind == "approval":
        return "no manifest approval has that approval_id"
    column = {"log": "uuid", "transaction": "transaction.id", "request": "requestId"}[kind]
    return f"no System Log event has that {column}"


@register(
    "lineage.records",
    "Records point at records in the pack",
    "A compare report and a restore preview name a backup in the pack, and a restore execution "
    "names a restore preview in the pack. (The approval a restore cites is checked by "
    "mutations.restore.)",
    category="Recoverability",
    severity="major",
    group="Lineage",
)
def record_links(ctx: PackContext, check: Check) -> Iterator[Finding]:
    known = _Known(ctx)
    for record in known.records:
        yield from _record_links(record, known, check)


def _record_links(record: Record, known: _Known, check: Check) -> Iterator[Finding]:
    links: list[tuple[str, str, str | None]] = []
    if record.kind in ("compare-report", "restore-preview"):
        links.append(("backup_id", "backup", record.text("backup_id")))
    if record.kind == "compare-report" and record.text("against") not in (None, "live"):
        links.append(("against", "backup", record.text("against")))
    if record.kind == "restore-execution":
        links.append(("restore_preview_id", "restore_preview", record.text("restore_preview_id")))
    for field, kind, ident in links:
        target = REFERENCE_KIND[kind]
        if ident is None:
            yield check.finding(
                f"{record.path} does not say which {target} it uses ({field} is missing), so it "
                "cannot be tied to the rest of the work.",
                record.path,
                field,
                expected=f"the {ID_FIELDS[target]} of a {target} in the pack",
                found="missing",
            )
        elif not known.resolve(kind, ident):
            yield check.finding(
                f"{record.path} uses {target} {ident} ({field}), which is not in the pack; add "
                f"that {target} or correct the id.",
                record.path,
                field,
                expected=f"a {target} with {ID_FIELDS[target]} {ident}",
                found="not in the pack",
            )


@register(
    "lineage.documents",
    "Ids quoted in documents exist",
    "Backup, compare, preview, restore and approval ids (BK-, CMP-, RP-, RX-, CHG-) and typed "
    "references quoted in the handoff summary, drill report, notes and other documents exist in "
    "the pack.",
    category="Evidence",
    severity="major",
    group="Lineage",
)
def document_ids(ctx: PackContext, check: Check) -> Iterator[Finding]:
    known = _Known(ctx)
    for path, text in ctx.rows(SELECT_DOCUMENT_TEXT, [ctx.pack_id]):
        reported: set[str] = set()
        for number, line in enumerate(str(text).splitlines(), start=1):
            for ident in DOCUMENT_ID.findall(line):
                if ident not in reported and not known.resolve_prose_id(ident):
                    reported.add(ident)
                    yield _document_finding(check, str(path), number, ident)
            for kind, ident in DOCUMENT_REFERENCE.findall(line):
                quoted = f"{kind}:{ident}"
                if quoted not in reported and not known.resolve(kind, ident):
                    reported.add(quoted)
                    yield _document_finding(check, str(path), number, quoted)


def _document_finding(check: Check, path: str, line: int, ident: str) -> Finding:
    return check.finding(
        f"{path} quotes {ident} (line {line}), which nothing in the pack declares; the document "
        "describes evidence that was not submitted, or the id is mistyped.",
        path,
        f"line {line}",
        expected=f"{ident} in the pack",
        found="not in the pack",
    )
