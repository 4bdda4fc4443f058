"""Property-based tests: random and mutated input either loads or is reported, in bounded time.

The examples run without PDFs (no reader subprocess), so each takes well under a second.
The deadlines leave room for a slow two-core machine but not for a hang.
"""

from __future__ import annotations

import json
import shutil
import time
import warnings
import zipfile
from pathlib import Path

import duckdb
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ingest.content import read_http_capture, read_json_bytes, read_ndjson_bytes, read_saml
from ingest.filestore import BlobStore
from ingest.loader import check_pack, import_pack
from ingest.manifest import Manifest, ManifestInvalid, parse_manifest
from ingest.systemlog import load_system_log
from store.db import open_database
from store.settings import ArchiveLimits
from tests.hardening.hardening_support import CLEAN_PACK

SECONDS_PER_EXAMPLE = 10
PROPERTY_SETTINGS = settings(
    max_examples=60,
    deadline=SECONDS_PER_EXAMPLE * 1000,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
# The JSON artifacts and the System Log of the clean pack: every reader except PDF and image.
KEPT_PATHS = {
    "butterfly/backup.json",
    "butterfly/compare.json",
    "butterfly/restore-preview.json",
    "okta/users.json",
    "okta/system-log.ndjson",
    "sso/saml-response.xml",
    "sso/openid-configuration.json",
    "scim/lifecycle.json",
    "docs/readiness-notes.md",
}
CLEAN_MANIFEST = json.loads((CLEAN_PACK / "manifest.json").read_text())
SMALL_MANIFEST = {
    **CLEAN_MANIFEST,
    "approvals": [],
    "artifacts": [a for a in CLEAN_MANIFEST["artifacts"] if a["path"] in KEPT_PATHS],
}
LOG_LINES = (CLEAN_PACK / "okta" / "system-log.ndjson").read_bytes().splitlines(keepends=True)

json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=40),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=4)
    ),
    max_leaves=12,
)


@st.composite
def mutated_bytes(draw: st.DrawFn, original: bytes) -> bytes:
    """Delete, insert or overwrite a few byte ranges of `original`."""
    data = bytearray(original)
    for _ in range(draw(st.integers(1, 4))):
        position = draw(st.integers(0, len(data)))
        action = draw(st.sampled_from(["delete", "insert", "overwrite"]))
        chunk = draw(st.binary(min_size=1, max_size=8))
        if action == "delete":
            del data[position : position + len(chunk)]
        elif action == "insert":
            data[position:position] = chunk
        else:
            data[position : position + len(chunk)] = chunk
    return bytes(data)


@st.composite
def mutated_manifest(draw: st.DrawFn) -> bytes:
    """Return the small manifest with one field replaced, removed or added, or bytes mutated."""
    manifest = json.loads(json.dumps(SMALL_MANIFEST))
    how = draw(st.sampled_from(["replace", "remove", "add", "nested", "bytes"]))
    keys = sorted(manifest)
    if how == "replace":
        manifest[draw(st.sampled_from(keys))] = draw(json_values)
    elif how == "remove":
        del manifest[draw(st.sampled_from(keys))]
    elif how == "add":
        manifest[draw(st.text(min_size=1, max_size=12))] = draw(json_values)
    elif how == "nested":
        artifact = draw(st.sampled_from(manifest["artifacts"]))
        artifact[draw(st.sampled_from(sorted(artifact)))] = draw(json_values)
    text = json.dumps(manifest, indent=draw(st.sampled_from([None, 2])))
    if draw(st.booleans()):
        text = text.replace("\n", "\r\n")
    raw = text.encode("utf-8")
    if draw(st.booleans()):
        raw = b"\xef\xbb\xbf" + raw
    if how == "bytes":
        raw = draw(mutated_bytes(raw))
    return raw


@pytest.fixture(scope="module")
def small_pack(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Return a folder with the clean pack's JSON, XML, Markdown and System Log files."""
    folder = tmp_path_factory.mktemp("small") / "pack"
    for relative in KEPT_PATHS:
        target = folder / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(CLEAN_PACK / relative, target)
    (folder / "manifest.json").write_text(json.dumps(SMALL_MANIFEST, indent=2))
    return folder


def test_small_pack_accepted(small_pack: Path):
    assert check_pack(small_pack, ArchiveLimits()).status == "accepted"


@PROPERTY_SETTINGS
@given(raw=st.one_of(st.binary(max_size=300), mutated_manifest()))
def test_manifest_parser_loads_or_reports(raw: bytes):
    started = time.monotonic()
    try:
        manifest = parse_manifest(raw)
    except ManifestInvalid as exc:
        assert exc.findings
        assert all(finding.message for finding in exc.findings)
    else:
        assert isinstance(manifest, Manifest)
    assert time.monotonic() - started < SECONDS_PER_EXAMPLE


@PROPERTY_SETTINGS
@given(raw=mutated_manifest())
def test_import_loads_or_reports(raw: bytes, small_pack: Path, tmp_path_factory):
    folder = tmp_path_factory.mktemp("mutated") / "pack"
    shutil.copytree(small_pack, folder)
    (folder / "manifest.json").write_bytes(raw)
    con = open_database(":memory:")
    started = time.monotonic()
    try:
        report = import_pack(con, folder, BlobStore(folder.parent / "store"), ArchiveLimits())
        packs = con.execute("SELECT count(*) FROM packs").fetchone()[0]
        artifacts = con.execute("SELECT count(*) FROM artifacts").fetchone()[0]
    finally:
        con.close()
    elapsed = time.monotonic() - started

    assert report.status in ("accepted", "rejected")
    if report.status == "rejected":
        assert report.findings
        assert (packs, artifacts) == (0, 0)
    else:
        assert packs == 1
    assert elapsed < SECONDS_PER_EXAMPLE


@PROPERTY_SETTINGS
@given(
    raw=st.one_of(
        st.binary(max_size=400),
        mutated_bytes((CLEAN_PACK / "butterfly" / "backup.json").read_bytes()),
        mutated_bytes((CLEAN_PACK / "sso" / "saml-response.xml").read_bytes()),
        mutated_bytes(b"".join(LOG_LINES[:5])),
    )
)
def test_content_readers_load_or_report(raw: bytes):
    started = time.monotonic()
    for reader in (read_json_bytes, read_ndjson_bytes, read_saml, read_http_capture):
        result = reader(raw)
        assert result.error is None or result.error.strip()
    assert time.monotonic() - started < SECONDS_PER_EXAMPLE


@PROPERTY_SETTINGS
@given(
    lines=st.lists(
        st.one_of(
            st.sampled_from(LOG_LINES),
            mutated_bytes(LOG_LINES[0]),
            st.binary(max_size=80).map(lambda b: b + b"\n"),
            json_values.map(lambda v: json.dumps(v).encode() + b"\n"),
        ),
        max_size=12,
    )
)
def test_system_log_loads_or_reports(lines: list[bytes], tmp_path_factory):
    path = tmp_path_factory.mktemp("log") / "system-log.ndjson"
    path.write_bytes(b"".join(lines))
    con = open_database(":memory:")
    started = time.monotonic()
    try:
        try:
            result = load_system_log(con, "EP-PROP-0001", "okta/system-log.ndjson", path)
        except duckdb.Error as exc:
            # The loader turns a DuckDB error into an artifact problem; a Python error
            # would escape import_pack, so only DuckDB errors are allowed here.
            result = None
            assert str(exc)
        events = con.execute("SELECT count(*) FROM log_events").fetchone()[0]
    finally:
        con.close()

    if result is not None:
        # An empty array loads no events and no problem here, and import_pack then records
        # "contains no System Log events" for it.
        assert result.events == events
    assert time.monotonic() - started < SECONDS_PER_EXAMPLE


# Path segments joined with "/": traversal, drive letters, backslashes, case and Unicode
# variants, debris folders, NUL and spaces.
SEGMENTS = [
    "a",
    "A",
    "b.json",
    ".",
    "..",
    "",
    "C:",
    "a\\..",
    "\u00e9",
    "e\u0301",
    "__MACOSX",
    "x\x00",
    " x",
]
member_names = st.lists(
    # zipfile cannot write a member with an empty name.
    st.lists(st.sampled_from(SEGMENTS), min_size=1, max_size=4).map("/".join).filter(bool),
    max_size=6,
)


@PROPERTY_SETTINGS
@given(names=member_names, top_folder=st.booleans())
def test_zip_names_load_or_report(names: list[str], top_folder: bool, tmp_path_factory):
    base = tmp_path_factory.mktemp("zip")
    path = base / "pack.zip"
    prefix = "Pack/" if top_folder else ""
    with warnings.catch_warnings(), zipfile.ZipFile(path, "w") as archive:
        warnings.simplefilter("ignore", UserWarning)  # zipfile's "Duplicate name"
        archive.writestr(f"{prefix}manifest.json", json.dumps(SMALL_MANIFEST))
        for relative in sorted(KEPT_PATHS):
            archive.write(CLEAN_PACK / relative, f"{prefix}{relative}")
        for name in names:
            archive.writestr(zipfile.ZipInfo(name), b"extra")
    con = open_database(":memory:")
    started = time.monotonic()
    try:
        report = import_pack(con, path, BlobStore(base / "store"), ArchiveLimits())
    finally:
        con.close()

    assert report.status in ("accepted", "rejected")
    assert report.status == "accepted" or report.findings
    assert sorted(p.name for p in base.iterdir()) in (["pack.zip"], ["pack.zip", "store"])
    assert time.monotonic() - started < SECONDS_PER_EXAMPLE
