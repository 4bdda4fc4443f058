"""Review one pack: header, timeline, findings beside the artifacts, rubric and decision."""

import streamlit as st

from store.packs import get_pack, list_packs
from ui import review_sections as sections
from ui.state import get_cursor, reviewer_picker
from ui.text import escape_markdown

st.set_page_config(page_title="Review · Butterfly Review", layout="wide")
reviewer = reviewer_picker()
cursor = get_cursor()

st.title("Review a pack")
packs = list_packs(cursor)
if packs.empty:
    st.info("No packs are stored yet. Load one on the 'Load a pack' page.")
    st.stop()

pack_ids = packs["pack_id"].tolist()
requested = st.query_params.get("pack") or st.session_state.get("review_pack")
if requested not in pack_ids:
    requested = pack_ids[0]
labels = {
    row.pack_id: f"{row.pack_id} · {row.partner_name} · {row.decision}"
    for row in packs.itertuples()
}
pack_id = st.selectbox(
    "Pack", pack_ids, index=pack_ids.index(requested), format_func=labels.get, key="review_select"
)
st.session_state["review_pack"] = pack_id
st.query_params["pack"] = pack_id
if st.session_state.get("review_loaded_pack") != pack_id:
    sections.reset_form_state()
    st.session_state["review_loaded_pack"] = pack_id

header = get_pack(cursor, pack_id)
if header is None:
    st.error(f"Pack {escape_markdown(pack_id)} is not in the database.")
    st.stop()
sections.render_header(cursor, header)

timeline_tab, findings_tab, rubric_tab, history_tab, reports_tab = st.tabs(
    ["Timeline", "Findings and artifacts", "Rubric and decision", "History", "Reports"]
)
with timeline_tab:
    sections.render_timeline(cursor, pack_id)
with findings_tab:
    sections.render_findings(cursor, pack_id)
with rubric_tab:
    sections.render_rubric(cursor, pack_id, reviewer)
    st.divider()
    sections.render_critical_failures(cursor, pack_id, reviewer)
    st.divider()
    sections.render_decision(cursor, pack_id, reviewer)
with history_tab:
    sections.render_history(cursor, pack_id)
with reports_tab:
    sections.render_reports(cursor, pack_id, reviewer)
