"""Readers for artifact content: JSON, HTTP captures, SAML, documents (PDF, Markdown, text), images.

Every reader accepts the file's bytes or a Path and never raises for bad content. It returns a
frozen result whose `error` is None on success, or a plain-English sentence that says what is
wrong and what the partner can do. Errors never name the file, because the caller adds the path.

PDFs are parsed by pypdf in a child process with a wall-clock timeout and an address-space limit,
because a damaged or hostile PDF can make pypdf run for minutes or allocate gigabytes.
"""

from __future__ import annotations

import base64
import binascii
import codecs
import dataclasses
import json
import logging
import os
import pickle
import re
import subprocess
import sys
import warnings
import xml.etree.ElementTree as ElementTree
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from email.utils import parsedate_to_datetime
from io import BytesIO
from pathlib import Path, PurePosixPath
from typing import Any
from urllib.parse import unquote_plus

import defusedxml
import defusedxml.ElementTree as DefusedElementTree
from PIL import ExifTags, Image

logger = logging.getLogger(__name__)

Source = bytes | Path

# Artifact media types that media_for returns.
MEDIA_TYPES = ("pdf", "markdown", "text", "png", "jpeg", "json", "xml", "unknown")

MAX_SAML_INFLATED_BYTES = 10 * 1024 * 1024
MAX_IMAGE_METADATA_VALUE_CHARS = 4096
_MAX_DETAIL_CHARS = 200


def _read_source(source: Source) -> tuple[bytes | None, str | None]:
    """Return the bytes of `source`, or an error sentence when a Path cannot be read."""
    if isinstance(source, bytes | bytearray | memoryview):
        return bytes(source), None
    try:
        return Path(source).read_bytes(), None
    except OSError as exc:
        logger.warning("could not read %s: %s", source, exc)
        return None, f"The file could not be read ({exc.strerror or exc}). Submit the file again."


def _short(detail: object) -> str:
    """Return `detail` on one line, without a final period and cut to _MAX_DETAIL_CHARS."""
    text = " ".join(str(detail).split()).rstrip(".")
    if len(text) > _MAX_DETAIL_CHARS:
        return text[: _MAX_DETAIL_CHARS - 1] + "…"
    return text


def _line_and_column(text: str, offset: int) -> tuple[int, int]:
    """Return the 1-based line and column of a character offset in `text`."""
    line = text.count("\n", 0, offset) + 1
    column = offset - (text.rfind("\n", 0, offset) + 1) + 1
    return line, column


def _decode_text(raw: bytes) -> str:
    """Decode text as UTF-8 (with or without BOM) or UTF-16 with BOM, falling back to Latin-1."""
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return raw.decode("utf-16")
        except UnicodeDecodeError:
            pass
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        # Latin-1 maps every byte, so this cannot fail. Word and old Windows tools still write it.
        return raw.decode("latin-1")


# ---------------------------------------------------------------------------------------------
# JSON
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class JsonResult:
    """Parsed JSON value, or an error with its 1-based line and column where one is known."""

    value: Any | None
    error: str | None
    line: int | None
    column: int | None


def _reject_constant(name: str) -> None:
    raise ValueError(name)


def _decode_json_text(raw: bytes) -> tuple[str | None, JsonResult | None]:
    """Decode JSON bytes per RFC 8259 (UTF-8, UTF-16 or UTF-32, BOM allowed)."""
    encoding = json.detect_encoding(raw)
    try:
        return raw.decode(encoding), None
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        column = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        byte = raw[exc.start : exc.start + 1].hex().upper()
        message = (
            f"The file is not valid {encoding.upper().replace('-SIG', '')} text: byte 0x{byte} "
            f"at line {line}, column {column} cannot be decoded. Save the file as UTF-8 and "
            "submit it again."
        )
        return None, JsonResult(None, message, line, column)


def _parse_json_text(text: str, line_offset: int = 0) -> JsonResult:
    """Parse JSON text, reporting positions shifted down by `line_offset` lines."""
    if not text.strip():
        return JsonResult(None, "The file is empty, so it contains no JSON value.", None, None)
    try:
        value = json.loads(text, parse_constant=_reject_constant)
    except json.JSONDecodeError as exc:
        return _json_syntax_error(text, exc, line_offset)
    except RecursionError:
        message = "The JSON is nested too deeply to read. Flatten it and submit the file again."
        return JsonResult(None, message, None, None)
    except ValueError as exc:
        # parse_constant rejects NaN and Infinity, and Python rejects integers over 4300 digits.
        message = (
            f"The JSON contains a value that standard JSON does not allow ({_short(exc)}). "
            "Replace it with a number or a string and submit the file again."
        )
        return JsonResult(None, message, None, None)
    return JsonResult(value, None, None, None)


def _json_syntax_error(text: str, exc: json.JSONDecodeError, line_offset: int) -> JsonResult:
    position = exc.pos
    before = text[:position].rstrip()
    if position < len(text) and text[position] in "]}" and before.endswith(","):
        line, column = _line_and_column(text, len(before) - 1)
        line += line_offset
        closer = text[position]
        message = (
            f"Invalid JSON at line {line}, column {column}: a trailing comma before '{closer}' "
            "is not allowed. Remove the comma and submit the file again."
        )
        return JsonResult(None, message, line, column)

    line = exc.lineno + line_offset
    column = exc.colno
    if exc.msg == "Extra data":
        detail = (
            "extra data after the first JSON value (a JSON file holds one value, and NDJSON "
            "holds one value per line)"
        )
    else:
        detail = exc.msg[:1].lower() + exc.msg[1:]
    message = (
        f"Invalid JSON at line {line}, column {column}: {detail}. Fix the syntax there "
        "(a JSON validator shows the exact spot) and submit the file again."
    )
    return JsonResult(None, message, line, column)


def read_json_bytes(raw: Source) -> JsonResult:
    """Parse one JSON value from UTF-8 bytes, with or without BOM, and detect UTF-16 or UTF-32.

    A trailing comma, NaN or Infinity is reported as an error, because evidence must parse with
    any standard JSON reader.
    """
    data, read_error = _read_source(raw)
    if data is None:
        return JsonResult(None, read_error, None, None)
    text, decode_error = _decode_json_text(data)
    if text is None:
        return decode_error or JsonResult(None, "The file could not be decoded.", None, None)
    result = _parse_json_text(text)
    if result.error:
        logger.debug("JSON rejected: %s", result.error)
    return result


def read_ndjson_bytes(raw: Source) -> JsonResult:
    """Parse newline-delimited JSON (one value per line, blank lines skipped) into a list."""
    data, read_error = _read_source(raw)
    if data is None:
        return JsonResult(None, read_error, None, None)
    text, decode_error = _decode_json_text(data)
    if text is None:
        return decode_error or JsonResult(None, "The file could not be decoded.", None, None)
    if not text.strip():
        return JsonResult(None, "The file is empty, so it contains no JSON lines.", None, None)

    values: list[Any] = []
    for index, line_text in enumerate(text.split("\n")):
        if not line_text.strip():
            continue
        result = _parse_json_text(line_text, line_offset=index)
        if result.error:
            logger.debug("NDJSON rejected: %s", result.error)
            return result
        values.append(result.value)
    return JsonResult(values, None, None, None)


# ---------------------------------------------------------------------------------------------
# HTTP captures
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class HttpCapture:
    """One HTTP request or response as captured text.

    A request has `method` and `url` (the request target as written); a response has `status`.
    Header names keep the case they were written in, and repeated headers are joined with ", ".
    `body` is the parsed JSON value, the body text when it is not JSON, or None when empty.
    """

    method: str | None
    url: str | None
    status: int | None
    headers: dict[str, str]
    body: Any | None
    error: str | None


_REQUEST_LINE = re.compile(r"^([A-Z][A-Z-]*)\s+(\S+)(?:\s+HTTP/\d(?:\.\d)?)?\s*$")
_STATUS_LINE = re.compile(r"^HTTP/\d(?:\.\d)?\s+(\d{3})(?:\s+.*)?$")
_HEADER_LINE = re.compile(r"^([!#$%&'*+.^_`|~0-9A-Za-z-]+):\s*(.*)$")


def _parse_headers(lines: list[str], start: int) -> tuple[dict[str, str], int, str | None]:
    """Parse header lines from `start` up to the first blank line and find the body's line index."""
    headers: dict[str, str] = {}
    last_name: str | None = None
    index = start
    while index < len(lines) and lines[index].strip():
        line = lines[index]
        if line[0] in " \t" and last_name is not None:
            headers[last_name] = f"{headers[last_name]} {line.strip()}"
        else:
            match = _HEADER_LINE.match(line)
            if match is None:
                message = (
                    f"Line {index + 1} is not an HTTP header of the form 'Name: value'. Separate "
                    "the headers from the body with one empty line and submit the capture again."
                )
                return headers, index, message
            name, value = match.group(1), match.group(2).strip()
            headers[name] = f"{headers[name]}, {value}" if name in headers else value
            last_name = name
        index += 1
    return headers, index + 1, None


def _parse_http_body(
    lines: list[str], body_index: int, headers: dict[str, str]
) -> tuple[Any | None, str | None]:
    body_text = "\n".join(lines[body_index:]).strip("\n")
    if not body_text.strip():
        return None, None

    content_type = next(
        (value for name, value in headers.items() if name.lower() == "content-type"), ""
    )
    looks_like_json = body_text.lstrip().startswith(("{", "["))
    if "json" not in content_type.lower() and not looks_like_json:
        return body_text, None

    leading_blank_lines = len(body_text) - len(body_text.lstrip("\n"))
    result = _parse_json_text(body_text, line_offset=body_index + leading_blank_lines)
    if result.error is None:
        return result.value, None
    message = "The body is not valid JSON. " + result.error.replace(
        "submit the file again", "submit the capture again"
    )
    return body_text, message


def read_http_capture(raw: Source) -> HttpCapture:
    """Parse a raw HTTP request or response (start line, headers, blank line, JSON body)."""
    data, read_error = _read_source(raw)
    if data is None:
        return HttpCapture(None, None, None, {}, None, read_error)

    lines = _decode_text(data).replace("\r\n", "\n").replace("\r", "\n").split("\n")
    start = 0
    while start < len(lines) and not lines[start].strip():
        start += 1
    if start == len(lines):
        return HttpCapture(None, None, None, {}, None, "The file is empty.")

    first_line = lines[start].strip()
    method: str | None = None
    url: str | None = None
    status: int | None = None
    request_match = _REQUEST_LINE.match(first_line)
    status_match = _STATUS_LINE.match(first_line)
    if status_match:
        status = int(status_match.group(1))
    elif request_match:
        method, url = request_match.group(1), request_match.group(2)
    else:
        message = (
            f"Line {start + 1} is neither an HTTP request line such as 'POST /scim/v2/Users "
            "HTTP/1.1' nor a status line such as 'HTTP/1.1 201 Created'. Submit the request or "
            "response exactly as it was sent."
        )
        return HttpCapture(None, None, None, {}, None, message)

    headers, body_index, header_error = _parse_headers(lines, start + 1)
    if header_error:
        return HttpCapture(method, url, status, headers, None, header_error)
    body, body_error = _parse_http_body(lines, body_index, headers)
    if body_error:
        logger.debug("HTTP capture body rejected: %s", body_error)
    return HttpCapture(method, url, status, headers, body, body_error)


# ---------------------------------------------------------------------------------------------
# SAML
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SamlResult:
    """What a SAML message or metadata document contains, as far as review needs it.

    `encoding` is "xml", "base64" or "deflate+base64". `issuers` contains the distinct texts of
    Issuer elements and the entityID attributes of EntityDescriptor elements, in document order.
    `urls` contains the distinct http(s) URLs in attribute values and element text, except in
    Algorithm, Name, NameFormat, Format and Type attributes, which hold identifiers, not addresses.
    `times` maps IssueInstant and validUntil (of the root), NotBefore and NotOnOrAfter (of the
    first Conditions) and AuthnInstant (of the first AuthnStatement) to their raw strings.
    """

    xml: str | None
    encoding: str
    root: str | None
    issuers: list[str]
    urls: list[str]
    has_encrypted_assertion: bool
    has_assertion: bool
    status_code: str | None
    times: dict[str, str]
    error: str | None


_BASE64_TEXT = re.compile(rb"^[A-Za-z0-9+/_-]+={0,2}$")
_SAML_FORM_FIELD = re.compile(rb"(?:^|[?&])(?:SAMLResponse|SAMLRequest)=([^&\s]*)")
_URL = re.compile(r"https?://[^\s<>\"']+")
_IDENTIFIER_ATTRIBUTES = frozenset({"Algorithm", "Name", "NameFormat", "Format", "Type"})
_XML_WHITESPACE = b" \t\r\n"


def _saml_failure(encoding: str, error: str, xml: str | None = None) -> SamlResult:
    logger.debug("SAML rejected: %s", error)
    return SamlResult(xml, encoding, None, [], [], False, False, None, {}, error)


def _inflate(data: bytes) -> tuple[bytes | None, str | None]:
    """Inflate raw DEFLATE data (HTTP-Redirect binding), or zlib/gzip-wrapped data, with a cap."""
    for wbits in (-zlib.MAX_WBITS, zlib.MAX_WBITS | 32):
        inflater = zlib.decompressobj(wbits)
        try:
            output = inflater.decompress(data, MAX_SAML_INFLATED_BYTES + 1)
        except zlib.error:
            continue
        if len(output) > MAX_SAML_INFLATED_BYTES:
            limit_mb = MAX_SAML_INFLATED_BYTES // (1024 * 1024)
            return None, (
                f"The DEFLATE-compressed content expands to more than {limit_mb} MB, which is "
                "far larger than any SAML message. Submit the SAML message as plain XML."
            )
        return output, None
    return None, None


def _base64_payload(data: bytes) -> bytes | None:
    """Return the base64 text in `data`: a bare value, or the SAMLResponse/SAMLRequest field."""
    field_match = _SAML_FORM_FIELD.search(data)
    if field_match:
        data = field_match.group(1)
    if b"%" in data:
        # A value copied from a form body or a Redirect URL is URL-encoded (%2B, %2F, %3D).
        data = unquote_plus(data.decode("ascii", errors="replace")).encode("ascii", "replace")
    compact = re.sub(rb"\s+", b"", data)
    if not compact or not _BASE64_TEXT.match(compact):
        return None
    return compact


def _decode_saml(raw: bytes) -> tuple[bytes | None, str, str | None]:
    """Return the XML bytes, the detected encoding and an error sentence."""
    content = raw.removeprefix(codecs.BOM_UTF8).strip(_XML_WHITESPACE)
    if not content:
        message = (
            "The file is empty. Submit the SAML message or metadata as XML, or as the base64 "
            "SAMLResponse value exactly as it was posted."
        )
        return None, "xml", message
    if content.startswith(b"<"):
        return content, "xml", None

    payload = _base64_payload(content)
    decoded: bytes | None = None
    if payload is not None:
        unpadded = payload.rstrip(b"=")
        padded = unpadded + b"=" * (-len(unpadded) % 4)
        altchars = b"-_" if (b"-" in payload or b"_" in payload) else None
        try:
            decoded = base64.b64decode(padded, altchars=altchars, validate=True)
        except (binascii.Error, ValueError):
            decoded = None
    if decoded is None:
        message = (
            "The content is neither XML nor base64-encoded SAML. Submit the XML, or the "
            "SAMLResponse value exactly as it was posted."
        )
        return None, "xml", message

    stripped = decoded.removeprefix(codecs.BOM_UTF8).lstrip(_XML_WHITESPACE)
    if stripped.startswith(b"<"):
        return stripped, "base64", None

    inflated, inflate_error = _inflate(decoded)
    if inflate_error:
        return None, "deflate+base64", inflate_error
    if inflated is not None:
        stripped = inflated.removeprefix(codecs.BOM_UTF8).lstrip(_XML_WHITESPACE)
        if stripped.startswith(b"<"):
            return stripped, "deflate+base64", None
        message = (
            "The content is base64 and DEFLATE-compressed, but what it contains is not XML. "
            "Submit the SAML message as plain XML."
        )
        return None, "deflate+base64", message
    message = (
        "The content is valid base64, but it decodes neither to XML nor to DEFLATE-compressed "
        "XML. Submit the SAML message as plain XML."
    )
    return None, "base64", message


def _local_name(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _elements(root: ElementTree.Element) -> Iterator[tuple[str, ElementTree.Element]]:
    for element in root.iter():
        if isinstance(element.tag, str):
            yield _local_name(element.tag), element


def _append_distinct(values: list[str], value: str) -> None:
    if value and value not in values:
        values.append(value)


def _summarise_saml(root: ElementTree.Element) -> dict[str, Any]:
    """Collect issuers, URLs, assertion flags, status code and times from a parsed document."""
    issuers: list[str] = []
    urls: list[str] = []
    has_assertion = False
    has_encrypted_assertion = False
    status_code: str | None = None
    times: dict[str, str] = {}

    for attribute in ("IssueInstant", "validUntil"):
        if root.get(attribute):
            times[attribute] = root.get(attribute, "")

    for name, element in _elements(root):
        if name == "Issuer":
            _append_distinct(issuers, (element.text or "").strip())
        elif name == "EntityDescriptor":
            _append_distinct(issuers, (element.get("entityID") or "").strip())
        elif name == "Assertion":
            has_assertion = True
        elif name == "EncryptedAssertion":
            has_encrypted_assertion = True
        elif name == "StatusCode" and status_code is None:
            status_code = element.get("Value")
        elif name == "Conditions" and "NotBefore" not in times and "NotOnOrAfter" not in times:
            for attribute in ("NotBefore", "NotOnOrAfter"):
                if element.get(attribute):
                    times[attribute] = element.get(attribute, "")
        elif name == "AuthnStatement" and element.get("AuthnInstant"):
            times.setdefault("AuthnInstant", element.get("AuthnInstant", ""))

        for attribute, value in element.attrib.items():
            if _local_name(attribute) not in _IDENTIFIER_ATTRIBUTES:
                for url in _URL.findall(value):
                    _append_distinct(urls, url)
        for url in _URL.findall(element.text or ""):
            _append_distinct(urls, url)

    return {
        "issuers": issuers,
        "urls": urls,
        "has_assertion": has_assertion,
        "has_encrypted_assertion": has_encrypted_assertion,
        "status_code": status_code,
        "times": times,
    }


def read_saml(raw: Source) -> SamlResult:
    """Decode and parse a SAML message or metadata document given as XML, base64 or DEFLATE.

    Parsing goes through defusedxml with DTDs forbidden, so entity expansion and external
    entities are rejected before anything is resolved. DEFLATE output is capped at
    MAX_SAML_INFLATED_BYTES. Signatures are not verified.
    """
    data, read_error = _read_source(raw)
    if data is None:
        return _saml_failure("xml", read_error or "The file could not be read.")

    xml_bytes, encoding, decode_error = _decode_saml(data)
    if xml_bytes is None:
        return _saml_failure(encoding, decode_error or "The content could not be decoded.")

    xml_text = _decode_text(xml_bytes)
    # _decode_saml strips leading blank lines, so shift reported lines to match the file.
    plain_prefix = data.removeprefix(codecs.BOM_UTF8)
    line_offset = 0
    if encoding == "xml":
        line_offset = plain_prefix[: len(plain_prefix) - len(plain_prefix.lstrip())].count(b"\n")
    where = "" if encoding == "xml" else " of the decoded XML"

    try:
        root = DefusedElementTree.fromstring(xml_bytes, forbid_dtd=True)
    except defusedxml.DefusedXmlException:
        message = (
            "The XML contains a DTD or entity declarations, which are not accepted. Submit the "
            "SAML message or metadata without a DOCTYPE declaration."
        )
        return _saml_failure(encoding, message, xml_text)
    except ElementTree.ParseError as exc:
        line, column = exc.position
        reason = _short(str(exc).split(":")[0])
        message = (
            f"Invalid XML at line {line + line_offset}, column {column + 1}{where}: {reason}. "
            "Submit the SAML message or metadata exactly as it was captured."
        )
        return _saml_failure(encoding, message, xml_text)
    except ValueError as exc:
        # Expat raises ValueError for some encoding declarations it cannot honour.
        message = (
            f"The XML could not be parsed ({_short(exc)}). Save it as UTF-8 and submit it again."
        )
        return _saml_failure(encoding, message, xml_text)

    summary = _summarise_saml(root)
    return SamlResult(
        xml=xml_text,
        encoding=encoding,
        root=_local_name(root.tag),
        issuers=summary["issuers"],
        urls=summary["urls"],
        has_encrypted_assertion=summary["has_encrypted_assertion"],
        has_assertion=summary["has_assertion"],
        status_code=summary["status_code"],
        times=summary["times"],
        error=None,
    )


# ---------------------------------------------------------------------------------------------
# Documents: PDF, Markdown, text
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DocumentResult:
    """Text and metadata of a written document.

    `readable` is True when `text` contains the document's text. `error` may still be set then, for
    example when some PDF pages failed. `truncated` is True when the text stops at the page or
    character limit. `created_at` is the PDF CreationDate in ISO 8601, with the offset only when
    the PDF gave one.
    """

    text: str
    page_count: int | None
    title: str | None
    author: str | None
    producer: str | None
    created_at: str | None
    readable: bool
    error: str | None
    encrypted: bool
    truncated: bool = False


@dataclass(frozen=True)
class PdfLimits:
    """Resource limits for reading one PDF in the child process."""

    timeout_seconds: float = 20.0
    memory_bytes: int = 1024 * 1024 * 1024
    max_pages: int = 500
    max_chars: int = 2_000_000


DEFAULT_PDF_LIMITS = PdfLimits()
# The folder that contains the `ingest` package, put on the reader subprocess's PYTHONPATH.
_PACKAGE_ROOT = Path(__file__).resolve().parent.parent
_PDF_CHILD_CODE = "from ingest.content import _pdf_child_entry; _pdf_child_entry()"


@dataclass(frozen=True)
class _PdfExtraction:
    """Extraction result that the child process sends back, with the failure kind in `problem`."""

    text: str = ""
    page_count: int | None = None
    failed_pages: int = 0
    pages_read: int = 0
    metadata: dict[str, str] = field(default_factory=dict)
    encrypted: bool = False
    truncated: bool = False
    problem: str | None = None
    detail: str = ""


_PDF_DATE = re.compile(
    r"^(?:D:)?(\d{4})(\d{2})?(\d{2})?(\d{2})?(\d{2})?(\d{2})?"
    r"(?:(Z)|([+-])(\d{2})'?(?:(\d{2})'?)?)?"
)
_MARKDOWN_HEADING = re.compile(r"^#{1,6}[ \t]+(.+?)[ \t]*#*[ \t]*$", re.MULTILINE)


def _pdf_date_to_iso(raw: str | None) -> str | None:
    """Convert a PDF date ("D:20261103140000Z", "D:20100802090958-05'00'") to ISO 8601."""
    if not raw:
        return None
    match = _PDF_DATE.match(raw.strip())
    if match is None:
        return None
    year, month, day, hour, minute, second, zulu, sign, offset_hours, offset_minutes = (
        match.groups()
    )
    try:
        moment = datetime(
            int(year),
            int(month or 1),
            int(day or 1),
            int(hour or 0),
            int(minute or 0),
            int(second or 0),
        )
    except ValueError:
        return None
    text = moment.strftime("%Y-%m-%dT%H:%M:%S")
    if zulu:
        return text + "Z"
    if sign:
        if int(offset_hours) > 23 or int(offset_minutes or 0) > 59:
            return None
        return f"{text}{sign}{offset_hours}:{offset_minutes or '00'}"
    return text


def _format_bytes(count: int) -> str:
    if count >= 1024**3:
        return f"{count / 1024**3:g} GiB"
    return f"{count / 1024**2:g} MiB"


def _limit_address_space(limit_bytes: int) -> None:
    """Cap the address space of the current process (the PDF child) at `limit_bytes`."""
    try:
        import resource
    except ImportError:  # Windows has no resource module, but the timeout still applies.
        logger.warning("resource module missing; PDF child runs without a memory limit")
        return
    _soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    if hard != resource.RLIM_INFINITY:
        limit_bytes = min(limit_bytes, hard)
    try:
        resource.setrlimit(resource.RLIMIT_AS, (limit_bytes, limit_bytes))
    except (ValueError, OSError) as exc:
        logger.warning("could not set RLIMIT_AS for the PDF child: %s", exc)


def _pdf_metadata(reader: Any) -> dict[str, str]:
    keys = {"title": "/Title", "author": "/Author", "producer": "/Producer"}
    keys["creation_date"] = "/CreationDate"
    try:
        info = reader.metadata
    except Exception as exc:  # noqa: BLE001 - a broken Info dictionary must not hide the text
        logger.debug("PDF metadata unreadable: %s", exc)
        return {}
    if not info:
        return {}
    values: dict[str, str] = {}
    for name, key in keys.items():
        try:
            value = info.get(key)
            value = value.get_object() if hasattr(value, "get_object") else value
        except Exception:  # noqa: BLE001 - same reason as above
            continue
        if value is not None and str(value).strip():
            values[name] = str(value).strip()
    return values


def _raise_if_content_over_limit(reader: Any, page_limit: int) -> None:
    """Raise LimitReachedError if a page's content stream exceeds pypdf's decompression limit.

    pypdf 7.1 extract_text() returns "" for such a page instead of raising, so without this
    check a decompression bomb would be reported as a PDF without a text layer.
    """
    from pypdf.errors import LimitReachedError

    for index in range(page_limit):
        try:
            contents = reader.pages[index].get_contents()
            if contents is not None:
                contents.get_data()
        except (MemoryError, LimitReachedError):
            raise
        except Exception as exc:  # noqa: BLE001 - only the size limit matters here
            logger.debug("PDF page %d content unreadable: %s", index + 1, exc)


def _extract_pdf(raw: bytes, limits: PdfLimits) -> _PdfExtraction:
    """Open the PDF with pypdf and extract text page by page, within the page and text limits."""
    # pypdf is imported here so that only the child process loads it.
    from pypdf import PasswordType, PdfReader
    from pypdf.errors import LimitReachedError

    reader = PdfReader(BytesIO(raw))
    encrypted = reader.is_encrypted
    if encrypted:
        try:
            password_result = reader.decrypt("")
        except Exception as exc:  # noqa: BLE001 - e.g. an unsupported or corrupt /Encrypt entry
            return _PdfExtraction(
                encrypted=True, problem="encryption-unsupported", detail=_short(exc)
            )
        if password_result == PasswordType.NOT_DECRYPTED:
            return _PdfExtraction(encrypted=True, problem="encrypted")

    page_count = len(reader.pages)
    metadata = _pdf_metadata(reader)
    texts: list[str] = []
    total_chars = 0
    failed_pages = 0
    pages_read = 0
    truncated = page_count > limits.max_pages
    for index in range(min(page_count, limits.max_pages)):
        try:
            page_text = reader.pages[index].extract_text() or ""
        except (MemoryError, LimitReachedError):
            raise
        except Exception as exc:  # noqa: BLE001 - pypdf raises many types on broken pages
            logger.debug("PDF page %d unreadable: %s", index + 1, exc)
            failed_pages += 1
            continue
        pages_read += 1
        texts.append(page_text)
        total_chars += len(page_text) + 2
        if total_chars >= limits.max_chars:
            truncated = truncated or index + 1 < page_count or total_chars > limits.max_chars
            break

    text = "\n\n".join(texts)[: limits.max_chars]
    if not text.strip():
        _raise_if_content_over_limit(reader, min(page_count, limits.max_pages))
    return _PdfExtraction(
        text=text,
        page_count=page_count,
        failed_pages=failed_pages,
        pages_read=pages_read,
        metadata=metadata,
        encrypted=encrypted,
        truncated=truncated,
    )


def _pdf_child_main(connection: Any, raw: bytes, limits: PdfLimits) -> None:
    """Run in the child process: apply the memory limit, extract, send one _PdfExtraction."""
    _limit_address_space(limits.memory_bytes)
    logging.getLogger("pypdf").setLevel(logging.CRITICAL)
    warnings.simplefilter("ignore")
    try:
        from pypdf.errors import LimitReachedError

        try:
            extraction = _extract_pdf(raw, limits)
        except LimitReachedError as exc:
            extraction = _PdfExtraction(problem="limit", detail=_short(exc))
    except MemoryError:
        extraction = _PdfExtraction(problem="memory")
    except Exception as exc:  # noqa: BLE001 - any parser failure is reported, never re-raised
        detail = _short(f"{type(exc).__name__}: {exc}")
        extraction = _PdfExtraction(problem="damaged", detail=detail)
    try:
        connection.send(extraction)
    except (MemoryError, OSError):
        pass  # no result arrives, so the parent reports that the reader stopped
    finally:
        connection.close()


class _StreamConnection:
    """The `send`/`close` half of a Connection, writing one extraction as JSON to a stream.

    JSON rather than pickle: the child parses hostile PDFs, so what it sends back must not
    be able to run code in the parent when decoded.
    """

    def __init__(self, stream: Any) -> None:
        self._stream = stream

    def send(self, value: _PdfExtraction) -> None:
        self._stream.write(json.dumps(dataclasses.asdict(value)).encode("utf-8"))
        self._stream.flush()

    def close(self) -> None:
        self._stream.close()


def _pdf_child_entry() -> None:
    """Run _pdf_child_main in the reader subprocess: (raw, limits) on stdin, result on stdout."""
    result_stream = sys.stdout.buffer
    # Anything the parser prints goes to stderr, so stdout carries only the JSON result.
    sys.stdout = sys.stderr
    raw, limits = pickle.load(sys.stdin.buffer)
    _pdf_child_main(_StreamConnection(result_stream), raw, limits)


def _run_pdf_child(raw: bytes, limits: PdfLimits) -> tuple[_PdfExtraction | None, str | None]:
    """Run _pdf_child_main in a new Python process; return its extraction or an error sentence.

    The child is a plain `python -c` process, not a multiprocessing "spawn" child. Spawn
    re-runs `sys.modules["__main__"].__file__` in the child, and inside Streamlit that is
    the page script being run (Streamlit 1.67 installs each page as `__main__`), so the
    child would run the page, open the database and exit before reading the PDF.
    """
    command = [sys.executable, "-c", _PDF_CHILD_CODE]
    python_path = [str(_PACKAGE_ROOT), os.environ.get("PYTHONPATH", "")]
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(part for part in python_path if part)}
    try:
        process = subprocess.Popen(
            command,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            env=env,
        )
    except OSError as exc:
        logger.error("could not start the PDF reader process: %s", exc)
        return None, (
            f"The PDF could not be read because the reader process failed to start ({exc}). "
            "Ask the Butterfly Review operators to check the server."
        )

    stopped_message = (
        "The PDF reader stopped unexpectedly (exit code {code}), for example because the PDF "
        f"needs more than {_format_bytes(limits.memory_bytes)} of memory. Export the document "
        "to PDF again and submit the new file."
    )
    try:
        output, _ = process.communicate(pickle.dumps((raw, limits)), timeout=limits.timeout_seconds)
    except subprocess.TimeoutExpired:
        process.kill()
        process.communicate()
        logger.warning(
            "PDF reader timed out after %s s (pid %s)", limits.timeout_seconds, process.pid
        )
        return None, (
            f"Reading the PDF timed out after {limits.timeout_seconds:g} seconds, so it was "
            "stopped. Export the document to PDF again, or submit a smaller PDF with "
            "selectable text."
        )
    except OSError as exc:
        # The child died before reading all of its input (a broken pipe).
        process.kill()
        process.wait()
        logger.warning("PDF reader process stopped (exit code %s): %s", process.returncode, exc)
        return None, stopped_message.format(code=process.returncode)

    if output:
        extraction = _decode_extraction(output)
        if extraction is not None:
            return extraction, None
    logger.warning("PDF reader process exited early with exit code %s", process.returncode)
    return None, stopped_message.format(code=process.returncode)


def _decode_extraction(output: bytes) -> _PdfExtraction | None:
    """Decode the child's JSON result, or return None when it is not a valid extraction."""
    try:
        fields = json.loads(output)
        extraction = _PdfExtraction(**fields)
    except (ValueError, TypeError) as exc:
        logger.warning("PDF reader sent an unreadable result: %s", exc)
        return None
    valid = (
        isinstance(extraction.text, str)
        and isinstance(extraction.metadata, dict)
        and all(isinstance(v, str) for v in extraction.metadata.values())
    )
    return extraction if valid else None


_PDF_PROBLEMS = {
    "encrypted": (
        "The PDF is encrypted and cannot be opened without a password. Submit it again without "
        "a password or other protection."
    ),
    "encryption-unsupported": (
        "The PDF is encrypted with a method that cannot be read ({detail}). Submit it again "
        "without a password or other protection."
    ),
    "damaged": (
        "The PDF is damaged and could not be read ({detail}). Export or print the document to "
        "PDF again and submit the new file."
    ),
    "limit": (
        "The PDF exceeds a safety limit of the PDF reader ({detail}), as damaged files and "
        "decompression bombs do. Export the document to PDF again and submit the new file."
    ),
    "memory": (
        "Reading the PDF needed more than {memory} of memory, so it was stopped. Export the "
        "document to PDF again and submit the new file."
    ),
}


def _read_pdf(raw: bytes, limits: PdfLimits) -> DocumentResult:
    if b"%PDF-" not in raw[:1024]:
        return _unreadable(
            "The file is not a PDF because it does not start with %PDF. Submit the document as "
            "PDF, Markdown or text."
        )

    extraction, run_error = _run_pdf_child(raw, limits)
    if extraction is None:
        return _unreadable(run_error or "The PDF could not be read.")

    metadata = extraction.metadata
    common: dict[str, Any] = {
        "page_count": extraction.page_count,
        "title": metadata.get("title"),
        "author": metadata.get("author"),
        "producer": metadata.get("producer"),
        "created_at": _pdf_date_to_iso(metadata.get("creation_date")),
        "encrypted": extraction.encrypted,
        "truncated": extraction.truncated,
    }
    if extraction.problem:
        message = _PDF_PROBLEMS.get(extraction.problem, _PDF_PROBLEMS["damaged"]).format(
            detail=extraction.detail or "no detail", memory=_format_bytes(limits.memory_bytes)
        )
        logger.debug("PDF rejected: %s", message)
        return DocumentResult(text="", readable=False, error=message, **common)

    if extraction.page_count == 0:
        message = "The PDF has no pages. Export the document with its content and submit it again."
        return DocumentResult(text="", readable=False, error=message, **common)
    if not extraction.text.strip():
        if extraction.failed_pages:
            message = _PDF_PROBLEMS["damaged"].format(
                detail=f"none of its {extraction.failed_pages} pages could be read"
            )
        else:
            message = (
                "The PDF has no text layer (scanned image?). Submit a PDF with selectable text."
            )
        return DocumentResult(text="", readable=False, error=message, **common)

    error = None
    if extraction.failed_pages:
        attempted = extraction.failed_pages + extraction.pages_read
        error = (
            f"{extraction.failed_pages} of {attempted} pages could not be read, so the text is "
            "incomplete. Export the document to PDF again and submit the new file."
        )
    if extraction.truncated:
        logger.info(
            "PDF text truncated at %d pages or %d characters", limits.max_pages, limits.max_chars
        )
    return DocumentResult(text=extraction.text, readable=True, error=error, **common)


def _unreadable(message: str, *, encrypted: bool = False) -> DocumentResult:
    logger.debug("document rejected: %s", message)
    return DocumentResult(
        text="",
        page_count=None,
        title=None,
        author=None,
        producer=None,
        created_at=None,
        readable=False,
        error=message,
        encrypted=encrypted,
    )


def _read_plain_document(raw: bytes, media: str) -> DocumentResult:
    text = _decode_text(raw)
    if not text.strip():
        return _unreadable("The document is empty. Submit it with its content.")
    title = None
    if media == "markdown":
        heading = _MARKDOWN_HEADING.search(text.replace("\r\n", "\n"))
        title = heading.group(1) if heading else None
    return DocumentResult(
        text=text,
        page_count=None,
        title=title,
        author=None,
        producer=None,
        created_at=None,
        readable=True,
        error=None,
        encrypted=False,
    )


def read_document(
    raw: Source, media: str, *, limits: PdfLimits = DEFAULT_PDF_LIMITS
) -> DocumentResult:
    """Extract the text and metadata of a PDF, Markdown or text document.

    `media` is "pdf", "markdown" or "text", as media_for returns it. PDFs are read in a separate
    child process bounded by `limits`. Markdown and text are decoded as UTF-8 (BOM allowed),
    falling back to Latin-1 without an error. An empty document is not readable.
    """
    data, read_error = _read_source(raw)
    if data is None:
        return _unreadable(read_error or "The file could not be read.")
    if not data:
        return _unreadable("The file is empty. Submit the document with its content.")
    if media == "pdf":
        return _read_pdf(data, limits)
    if media in ("markdown", "text"):
        return _read_plain_document(data, media)
    return _unreadable(
        f"The file is {media} content, not a document. Submit written documents as PDF, "
        "Markdown or text."
    )


_EXTENSION_MEDIA = {
    ".pdf": "pdf",
    ".md": "markdown",
    ".markdown": "markdown",
    ".txt": "text",
    ".text": "text",
    ".log": "text",
    ".png": "png",
    ".jpg": "jpeg",
    ".jpeg": "jpeg",
    ".json": "json",
    ".ndjson": "json",
    ".jsonl": "json",
    ".xml": "xml",
}


def media_for(path: str, raw: bytes) -> str:
    """Classify content as one of MEDIA_TYPES from its magic bytes first, then its extension.

    Binary signatures (PDF, PNG, JPEG) and an XML declaration decide regardless of the name.
    Next the extension decides. For unknown extensions, text starting with "{" or "[" is JSON,
    text starting with "<" is XML, other UTF-8 text is text, and anything else is unknown.
    """
    if raw.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if raw.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if b"%PDF-" in raw[:1024]:
        return "pdf"
    head = raw[:4096].removeprefix(codecs.BOM_UTF8).lstrip()
    if head.startswith(b"<?xml"):
        return "xml"

    media = _EXTENSION_MEDIA.get(PurePosixPath(path.replace("\\", "/")).suffix.lower())
    if media:
        return media

    if head.startswith((b"{", b"[")):
        return "json"
    if head.startswith(b"<"):
        return "xml"
    if b"\x00" in head:
        return "unknown"
    try:
        raw[:4096].decode("utf-8")
    except UnicodeDecodeError as exc:
        # A multi-byte character cut at the 4096-byte boundary is still text.
        if exc.start < min(len(raw), 4096) - 3:
            return "unknown"
    return "text"


# ---------------------------------------------------------------------------------------------
# Images
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ImageResult:
    """Format, size and capture metadata of an image.

    `metadata` contains PNG text chunks (tEXt, zTXt, iTXt) and the EXIF DateTimeOriginal,
    OffsetTimeOriginal and DateTime tags, each value cut at MAX_IMAGE_METADATA_VALUE_CHARS.
    `created_at` is the first capture time that parses, in ISO 8601.
    """

    format: str | None
    width: int | None
    height: int | None
    metadata: dict[str, str]
    created_at: str | None
    error: str | None


_ACCEPTED_IMAGE_FORMATS = frozenset({"PNG", "JPEG", "MPO"})
_EXIF_DATE = re.compile(r"^(\d{4}):(\d{2}):(\d{2})[ T](\d{2}):(\d{2}):(\d{2})")
_XMP_DATE = re.compile(
    r"(?:photoshop:DateCreated|xmp:CreateDate|exif:DateTimeOriginal)"
    r"(?:>\s*|=\")([0-9][0-9:T+.\-Z ]+)"
)


def _iso_from_datetime(moment: datetime) -> str:
    text = moment.isoformat(timespec="seconds" if not moment.microsecond else "milliseconds")
    if moment.utcoffset() == timedelta(0):
        return text.replace("+00:00", "Z")
    return text


def _parse_capture_time(value: str, offset: str | None = None) -> str | None:
    """Parse an EXIF, ISO 8601 or RFC 1123 date-time to ISO 8601, or return None."""
    text = value.strip().rstrip("\x00")
    exif_match = _EXIF_DATE.match(text)
    if exif_match:
        iso = "{}-{}-{}T{}:{}:{}".format(*exif_match.groups())
        try:
            datetime.fromisoformat(iso)
        except ValueError:
            return None
        if offset and re.fullmatch(r"[+-]\d{2}:\d{2}", offset.strip()):
            return iso + offset.strip()
        return iso
    try:
        return _iso_from_datetime(datetime.fromisoformat(text))
    except ValueError:
        pass
    try:
        return _iso_from_datetime(parsedate_to_datetime(text))
    except (TypeError, ValueError, IndexError):
        return None


def _image_metadata(image: Image.Image) -> dict[str, str]:
    metadata: dict[str, str] = {}
    text_chunks = getattr(image, "text", None) or {}
    for key, value in text_chunks.items():
        metadata[str(key)] = str(value)[:MAX_IMAGE_METADATA_VALUE_CHARS]

    exif = image.getexif()
    exif_ifd = exif.get_ifd(ExifTags.IFD.Exif)
    tags = {
        "DateTimeOriginal": exif_ifd.get(ExifTags.Base.DateTimeOriginal),
        "OffsetTimeOriginal": exif_ifd.get(ExifTags.Base.OffsetTimeOriginal),
        "DateTime": exif.get(ExifTags.Base.DateTime),
    }
    for name, value in tags.items():
        if value is not None and str(value).strip("\x00 "):
            metadata[name] = str(value).strip("\x00 ")[:MAX_IMAGE_METADATA_VALUE_CHARS]
    return metadata


def _capture_time(metadata: dict[str, str]) -> str | None:
    """Return the first capture time that parses: EXIF original, PNG Creation Time, XMP, EXIF."""
    candidates: list[tuple[str, str | None]] = []
    if "DateTimeOriginal" in metadata:
        candidates.append((metadata["DateTimeOriginal"], metadata.get("OffsetTimeOriginal")))
    if "Creation Time" in metadata:
        candidates.append((metadata["Creation Time"], None))
    for key, value in metadata.items():
        if "xmp" in key.lower():
            candidates.extend((match, None) for match in _XMP_DATE.findall(value))
    if "DateTime" in metadata:
        candidates.append((metadata["DateTime"], None))
    for value, offset in candidates:
        parsed = _parse_capture_time(value, offset)
        if parsed:
            return parsed
    return None


def read_image(raw: Source) -> ImageResult:
    """Verify and decode a PNG or JPEG image and read its size and capture-time metadata.

    Pillow's decompression-bomb limit (Image.MAX_IMAGE_PIXELS) stays on, and an image over it
    is reported as an error. Corrupt and truncated images are reported as errors.
    """
    data, read_error = _read_source(raw)
    if data is None:
        return ImageResult(None, None, None, {}, None, read_error)
    if not data:
        return ImageResult(None, None, None, {}, None, "The file is empty. Submit the image.")

    image_format: str | None = None
    width: int | None = None
    height: int | None = None
    try:
        # Image.open raises DecompressionBombError above twice MAX_IMAGE_PIXELS and only warns
        # above it. The warning is silenced because the explicit check below rejects those
        # images with their size. catch_warnings is process-wide, so another thread may also
        # miss that warning meanwhile.
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            with Image.open(BytesIO(data)) as probe:
                image_format = probe.format
                width, height = probe.size
                limit = Image.MAX_IMAGE_PIXELS
                if limit is not None and width * height > limit:
                    raise Image.DecompressionBombError(f"{width * height} pixels")
                probe.verify()
            with Image.open(BytesIO(data)) as image:
                image.load()
                metadata = _image_metadata(image)
    except Image.DecompressionBombError:
        # Above twice the limit Image.open raises before the size is known.
        size = f" ({width}x{height})" if width and height else ""
        message = (
            f"The image has more pixels{size} than the {Image.MAX_IMAGE_PIXELS:,}-pixel safety "
            "limit for decoding. Submit a smaller screenshot."
        )
        logger.debug("image rejected: %s", message)
        return ImageResult(image_format, width, height, {}, None, message)
    except Image.UnidentifiedImageError:
        message = "The file is not an image that can be read. Submit the screenshot as PNG or JPEG."
        return ImageResult(None, None, None, {}, None, message)
    except Exception as exc:  # noqa: BLE001 - Pillow raises many types on corrupt input
        message = (
            f"The image is damaged or truncated ({_short(exc)}). Save the screenshot again as "
            "PNG or JPEG and submit the new file."
        )
        logger.debug("image rejected: %s", message)
        return ImageResult(image_format, width, height, {}, None, message)

    if image_format not in _ACCEPTED_IMAGE_FORMATS:
        message = f"The image is {image_format}, not PNG or JPEG. Submit the screenshot as PNG."
        return ImageResult(image_format, width, height, metadata, None, message)
    return ImageResult(image_format, width, height, metadata, _capture_time(metadata), None)
