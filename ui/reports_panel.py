"""Report downloads for the Review page: decision status, audience choice, PDF/JSON/CSV.

Each download appends an export_events row (who, when, which pack, which report digest).
"""

from __future__ import annotations

import logging
from pathlib import Path

import duckdb
import streamlit as st

from reports.build import report_inputs_version
from reports.cohort import render_cohort_report
from reports.errors import PackNotFound
from reports.export import FORMATS, MEDIA_TYPES, ReportBundle, record_export, render_decision_bundle
from reports.models import Audience, DecisionStatus
from reports.staleness import decision_status
from store.settings import load_settings
from ui.text import escape_markdown

logger = logging.getLogger(__name__)

BUNDLES_KEY = "reports_bundles"
AUDIENCE_LABELS: dict[str, str] = {
    "internal": "Internal (Butterfly records)",
    "partner": "Partner-facing",
}
AUDIENCE_HELP = (
    "The internal report names the reviewers and includes internal notes, dismissal reasons "
    "and the review history. The partner-facing report leaves those out but keeps category "
    "comments. Lines starting with 'internal:' in a comment, reason or rationale are left "
    "out of the partner-facing report."
)
STATE_TITLES = {
    "current": "Decision current",
    "stale": "Decision STALE",
    "superseded": "Decision SUPERSEDED",
    "not decided": "Not decided",
}


@st.cache_data(ttl=120, show_spinner="Verifying the stored files of the pack")
def _cached_status(
    _cursor: duckdb.DuckDBPyConnection, pack_id: str, store: Path, inputs: object
) -> DecisionStatus:
    return decision_status(_cursor, pack_id, store)


def current_decision_status(
    cursor: duckdb.DuckDBPyConnection, pack_id: str, store: Path
) -> DecisionStatus:
    """Return the decision status, re-hashing the stored files at most every two minutes.

    The status re-reads every file of the pack, so reruns of the page reuse it until a new
    review row is written or the two minutes pass. Raises PackNotFound for an unknown pack.
    """
    return _cached_status(cursor, pack_id, store, report_inputs_version(cursor, pack_id))


def render_decision_status(status: DecisionStatus) -> None:
    """Show the decision status: green when current, amber when not decided, red otherwise."""
    message = f"**{STATE_TITLES[status.state]}.** {escape_markdown(status.reason)}"
    if status.state == "current":
        st.success(message)
    elif status.state == "not decided":
        st.warning(message)
    else:
        st.error(message)
    for warning in status.warnings:
        st.warning(escape_markdown(warning))


def render_report_downloads(
    cursor: duckdb.DuckDBPyConnection,
    pack_id: str,
    reviewer: str,
    store_dir: Path | None = None,
) -> None:
    """Draw the decision status, the audience choice and the PDF, JSON and CSV downloads.

    `store_dir` defaults to the configured file store (BUTTERFLY_STORE).
    """
    store = store_dir or load_settings().store_dir
    try:
        status = current_decision_status(cursor, pack_id, store)
    except PackNotFound as exc:
        st.error(escape_markdown(exc))
        return
    render_decision_status(status)

    audience: Audience = st.radio(
        "Report for",
        options=("internal", "partner"),
        format_func=AUDIENCE_LABELS.__getitem__,
        horizontal=True,
        key=f"reports_audience_{pack_id}",
        help=AUDIENCE_HELP,
    )
    bundle = _bundle(cursor, pack_id, store, audience, status)
    digest = bundle.report.report_digest
    st.caption(f"Report JSON SHA-256: `{digest}`")

    if not reviewer.strip():
        st.info("Pick your name from the reviewer roster to download reports.")
    columns = st.columns(len(FORMATS))
    for column, fmt in zip(columns, FORMATS, strict=True):
        column.download_button(
            f"Download {fmt.upper()}",
            data=bundle.content(fmt),
            file_name=bundle.file_name(fmt),
            mime=MEDIA_TYPES[fmt],
            key=f"reports_download_{fmt}_{pack_id}",
            on_click=_record_download,
            args=(cursor, pack_id, fmt, audience, digest, reviewer),
            disabled=not reviewer.strip(),
            width="stretch",
        )


def _bundle(
    cursor: duckdb.DuckDBPyConnection,
    pack_id: str,
    store: Path,
    audience: Audience,
    status: DecisionStatus,
) -> ReportBundle:
    """Return the session's rendered report, rebuilding it when its inputs changed.

    Keeping it across reruns makes the bytes a download serves the same ones whose digest
    the download's callback records.
    """
    version = (
        report_inputs_version(cursor, pack_id),
        status.state,
        status.reason,
        tuple(status.warnings),
    )
    cache: dict[tuple[str, str], tuple[object, ReportBundle]] = st.session_state.setdefault(
        BUNDLES_KEY, {}
    )
    cached = cache.get((pack_id, audience))
    if cached is not None and cached[0] == version:
        return cached[1]
    bundle = render_decision_bundle(cursor, pack_id, store, audience, status=status)
    cache[(pack_id, audience)] = (version, bundle)
    return bundle


def _record_download(
    cursor: duckdb.DuckDBPyConnection,
    pack_id: str,
    fmt: str,
    audience: str,
    digest: str,
    reviewer: str,
) -> None:
    try:
        record_export(cursor, pack_id, f"decision-{fmt}", audience, digest, reviewer)
    except duckdb.Error:
        logger.exception("could not record the %s export of %s", fmt, pack_id)
        st.error(
            f"The {fmt.upper()} download of {escape_markdown(pack_id)} could not be recorded "
            "in the history; download it again, and tell an administrator if this repeats."
        )
        return
    st.toast(f"Recorded the {fmt.upper()} export of {escape_markdown(pack_id)} ({audience}).")


def render_cohort_downloads(
    cursor: duckdb.DuckDBPyConnection, reviewer: str, store_dir: Path | None = None
) -> None:
    """Draw PDF and CSV downloads of the cohort report; each download is recorded.

    With `store_dir`, every decided pack's files are re-hashed so stale decisions show.
    """
    files = render_cohort_report(cursor, store_dir)
    st.caption(f"Cohort report SHA-256: `{files.digest}`")
    if not reviewer.strip():
        st.info("Pick your name from the reviewer roster to download reports.")
    columns = st.columns(2)
    for column, fmt, content in zip(columns, ("pdf", "csv"), (files.pdf, files.csv), strict=True):
        column.download_button(
            f"Download cohort {fmt.upper()}",
            data=content,
            file_name=f"cohort-report.{fmt}",
            mime=MEDIA_TYPES[fmt],
            key=f"reports_cohort_download_{fmt}",
            on_click=_record_cohort_download,
            args=(cursor, fmt, files.digest, reviewer),
            disabled=not reviewer.strip(),
            width="stretch",
        )


def _record_cohort_download(
    cursor: duckdb.DuckDBPyConnection, fmt: str, digest: str, reviewer: str
) -> None:
    try:
        record_export(cursor, None, f"cohort-{fmt}", "internal", digest, reviewer)
    except duckdb.Error:
        logger.exception("could not record the cohort %s export", fmt)
        st.error(
            f"The cohort {fmt.upper()} download could not be recorded in the history; "
            "download it again, and tell an administrator if this repeats."
        )
        return
    st.toast(f"Recorded the cohort {fmt.upper()} export.")
