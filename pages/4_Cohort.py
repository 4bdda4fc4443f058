"""Cohort overview: organisations and operators by stage, and who is blocked and why."""

import duckdb
import streamlit as st

from cohort import charts, overview
from cohort.rules import STAGES, TRACKS
from ui.reports_panel import render_cohort_downloads
from ui.state import get_cursor, reviewer_picker

st.set_page_config(page_title="Cohort · Butterfly Review", layout="wide")
reviewer = reviewer_picker()
cursor = get_cursor()

st.title("Founding cohort")
st.caption(
    "Stages that follow from pack decisions (prove, supervise) are read from the review "
    "pages each time this page loads; nothing here is typed in twice."
)
try:
    view = overview.build_overview(cursor)
except duckdb.Error as exc:
    st.error(f"The cohort could not be read from the database: {exc}. Reload the page.")
    st.stop()

if view.operators.empty:
    st.info("No organisation has applied yet. Start with the intake form on the Intake page.")
    st.stop()

progress = view.progress
st.subheader("Review progress")
reviewed, waiting, oldest = st.columns(3)
reviewed.metric("Packs reviewed", progress.reviewed)
waiting.metric("Packs waiting for review", progress.waiting)
oldest.metric(
    "Longest wait",
    "none" if progress.oldest_wait_days is None else f"{progress.oldest_wait_days} days",
)
st.subheader("Outcomes")
passed, failed, resubmit = st.columns(3)
passed.metric("Passed", progress.passed)
failed.metric("Failed", progress.failed)
resubmit.metric("Resubmission requested", progress.resubmission_requested)

st.subheader("Filters")
org_col, track_col, stage_col, blocked_col = st.columns([3, 3, 3, 2])
orgs = org_col.multiselect(
    "Organisation", sorted(view.operators["organisation"].unique()), key="cohort_filter_org"
)
tracks = track_col.multiselect("Track", TRACKS, key="cohort_filter_track")
stages = stage_col.multiselect("Stage", STAGES, key="cohort_filter_stage")
blocked_only = blocked_col.toggle("Blocked only", key="cohort_filter_blocked")
table = overview.filter_operators(view.operators, orgs, tracks, stages, blocked_only)

st.subheader("Board by stage")
for column, (stage, cards) in zip(
    st.columns(len(STAGES)), overview.board(table).items(), strict=True
):
    column.markdown(f"**{stage.capitalize()}** · {len(cards)}")
    for card in cards:
        box = column.container(border=True)
        box.markdown(f"**{card['title']}**")
        box.caption(card["track"])
        if card["blockers"]:
            box.markdown(f":red[{card['blockers']}]")

st.subheader("Who is blocked and why")
st.dataframe(
    table,
    hide_index=True,
    key="cohort_table",
    column_config={
        "next_renewal": st.column_config.DateColumn("next renewal"),
        "blocked": st.column_config.CheckboxColumn("blocked"),
        "blockers": st.column_config.TextColumn("blockers", width="large"),
    },
)
st.download_button(
    "Download the table as CSV",
    overview.to_csv(table),
    file_name="cohort-operators.csv",
    mime="text/csv",
    key="cohort_download",
)
st.markdown("**Cohort report** (every organisation and operator, as PDF and CSV)")
render_cohort_downloads(cursor, reviewer)

st.subheader("Organisations")
st.dataframe(
    overview.filter_organisations(view.organisations, orgs),
    hide_index=True,
    key="cohort_org_table",
    column_config={"directory_reason": st.column_config.TextColumn("why not listed")},
)

st.subheader("Charts")
funnel_tab, score_tab, throughput_tab = st.tabs(
    ["Stage funnel", "Scores per rubric category", "Review throughput"]
)
with funnel_tab:
    st.plotly_chart(charts.stage_funnel(overview.funnel_frame(table)), key="cohort_funnel")
with score_tab:
    scores = overview.score_frame(cursor, list(view.snapshot.orgs))
    if scores.empty:
        st.info("No pack of the cohort has been scored yet.")
    else:
        st.plotly_chart(charts.score_distribution(scores), key="cohort_scores")
with throughput_tab:
    weeks = overview.throughput_frame(cursor, view.snapshot)
    if weeks.empty:
        st.info("No pack of the cohort has been received yet.")
    else:
        st.plotly_chart(charts.review_throughput(weeks), key="cohort_throughput")
