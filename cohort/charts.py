"""Plotly figures of the cohort overview, built from the frames in cohort.overview."""

from __future__ import annotations

import pandas as pd
import plotly.express as px
import plotly.graph_objects as go

from scoring.rubric import PASS_THRESHOLD


def stage_funnel(funnel: pd.DataFrame) -> go.Figure:
    """Draw how many operators have reached each stage, apply to maintain."""
    figure = go.Figure(go.Funnel(y=funnel["stage"], x=funnel["operators"], textinfo="value"))
    figure.update_layout(title="Operators who reached each stage", margin={"t": 40, "b": 10})
    return figure


def score_distribution(scores: pd.DataFrame) -> go.Figure:
    """Draw the spread of reviewer scores per rubric category across packs (0-100)."""
    figure = px.box(
        scores, x="category", y="score", points="all", hover_data=["pack_id", "partner_id"]
    )
    figure.add_hline(
        y=float(PASS_THRESHOLD),
        line_dash="dot",
        annotation_text="pass mark of the weighted total",
    )
    figure.update_layout(
        title="Scores per rubric category", yaxis_range=[0, 100], margin={"t": 40, "b": 10}
    )
    return figure


def review_throughput(weeks: pd.DataFrame) -> go.Figure:
    """Draw packs received and packs decided per week, side by side."""
    long = weeks.melt(id_vars="week", value_vars=["received", "decided"], var_name="packs")
    figure = px.bar(long, x="week", y="value", color="packs", barmode="group")
    figure.update_layout(
        title="Review throughput per week (UTC, weeks start Monday)",
        yaxis_title="packs",
        margin={"t": 40, "b": 10},
    )
    return figure
