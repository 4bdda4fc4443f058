"""Text helpers for the PDF and CSV renderers: latin-1 fallback, spreadsheet-safe cells, times."""

from __future__ import annotations

import unicodedata
from datetime import UTC, datetime
from decimal import Decimal

# Characters fpdf2's core fonts cannot draw (they cover latin-1 only), with readable stand-ins.
LATIN1_REPLACEMENTS = {
    "\u2010": "-",
    "\u2011": "-",
    "\u2012": "-",
    "\u2013": "-",
    "\u2014": "-",
    "\u2018": "'",
    "\u2019": "'",
    "\u201c": '"',
    "\u201d": '"',
    "\u2026": "...",
    "\u2022": "*",
    "\u2192": "->",
    "\u2264": "<=",
    "\u2265": ">=",
    "\u00a0": " ",
    "\u200b": "",
}
# A spreadsheet reads a cell that starts with one of these as a formula or control input.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def latin1(text: str) -> str:
    """Return `text` drawable by fpdf2's core fonts: other characters are transliterated or '?'."""
    out: list[str] = []
    for char in text:
        if ord(char) < 256:
            out.append(char)
        elif char in LATIN1_REPLACEMENTS:
            out.append(LATIN1_REPLACEMENTS[char])
        else:
            decomposed = unicodedata.normalize("NFKD", char)
            kept = "".join(c for c in decomposed if ord(c) < 256 and not unicodedata.combining(c))
            out.append(kept or "?")
    return "".join(out)


def neutralise_cell(value: object) -> str:
    """Return a CSV cell a spreadsheet shows as text: a leading formula trigger gets a quote.

    A cell starting with =, +, -, @, tab or carriage return is prefixed with an apostrophe,
    the prefix spreadsheets treat as "this is text".
    """
    text = "" if value is None else str(value)
    if text.startswith(FORMULA_TRIGGERS):
        return "'" + text
    return text


def utc_text(value: datetime | None) -> str:
    """Format a time as 'YYYY-MM-DD HH:MM UTC', or an empty string for None."""
    if value is None:
        return ""
    return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")


def decimal_text(value: Decimal | None) -> str:
    """Format a decimal without exponent or trailing zeros ('86', '84.995'), or '' for None."""
    if value is None:
        return ""
    return format(value.normalize(), "f")
