"""The sections of the review page. Widget and session keys start with "review_"."""

from __future__ import annotations

import duckdb
import pandas as pd
import streamlit as st

from ingest.filestore import BlobStore
from ingest.loader import has_check_run, recheck_pack
from ingest.times import format_utc
from scoring.rubric import CATEGORY_HELP, CRITICAL_FAILURES, DECISIONS, WEIGHTS
from store.packs import PackHeader, get_artifact_view, list_artifacts, list_findings, log_preview
from store.review import (
    ReviewError,
    check_decision,
    load_history,
    load_review_state,
    record_critical_failure_call,
    record_decision,
    record_score,
)
from store.timeline import build_timeline
from ui.charts import timeline_figure
from ui.reports_panel import current_decision_status, render_report_downloads
from ui.state import get_settings
from ui.text import escape_markdown

SEVERITIES = ["critical", "major", "minor", "info"]


FORM_KEY_PREFIXES = (
    "review_score_",
    "review_comment_",
    "review_cf_",
    "review_decision::",
    "review_rationale::",
)


def widget_key(name: str, pack_id: str) -> str:
    """Return the key of a review widget for one pack, e.g. 'review_score_Safety::EP-1'.

    The pack is part of the key because the browser keeps a widget's last position while
    its key stays the same. With one key for every pack, switching packs showed the
    previous pack's sliders, and saving them stored those values on the new pack.
    """
    return f"review_{name}::{pack_id}"


def reset_form_state() -> None:
    """Forget slider, comment and choice values of previously opened packs."""
    for key in list(st.session_state):
        if str(key).startswith(FORM_KEY_PREFIXES):
            del st.session_state[key]


def render_header(cursor: duckdb.DuckDBPyConnection, header: PackHeader) -> None:
    st.subheader(
        f"{escape_markdown(header.pack_id)} · {escape_markdown(header.partner_name)} "
        f"({escape_markdown(header.partner_id)})"
    )
    left, middle, right = st.columns(3)
    left.markdown("**Track**")
    left.text(header.track)
    left.markdown("**Engagement**")
    left.text(header.engagement_kind)
    middle.markdown("**Tenant**")
    middle.text(f"{header.tenant_org_url} ({header.environment})")
    middle.markdown("**Operators**")
    middle.text("\n".join(f"{name} ({op_id}, {email})" for op_id, name, email in header.operators))
    right.markdown("**Submitted**")
    submitted = format_utc(header.submitted_at)
    if header.submitted_at_raw.strip() != submitted:
        submitted += f" (as written: {header.submitted_at_raw})"
    right.text(submitted)
    right.markdown("**Access window**")
    right.text(f"{format_utc(header.window_start)} to {format_utc(header.window_end)} UTC")
    if header.supersedes:
        st.info(
            f"This pack is a resubmission that supersedes {escape_markdown(header.supersedes)}."
        )
    if header.superseded_by:
        st.warning(f"This pack is superseded by {escape_markdown(header.superseded_by)}.")
    _render_decision_status(cursor, header.pack_id)
    _render_check_status(cursor, header.pack_id)


def _render_check_status(cursor: duckdb.DuckDBPyConnection, pack_id: str) -> None:
    if has_check_run(cursor, pack_id):
        state = load_review_state(cursor, pack_id)
        open_calls = [n for n, cf in state.critical_failures.items() if cf.open]
        if open_calls:
            st.warning(
                f"The checks suggest {failure_list(open_calls)}; confirm or dismiss each on "
                "the 'Rubric and decision' tab."
            )
        return
    st.warning(
        "The automatic checks have not run on this pack (its load was interrupted after the "
        "files were stored), so a pass cannot be recorded yet."
    )
    if st.button("Run the checks now", key="review_run_checks"):
        with st.spinner("Running the checks"):
            recheck_pack(cursor, pack_id, BlobStore(get_settings().store_dir))
        st.rerun()


def _render_decision_status(cursor: duckdb.DuckDBPyConnection, pack_id: str) -> None:
    status = current_decision_status(cursor, pack_id, get_settings().store_dir)
    if status.state in ("stale", "superseded"):
        st.warning(f"Decision {status.state}: {escape_markdown(status.reason)}")


def failure_list(numbers: list[int]) -> str:
    """Write failure numbers as prose: 'critical failure 2', 'critical failures 1 and 3'."""
    if len(numbers) == 1:
        return f"critical failure {numbers[0]}"
    return "critical failures " + ", ".join(map(str, numbers[:-1])) + f" and {numbers[-1]}"


def render_timeline(cursor: duckdb.DuckDBPyConnection, pack_id: str) -> None:
    timeline = build_timeline(cursor, pack_id)
    if not timeline.events:
        st.info("No time stamps could be read from this pack.")
        return
    st.plotly_chart(timeline_figure(timeline), key="review_timeline")
    st.caption(
        "Bars are spans, diamonds are single moments; the shaded band is the access window "
        "and the dashed line the submission time. All times UTC."
    )


def render_findings(cursor: duckdb.DuckDBPyConnection, pack_id: str) -> None:
    findings = list_findings(cursor, pack_id)
    artifacts = list_artifacts(cursor, pack_id)
    paths = artifacts["path"].tolist()

    columns = st.columns(3)
    severities = columns[0].multiselect(
        "Severity", SEVERITIES, default=SEVERITIES, key="review_filter_severity"
    )
    categories = columns[1].multiselect(
        "Category", list(WEIGHTS), default=list(WEIGHTS), key="review_filter_category"
    )
    artifact_choice = columns[2].selectbox(
        "Artifact",
        ["(all)", *paths],
        key="review_filter_artifact",
        on_change=_remember_preview_source,
        args=("filter",),
    )
    shown = findings[findings["severity"].isin(severities) & findings["category"].isin(categories)]
    if artifact_choice != "(all)":
        shown = shown[shown["artifact"] == artifact_choice]

    st.caption(f"{len(shown)} of {len(findings)} findings. Select a row to open its artifact.")
    selection = st.dataframe(
        shown[["severity", "check_id", "category", "artifact", "field", "message",
               "critical_failure"]],
        hide_index=True,
        width="stretch",
        on_select=lambda: _remember_preview_source("findings"),
        selection_mode="single-row",
        key="review_findings_table",
    )  # fmt: skip

    target = _preview_target(selection, shown, paths, artifact_choice)
    if target is None:
        return
    st.divider()
    list_column, preview_column = st.columns([2, 3])
    with list_column:
        st.markdown("**Artifacts** (captured, inside the artifact, received; UTC)")
        st.dataframe(
            artifacts[["path", "kind", "captured_at", "internal_time", "received_at"]],
            hide_index=True,
            width="stretch",
            on_select=lambda: _remember_preview_source("artifacts"),
            selection_mode="single-row",
            key="review_artifacts_table",
        )
    with preview_column:
        _render_preview(cursor, pack_id, target, artifacts)


def _remember_preview_source(source: str) -> None:
    st.session_state["review_preview_source"] = source


def _preview_target(
    findings_selection, shown: pd.DataFrame, paths: list[str], artifact_choice: str
) -> str | None:
    """Pick the artifact to preview from the control the reviewer used last: a row of the
    artifacts table, a row of the findings table, or the artifact filter."""
    picked = st.session_state.get("review_artifacts_table")
    artifact_rows = picked.selection.rows if picked else []
    from_table = (
        paths[artifact_rows[0]] if artifact_rows and artifact_rows[0] < len(paths) else None
    )
    finding_rows = findings_selection.selection.rows if findings_selection else []
    from_finding = None
    if finding_rows and finding_rows[0] < len(shown):
        artifact = shown.iloc[finding_rows[0]]["artifact"]
        from_finding = str(artifact) if artifact in paths else None
    from_filter = artifact_choice if artifact_choice in paths else None

    candidates = {"artifacts": from_table, "findings": from_finding, "filter": from_filter}
    last = st.session_state.get("review_preview_source", "findings")
    ordered = [candidates.pop(last, None), *candidates.values()]
    for target in ordered:
        if target is not None:
            return target
    return paths[0] if paths else None


def _render_preview(
    cursor: duckdb.DuckDBPyConnection, pack_id: str, path: str, artifacts: pd.DataFrame
) -> None:
    st.markdown("**Preview**")
    st.text(path)
    view = get_artifact_view(cursor, pack_id, path)
    if view is None or view.sha256 is None:
        st.warning("This file is listed in the manifest but is not in the pack.")
        return
    for field, problem in view.problems:
        st.warning(f"{escape_markdown(field or 'file')}: {escape_markdown(problem)}")
    if view.kind == "okta-system-log":
        st.dataframe(
            log_preview(cursor, pack_id, path),
            hide_index=True,
            width="stretch",
            column_config={
                "published": st.column_config.DatetimeColumn(
                    "published (UTC)", format="YYYY-MM-DD HH:mm:ss.SSS"
                )
            },
        )
    elif view.media in ("png", "jpeg") and view.kind == "screenshot":
        try:
            st.image(BlobStore(get_settings().store_dir).read(view.sha256))
        except (FileNotFoundError, OSError):
            st.json(view.content or {})
    elif view.text is not None:
        st.text_area(
            "Document text",
            view.text,
            height=400,
            disabled=True,
            key=f"review_text::{pack_id}::{path}",
        )
    elif view.content is not None:
        st.json(view.content, expanded=2)
    else:
        st.info("No preview for this file.")


def render_rubric(cursor: duckdb.DuckDBPyConnection, pack_id: str, reviewer: str) -> None:
    state = load_review_state(cursor, pack_id)
    st.subheader("Rubric")
    if flash := st.session_state.pop("review_flash", None):
        st.success(flash)
    with st.form("review_rubric_form"):
        for category, weight in WEIGHTS.items():
            current = state.scores[category]
            st.slider(
                f"{category} ({weight}%)",
                0,
                100,
                value=int(current.score) if current.score is not None else 0,
                help=CATEGORY_HELP[category],
                key=widget_key(f"score_{category}", pack_id),
            )
            st.text_input(
                f"Comment on {category}",
                value=current.comment,
                key=widget_key(f"comment_{category}", pack_id),
            )
            if current.score is None:
                st.caption("Not scored yet.")
            else:
                st.caption(
                    f"Last set by {escape_markdown(current.reviewer)} at "
                    f"{format_utc(current.at)} UTC."
                )
        saved = st.form_submit_button("Save scores", key="review_save_scores")
    if saved:
        _save_scores(cursor, pack_id, reviewer, state)
    total = load_review_state(cursor, pack_id).total()
    if total is None:
        st.info("The weighted total appears once every category is scored.")
    else:
        st.metric("Weighted total", total.display_total())
        st.text(total.arithmetic())


def _save_scores(cursor, pack_id, reviewer, state) -> None:
    changed = 0
    for category in WEIGHTS:
        score = st.session_state[widget_key(f"score_{category}", pack_id)]
        comment = st.session_state[widget_key(f"comment_{category}", pack_id)]
        current = state.scores[category]
        if current.score is None or int(current.score) != score or current.comment != comment:
            record_score(cursor, pack_id, category, score, comment, reviewer)
            changed += 1
    # Rerun so the captions and the total show the saved rows; the message survives it.
    st.session_state["review_flash"] = f"Saved {changed} change(s) as {escape_markdown(reviewer)}."
    st.rerun()


def render_critical_failures(cursor, pack_id: str, reviewer: str) -> None:
    state = load_review_state(cursor, pack_id)
    st.subheader("Critical failures")
    for number, cf in state.critical_failures.items():
        with st.container(border=True):
            st.markdown(f"**{number}. {CRITICAL_FAILURES[number]}**")
            if cf.suggested_by:
                st.warning("Suggested by the checks: " + ", ".join(cf.suggested_by))
            if cf.action:
                st.text(f"{cf.action} by {cf.reviewer} at {format_utc(cf.at)} UTC: {cf.reason}")
            actions = ["confirm", "dismiss"] if cf.suggested_by else ["raise", "dismiss"]
            with st.form(f"review_cf_form_{number}"):
                action = st.radio(
                    "Call",
                    actions,
                    index=None,
                    horizontal=True,
                    key=widget_key(f"cf_action_{number}", pack_id),
                )
                reason = st.text_input("Reason", key=widget_key(f"cf_reason_{number}", pack_id))
                if st.form_submit_button("Record call", key=f"review_cf_submit_{number}"):
                    if action is None:
                        st.error(f"Choose {' or '.join(actions)} first.")
                        continue
                    try:
                        record_critical_failure_call(
                            cursor, pack_id, number, action, reason, reviewer
                        )
                        st.rerun()
                    except ReviewError as exc:
                        st.error(escape_markdown(exc))


def render_decision(cursor, pack_id: str, reviewer: str) -> None:
    state = load_review_state(cursor, pack_id)
    st.subheader("Decision")
    if state.decision:
        d = state.decision
        st.info(
            f"Current decision: {d.decision.upper()} by {escape_markdown(d.reviewer)} at "
            f"{format_utc(d.at)} UTC. Rationale: {escape_markdown(d.rationale)}"
        )
    verdict = check_decision(state, "pass")
    if not verdict.allowed:
        st.caption("A pass is not possible now: " + "; ".join(verdict.reasons) + ".")
    with st.form("review_decision_form"):
        decision = st.radio(
            "Decision", DECISIONS, index=None, horizontal=True, key=widget_key("decision", pack_id)
        )
        rationale = st.text_area("Rationale", key=widget_key("rationale", pack_id))
        if st.form_submit_button("Record decision", key="review_record_decision"):
            if decision is None:
                st.error("Choose pass, fail or resubmission requested first.")
                return
            try:
                record_decision(cursor, pack_id, decision, rationale, reviewer)
                st.success(f"Decision '{decision}' recorded as {escape_markdown(reviewer)}.")
            except ReviewError as exc:
                st.error(escape_markdown(exc))


def render_history(cursor, pack_id: str) -> None:
    history = load_history(cursor, pack_id)
    if not history:
        st.info("No reviewer actions yet.")
        return
    frame = pd.DataFrame(history).drop(columns=["event_id"])
    st.dataframe(frame, hide_index=True, width="stretch", key="review_history_table")


def render_reports(cursor, pack_id: str, reviewer: str) -> None:
    render_report_downloads(cursor, pack_id, reviewer)
