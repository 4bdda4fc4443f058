"""Butterfly Review: the entry page and shared frame of the multipage app.

Pages come from Streamlit's automatic discovery of the pages/ folder (no st.navigation),
so each file there is one screen, ordered by its number prefix.
"""

import streamlit as st

from store.packs import list_packs
from ui.state import get_cursor, get_settings, reviewer_picker

st.set_page_config(page_title="Butterfly Review", page_icon="🦋", layout="wide")
reviewer_picker()
cursor = get_cursor()

st.title("Butterfly Review")
st.caption(
    "Capstone evidence packs from partner firms: load a pack, read the automatic checks, "
    "score it on the rubric, record critical failures and decide."
)

packs = list_packs(cursor)
waiting = packs[packs["decision"] == "waiting"]
decided = packs[packs["decision"] != "waiting"]
left, middle, right = st.columns(3)
left.metric("Packs stored", len(packs))
middle.metric("Waiting for review", len(waiting))
right.metric("Decided", len(decided))

st.subheader("Packs")
st.dataframe(
    packs[["pack_id", "partner_name", "track", "engagement_kind", "submitted_at", "decision"]],
    hide_index=True,
    width="stretch",
    column_config={
        "pack_id": "pack",
        "partner_name": "partner",
        "engagement_kind": "engagement",
        "submitted_at": st.column_config.DatetimeColumn(
            "submitted (UTC)", format="YYYY-MM-DD HH:mm"
        ),
    },
)
st.page_link("pages/1_Upload.py", label="Load a pack", icon="⬆️")
st.page_link("pages/2_Review.py", label="Review a pack", icon="📝")
st.caption(f"Database: {get_settings().db_path.name}")
