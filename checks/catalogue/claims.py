"""Claims: partner-status claims and unsupported absolutes in the pack's documents."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from checks.catalogue.common import DOCUMENT_KINDS
from checks.findings import Finding
from checks.registry import Check, PackContext, register

CASELESS = re.IGNORECASE

SELECT_READABLE_TEXT = """
    SELECT d.artifact_path, d.text FROM documents d
    JOIN artifacts a ON a.pack_id = d.pack_id AND a.path = d.artifact_path
    WHERE d.pack_id = ? AND d.readable AND trim(coalesce(d.text, '')) <> ''
    ORDER BY a.position
"""
# A document-kind artifact with no text to read. It has no documents row (wrong media), a read
# error, or an empty text layer (a scanned PDF).
SELECT_UNREADABLE = """
    SELECT a.path, a.kind, coalesce(d.error, a.parse_error), d.artifact_path IS NULL,
           coalesce(d.readable, false)
    FROM artifacts a
    LEFT JOIN documents d ON d.pack_id = a.pack_id AND d.artifact_path = a.path
    WHERE a.pack_id = ? AND a.listed AND a.present AND list_contains(?::VARCHAR[], a.kind)
      AND (d.artifact_path IS NULL OR NOT d.readable OR trim(coalesce(d.text, '')) = '')
    ORDER BY a.position
"""

# Partner-status claims that critical failure 4 is about, each with a label for messages.
PARTNER_CLAIMS: tuple[tuple[str, re.Pattern[str]], ...] = (
    (
        "Okta endorsement",
        re.compile(r"\bokta[- ]endorsed\b|\bendorsed\s+by\s+okta\b|\bokta\s+endorses\b", CASELESS),
    ),
    (
        "Okta partnership",
        re.compile(
            r"\bokta\s+(?:\w+\s+)?partner(?:s|ship)?\b|\bpartner(?:ed|ship|s)?\s+with\s+okta\b"
            r"|\bokta'?s\s+(?:\w+\s+)?partner\b",
            CASELESS,
        ),
    ),
    ("reseller status", re.compile(r"\bre-?sell(?:er|ers|ing|s)?\b", CASELESS)),
    (
        "certification by Okta",
        re.compile(r"\bcertified\s+by\s+okta\b|\bokta[- ]certified\b", CASELESS),
    ),
    (
        "Butterfly certification",
        re.compile(
            r"\bbutterfly[- ]certified\b|\bcertified\s+by\s+butterfly\b"
            r"|\bcertified\s+(?:butterfly\s+)?partner\b"
            r"|\b(?:hold|holds|achieved|earned|awarded|received|granted)\b[^.]{0,30}"
            r"\bbutterfly\s+certification\b",
            CASELESS,
        ),
    ),
)
ABSOLUTES = re.compile(
    r"\bzero\s+data\s+loss\b|\bno\s+data\s+loss\b|\b100\s*%\s*(?:recover\w*|restor\w*|"
    r"coverage|success\w*|uptime)|\b100\s+percent\b|\bimmutable\b|\bguarantee[sd]?\b"
    r"|\bnever\s+los(?:e|es|t)\b",
    CASELESS,
)
NEGATION = re.compile(r"\b(?:not|never|no|isn't|aren't|neither|nor|without)\b", CASELESS)
# Sentences break after . ! or ? and white space, at blank lines, and before list items.
SENTENCE_BREAK = re.compile(r"(?<=[.!?])\s+|\n\s*\n|\n(?=\s*(?:[-*#]|\d+[.)])\s)")
MAX_QUOTE = 300


@dataclass(frozen=True)
class Sentence:
    """One sentence of a document, with the line it starts on."""

    text: str
    line: int


def sentences(text: str) -> Iterator[Sentence]:
    """Split document text into sentences, joining lines a PDF or editor wrapped."""
    start = 0
    for match in [*SENTENCE_BREAK.finditer(text), None]:
        end = match.start() if match else len(text)
        chunk = " ".join(text[start:end].split())
        if chunk:
            yield Sentence(chunk, text.count("\n", 0, start) + 1)
        if match:
            start = match.end()


def _quote(sentence: str) -> str:
    return sentence if len(sentence) <= MAX_QUOTE else sentence[: MAX_QUOTE - 3] + "..."


@register(
    "claims.partner_status",
    "No partner-status claims",
    "Documents claim no Okta endorsement, Okta partnership, reseller status, certification by "
    "Okta, or Butterfly certification or 'certified partner' status before a pass decision; "
    "such a claim is critical failure 4 and is quoted.",
    category="Claims",
    severity="critical",
    critical_failure=4,
    group="Claims",
)
def partner_status(ctx: PackContext, check: Check) -> Iterator[Finding]:
    for path, text in ctx.rows(SELECT_READABLE_TEXT, [ctx.pack_id]):
        for sentence in sentences(str(text)):
            for label, pattern in PARTNER_CLAIMS:
                match = pattern.search(sentence.text)
                if match is None:
                    continue
                denied = NEGATION.search(sentence.text, 0, match.start()) is not None
                yield check.finding(
                    f'{path} line {sentence.line} claims {label}: "{_quote(sentence.text)}"'
                    + (
                        " (the sentence reads as a denial; confirm before dismissing)"
                        if denied
                        else ""
                    ),
                    str(path),
                    f"line {sentence.line}",
                    severity="minor" if denied else "critical",
                    suggest=not denied,
                    expected="no partner-status claim before written approval",
                    found=match.group(0),
                )
                break


@register(
    "claims.absolutes",
    "No unsupported absolutes",
    "Documents make no unsupported absolute promises such as 'zero data loss', '100% "
    "recovery', 'immutable' or 'guaranteed'.",
    category="Claims",
    severity="minor",
    group="Claims",
)
def absolutes(ctx: PackContext, check: Check) -> Iterator[Finding]:
    for path, text in ctx.rows(SELECT_READABLE_TEXT, [ctx.pack_id]):
        for sentence in sentences(str(text)):
            match = ABSOLUTES.search(sentence.text)
            if match:
                yield check.finding(
                    f'{path} line {sentence.line} makes an absolute claim ("{match.group(0)}"): '
                    f'"{_quote(sentence.text)}"; state what was measured instead.',
                    str(path),
                    f"line {sentence.line}",
                    expected="a measured, bounded statement",
                    found=match.group(0),
                )


@register(
    "claims.unreadable",
    "Documents could be checked",
    "A document whose text cannot be read (encrypted, damaged, wrong file type, or no text "
    "layer) could not be checked for claims; a reviewer must read it.",
    category="Claims",
    severity="major",
    group="Claims",
)
def unreadable(ctx: PackContext, check: Check) -> Iterator[Finding]:
    rows = ctx.rows(SELECT_UNREADABLE, [ctx.pack_id, list(DOCUMENT_KINDS)])
    for path, kind, error, no_document, readable in rows:
        if readable:
            reason = "it has no text layer (a scan or an image-only PDF)"
        elif no_document:
            reason = f"it is not a readable document ({error or 'unknown format'})"
        else:
            reason = str(error or "the reader failed")
        yield check.finding(
            f"{path} ({kind}) could not be checked for claims: {reason}. This is not a clean "
            "result; read the document by hand or ask for a text PDF.",
            str(path),
            None,
            expected="readable text",
            found=reason,
        )
