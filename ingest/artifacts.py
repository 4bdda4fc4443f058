"""Reading each artifact by its declared kind into rows for the content tables."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ingest import content
from ingest.times import try_parse_timestamp

JSON_KINDS = {
    "backup-record",
    "compare-report",
    "restore-preview",
    "restore-execution",
    "okta-api-response",
    "scim-exchange",
    "oidc-discovery",
    "id-token-claims",
    "workflows-inventory",
}
DOCUMENT_KINDS = {
    "readiness-notes",
    "handoff-summary",
    "change-control-plan",
    "approval",
    "drill-report",
    "other",
}
SAML_KINDS = {"saml-response", "saml-metadata"}
# The field inside an artifact that records when it was produced, per kind (first found).
INTERNAL_TIME_FIELDS: dict[str, tuple[str, ...]] = {
    "backup-record": ("completed_at", "started_at"),
    "compare-report": ("generated_at",),
    "restore-preview": ("generated_at",),
    "restore-execution": ("completed_at", "started_at"),
}
# JSON kept whole in artifacts.content_json up to this size; larger files keep only rows.
CONTENT_JSON_MAX_BYTES = 8 * 1024 * 1024
MEDIA_LABEL = {
    "pdf": "a PDF document",
    "png": "a PNG image",
    "jpeg": "a JPEG image",
    "json": "JSON",
    "xml": "XML",
    "markdown": "Markdown text",
    "text": "plain text",
}


@dataclass
class ArtifactContent:
    """The content read from one artifact, ready to insert."""

    media: str = "unknown"
    parse_error: str | None = None
    content_json: Any = None
    internal_time: str | None = None
    internal_time_field: str | None = None
    api_responses: list[dict[str, Any]] = field(default_factory=list)
    scim_exchanges: list[dict[str, Any]] = field(default_factory=list)
    document: dict[str, Any] | None = None
    problems: list[tuple[str | None, str]] = field(default_factory=list)


def read_artifact(kind: str, path: str, file_path: Path) -> ArtifactContent:
    """Read an artifact of a declared kind; problems are recorded, never raised."""
    raw = file_path.read_bytes() if kind != "okta-system-log" else b""
    media = content.media_for(path, raw) if raw else "unknown"
    result = ArtifactContent(media=media)
    if kind in JSON_KINDS:
        _read_json_kind(kind, raw, result)
    elif kind in SAML_KINDS:
        _read_saml(raw, result)
    elif kind == "screenshot":
        _read_screenshot(raw, result)
    elif kind in DOCUMENT_KINDS:
        _read_document(raw, media, result)
    return result


def _mismatch(kind: str, media: str, expected: str) -> str:
    label = MEDIA_LABEL.get(media, "not " + expected)
    return (
        f"declared as {kind} ({expected}) but the file is {label}; "
        "check that the right file is listed under this kind"
    )


def _read_json_kind(kind: str, raw: bytes, result: ArtifactContent) -> None:
    if result.media in ("pdf", "png", "jpeg"):
        result.parse_error = _mismatch(kind, result.media, "JSON")
        return
    parsed = content.read_json_bytes(raw)
    if parsed.error is not None:
        capture = (
            content.read_http_capture(raw)
            if kind in {"scim-exchange", "okta-api-response"}
            else None
        )
        if capture is not None and capture.error is None and (capture.method or capture.status):
            _read_http_capture(kind, capture, result)
            return
        where = f" (line {parsed.line}, column {parsed.column})" if parsed.line else ""
        result.parse_error = f"is not valid JSON{where}: {parsed.error}"
        return
    value = parsed.value
    if len(raw) <= CONTENT_JSON_MAX_BYTES:
        result.content_json = value
    for name in INTERNAL_TIME_FIELDS.get(kind, ()):
        if isinstance(value, dict) and try_parse_timestamp(value.get(name)):
            result.internal_time, result.internal_time_field = value[name], name
            break
    if kind == "id-token-claims" and isinstance(value, dict) and isinstance(value.get("iat"), int):
        result.internal_time_field = "iat"
        result.internal_time = _epoch_to_iso(value["iat"])
    if kind == "okta-api-response":
        result.api_responses.append(_api_row(value))
        sent = result.api_responses[0]["sent_at_raw"]
        if sent:
            result.internal_time, result.internal_time_field = sent, "request.sent_at"
    elif kind == "scim-exchange":
        _read_scim(value, result)


def _read_http_capture(kind: str, capture: content.HttpCapture, result: ArtifactContent) -> None:
    result.media = "http"
    result.content_json = capture.body
    if kind == "okta-api-response":
        result.api_responses.append(
            {
                "method": capture.method,
                "url": capture.url,
                "sent_at_raw": None,
                "status": capture.status,
                "body": capture.body,
            }
        )
        return
    result.scim_exchanges.append(
        {
            "seq": 0,
            "sent_at_raw": None,
            "method": capture.method,
            "path": capture.url,
            "request_body": capture.body if capture.method else None,
            "status": capture.status,
            "response_body": capture.body if capture.status else None,
        }
    )
    result.problems.append(
        (None, "is a single HTTP capture, not a list of {sent_at, request, response} exchanges")
    )


def _api_row(value: Any) -> dict[str, Any]:
    wrapped = (
        isinstance(value, dict)
        and isinstance(value.get("request"), dict)
        and "body" in value
        and "status" in value
    )
    if not wrapped:
        return {"method": None, "url": None, "sent_at_raw": None, "status": None, "body": value}
    request = value["request"]
    status = value.get("status")
    return {
        "method": request.get("method"),
        "url": request.get("url"),
        "sent_at_raw": request.get("sent_at") if isinstance(request.get("sent_at"), str) else None,
        "status": status if isinstance(status, int) else None,
        "body": value.get("body"),
    }


def _read_scim(value: Any, result: ArtifactContent) -> None:
    if not isinstance(value, list):
        result.problems.append(
            (None, "is not a list of SCIM exchanges ({sent_at, request, response} objects)")
        )
        return
    latest: str | None = None
    for seq, item in enumerate(value):
        if not isinstance(item, dict):
            result.problems.append((f"[{seq}]", f"exchange {seq} is not a JSON object"))
            continue
        request = item.get("request") if isinstance(item.get("request"), dict) else {}
        response = item.get("response") if isinstance(item.get("response"), dict) else {}
        status = response.get("status")
        if isinstance(status, str) and status.isdigit():
            status = int(status)
        sent = item.get("sent_at") if isinstance(item.get("sent_at"), str) else None
        result.scim_exchanges.append(
            {
                "seq": seq,
                "sent_at_raw": sent,
                "method": str(request.get("method") or "").upper() or None,
                "path": request.get("path"),
                "request_body": request.get("body"),
                "status": status if isinstance(status, int) else None,
                "response_body": response.get("body"),
            }
        )
        if sent and try_parse_timestamp(sent) and (latest is None or sent > latest):
            latest = sent
    if latest:
        result.internal_time, result.internal_time_field = latest, "sent_at"


def _read_saml(raw: bytes, result: ArtifactContent) -> None:
    if result.media in ("pdf", "png", "jpeg"):
        result.parse_error = _mismatch("a SAML artifact", result.media, "XML")
        return
    saml = content.read_saml(raw)
    if saml.error is not None:
        result.parse_error = saml.error
        return
    result.content_json = {
        "encoding": saml.encoding,
        "root": saml.root,
        "issuers": saml.issuers,
        "urls": saml.urls,
        "has_assertion": saml.has_assertion,
        "has_encrypted_assertion": saml.has_encrypted_assertion,
        "status_code": saml.status_code,
        "times": saml.times,
    }
    issued = saml.times.get("IssueInstant")
    if issued and try_parse_timestamp(issued):
        result.internal_time, result.internal_time_field = issued, "IssueInstant"


def _read_screenshot(raw: bytes, result: ArtifactContent) -> None:
    image = content.read_image(raw)
    if image.error is not None:
        result.parse_error = image.error
        return
    result.content_json = {
        "format": image.format,
        "width": image.width,
        "height": image.height,
        "metadata": image.metadata,
    }
    if image.created_at and try_parse_timestamp(image.created_at):
        result.internal_time, result.internal_time_field = image.created_at, "image metadata"


def _read_document(raw: bytes, media: str, result: ArtifactContent) -> None:
    if media in ("png", "jpeg"):
        result.parse_error = _mismatch("a document", media, "PDF, Markdown or text")
        return
    doc_media = media if media in ("pdf", "markdown") else "text"
    doc = content.read_document(raw, doc_media)
    result.document = {
        "media": doc_media,
        "readable": doc.readable,
        "error": doc.error,
        "page_count": doc.page_count,
        "title": doc.title,
        "author": doc.author,
        "created_at": doc.created_at,
        "text": doc.text,
    }
    if not doc.readable:
        result.parse_error = doc.error or "could not be read"
    if doc.created_at and try_parse_timestamp(doc.created_at):
        result.internal_time, result.internal_time_field = doc.created_at, "PDF CreationDate"


def _epoch_to_iso(seconds: int) -> str:
    from datetime import UTC, datetime

    return datetime.fromtimestamp(seconds, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
