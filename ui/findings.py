"""Findings tables, shown as plain text cells (pack text is never rendered as markdown)."""

from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st

COLUMNS = ["severity", "check", "artifact", "field", "message", "critical_failure"]


def render_findings_table(findings: list[dict[str, Any]], key: str) -> None:
    """Show findings as a table, or a note that there are none."""
    if not findings:
        st.info("No findings.")
        return
    frame = pd.DataFrame(findings)
    frame = frame.rename(columns={"check_id": "check"})
    st.dataframe(
        frame[[c for c in COLUMNS if c in frame.columns]],
        hide_index=True,
        width="stretch",
        key=key,
        column_config={"critical_failure": st.column_config.NumberColumn("CF", format="%d")},
    )
