"""Encrypted, damaged, truncated and decompression-bomb PDFs: bounded, and reported as findings."""

from __future__ import annotations

import io
import time
import zlib
from pathlib import Path

from pypdf import PdfReader, PdfWriter
from streamlit.testing.v1 import AppTest

from tests.conftest import REAL_SAMPLES
from tests.hardening.hardening_support import (
    findings_for,
    import_into_new_database,
    pack_with_artifacts,
)

PDF_SAMPLES = REAL_SAMPLES / "pdf"
CRAZYONES = PDF_SAMPLES / "pypdf_crazyones.pdf"
# Four hostile PDFs with the default limits (20 s and 1 GiB per document) take about
# 5 seconds on two cores. The bound leaves room for a slow machine but not for a hang.
IMPORT_SECONDS = 60


def encrypted_pdf() -> bytes:
    writer = PdfWriter(clone_from=PdfReader(CRAZYONES))
    writer.encrypt(user_password="secret", owner_password="owner")
    output = io.BytesIO()
    writer.write(output)
    return output.getvalue()


def bomb_pdf(zero_mib: int = 100) -> bytes:
    """Build a one-page PDF whose content stream inflates to `zero_mib` MiB of zeros."""
    compressor = zlib.compressobj(9)
    chunk = bytes(1024 * 1024)
    stream = b"".join(compressor.compress(chunk) for _ in range(zero_mib)) + compressor.flush()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R >>",
        b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(stream) + stream + b"\nendstream",
    ]
    output = io.BytesIO()
    output.write(b"%PDF-1.7\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(output.tell())
        output.write(b"%d 0 obj\n" % number + body + b"\nendobj\n")
    xref = output.tell()
    output.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for offset in offsets:
        output.write(b"%010d 00000 n \n" % offset)
    output.write(b"trailer\n<< /Size %d /Root 1 0 R >>\n" % (len(objects) + 1))
    output.write(b"startxref\n%d\n%%%%EOF\n" % xref)
    return output.getvalue()


HOSTILE_PDFS = {
    "docs/encrypted.pdf": (encrypted_pdf, "encrypted"),
    "docs/garbage.pdf": (lambda: b"%PDF-1.7\n" + bytes(range(256)) * 40, "damaged"),
    "docs/truncated.pdf": (
        lambda: CRAZYONES.read_bytes()[: len(CRAZYONES.read_bytes()) // 2],
        "damaged",
    ),
    "docs/bomb.pdf": (bomb_pdf, "safety limit"),
}


def test_hostile_pdfs_reported_in_bounded_time(tmp_path: Path):
    artifacts = {path: ("other", build()) for path, (build, _) in HOSTILE_PDFS.items()}
    folder = pack_with_artifacts(tmp_path / "pack", artifacts)
    assert len(artifacts["docs/bomb.pdf"][1]) < 200_000

    started = time.monotonic()
    report, con = import_into_new_database(folder, tmp_path / "review.duckdb")
    elapsed = time.monotonic() - started
    try:
        documents = dict(
            con.execute("SELECT artifact_path, error FROM documents WHERE NOT readable").fetchall()
        )
    finally:
        con.close()

    assert report.status == "accepted"
    assert elapsed < IMPORT_SECONDS
    for path, (_, reason) in HOSTILE_PDFS.items():
        assert reason in (documents.get(path) or ""), path
        messages = " ".join(findings_for(report, path))
        assert "could not be read" in messages, path
        assert reason in messages, path


def test_pdf_reader_runs_under_streamlit(tmp_path: Path):
    # Streamlit 1.67 runs each page as a module named "__main__" whose __file__ is the page
    # (script_runner.py installs it in sys.modules). A multiprocessing "spawn" child re-runs
    # that file, so a PDF read from a page used to run the page again in the child and fail.
    marker = tmp_path / "runs.txt"
    page = tmp_path / "page.py"
    page.write_text(
        "import sys\n"
        "from pathlib import Path\n"
        "import streamlit as st\n"
        "from ingest.content import read_document\n"
        f"with open({str(marker)!r}, 'a') as runs:\n"
        "    runs.write('run\\n')\n"
        "main = sys.modules['__main__']\n"
        "st.text(f'{main.__name__} {main.__file__}')\n"
        f"result = read_document(Path({str(CRAZYONES)!r}), 'pdf')\n"
        "st.text(f'{result.readable} {result.error}')\n"
    )
    app = AppTest.from_file(str(page), default_timeout=60)
    app.run()

    assert not app.exception
    assert app.text[0].value == f"__main__ {page}"
    assert app.text[1].value == "True None"
    assert marker.read_text() == "run\n"
