"""Loading an evidence pack into DuckDB: open, validate, hash, store, read, commit, check.

The pack's rows are written in one transaction, so a pack is either stored whole or not at
all. Files are copied into the content-addressed store before that transaction, so an
interrupted load leaves at most unreferenced blobs behind. The checks run after the
commit and store their findings as a check run; a pack without one cannot pass.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal

import duckdb

from checks.findings import Finding, sort_findings
from checks.registry import PackContext, run_checks
from ingest.archive import OpenedPack, PackRejected, open_pack
from ingest.artifacts import ArtifactContent, read_artifact
from ingest.filestore import BlobStore, InPlaceStore, StagedFile
from ingest.manifest import MANIFEST_NAME, Manifest, ManifestInvalid, parse_manifest
from ingest.systemlog import load_system_log
from ingest.times import try_parse_timestamp
from store.db import open_database, transaction, write_with_retry
from store.settings import ArchiveLimits

logger = logging.getLogger(__name__)

Progress = Callable[[float, str], None]

SELECT_PACK_DIGEST = "SELECT content_digest FROM packs WHERE pack_id = ?"
SELECT_FINDINGS = """
    SELECT check_id, severity, category, artifact, field, message, expected, found,
           critical_failure
    FROM findings
    WHERE pack_id = ? AND run_id = (SELECT max(run_id) FROM check_runs WHERE pack_id = ?)
"""
SELECT_CHECK_RUN = "SELECT count(*) FROM check_runs WHERE pack_id = ?"
INSERT_CHECK_RUN = "INSERT INTO check_runs VALUES (?, ?, ?, ?)"
SELECT_STORED_MANIFEST = "SELECT manifest_json, received_at FROM packs WHERE pack_id = ?"
SELECT_STORED_FILES = """
    SELECT path, sha256_actual FROM artifacts WHERE pack_id = ? AND present
"""
INSERT_PACK = """
    INSERT INTO packs VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
"""
INSERT_OPERATOR = "INSERT INTO pack_operators VALUES (?, ?, ?, ?)"
INSERT_APPROVAL = "INSERT INTO approvals VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
INSERT_ARTIFACT = """
    INSERT INTO artifacts VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
"""
INSERT_API_RESPONSE = "INSERT INTO api_responses VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
INSERT_SCIM = "INSERT INTO scim_exchanges VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
INSERT_DOCUMENT = "INSERT INTO documents VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
INSERT_FINDING = "INSERT INTO findings VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
INSERT_PROBLEM = "INSERT INTO artifact_problems VALUES (?, ?, ?, ?)"
NEXT_RUN_ID = "SELECT nextval('event_seq')"


@dataclass
class LoadReport:
    """The outcome of checking or importing one pack."""

    pack_id: str | None
    status: Literal["accepted", "rejected"]
    findings: list[Finding] = field(default_factory=list)
    already_stored: bool = False
    source_name: str = ""
    checks_run: bool = True

    @property
    def suggested_failures(self) -> list[int]:
        return sorted({f.critical_failure for f in self.findings if f.critical_failure})

    def exit_code(self) -> int:
        """Return the `check` exit status: 0 clean, 3 critical failure suggested, 2 rejected."""
        if self.status == "rejected":
            return 2
        return 3 if self.suggested_failures else 0

    def to_json(self) -> dict[str, Any]:
        """Return the object `butterfly-review check --json` prints."""
        return {
            "pack_id": self.pack_id,
            "status": self.status,
            "findings": [f.public_dict() for f in self.findings],
        }


@dataclass(frozen=True)
class _FileInfo:
    path: str
    source: Path
    sha256: str
    size: int


def check_pack(path: Path, limits: ArchiveLimits, progress: Progress | None = None) -> LoadReport:
    """Load and check a pack in a throw-away in-memory database, writing nothing to disk."""
    con = open_database(":memory:")
    try:
        return import_pack(con, path, None, limits, progress)
    finally:
        con.close()


def import_pack(
    con: duckdb.DuckDBPyConnection,
    path: Path,
    store: BlobStore | None,
    limits: ArchiveLimits,
    progress: Progress | None = None,
    source_name: str | None = None,
    checks: bool = True,
) -> LoadReport:
    """Load the pack at `path` (zip file or folder) into the database behind `con`.

    With `store` None the files are read in place and not kept. A pack already stored with
    the same content is not stored again. Bad input never raises: it comes back as a
    rejected report whose findings name the problem and the fix. The pack is
    committed first and checked afterwards; `checks=False` stops after the commit (the
    ingest benchmark times that part alone).
    """
    notify = progress or (lambda _fraction, _message: None)
    name = source_name or path.name
    logger.info("ingest started: %s", name)
    notify(0.02, f"Opening {name}")
    try:
        with open_pack(path, limits) as opened:
            report = _load_opened(con, opened, store, notify, name, path.is_file(), checks)
    except PackRejected as exc:
        report = LoadReport(None, "rejected", sort_findings(list(exc.findings)), source_name=name)
    if report.status == "rejected":
        logger.warning(
            "pack rejected: %s: %s", name, "; ".join(f.message for f in report.findings)[:500]
        )
    else:
        logger.info(
            "ingest finished: %s, %d findings%s",
            report.pack_id,
            len(report.findings),
            " (already stored)" if report.already_stored else "",
        )
    notify(1.0, "Done")
    return report


def _load_opened(
    con: duckdb.DuckDBPyConnection,
    opened: OpenedPack,
    store: BlobStore | None,
    notify: Progress,
    name: str,
    extracted: bool,
    checks: bool,
) -> LoadReport:
    manifest_path = opened.root / MANIFEST_NAME
    try:
        manifest = parse_manifest(manifest_path.read_bytes())
    except ManifestInvalid as exc:
        return LoadReport(None, "rejected", sort_findings(exc.findings), source_name=name)

    notify(0.1, f"Hashing {len(opened.files)} files")
    blobs = store or InPlaceStore()
    staged: dict[str, StagedFile] = {}
    try:
        # Each file is hashed and copied into the store in one read; it is kept only once
        # the pack is known to be new.
        for rel in opened.files:
            staged[rel] = blobs.stage(opened.root / rel, link=extracted)
        files = {
            rel: _FileInfo(rel, item.source, item.sha256, item.size) for rel, item in staged.items()
        }
        digest = _content_digest(files)

        existing = con.execute(SELECT_PACK_DIGEST, [manifest.pack_id]).fetchone()
        if existing is not None:
            if existing[0] == digest and checks and not has_check_run(con, manifest.pack_id):
                recheck_pack(con, manifest.pack_id, blobs)  # an earlier load stopped before them
            return _already_stored(con, manifest.pack_id, existing[0], digest, name)

        notify(0.25, "Storing files")
        stored = {rel: blobs.commit(item) for rel, item in staged.items()}
    finally:
        for item in staged.values():
            blobs.discard(item)
    contents = _read_contents(manifest, stored, notify)

    notify(0.7, "Writing to the database")
    received_at = datetime.now(UTC)
    try:
        with transaction(con):
            _insert_pack(con, manifest, files, digest, received_at, name)
            _insert_artifacts(con, manifest, files, contents, received_at)
            _insert_system_logs(con, manifest, stored, contents)
    except (duckdb.TransactionException, duckdb.ConstraintException):
        # Another session of this process stored the same pack_id while this one was reading
        # the files: DuckDB 2.0 then fails the INSERT or the COMMIT on the primary key, and
        # this transaction is rolled back. The pack is then reported like any stored one.
        existing = con.execute(SELECT_PACK_DIGEST, [manifest.pack_id]).fetchone()
        if existing is None:
            raise
        logger.info("pack %s was stored by another session meanwhile", manifest.pack_id)
        return _already_stored(con, manifest.pack_id, existing[0], digest, name)
    if not checks:
        return LoadReport(manifest.pack_id, "accepted", [], source_name=name, checks_run=False)

    notify(0.85, "Running the checks")
    ctx = PackContext(
        con=con,
        pack_id=manifest.pack_id,
        manifest=manifest,
        files=stored,
        ignored=tuple(opened.ignored),
        received_at=received_at,
    )
    return LoadReport(manifest.pack_id, "accepted", check_stored_pack(ctx), source_name=name)


def check_stored_pack(ctx: PackContext) -> list[Finding]:
    """Run the catalogue on a stored pack and store the findings as a new run.

    The checks only read, so they run outside any transaction: a check that fails with a
    database error cannot abort the others or the load. The findings and the run record are
    then written in one transaction. Until that commit the pack has no check run, and the
    review rules refuse a pass on it.
    """
    findings = run_checks(ctx)
    write_with_retry(ctx.con, lambda: store_findings(ctx.con, ctx.pack_id, findings))
    return findings


def stored_pack_context(
    con: duckdb.DuckDBPyConnection, pack_id: str, store: BlobStore
) -> PackContext:
    """Build the check context of a stored pack from its rows and its files in `store`.

    Raises KeyError when the pack is not stored.
    """
    row = con.execute(SELECT_STORED_MANIFEST, [pack_id]).fetchone()
    if row is None:
        raise KeyError(pack_id)
    files = {
        str(path): store.path_for(str(sha))
        for path, sha in con.execute(SELECT_STORED_FILES, [pack_id]).fetchall()
    }
    manifest = Manifest.model_validate_json(row[0])
    return PackContext(con=con, pack_id=pack_id, manifest=manifest, files=files, received_at=row[1])


def recheck_pack(con: duckdb.DuckDBPyConnection, pack_id: str, store: BlobStore) -> list[Finding]:
    """Run the current catalogue again on a stored pack, e.g. after a load was interrupted.

    Raises KeyError when the pack is not stored.
    """
    return check_stored_pack(stored_pack_context(con, pack_id, store))


def _already_stored(
    con: duckdb.DuckDBPyConnection, pack_id: str, stored_digest: str, digest: str, name: str
) -> LoadReport:
    if stored_digest != digest:
        finding = Finding(
            check="pack.duplicate_id",
            severity="critical",
            category="Evidence",
            artifact=MANIFEST_NAME,
            field="pack_id",
            message=(
                f"A different pack with pack_id {pack_id} is already stored. A resubmission "
                f"needs a new pack_id and 'supersedes': \"{pack_id}\"."
            ),
        )
        return LoadReport(pack_id, "rejected", [finding], source_name=name)
    return LoadReport(
        pack_id,
        "accepted",
        load_findings(con, pack_id),
        already_stored=True,
        source_name=name,
        checks_run=has_check_run(con, pack_id),
    )


def _content_digest(files: dict[str, _FileInfo]) -> str:
    """Digest over every (path, SHA-256) pair, manifest included: the bytes a review covers."""
    digest = hashlib.sha256()
    for rel in sorted(files):
        digest.update(f"{rel}\0{files[rel].sha256}\n".encode())
    return digest.hexdigest()


def _read_contents(
    manifest: Manifest, stored: dict[str, Path], notify: Progress
) -> dict[str, ArtifactContent]:
    contents: dict[str, ArtifactContent] = {}
    total = max(len(manifest.artifacts), 1)
    for index, entry in enumerate(manifest.artifacts):
        if entry.path in stored and entry.path not in contents:
            notify(0.25 + 0.45 * index / total, f"Reading {entry.path}")
            contents[entry.path] = read_artifact(entry.kind, entry.path, stored[entry.path])
    return contents


def _time_or_none(raw: str | None) -> datetime | None:
    parsed = try_parse_timestamp(raw)
    return parsed.utc if parsed else None


def _insert_pack(
    con: duckdb.DuckDBPyConnection,
    manifest: Manifest,
    files: dict[str, _FileInfo],
    digest: str,
    received_at: datetime,
    name: str,
) -> None:
    window = manifest.engagement.access_window
    con.execute(
        INSERT_PACK,
        [
            manifest.pack_id,
            manifest.spec_version,
            manifest.supersedes,
            manifest.partner.partner_id,
            manifest.partner.name,
            manifest.track,
            manifest.tenant.org_url,
            manifest.tenant.environment,
            manifest.engagement.kind,
            manifest.engagement.scope,
            _time_or_none(window.start),
            _time_or_none(window.end),
            _time_or_none(manifest.submitted_at),
            manifest.submitted_at,
            received_at,
            name,
            files[MANIFEST_NAME].sha256,
            digest,
            manifest.model_dump_json(),
        ],
    )
    for operator in manifest.operators:
        con.execute(
            INSERT_OPERATOR,
            [manifest.pack_id, operator.operator_id, operator.name, operator.email],
        )
    for position, approval in enumerate(manifest.approvals):
        con.execute(
            INSERT_APPROVAL,
            [
                manifest.pack_id,
                approval.approval_id,
                approval.approved_by,
                _time_or_none(approval.approved_at),
                approval.approved_at,
                list(approval.covers),
                approval.artifact,
                position,
            ],
        )


def _insert_artifacts(
    con: duckdb.DuckDBPyConnection,
    manifest: Manifest,
    files: dict[str, _FileInfo],
    contents: dict[str, ArtifactContent],
    received_at: datetime,
) -> None:
    pack_id = manifest.pack_id
    listed: set[str] = set()
    for position, entry in enumerate(manifest.artifacts):
        if entry.path in listed:
            continue  # a duplicate entry is a finding of its own; the first one is stored
        listed.add(entry.path)
        info = files.get(entry.path)
        read = contents.get(entry.path, ArtifactContent())
        con.execute(
            INSERT_ARTIFACT,
            [
                pack_id,
                entry.path,
                entry.kind,
                True,
                info is not None,
                entry.sha256.lower(),
                info.sha256 if info else None,
                info.size if info else None,
                _time_or_none(entry.captured_at),
                entry.captured_at,
                _time_or_none(read.internal_time),
                read.internal_time_field,
                received_at,
                entry.description,
                list(entry.references),
                read.media,
                read.parse_error,
                _json_or_none(read.content_json),
                position,
            ],
        )
        _insert_content_rows(con, pack_id, entry.path, read)
    for rel, info in sorted(files.items()):
        if rel not in listed:
            con.execute(
                INSERT_ARTIFACT,
                [pack_id, rel, None, False, True, None, info.sha256, info.size, None, None,
                 None, None, received_at, None, [], None, None, None, None],
            )  # fmt: skip


def _insert_content_rows(
    con: duckdb.DuckDBPyConnection, pack_id: str, path: str, read: ArtifactContent
) -> None:
    for row in read.api_responses:
        con.execute(
            INSERT_API_RESPONSE,
            [
                pack_id,
                path,
                row["method"],
                row["url"],
                _time_or_none(row["sent_at_raw"]),
                row["sent_at_raw"],
                row["status"],
                _json_or_none(row["body"]),
            ],
        )
    for row in read.scim_exchanges:
        con.execute(
            INSERT_SCIM,
            [
                pack_id,
                path,
                row["seq"],
                _time_or_none(row["sent_at_raw"]),
                row["sent_at_raw"],
                row["method"],
                row["path"],
                _json_or_none(row["request_body"]),
                row["status"],
                _json_or_none(row["response_body"]),
            ],
        )
    if read.document is not None:
        doc = read.document
        con.execute(
            INSERT_DOCUMENT,
            [
                pack_id,
                path,
                doc["media"],
                doc["readable"],
                doc["error"],
                doc["page_count"],
                doc["title"],
                doc["author"],
                doc["created_at"],
                doc["text"],
            ],
        )
    for field_name, message in read.problems:
        con.execute(INSERT_PROBLEM, [pack_id, path, field_name, message])


def _insert_system_logs(
    con: duckdb.DuckDBPyConnection,
    manifest: Manifest,
    stored: dict[str, Path],
    contents: dict[str, ArtifactContent],
) -> None:
    seen: set[str] = set()
    for entry in manifest.artifacts:
        if entry.kind != "okta-system-log" or entry.path not in stored or entry.path in seen:
            continue
        seen.add(entry.path)
        try:
            result = load_system_log(con, manifest.pack_id, entry.path, stored[entry.path])
        except duckdb.Error as exc:
            message = f"could not be read as Okta System Log events: {_first_line(exc)}"
            con.execute(INSERT_PROBLEM, [manifest.pack_id, entry.path, None, message])
            continue
        for field_name, message in result.problems:
            con.execute(INSERT_PROBLEM, [manifest.pack_id, entry.path, field_name, message])
        if result.events == 0 and not result.problems:
            con.execute(
                INSERT_PROBLEM,
                [manifest.pack_id, entry.path, None, "contains no System Log events"],
            )


def has_check_run(con: duckdb.DuckDBPyConnection, pack_id: str) -> bool:
    """Return True when the checks have run on a pack at least once."""
    row = con.execute(SELECT_CHECK_RUN, [pack_id]).fetchone()
    return bool(row and row[0])


def store_findings(con: duckdb.DuckDBPyConnection, pack_id: str, findings: list[Finding]) -> int:
    """Store one run of findings for a pack and return its run id (earlier runs are kept)."""
    row = con.execute(NEXT_RUN_ID).fetchone()
    run_id = int(row[0]) if row else 0
    now = datetime.now(UTC)
    con.execute(INSERT_CHECK_RUN, [pack_id, run_id, now, len(findings)])
    for f in findings:
        con.execute(
            INSERT_FINDING,
            [
                pack_id,
                run_id,
                f.check,
                f.severity,
                f.category,
                f.artifact,
                f.field,
                f.message,
                f.expected,
                f.found,
                f.critical_failure,
                now,
            ],
        )
    return run_id


def load_findings(con: duckdb.DuckDBPyConnection, pack_id: str) -> list[Finding]:
    """Return the latest run of findings stored for a pack."""
    rows = con.execute(SELECT_FINDINGS, [pack_id, pack_id]).fetchall()
    return sort_findings(
        [
            Finding(
                check=r[0],
                severity=r[1],
                category=r[2],
                artifact=r[3],
                field=r[4],
                message=r[5],
                expected=r[6],
                found=r[7],
                critical_failure=r[8],
            )
            for r in rows
        ]
    )


def _json_or_none(value: Any) -> str | None:
    return None if value is None else json.dumps(value)


def _first_line(exc: Exception) -> str:
    return str(exc).splitlines()[0] if str(exc) else type(exc).__name__
