"""Digests that tie a report to its JSON and a decision to the bytes it was made on."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from typing import Any

DIGEST_FIELD = "report_digest"


def canonical_json(document: Mapping[str, Any]) -> bytes:
    """Serialise a JSON document canonically: keys sorted, no spaces, UTF-8, no ASCII escaping."""
    text = json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return text.encode("utf-8")


def report_digest(document: Mapping[str, Any]) -> str:
    """Return the SHA-256 of the canonical JSON of a report without its report_digest field."""
    body = {key: value for key, value in document.items() if key != DIGEST_FIELD}
    return hashlib.sha256(canonical_json(body)).hexdigest()


def content_digest(files: Iterable[tuple[str, str]]) -> str:
    """Return the SHA-256 over "path NUL sha256 LF" of every (path, sha256) pair, sorted by path.

    This is the digest ingest records for a pack and a decision records as what it covers.
    """
    digest = hashlib.sha256()
    for path, sha256 in sorted(files):
        digest.update(f"{path}\0{sha256}\n".encode())
    return digest.hexdigest()
