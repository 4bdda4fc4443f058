"""Plotly figures for the review page."""

from __future__ import annotations

import html
from datetime import timedelta

import plotly.graph_objects as go

from store.timeline import Timeline

CATEGORY_ORDER = [
    "Backup",
    "Compare",
    "Restore preview",
    "Approval",
    "Restore execution",
    "System Log",
    "SCIM",
    "Capture",
    "Document",
]


def timeline_figure(timeline: Timeline) -> go.Figure:
    """Draw spans as bars and zero-length events as markers, with the access window shaded."""
    figure = go.Figure()
    categories = [c for c in CATEGORY_ORDER if any(e.category == c for e in timeline.events)]
    for category in categories:
        spans = [e for e in timeline.events if e.category == category and e.end > e.start]
        points = [e for e in timeline.events if e.category == category and e.end <= e.start]
        if spans:
            figure.add_trace(
                go.Bar(
                    base=[e.start for e in spans],
                    x=[(e.end - e.start) / timedelta(milliseconds=1) for e in spans],
                    y=[category] * len(spans),
                    orientation="h",
                    name=category,
                    hovertext=[_hover(e.label, e.artifact) for e in spans],
                    hoverinfo="text",
                    showlegend=False,
                )
            )
        if points:
            figure.add_trace(
                go.Scatter(
                    x=[e.start for e in points],
                    y=[category] * len(points),
                    mode="markers",
                    marker={"size": 11, "symbol": "diamond"},
                    name=category,
                    hovertext=[_hover(e.label, e.artifact) for e in points],
                    hoverinfo="text",
                    showlegend=False,
                )
            )
    if timeline.window_start and timeline.window_end:
        figure.add_vrect(
            x0=timeline.window_start,
            x1=timeline.window_end,
            fillcolor="LightSkyBlue",
            opacity=0.18,
            line_width=0,
            annotation_text="access window",
            annotation_position="top left",
        )
    if timeline.submitted_at:
        figure.add_vline(x=timeline.submitted_at, line_dash="dash", line_color="firebrick")
    figure.update_layout(
        xaxis={"type": "date", "title": "time (UTC)"},
        yaxis={"categoryorder": "array", "categoryarray": list(reversed(categories))},
        height=120 + 40 * max(len(categories), 1),
        margin={"l": 10, "r": 10, "t": 30, "b": 10},
        barmode="overlay",
    )
    return figure


def _hover(label: str, artifact: str | None) -> str:
    # Labels carry pack text; escape it so plotly's hover markup never renders it as HTML.
    text = html.escape(label)
    return f"{text}<br>{html.escape(artifact)}" if artifact else text
