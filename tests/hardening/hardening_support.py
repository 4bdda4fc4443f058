"""Helpers shared by the hardening tests: sample pack bytes, zip builders, the CLI, table counts."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import struct
import subprocess
import sys
import zipfile
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest
import streamlit as st

from ingest.filestore import BlobStore
from ingest.loader import LoadReport, import_pack
from store.db import open_database
from store.settings import ArchiveLimits
from tests.conftest import REPO_ROOT, SAMPLE_PACKS

CLEAN_PACK = SAMPLE_PACKS / "clean-implementation-specialist"
CLEAN_ZIP = SAMPLE_PACKS / "clean-implementation-specialist.zip"
CLEAN_PACK_ID = json.loads((CLEAN_PACK / "manifest.json").read_text())["pack_id"]
CENTRAL_HEADER = b"PK\x01\x02"
LOCAL_HEADER = b"PK\x03\x04"


def clean_members() -> dict[str, bytes]:
    """Return every file of the clean sample pack (without expected.json), by relative path."""
    members: dict[str, bytes] = {}
    for path in sorted(CLEAN_PACK.rglob("*")):
        relative = path.relative_to(CLEAN_PACK).as_posix()
        if path.is_file() and relative != "expected.json":
            members[relative] = path.read_bytes()
    return members


def write_zip(
    path: Path,
    members: dict[str, bytes] | list[tuple[str | zipfile.ZipInfo, bytes]],
    compression: int = zipfile.ZIP_DEFLATED,
) -> Path:
    """Write a zip of (name or ZipInfo, bytes) members in the order given."""
    items = members.items() if isinstance(members, dict) else members
    with zipfile.ZipFile(path, "w", compression=compression) as archive:
        for name, data in items:
            archive.writestr(name, data)
    return path


def write_pack_zip(path: Path, extra: list[tuple[str | zipfile.ZipInfo, bytes]]) -> Path:
    """Write the clean sample pack plus `extra` members, so `extra` is the only fault."""
    return write_zip(path, [*clean_members().items(), *extra])


def copy_pack_folder(target: Path, pack_id: str | None = None) -> Path:
    """Copy the clean sample pack folder to `target`, optionally with a new pack_id."""
    shutil.copytree(CLEAN_PACK, target)
    (target / "expected.json").unlink(missing_ok=True)
    if pack_id is not None:
        manifest_path = target / "manifest.json"
        manifest = json.loads(manifest_path.read_text())
        manifest["pack_id"] = pack_id
        manifest_path.write_text(json.dumps(manifest, indent=2))
    return target


def patch_sizes(path: Path, name: str, uncompressed: int) -> None:
    """Overwrite the uncompressed size of member `name` in its local and central headers.

    The data is left as is, so the headers lie about how much the member expands to.
    Offsets: the local header keeps the uncompressed size at 22 and the name length at 26,
    the central header keeps them at 24 and 28.
    """
    data = bytearray(path.read_bytes())
    encoded = name.encode("utf-8")
    patched = 0
    for signature, size_offset, length_offset, name_offset in (
        (LOCAL_HEADER, 22, 26, 30),
        (CENTRAL_HEADER, 24, 28, 46),
    ):
        start = data.find(signature)
        while start >= 0:
            (length,) = struct.unpack_from("<H", data, start + length_offset)
            if bytes(data[start + name_offset : start + name_offset + length]) == encoded:
                struct.pack_into("<L", data, start + size_offset, uncompressed)
                patched += 1
                break
            start = data.find(signature, start + 4)
    assert patched == 2, f"headers of {name} not found"
    path.write_bytes(bytes(data))


def cli_environment(**overrides: str) -> dict[str, str]:
    """Return os.environ for a CLI subprocess, with the repository importable."""
    env = dict(os.environ)
    env["PYTHONPATH"] = str(REPO_ROOT)
    env.update(overrides)
    return env


def run_cli(
    *args: str, env: dict[str, str] | None = None, timeout: float = 120
) -> subprocess.CompletedProcess[str]:
    """Run `python -m cli.main ARGS` from the repository root and capture its output."""
    return subprocess.run(
        [sys.executable, "-m", "cli.main", *args],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=timeout,
        env=env or cli_environment(),
    )


def row_counts(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    """Return the number of rows in every base table of the main schema."""
    tables = [
        row[0]
        for row in con.execute(
            "SELECT table_name FROM information_schema.tables "
            "WHERE table_schema = 'main' AND table_type = 'BASE TABLE'"
        ).fetchall()
    ]
    # Table names come from the catalogue, not from input.
    return {table: con.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0] for table in tables}


def files_below(folder: Path) -> list[str]:
    """List every file below `folder` (none when it does not exist)."""
    if not folder.exists():
        return []
    return sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file())


@pytest.fixture
def fresh_resources() -> Iterator[None]:
    """Drop Streamlit's cached settings and connection, before and after the test.

    st.cache_resource is process-wide, so without this an AppTest would reuse the
    database that an earlier test opened.
    """
    st.cache_resource.clear()
    yield
    st.cache_resource.clear()


def pack_with_artifacts(
    target: Path, artifacts: dict[str, tuple[str, bytes]], pack_id: str | None = None
) -> Path:
    """Copy the clean pack to `target` and add each {path: (kind, bytes)} as a listed artifact."""
    folder = copy_pack_folder(target, pack_id)
    manifest_path = folder / "manifest.json"
    manifest = json.loads(manifest_path.read_text())
    for relative, (kind, data) in artifacts.items():
        path = folder / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        manifest["artifacts"].append(
            {
                "path": relative,
                "kind": kind,
                "sha256": hashlib.sha256(data).hexdigest(),
                "captured_at": "2026-11-03T15:00:00Z",
                "description": f"Hardening test artifact {relative}",
            }
        )
    manifest_path.write_text(json.dumps(manifest, indent=2))
    return folder


def import_into_new_database(
    folder: Path, database: Path, store_dir: Path | None = None
) -> tuple[LoadReport, duckdb.DuckDBPyConnection]:
    """Import a pack into a new DuckDB file and return the report and the open connection."""
    con = open_database(database)
    store = BlobStore(store_dir or database.parent / "store")
    return import_pack(con, folder, store, ArchiveLimits()), con


def findings_for(report: LoadReport, path: str) -> list[str]:
    """Return the messages of the report's findings about the artifact at `path`."""
    return [finding.message for finding in report.findings if finding.artifact == path]
