"""Time stamps as partners write them, parsed to UTC."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime

# "2022-03-22 14:21:53.225" (Panther) and "2026-11-03T18:00:00" (no offset) both occur in
# real exports; fromisoformat accepts them, and "Z" since Python 3.11.
_ISO_LIKE = re.compile(
    r"^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?)?([zZ]|[+-]\d{2}:?\d{2})?$"
)


@dataclass(frozen=True)
class ParsedTime:
    """A time stamp in UTC, and whether its UTC offset had to be assumed."""

    utc: datetime
    offset_assumed: bool


def parse_timestamp(raw: str) -> ParsedTime:
    """Parse an ISO 8601 time stamp to an aware UTC datetime.

    A time stamp without an offset is taken as UTC and marked `offset_assumed`.
    Raises ValueError when the text is not an ISO 8601 date or date-time.
    """
    text = raw.strip()
    if not _ISO_LIKE.match(text):
        raise ValueError(f"{raw!r} is not an ISO 8601 time stamp such as 2026-11-03T14:00:00Z")
    # Python before 3.11 rejected more than 6 fraction digits; trim to stay portable.
    text = re.sub(r"(\.\d{6})\d+", r"\1", text)
    parsed = datetime.fromisoformat(text)
    if parsed.tzinfo is None:
        return ParsedTime(parsed.replace(tzinfo=UTC), offset_assumed=True)
    return ParsedTime(parsed.astimezone(UTC), offset_assumed=False)


def try_parse_timestamp(raw: object) -> ParsedTime | None:
    """Parse `raw` like parse_timestamp, returning None for anything that is not a time stamp."""
    if not isinstance(raw, str):
        return None
    try:
        return parse_timestamp(raw)
    except ValueError:
        return None


def format_utc(value: datetime | None) -> str:
    """Format an aware datetime as ISO 8601 in UTC with a trailing Z, or an empty string."""
    if value is None:
        return ""
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
