"""A small layout layer over fpdf2 shared by the decision and cohort PDFs.

fpdf2's core fonts (Helvetica, Courier) cover latin-1 only, so every string passes through
text.latin1 before it is drawn.
"""

from __future__ import annotations

from collections.abc import Sequence

from fpdf import FPDF, FontFace
from fpdf.enums import XPos, YPos

from reports.text import latin1

BODY_SIZE = 9
SMALL_SIZE = 7
HEADING_FILL = (225, 230, 240)
ROW_FILL = (246, 247, 250)
BANNER_COLOURS = {
    "current": (220, 240, 225),
    "not decided": (255, 243, 205),
    "stale": (248, 215, 218),
    "superseded": (248, 215, 218),
}


class ReportPDF(FPDF):
    """An A4 document with a running footer that names the report and its JSON digest."""

    def __init__(self, title: str, footer_note: str, orientation: str = "portrait") -> None:
        super().__init__(orientation=orientation, unit="mm", format="A4")
        self.report_title = latin1(title)
        self.footer_note = latin1(footer_note)
        self.set_auto_page_break(auto=True, margin=16)
        self.set_margins(14, 14, 14)
        self.set_title(self.report_title)
        self.set_creator("Butterfly Review")
        self.alias_nb_pages()
        self.add_page()

    def footer(self) -> None:
        """Draw the footer note and the page number at the bottom of every page."""
        self.set_y(-12)
        self.set_font("Helvetica", size=6.5)
        self.set_text_color(90, 90, 90)
        self.cell(0, 4, self.footer_note, align="L")
        self.set_x(self.l_margin)
        self.cell(0, 4, f"Page {self.page_no()} of {{nb}}", align="R")
        self.set_text_color(0, 0, 0)

    def title_block(self, title: str, subtitle: str) -> None:
        """Draw the document title and a one-line subtitle."""
        self.set_font("Helvetica", style="B", size=16)
        self.cell(0, 9, latin1(title), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.set_font("Helvetica", size=BODY_SIZE)
        self.multi_cell(0, 5, latin1(subtitle), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.ln(2)

    def banner(self, text: str, state: str) -> None:
        """Draw a filled box with `text`, coloured by decision state."""
        self.set_fill_color(*BANNER_COLOURS.get(state, (235, 235, 235)))
        self.set_font("Helvetica", style="B", size=10)
        self.multi_cell(
            0, 6, latin1(text), border=1, fill=True, padding=2,
            new_x=XPos.LMARGIN, new_y=YPos.NEXT,
        )  # fmt: skip
        self.set_fill_color(255, 255, 255)
        self.ln(3)

    def heading(self, text: str) -> None:
        """Start a section, on a new page when fewer than 30 mm are left."""
        if self.get_y() > self.h - self.b_margin - 30:
            self.add_page()
        self.ln(2)
        self.set_font("Helvetica", style="B", size=12)
        self.cell(0, 7, latin1(text), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.set_font("Helvetica", size=BODY_SIZE)

    def paragraph(self, text: str, size: float = BODY_SIZE, style: str = "") -> None:
        """Draw wrapped text across the page width."""
        self.set_font("Helvetica", style=style, size=size)
        self.multi_cell(0, size * 0.5, latin1(text), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.set_font("Helvetica", size=BODY_SIZE)

    def key_values(self, pairs: Sequence[tuple[str, str]], key_width: float = 38) -> None:
        """Draw label/value pairs as a two-column table without borders."""
        self.grid(
            ("", ""),
            [(key, value) for key, value in pairs],
            col_widths=(key_width, self.epw - key_width),
            headings=False,
            borders="NONE",
        )

    def grid(
        self,
        columns: Sequence[str],
        rows: Sequence[Sequence[str]],
        col_widths: Sequence[float],
        size: float = BODY_SIZE,
        headings: bool = True,
        borders: str = "SINGLE_TOP_LINE",
        monospace_columns: Sequence[int] = (),
    ) -> None:
        """Draw a table; text wraps inside cells and headings repeat after a page break."""
        self.set_font("Helvetica", size=size)
        self.set_fill_color(255, 255, 255)
        mono = FontFace(family="Courier", size_pt=size - 0.5)
        with self.table(
            col_widths=tuple(col_widths),
            width=sum(col_widths),
            text_align="LEFT",
            align="LEFT",
            first_row_as_headings=headings,
            headings_style=FontFace(emphasis="BOLD", fill_color=HEADING_FILL),
            borders_layout=borders,
            cell_fill_color=ROW_FILL if headings else None,
            cell_fill_mode="ROWS" if headings else "NONE",
            line_height=size * 0.5,
            padding=0.8,
        ) as table:
            if headings:
                heading_row = table.row()
                for column in columns:
                    heading_row.cell(latin1(column))
            for values in rows:
                row = table.row()
                for index, value in enumerate(values):
                    style = mono if index in monospace_columns else None
                    row.cell(latin1(value), style=style)
        self.ln(2)
