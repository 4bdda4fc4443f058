"""A Gantt-style timeline figure drawn with fpdf2's rectangles and lines (no image export)."""

from __future__ import annotations

import hashlib
from datetime import datetime, timedelta

from reports.models import TimelineEntry
from reports.pdf_layout import ReportPDF
from reports.text import latin1
from reports.timeline import ACCESS_WINDOW

MAX_ROWS = 40
ROW_HEIGHT = 4.0
LABEL_WIDTH = 62.0
AXIS_TICKS = 5
WINDOW_COLOUR = (200, 205, 215)
PALETTE = (
    (52, 101, 164),
    (204, 102, 0),
    (78, 154, 6),
    (117, 80, 123),
    (193, 125, 17),
    (164, 0, 0),
    (32, 128, 128),
    (85, 87, 83),
)


def draw_timeline(pdf: ReportPDF, entries: list[TimelineEntry]) -> None:
    """Draw one row per entry: a bar for a span, a small square for a point in time.

    Only the first MAX_ROWS entries are drawn; a note gives the number of entries in the table.
    """
    if not entries:
        return
    shown = entries[:MAX_ROWS]
    start = min(entry.start for entry in shown)
    end = max(entry.end for entry in shown)
    if end <= start:
        start, end = start - timedelta(hours=1), end + timedelta(hours=1)

    height = ROW_HEIGHT * len(shown) + 12
    if pdf.get_y() + height > pdf.h - pdf.b_margin:
        pdf.add_page()
    top = pdf.get_y() + 2
    left = pdf.l_margin + LABEL_WIDTH
    width = pdf.epw - LABEL_WIDTH

    def x_of(moment: datetime) -> float:
        return left + width * (moment - start) / (end - start)

    _draw_axis(pdf, top, left, width, len(shown), start, end)
    for row, entry in enumerate(shown):
        y = top + row * ROW_HEIGHT
        pdf.set_font("Helvetica", size=6)
        pdf.set_xy(pdf.l_margin, y)
        pdf.cell(LABEL_WIDTH - 1, ROW_HEIGHT, _fit(pdf, entry.label, LABEL_WIDTH - 2))
        pdf.set_fill_color(*_colour(entry.category))
        x_start, x_end = x_of(entry.start), x_of(entry.end)
        if x_end - x_start < 1.2:
            centre = (x_start + x_end) / 2
            pdf.rect(centre - 0.9, y + 1.1, 1.8, 1.8, style="F")
        else:
            pdf.rect(x_start, y + 0.8, x_end - x_start, ROW_HEIGHT - 1.6, style="F")
    pdf.set_fill_color(255, 255, 255)

    pdf.set_y(top + ROW_HEIGHT * len(shown) + 8)
    if len(entries) > MAX_ROWS:
        pdf.paragraph(
            f"The figure shows the first {MAX_ROWS} of {len(entries)} entries; the table "
            "above lists all of them.",
            size=7,
        )


def _draw_axis(
    pdf: ReportPDF, top: float, left: float, width: float, rows: int, start: datetime, end: datetime
) -> None:
    bottom = top + rows * ROW_HEIGHT
    pdf.set_draw_color(160, 160, 160)
    pdf.set_line_width(0.1)
    pdf.line(left, bottom, left + width, bottom)
    pdf.set_font("Helvetica", size=5.5)
    for tick in range(AXIS_TICKS + 1):
        x = left + width * tick / AXIS_TICKS
        moment = start + (end - start) * tick / AXIS_TICKS
        pdf.line(x, top, x, bottom + 1)
        label = moment.strftime("%m-%d %H:%M")
        label_width = pdf.get_string_width(label)
        pdf.set_xy(min(max(x - label_width / 2, left - 2), left + width - label_width), bottom + 1)
        pdf.cell(label_width, 3, label)
    pdf.set_xy(left, bottom + 4)
    pdf.cell(width, 3, "UTC", align="C")
    pdf.set_draw_color(0, 0, 0)


def _colour(category: str) -> tuple[int, int, int]:
    if category == ACCESS_WINDOW:
        return WINDOW_COLOUR
    index = int.from_bytes(hashlib.sha256(category.encode()).digest()[:2], "big")
    return PALETTE[index % len(PALETTE)]


def _fit(pdf: ReportPDF, text: str, width: float) -> str:
    text = latin1(text)
    if pdf.get_string_width(text) <= width:
        return text
    while text and pdf.get_string_width(text + "...") > width:
        text = text[:-1]
    return text + "..."
