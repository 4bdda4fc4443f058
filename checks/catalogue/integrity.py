"""Integrity: the manifest, the files it lists and the bytes of each file."""

from __future__ import annotations

from collections.abc import Iterator

from checks.catalogue.common import ID_FIELDS, json_records
from checks.findings import Finding
from checks.registry import Check, PackContext, register
from ingest.manifest import MANIFEST_NAME
from ingest.times import parse_timestamp

SELECT_ARTIFACTS = """
    SELECT path, listed, present, sha256_declared, sha256_actual
    FROM artifacts WHERE pack_id = ? ORDER BY position NULLS LAST, path
"""


@register(
    "manifest.valid",
    "Manifest valid",
    "manifest.json follows format v1, and its dates and lists agree with each other.",
    category="Evidence",
    severity="critical",
)
def manifest_valid(ctx: PackContext, check: Check) -> Iterator[Finding]:
    manifest = ctx.manifest
    window = manifest.engagement.access_window
    start, end = parse_timestamp(window.start).utc, parse_timestamp(window.end).utc
    if end <= start:
        yield check.finding(
            f"The access window ends ({window.end}) before it starts ({window.start}); "
            "correct engagement.access_window.",
            MANIFEST_NAME,
            "engagement.access_window.end",
            severity="major",
            expected=f"after {window.start}",
            found=window.end,
        )
    operator_ids = [op.operator_id for op in manifest.operators]
    for duplicate in sorted({i for i in operator_ids if operator_ids.count(i) > 1}):
        yield check.finding(
            f"Operator id {duplicate} is listed more than once; list each operator once.",
            MANIFEST_NAME,
            "operators",
            severity="major",
        )
    if manifest.supersedes == manifest.pack_id:
        yield check.finding(
            f"The pack supersedes itself ({manifest.pack_id}); name the earlier pack_id.",
            MANIFEST_NAME,
            "supersedes",
            severity="major",
        )


@register(
    "integrity.hash",
    "SHA-256 matches",
    "Each file's SHA-256 equals the digest in the manifest, so the bytes are the ones listed.",
    category="Evidence",
    severity="critical",
)
def hash_matches(ctx: PackContext, check: Check) -> Iterator[Finding]:
    for path, listed, present, declared, actual in ctx.rows(SELECT_ARTIFACTS, [ctx.pack_id]):
        if listed and present and str(declared).lower() != actual:
            yield check.finding(
                f"The SHA-256 of {path} does not match the manifest: the file was changed after "
                "the manifest was written, or the digest was copied wrong. Recompute it with "
                "`sha256sum` and resubmit.",
                str(path),
                "sha256",
                expected=str(declared),
                found=str(actual),
            )


@register(
    "integrity.missing",
    "Listed file present",
    "Every file listed in the manifest is in the pack.",
    category="Evidence",
    severity="critical",
)
def listed_missing(ctx: PackContext, check: Check) -> Iterator[Finding]:
    for path, listed, present, _declared, _actual in ctx.rows(SELECT_ARTIFACTS, [ctx.pack_id]):
        if listed and not present:
            yield check.finding(
                f"{path} is listed in the manifest but is not in the pack; add the file or "
                "remove its entry.",
                str(path),
                "path",
                expected="file present",
                found="no such file",
            )


@register(
    "integrity.unlisted",
    "No unlisted files",
    "Every file in the pack is listed in the manifest (macOS __MACOSX and .DS_Store debris is "
    "ignored).",
    category="Evidence",
    severity="minor",
)
def unlisted_present(ctx: PackContext, check: Check) -> Iterator[Finding]:
    for path, listed, present, _declared, _actual in ctx.rows(SELECT_ARTIFACTS, [ctx.pack_id]):
        if present and not listed and path != MANIFEST_NAME:
            yield check.finding(
                f"{path} is in the pack but not listed in the manifest, so it has no kind or "
                "capture time; list it or remove it.",
                str(path),
                None,
                expected="listed in manifest.json",
                found="unlisted file",
            )


SELECT_PARSE_ERRORS = """
    SELECT path, kind, parse_error FROM artifacts
    WHERE pack_id = ? AND listed AND present AND parse_error IS NOT NULL
    ORDER BY position
"""
SELECT_PROBLEMS = """
    SELECT artifact_path, field, problem FROM artifact_problems
    WHERE pack_id = ? ORDER BY artifact_path
"""
# Real exports repeat a System Log event now and then, so repeats are counted, not listed.
SELECT_DUPLICATE_UUIDS = """
    SELECT artifact_path, count(*) AS repeated, min(uuid) AS example
    FROM (
        SELECT artifact_path, uuid FROM log_events
        WHERE pack_id = ? AND uuid IS NOT NULL
        GROUP BY artifact_path, uuid HAVING count(*) > 1
    )
    GROUP BY artifact_path ORDER BY artifact_path
"""


@register(
    "integrity.duplicate",
    "No duplicate paths or ids",
    "Each artifact path, approval id and Butterfly record id (backup, compare, preview, restore) "
    "appears once, so every reference points at one thing.",
    category="Evidence",
    severity="major",
)
def duplicates(ctx: PackContext, check: Check) -> Iterator[Finding]:
    seen_paths: dict[str, int] = {}
    for index, entry in enumerate(ctx.manifest.artifacts):
        if entry.path in seen_paths:
            yield check.finding(
                f"{entry.path} is listed twice in the manifest (artifacts"
                f"[{seen_paths[entry.path]}] and artifacts[{index}]); only the first entry was "
                "used. Remove the second one.",
                entry.path,
                f"artifacts[{index}].path",
                expected="one entry per path",
                found=f"artifacts[{seen_paths[entry.path]}] and artifacts[{index}]",
            )
        seen_paths.setdefault(entry.path, index)
    seen_approvals: dict[str, int] = {}
    for index, approval in enumerate(ctx.manifest.approvals):
        if approval.approval_id in seen_approvals:
            yield check.finding(
                f"Approval id {approval.approval_id} is listed twice (approvals"
                f"[{seen_approvals[approval.approval_id]}] and approvals[{index}]); give each "
                "written approval its own id.",
                MANIFEST_NAME,
                f"approvals[{index}].approval_id",
                expected="unique approval_id",
                found=approval.approval_id,
            )
        seen_approvals.setdefault(approval.approval_id, index)
    yield from _duplicate_record_ids(ctx, check)
    for path, repeated, example in ctx.rows(SELECT_DUPLICATE_UUIDS, [ctx.pack_id]):
        yield check.finding(
            f"{path} holds {repeated} System Log uuids more than once (for example {example}); "
            "the export may overlap itself, so counts of events can be too high.",
            str(path),
            "uuid",
            severity="minor",
            expected="each uuid once",
            found=f"{repeated} repeated uuids",
        )


def _duplicate_record_ids(ctx: PackContext, check: Check) -> Iterator[Finding]:
    first: dict[tuple[str, str], str] = {}
    for record in json_records(ctx, tuple(ID_FIELDS)):
        key = (record.kind, record.object_id or "")
        if not record.object_id:
            continue
        if key in first:
            yield check.finding(
                f"{record.path} declares {ID_FIELDS[record.kind]} {record.object_id}, which "
                f"{first[key]} declares too; references to it are ambiguous. Give each record "
                "its own id or remove the copy.",
                record.path,
                ID_FIELDS[record.kind],
                expected="an id no other artifact uses",
                found=f"{record.object_id} (also in {first[key]})",
            )
        first.setdefault(key, record.path)


@register(
    "integrity.parse",
    "Content matches declared kind",
    "Each artifact's content parses as its declared kind: JSON kinds are JSON, SAML is XML "
    "(decoded from base64 or DEFLATE first), screenshots are images, documents are PDF or text.",
    category="Evidence",
    severity="major",
)
def content_parses(ctx: PackContext, check: Check) -> Iterator[Finding]:
    for path, kind, error in ctx.rows(SELECT_PARSE_ERRORS, [ctx.pack_id]):
        yield check.finding(
            f"{path} (declared {kind}) could not be read: {error}",
            str(path),
            None,
            expected=f"content readable as {kind}",
            found=str(error),
        )
    for path, field, problem in ctx.rows(SELECT_PROBLEMS, [ctx.pack_id]):
        yield check.finding(
            f"{path}: {problem}",
            str(path),
            str(field) if field else None,
            # A problem on one line or item leaves the rest readable, and one without is whole-file.
            severity="minor" if field else "major",
            found=str(problem),
        )
