"""Upload a pack: check it, store it, and show what the checks found."""

import hashlib
import tempfile
from pathlib import Path

import streamlit as st

from ingest.filestore import BlobStore
from ingest.loader import import_pack
from ui.findings import render_findings_table
from ui.review_sections import failure_list
from ui.state import get_cursor, get_settings, reviewer_picker, upload_limit_mb
from ui.text import escape_markdown

st.set_page_config(page_title="Load a pack · Butterfly Review", layout="wide")
reviewer_picker()
cursor = get_cursor()
settings = get_settings()
limit_mb = settings.limits.max_total_bytes // (1024 * 1024)
upload_mb = upload_limit_mb()

st.title("Load an evidence pack")
st.caption(
    f"A .zip of a pack with manifest.json at its root (or in one top-level folder). "
    f"Limits: {upload_mb} MB per upload, {limit_mb} MB uncompressed, "
    f"{settings.limits.max_members} files."
)
upload = st.file_uploader(
    "Evidence pack (.zip)",
    type=["zip"],
    key="upload_file",
    max_upload_size=upload_mb,
    help=f"Files larger than {upload_mb} MB are rejected by the uploader.",
)

if upload is not None:
    data = upload.getvalue()
    digest = hashlib.sha256(data).hexdigest()
    results = st.session_state.setdefault("upload_results", {})
    if digest not in results:
        with st.status(f"Loading {escape_markdown(upload.name)}", expanded=True) as status:
            bar = st.progress(0.0)
            with tempfile.TemporaryDirectory(prefix="butterfly-upload-") as work:
                # Findings name the archive by its file name, so keep the uploaded one.
                path = Path(work) / (Path(upload.name).name or "pack.zip")
                path.write_bytes(data)
                report = import_pack(
                    cursor,
                    path,
                    BlobStore(settings.store_dir),
                    settings.limits,
                    progress=lambda fraction, message: bar.progress(fraction, text=message),
                    source_name=upload.name,
                )
            label = (
                "Rejected"
                if report.status == "rejected"
                else f"Loaded {escape_markdown(report.pack_id)}"
            )
            status.update(label=label, state="error" if report.status == "rejected" else "complete")
        results[digest] = report
    report = results[digest]

    if report.status == "rejected":
        st.error(
            f"{escape_markdown(upload.name)} was rejected and nothing was stored. Fix the "
            "problems below and upload it again."
        )
    elif report.already_stored:
        st.info(
            f"Pack {escape_markdown(report.pack_id)} is already stored with the same content; "
            "nothing changed."
        )
    else:
        st.success(
            f"Pack {escape_markdown(report.pack_id)} is stored with "
            f"{len(report.findings)} findings."
        )
    if report.suggested_failures:
        failures = failure_list(report.suggested_failures)
        st.warning(f"The checks suggest {failures}; a reviewer must confirm or dismiss each.")
    render_findings_table([f.model_dump() for f in report.findings], key="upload_findings")
    if report.status == "accepted" and st.button("Review this pack", key="upload_review"):
        st.session_state["review_pack"] = report.pack_id
        st.switch_page("pages/2_Review.py")
