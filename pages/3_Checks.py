"""The catalogue of automatic checks, with what each looks at."""

import pandas as pd
import streamlit as st

from checks.registry import load_catalogue
from ui.state import reviewer_picker

st.set_page_config(page_title="Checks · Butterfly Review", layout="wide")
reviewer_picker()

st.title("Check catalogue")
st.caption(
    "Every pack is read by these checks when it is loaded. Checks suggest; a reviewer "
    "confirms or dismisses each suggested critical failure."
)
catalogue = load_catalogue()
frame = pd.DataFrame(
    [
        {
            "group": check.group,
            "id": check.id,
            "title": check.title,
            "explanation": check.explanation,
            "category": check.category,
            "severity": check.severity,
            "critical failure": check.critical_failure,
        }
        for check in catalogue.values()
    ]
)
groups = sorted(frame["group"].unique())
chosen = st.multiselect("Group", groups, default=groups, key="checks_group")
st.dataframe(
    frame[frame["group"].isin(chosen)],
    hide_index=True,
    width="stretch",
    key="checks_table",
    column_config={"critical failure": st.column_config.NumberColumn(format="%d")},
)
st.caption(f"{len(frame)} checks.")
