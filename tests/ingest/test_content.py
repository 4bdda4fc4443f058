"""Tests for ingest.content: the real public samples, and hostile or broken input built here."""

from __future__ import annotations

import base64
import io
import struct
import time
import zlib
from pathlib import Path
from urllib.parse import quote

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from PIL import Image, PngImagePlugin
from pypdf import PdfWriter

from ingest.content import (
    PdfLimits,
    media_for,
    read_document,
    read_http_capture,
    read_image,
    read_json_bytes,
    read_ndjson_bytes,
    read_saml,
)

SHARED = Path(__file__).resolve().parents[3] / "shared"
SAMPLES = SHARED / "real-samples"

needs_samples = pytest.mark.skipif(
    not SAMPLES.is_dir(), reason=f"real samples folder not found at {SAMPLES}"
)


def sample_files(folder: str, *patterns: str) -> list[Path]:
    """Return the sample files in `folder` that match any of `patterns`, sorted by name."""
    directory = SAMPLES / folder
    if not directory.is_dir():
        return []
    found = {path for pattern in patterns for path in directory.glob(pattern)}
    return sorted(found)


def sample_ids(paths: list[Path]) -> list[str]:
    return [path.name for path in paths]


# ---------------------------------------------------------------------------------------------
# Builders for hostile and broken input
# ---------------------------------------------------------------------------------------------


def build_pdf(content_chunks: list[bytes] | None, *, with_font: bool = True) -> bytes:
    """Build a one-page PDF whose content stream is the FlateDecode of the joined chunks."""
    compressor = zlib.compressobj()
    body = b"".join(compressor.compress(chunk) for chunk in content_chunks or [])
    body += compressor.flush()
    resources = b"/Resources << /Font << /F1 5 0 R >> >>" if with_font else b""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] "
        + resources
        + b" /Contents 4 0 R >>",
        b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(body) + body + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    output = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, obj in enumerate(objects, start=1):
        offsets.append(len(output))
        output += b"%d 0 obj\n" % number + obj + b"\nendobj\n"
    xref_offset = len(output)
    output += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        output += b"%010d 00000 n \n" % offset
    output += b"trailer\n<< /Size %d /Root 1 0 R >>\n" % (len(objects) + 1)
    output += b"startxref\n%d\n%%%%EOF\n" % xref_offset
    return bytes(output)


def zeros_in_chunks(megabytes: int) -> list[bytes]:
    chunk = b"\x00" * (1024 * 1024)
    return [chunk] * megabytes


def png_chunk(kind: bytes, data: bytes) -> bytes:
    crc = zlib.crc32(kind + data) & 0xFFFFFFFF
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)


def png_claiming_size(width: int, height: int) -> bytes:
    """Build a small PNG whose IHDR claims `width` x `height` pixels."""
    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    pixels = zlib.compress(b"\x00" * 64)
    return (
        b"\x89PNG\r\n\x1a\n"
        + png_chunk(b"IHDR", header)
        + png_chunk(b"IDAT", pixels)
        + png_chunk(b"IEND", b"")
    )


def encrypted_copy(source: Path, user_password: str) -> bytes:
    writer = PdfWriter(clone_from=io.BytesIO(source.read_bytes()))
    writer.encrypt(user_password=user_password, owner_password="owner", algorithm="RC4-128")
    output = io.BytesIO()
    writer.write(output)
    return output.getvalue()


def pdf_with_creation_date(value: str) -> bytes:
    writer = PdfWriter(
        clone_from=io.BytesIO((SAMPLES / "pdf" / "pypdf_crazyones.pdf").read_bytes())
    )
    writer.add_metadata({"/CreationDate": value})
    output = io.BytesIO()
    writer.write(output)
    return output.getvalue()


# ---------------------------------------------------------------------------------------------
# JSON
# ---------------------------------------------------------------------------------------------

JSON_SAMPLES = (
    sample_files("oidc", "*.json")
    + sample_files("okta-api", "*.json")
    + sample_files("scim", "*.json")
    + sample_files("okta-system-log", "*.json")
    + sample_files("workflows", "*.json", "*.flopack")
)
NDJSON_SAMPLES = sample_files("okta-system-log", "*.ndjson")


@needs_samples
@pytest.mark.parametrize("path", JSON_SAMPLES, ids=sample_ids(JSON_SAMPLES))
def test_json_real_sample_parses(path: Path) -> None:
    result = read_json_bytes(path.read_bytes())

    assert result.error is None
    assert result.value is not None
    assert result.line is None


@needs_samples
@pytest.mark.parametrize("path", NDJSON_SAMPLES, ids=sample_ids(NDJSON_SAMPLES))
def test_ndjson_real_sample_parses(path: Path) -> None:
    result = read_ndjson_bytes(path)

    assert result.error is None
    assert isinstance(result.value, list)
    assert len(result.value) > 0


def test_json_bom_and_crlf_accepted() -> None:
    result = read_json_bytes(b'\xef\xbb\xbf{\r\n  "status": "succeeded"\r\n}\r\n')

    assert result.error is None
    assert result.value == {"status": "succeeded"}


def test_json_utf16_with_bom_accepted() -> None:
    result = read_json_bytes('{"a": "é"}'.encode("utf-16"))

    assert result.error is None
    assert result.value == {"a": "é"}


def test_json_trailing_comma_reported_at_comma() -> None:
    result = read_json_bytes(b'{\r\n  "Resources": [1, 2,]\r\n}')

    assert result.value is None
    assert result.error is not None
    assert "trailing comma before ']'" in result.error
    assert result.line == 2
    assert result.column == 21


def test_json_trailing_comma_in_object() -> None:
    result = read_json_bytes(b'{"a": 1,\n}')

    assert result.error is not None
    assert "trailing comma before '}'" in result.error
    assert (result.line, result.column) == (1, 8)


def test_json_missing_comma_position() -> None:
    result = read_json_bytes(b'{\n  "a": 1\n  "b": 2\n}')

    assert result.error is not None
    assert result.error.startswith("Invalid JSON at line 3, column 3")
    assert (result.line, result.column) == (3, 3)


def test_json_invalid_utf8_reported() -> None:
    result = read_json_bytes(b'{"name": "Ren\xe9"}')

    assert result.error is not None
    assert "0xE9" in result.error
    assert "UTF-8" in result.error
    assert (result.line, result.column) == (1, 14)


def test_json_nan_rejected() -> None:
    result = read_json_bytes(b'{"score": NaN}')

    assert result.value is None
    assert result.error is not None
    assert "NaN" in result.error


def test_json_empty_file_rejected() -> None:
    result = read_json_bytes(b"  \r\n")

    assert result.error is not None
    assert "empty" in result.error


def test_json_deep_nesting_reported() -> None:
    result = read_json_bytes(b"[" * 200_000 + b"]" * 200_000)

    assert result.value is None
    assert result.error is not None
    assert "nested too deeply" in result.error


def test_json_ndjson_as_json_hints() -> None:
    result = read_json_bytes(b'{"a": 1}\n{"a": 2}\n')

    assert result.error is not None
    assert "NDJSON" in result.error
    assert result.line == 2


def test_ndjson_bad_line_reports_line() -> None:
    result = read_ndjson_bytes(b'{"a": 1}\r\n\r\n{"a": 2,}\r\n')

    assert result.value is None
    assert result.error is not None
    assert "trailing comma" in result.error
    assert result.line == 3


def test_json_missing_path_reported(tmp_path: Path) -> None:
    result = read_json_bytes(tmp_path / "absent.json")

    assert result.error is not None
    assert "could not be read" in result.error


# ---------------------------------------------------------------------------------------------
# HTTP captures
# ---------------------------------------------------------------------------------------------

HTTP_SAMPLES = sample_files("scim", "*.http")


@needs_samples
@pytest.mark.parametrize("path", HTTP_SAMPLES, ids=sample_ids(HTTP_SAMPLES))
def test_http_real_capture_parses(path: Path) -> None:
    capture = read_http_capture(path)

    assert capture.error is None
    assert (capture.method is None) != (capture.status is None)
    assert capture.headers


@needs_samples
def test_http_get_request_without_body() -> None:
    path = SAMPLES / "scim" / "okta_docs_scim20_00_get_users_filter_request.http"
    capture = read_http_capture(path)

    assert capture.method == "GET"
    assert capture.url is not None
    assert capture.url.startswith("/scim/v2/Users?filter=")
    assert capture.body is None
    assert capture.headers["User-Agent"] == "Okta SCIM Client 1.0.0"


@needs_samples
def test_http_okta_listresponse_parses() -> None:
    # This capture of Okta's empty ListResponse contains no trailing comma and must parse.
    path = SAMPLES / "scim" / "okta_docs_scim20_01_get_users_filter_empty_listresponse.http"
    capture = read_http_capture(path)

    assert capture.error is None
    assert capture.status == 200
    assert capture.headers["Content-Type"] == "text/json;charset=UTF-8"
    assert capture.body["totalResults"] == 0
    assert capture.body["Resources"] == []


@needs_samples
def test_http_patch_deactivate_body() -> None:
    path = SAMPLES / "scim" / "okta_docs_scim20_15_patch_user_deactivate_request.http"
    capture = read_http_capture(path)

    assert capture.method == "PATCH"
    assert capture.body["Operations"][0]["op"] == "replace"
    assert capture.body["Operations"][0]["value"] == {"active": False}


def test_http_crlf_response_parses() -> None:
    raw = (
        b"HTTP/1.1 201 Created\r\nContent-Type: application/scim+json\r\n"
        b"Location: https://scim.example/Users/1\r\n\r\n"
        b'{"id": "1", "active": true}\r\n'
    )
    capture = read_http_capture(raw)

    assert capture.error is None
    assert capture.status == 201
    assert capture.body == {"id": "1", "active": True}


def test_http_trailing_comma_file_line() -> None:
    raw = b'HTTP/1.1 200 OK\nContent-Type: text/json\n\n{\n  "Resources": [],\n}\n'
    capture = read_http_capture(raw)

    assert capture.status == 200
    assert capture.error is not None
    assert "trailing comma" in capture.error
    assert "line 5" in capture.error
    assert isinstance(capture.body, str)


def test_http_text_body_kept_as_text() -> None:
    capture = read_http_capture(b"HTTP/1.1 502 Bad Gateway\nContent-Type: text/html\n\n<h1>x</h1>")

    assert capture.error is None
    assert capture.body == "<h1>x</h1>"


def test_http_repeated_header_joined() -> None:
    capture = read_http_capture(b"HTTP/2 200\nset-cookie: a=1\nset-cookie: b=2\n")

    assert capture.status == 200
    assert capture.headers == {"set-cookie": "a=1, b=2"}


def test_http_garbage_start_line_rejected() -> None:
    capture = read_http_capture(b'{"not": "a capture"}')

    assert capture.error is not None
    assert "Line 1" in capture.error
    assert capture.status is None


def test_http_bad_header_line_rejected() -> None:
    capture = read_http_capture(b"POST /Users HTTP/1.1\nthis is not a header\n\n{}")

    assert capture.method == "POST"
    assert capture.error is not None
    assert "Line 2" in capture.error


def test_http_empty_file_rejected() -> None:
    capture = read_http_capture(b"\r\n\r\n")

    assert capture.error == "The file is empty."


# ---------------------------------------------------------------------------------------------
# SAML
# ---------------------------------------------------------------------------------------------

# Encoding and root element of every real SAML sample. One upstream ".xml" file contains base64.
SAML_EXPECTED = {
    "crewjam_okta_idp_metadata.xml": ("xml", "EntityDescriptor"),
    "crewjam_okta_signed_response_encrypted_assertion.b64": ("base64", "Response"),
    "crewjam_onelogin_idp_metadata.xml": ("xml", "EntityDescriptor"),
    "crewjam_onelogin_response.b64": ("base64", "Response"),
    "crewjam_samlsp_idp_metadata.xml": ("xml", "EntityDescriptor"),
    "crewjam_sp_metadata.xml": ("xml", "EntityDescriptor"),
    "crewjam_testshib_metadata.xml": ("xml", "EntitiesDescriptor"),
    "pysaml2_idp_uiinfo.xml": ("xml", "EntitiesDescriptor"),
    "pysaml2_okta_response.xml": ("xml", "EncryptedAssertion"),
    "pysaml2_simplesamlphp_authnresponse.xml": ("xml", "Response"),
    "python3saml_logout_requests_logout_request.xml": ("xml", "LogoutRequest"),
    "python3saml_logout_responses_logout_response.xml": ("xml", "LogoutResponse"),
    "python3saml_metadata_entities_metadata.xml": ("xml", "EntitiesDescriptor"),
    "python3saml_metadata_idp_metadata.xml": ("xml", "EntityDescriptor"),
    "python3saml_metadata_idp_metadata_multi_certs.xml": ("xml", "EntityDescriptor"),
    "python3saml_metadata_metadata_settings1.xml": ("xml", "EntityDescriptor"),
    "python3saml_metadata_signed_metadata_settings1.xml": ("xml", "EntityDescriptor"),
    "python3saml_metadata_testshib-providers.xml": ("xml", "EntitiesDescriptor"),
    "python3saml_requests_authn_request.xml": ("xml", "AuthnRequest"),
    "python3saml_responses_adfs_response.xml.base64": ("base64", "Response"),
    "python3saml_responses_expired_response.xml.base64": ("base64", "Response"),
    "python3saml_responses_invalids_no_authnstatement.xml.base64": ("base64", "Response"),
    "python3saml_responses_invalids_status_code_responder.xml.base64": ("base64", "Response"),
    "python3saml_responses_open_saml_response.xml": ("xml", "Response"),
    "python3saml_responses_pretty_signed_message_response.xml": ("xml", "Response"),
    "python3saml_responses_response1.xml.base64": ("base64", "Response"),
    "python3saml_responses_signed_assertion_response.xml.base64": ("base64", "Response"),
    "python3saml_responses_simple_saml_php.xml": ("xml", "Response"),
    "python3saml_responses_valid_encrypted_assertion.xml.base64": ("base64", "Response"),
    "python3saml_responses_valid_unsigned_response.xml": ("base64", "Response"),
    "tf_okta_app_idp_metadata.xml": ("xml", "EntityDescriptor"),
}
SAML_SAMPLES = sample_files("saml", "*")
ENCRYPTED_ASSERTION_SAMPLES = {
    "crewjam_okta_signed_response_encrypted_assertion.b64",
    "pysaml2_okta_response.xml",
    "python3saml_responses_valid_encrypted_assertion.xml.base64",
}


@needs_samples
def test_saml_expected_table_covers_samples() -> None:
    assert set(sample_ids(SAML_SAMPLES)) == set(SAML_EXPECTED)


@needs_samples
@pytest.mark.parametrize("path", SAML_SAMPLES, ids=sample_ids(SAML_SAMPLES))
def test_saml_real_sample_decodes(path: Path) -> None:
    expected_encoding, expected_root = SAML_EXPECTED[path.name]
    result = read_saml(path.read_bytes())

    assert result.error is None
    assert result.encoding == expected_encoding
    assert result.root == expected_root
    assert result.xml is not None


@needs_samples
@pytest.mark.parametrize("path", SAML_SAMPLES, ids=sample_ids(SAML_SAMPLES))
def test_saml_encrypted_assertion_flag(path: Path) -> None:
    result = read_saml(path)

    assert result.has_encrypted_assertion == (path.name in ENCRYPTED_ASSERTION_SAMPLES)


@needs_samples
def test_saml_okta_encrypted_response() -> None:
    path = SAMPLES / "saml" / "crewjam_okta_signed_response_encrypted_assertion.b64"
    result = read_saml(path)

    assert result.has_assertion is False
    assert result.issuers == ["http://www.okta.com/exkppsa1qwuFV4D7z0h7"]
    assert result.status_code == "urn:oasis:names:tc:SAML:2.0:status:Success"
    assert result.times == {"IssueInstant": "2020-03-03T19:24:29.213Z"}
    assert "http://localhost:8000/saml/acs" in result.urls


@needs_samples
def test_saml_okta_metadata_issuer_and_sso() -> None:
    result = read_saml(SAMPLES / "saml" / "crewjam_okta_idp_metadata.xml")

    assert result.issuers == ["http://www.okta.com/exkppsa1qwuFV4D7z0h7"]
    assert any(url.endswith("/sso/saml") for url in result.urls)
    assert result.has_assertion is False


@needs_samples
def test_saml_response_times_collected() -> None:
    # This base64 value decodes to XML that starts with a CRLF before the root element.
    result = read_saml(SAMPLES / "saml" / "python3saml_responses_response1.xml.base64")

    assert result.encoding == "base64"
    assert result.has_assertion is True
    assert result.times == {
        "IssueInstant": "2010-11-18T21:57:37Z",
        "NotBefore": "2010-11-18T21:52:37Z",
        "NotOnOrAfter": "2010-11-18T22:02:37Z",
        "AuthnInstant": "2010-11-18T21:57:37Z",
    }


@needs_samples
def test_saml_responder_status_code() -> None:
    path = SAMPLES / "saml" / "python3saml_responses_invalids_status_code_responder.xml.base64"
    result = read_saml(path)

    assert result.status_code == "urn:oasis:names:tc:SAML:2.0:status:Responder"


@needs_samples
def test_saml_algorithm_uris_not_urls() -> None:
    path = SAMPLES / "saml" / "python3saml_responses_pretty_signed_message_response.xml"
    result = read_saml(path)

    assert result.urls
    assert not any("xmldsig" in url for url in result.urls)


@needs_samples
def test_saml_metadata_valid_until() -> None:
    result = read_saml(SAMPLES / "saml" / "crewjam_sp_metadata.xml")

    assert result.times == {"validUntil": "2015-12-03T01:57:09Z"}


@needs_samples
def test_saml_deflate_base64_detected() -> None:
    xml = (SAMPLES / "saml" / "python3saml_requests_authn_request.xml").read_bytes()
    compressor = zlib.compressobj(wbits=-15)
    encoded = base64.b64encode(compressor.compress(xml) + compressor.flush())
    result = read_saml(encoded)

    assert result.error is None
    assert result.encoding == "deflate+base64"
    assert result.root == "AuthnRequest"


@needs_samples
def test_saml_form_field_value_decoded() -> None:
    xml = (SAMPLES / "saml" / "python3saml_responses_simple_saml_php.xml").read_bytes()
    body = b"RelayState=x&SAMLResponse=" + quote(base64.b64encode(xml)).encode()
    result = read_saml(body)

    assert result.error is None
    assert result.encoding == "base64"
    assert result.root == "Response"


@needs_samples
def test_saml_wrapped_base64_decoded() -> None:
    xml = (SAMPLES / "saml" / "crewjam_sp_metadata.xml").read_bytes()
    encoded = base64.encodebytes(xml).replace(b"\n", b"\r\n")
    result = read_saml(encoded)

    assert result.error is None
    assert result.encoding == "base64"


def test_saml_billion_laughs_rejected() -> None:
    xml = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [
  <!ENTITY lol "lol">
  <!ENTITY lol2 "&lol;&lol;&lol;">
  <!ENTITY lol3 "&lol2;&lol2;&lol2;">
]>
<samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol">&lol3;</samlp:Response>"""
    result = read_saml(xml)

    assert result.error is not None
    assert "contains a DTD or entity declarations, which are not accepted" in result.error
    assert result.root is None


def test_saml_external_entity_rejected(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("XXE-MARKER")
    xml = (
        f'<?xml version="1.0"?>\n<!DOCTYPE r [<!ENTITY xxe SYSTEM "file://{secret}">]>\n'
        '<saml:Issuer xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion">&xxe;</saml:Issuer>'
    ).encode()
    result = read_saml(xml)

    assert result.error is not None
    assert "DTD" in result.error
    assert result.issuers == []


def test_saml_base64_dtd_rejected() -> None:
    xml = b'<!DOCTYPE r [<!ENTITY a "b">]><Response>&a;</Response>'
    result = read_saml(base64.b64encode(xml))

    assert result.encoding == "base64"
    assert result.error is not None
    assert "DTD" in result.error


def test_saml_malformed_xml_position() -> None:
    xml = b'\n<samlp:Response xmlns:samlp="urn:x">\n  <a>\n</samlp:Response>'
    result = read_saml(xml)

    assert result.error is not None
    assert result.error.startswith("Invalid XML at line 4, column 3")


def test_saml_garbage_rejected() -> None:
    result = read_saml(b"this is not SAML at all!")

    assert result.error is not None
    assert "neither XML nor base64" in result.error


def test_saml_base64_of_text_rejected() -> None:
    result = read_saml(base64.b64encode(b"just some words, not XML"))

    assert result.error is not None
    assert "decodes neither to XML" in result.error


def test_saml_deflate_over_cap_rejected() -> None:
    compressor = zlib.compressobj(wbits=-15)
    inflated = b"<a>" + b" " * (11 * 1024 * 1024) + b"</a>"
    encoded = base64.b64encode(compressor.compress(inflated) + compressor.flush())
    result = read_saml(encoded)

    assert result.encoding == "deflate+base64"
    assert result.error is not None
    assert "more than 10 MB" in result.error


def test_saml_empty_file_rejected() -> None:
    result = read_saml(b"\xef\xbb\xbf \r\n")

    assert result.error is not None
    assert "empty" in result.error


# ---------------------------------------------------------------------------------------------
# Documents
# ---------------------------------------------------------------------------------------------

PDF_SAMPLES = sample_files("pdf", "*.pdf")
# Real PDFs that must not be readable, with a phrase their error must contain.
UNREADABLE_PDFS = {
    "qpdf_bad-encryption-length.pdf": "encrypted",
    "qpdf_empty.pdf": "no pages",
}


@needs_samples
@pytest.mark.parametrize("path", PDF_SAMPLES, ids=sample_ids(PDF_SAMPLES))
def test_pdf_real_sample_outcome(path: Path) -> None:
    result = read_document(path.read_bytes(), media_for(path.name, path.read_bytes()))

    if path.name in UNREADABLE_PDFS:
        assert result.readable is False
        assert result.error is not None
        assert UNREADABLE_PDFS[path.name] in result.error
    else:
        assert result.error is None
        assert result.readable is True
        assert result.text.strip() != ""
        assert result.page_count is not None


@needs_samples
def test_pdf_bad_encryption_flagged_encrypted() -> None:
    result = read_document(SAMPLES / "pdf" / "qpdf_bad-encryption-length.pdf", "pdf")

    assert result.encrypted is True
    assert result.error is not None
    assert "without a password" in result.error


@needs_samples
def test_pdf_bad_startxref_recovered() -> None:
    result = read_document(SAMPLES / "pdf" / "qpdf_bad-token-startxref.pdf", "pdf")

    assert result.readable is True
    assert result.page_count == 1


@needs_samples
def test_pdf_metadata_fields() -> None:
    result = read_document(SAMPLES / "pdf" / "pypdf_metadata.pdf", "pdf")

    assert result.title == "The Title"
    assert result.author == "Martin Thoma"
    assert result.producer == "Latex with hyperref, or other system"
    assert result.created_at == "2022-04-15T09:32:43+02:00"


@needs_samples
def test_pdf_page_count_and_text() -> None:
    result = read_document(SAMPLES / "pdf" / "pypdf_Seige_of_Vicksburg_Sample_OCR.pdf", "pdf")

    assert result.page_count == 6
    assert "Vicksburg" in result.text
    assert result.truncated is False


@needs_samples
@pytest.mark.parametrize(
    ("raw_date", "expected"),
    [
        ("D:20261103140000Z", "2026-11-03T14:00:00Z"),
        ("D:20261103140000", "2026-11-03T14:00:00"),
        ("D:20261103140000-05'00'", "2026-11-03T14:00:00-05:00"),
        ("D:2026110314", "2026-11-03T14:00:00"),
        ("D:20261340140000Z", None),
        ("yesterday", None),
    ],
)
def test_pdf_creation_date_iso(raw_date: str, expected: str | None) -> None:
    result = read_document(pdf_with_creation_date(raw_date), "pdf")

    assert result.readable is True
    assert result.created_at == expected


@needs_samples
def test_pdf_user_password_rejected() -> None:
    raw = encrypted_copy(SAMPLES / "pdf" / "pypdf_crazyones.pdf", user_password="secret")
    result = read_document(raw, "pdf")

    assert result.readable is False
    assert result.encrypted is True
    assert result.error is not None
    assert "encrypted" in result.error
    assert "without a password" in result.error


@needs_samples
def test_pdf_owner_password_only_readable() -> None:
    raw = encrypted_copy(SAMPLES / "pdf" / "pypdf_crazyones.pdf", user_password="")
    result = read_document(raw, "pdf")

    assert result.readable is True
    assert result.encrypted is True
    assert result.error is None
    assert result.text.strip() != ""


@needs_samples
@pytest.mark.parametrize(
    "name", ["pypdf_crazyones.pdf", "okta_individual_cla_2025-05.pdf", "pypdf_toy.pdf"]
)
def test_pdf_first_half_reported(name: str) -> None:
    raw = (SAMPLES / "pdf" / name).read_bytes()
    result = read_document(raw[: len(raw) // 2], "pdf")

    assert result.readable is False
    assert result.error is not None
    assert "damaged" in result.error


def test_pdf_blank_page_no_text_layer() -> None:
    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    output = io.BytesIO()
    writer.write(output)
    result = read_document(output.getvalue(), "pdf")

    assert result.readable is False
    assert result.page_count == 1
    assert result.error is not None
    assert "has no text layer (scanned image?)" in result.error


def test_pdf_small_built_page_readable() -> None:
    raw = build_pdf([b"BT /F1 12 Tf 72 712 Td (Handoff summary) Tj ET\n"])
    result = read_document(raw, "pdf")

    assert result.readable is True
    assert result.text == "Handoff summary"


def test_pdf_flate_zeros_bomb_rejected() -> None:
    # 100 MiB of zero bytes compress to about 100 KB, and pypdf 7.1 stops decoding at 75 MB.
    raw = build_pdf(zeros_in_chunks(100), with_font=False)
    started = time.monotonic()
    result = read_document(raw, "pdf")
    elapsed = time.monotonic() - started

    assert len(raw) < 200_000
    assert result.readable is False
    assert result.error is not None
    assert "safety limit" in result.error
    assert elapsed < 20


def test_pdf_slow_parse_times_out() -> None:
    # About 2.4 million text operators take pypdf several seconds to tokenise.
    operators = b"BT (x) Tj ET\n" * 80_000
    raw = build_pdf([b"BT /F1 12 Tf 72 712 Td (Hello) Tj ET\n"] + [operators] * 30)
    started = time.monotonic()
    result = read_document(raw, "pdf", limits=PdfLimits(timeout_seconds=1.0))
    elapsed = time.monotonic() - started

    assert result.readable is False
    assert result.error is not None
    assert "timed out after 1 seconds" in result.error
    assert elapsed < 10


def test_pdf_memory_limit_stops_child() -> None:
    operators = b"BT (x) Tj ET\n" * 80_000
    raw = build_pdf([b"BT /F1 12 Tf 72 712 Td (Hello) Tj ET\n"] + [operators] * 60)
    result = read_document(raw, "pdf", limits=PdfLimits(memory_bytes=300 * 1024 * 1024))

    assert result.readable is False
    assert result.error is not None
    assert "300 MiB of memory" in result.error


@needs_samples
def test_pdf_tiny_timeout_reported() -> None:
    raw = (SAMPLES / "pdf" / "pypdf_crazyones.pdf").read_bytes()
    result = read_document(raw, "pdf", limits=PdfLimits(timeout_seconds=0.01))

    assert result.readable is False
    assert result.error is not None
    assert "timed out" in result.error


@needs_samples
def test_pdf_page_limit_truncates() -> None:
    path = SAMPLES / "pdf" / "pypdf_Seige_of_Vicksburg_Sample_OCR.pdf"
    result = read_document(path, "pdf", limits=PdfLimits(max_pages=1))

    assert result.readable is True
    assert result.truncated is True
    assert result.page_count == 6


@needs_samples
def test_pdf_text_limit_truncates() -> None:
    path = SAMPLES / "pdf" / "pypdf_Seige_of_Vicksburg_Sample_OCR.pdf"
    result = read_document(path, "pdf", limits=PdfLimits(max_chars=100))

    assert result.truncated is True
    assert len(result.text) == 100


def test_pdf_without_header_rejected() -> None:
    result = read_document(b"Dear reviewer, this is a Word file renamed to .pdf", "pdf")

    assert result.readable is False
    assert result.error is not None
    assert "not a PDF" in result.error


def test_document_empty_file_rejected() -> None:
    result = read_document(b"", "pdf")

    assert result.readable is False
    assert result.error is not None
    assert "empty" in result.error


def test_markdown_bom_and_title() -> None:
    raw = b"\xef\xbb\xbf# Handoff summary\r\n\r\nRestore preview RP-0001 was reviewed.\r\n"
    result = read_document(raw, "markdown")

    assert result.readable is True
    assert result.error is None
    assert result.title == "Handoff summary"
    assert result.text.startswith("# Handoff summary")


def test_text_latin1_fallback_readable() -> None:
    result = read_document("Résumé of the drill".encode("latin-1"), "text")

    assert result.readable is True
    assert result.error is None
    assert result.text == "Résumé of the drill"


def test_text_whitespace_only_unreadable() -> None:
    result = read_document(b" \r\n\t\r\n", "text")

    assert result.readable is False
    assert result.error is not None


def test_document_image_media_rejected() -> None:
    result = read_document(b"\x89PNG\r\n\x1a\n", "png")

    assert result.readable is False
    assert result.error is not None
    assert "not a document" in result.error


# ---------------------------------------------------------------------------------------------
# media_for
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "raw", "expected"),
    [
        ("report.pdf", b"%PDF-1.7\n...", "pdf"),
        ("report.bin", b"\r\n%PDF-1.4\n", "pdf"),
        ("Screenshot 2026-11-03 at 14.02.11.png", b"\x89PNG\r\n\x1a\nrest", "png"),
        ("photo.png", b"\xff\xd8\xff\xe0rest", "jpeg"),
        ("screenshot.pdf", b"\x89PNG\r\n\x1a\nrest", "png"),
        ("notes.md", b"# Notes\n", "markdown"),
        ("notes.MARKDOWN", b"<!-- draft -->\n# Notes", "markdown"),
        ("plan.txt", b"Plan", "text"),
        ("backup.json", b"\xef\xbb\xbf{}", "json"),
        ("events.ndjson", b'{"a": 1}\n', "json"),
        ("response.saml", b'\xef\xbb\xbf <?xml version="1.0"?><a/>', "xml"),
        ("notes.txt", b'<?xml version="1.0"?><a/>', "xml"),
        ("metadata", b"<EntityDescriptor/>", "xml"),
        ("export.dat", b"  [1, 2]", "json"),
        ("token.jwt", b"eyJhbGciOiJSUzI1NiJ9.e30.sig", "text"),
        ("blob.bin", b"\x00\x01\x02\x03", "unknown"),
        ("blob.bin", b"\xff\xfe\xfd garbage \x80", "unknown"),
        ("windows\\path\\notes.md", b"x", "markdown"),
    ],
)
def test_media_for_cases(path: str, raw: bytes, expected: str) -> None:
    assert media_for(path, raw) == expected


# ---------------------------------------------------------------------------------------------
# Images
# ---------------------------------------------------------------------------------------------

PNG_SAMPLES = sample_files("other", "*.png")


@needs_samples
@pytest.mark.parametrize("path", PNG_SAMPLES, ids=sample_ids(PNG_SAMPLES))
def test_png_real_sample_reads(path: Path) -> None:
    result = read_image(path.read_bytes())

    assert result.error is None
    assert result.format == "PNG"
    assert result.width is not None
    assert result.width > 0
    assert result.height is not None
    assert result.height > 0


@needs_samples
def test_png_pngsuite_size() -> None:
    result = read_image(SAMPLES / "other" / "png_ibasn6a08.png")

    assert (result.width, result.height) == (32, 32)
    assert result.created_at is None


@needs_samples
def test_png_xmp_chunk_in_metadata() -> None:
    result = read_image(SAMPLES / "other" / "screenshot_okta_docs_ipv6-system-log.png")

    assert "XML:com.adobe.xmp" in result.metadata
    assert result.created_at is None


def test_png_creation_time_parsed() -> None:
    info = PngImagePlugin.PngInfo()
    info.add_text("Creation Time", "Tue, 03 Nov 2026 14:02:11 +0000")
    output = io.BytesIO()
    Image.new("RGB", (4, 4)).save(output, "PNG", pnginfo=info)
    result = read_image(output.getvalue())

    assert result.metadata["Creation Time"] == "Tue, 03 Nov 2026 14:02:11 +0000"
    assert result.created_at == "2026-11-03T14:02:11Z"


def test_png_xmp_date_created_parsed() -> None:
    info = PngImagePlugin.PngInfo()
    xmp = "<x:xmpmeta><photoshop:DateCreated>2026-11-03T14:02:11</photoshop:DateCreated>"
    info.add_itxt("XML:com.adobe.xmp", xmp + "</x:xmpmeta>")
    output = io.BytesIO()
    Image.new("RGB", (4, 4)).save(output, "PNG", pnginfo=info)
    result = read_image(output.getvalue())

    assert result.created_at == "2026-11-03T14:02:11"


def test_jpeg_exif_original_time() -> None:
    exif = Image.Exif()
    exif_ifd = exif.get_ifd(0x8769)
    exif_ifd[36867] = "2026:11:03 14:02:11"
    exif_ifd[36881] = "+01:00"
    output = io.BytesIO()
    Image.new("RGB", (8, 8)).save(output, "JPEG", exif=exif)
    result = read_image(output.getvalue())

    assert result.format == "JPEG"
    assert result.metadata["DateTimeOriginal"] == "2026:11:03 14:02:11"
    assert result.created_at == "2026-11-03T14:02:11+01:00"


def test_png_huge_header_rejected() -> None:
    result = read_image(png_claiming_size(100_000, 100_000))

    assert result.error is not None
    assert "safety limit" in result.error
    assert result.width is None


def test_png_over_limit_warning_rejected(monkeypatch: pytest.MonkeyPatch) -> None:
    # Between 1x and 2x MAX_IMAGE_PIXELS Pillow only warns, but the reader must still reject.
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", 1000)
    output = io.BytesIO()
    Image.new("RGB", (40, 40)).save(output, "PNG")
    result = read_image(output.getvalue())

    assert result.error is not None
    assert "safety limit" in result.error
    assert "(40x40)" in result.error


@needs_samples
def test_png_truncated_rejected() -> None:
    raw = (SAMPLES / "other" / "screenshot_okta_docs_okta-admin-ui-app-assignment.png").read_bytes()
    result = read_image(raw[: len(raw) // 2])

    assert result.error is not None
    assert "damaged or truncated" in result.error


def test_image_garbage_rejected() -> None:
    result = read_image(b"not an image at all")

    assert result.error is not None
    assert "not an image" in result.error
    assert result.format is None


def test_image_gif_rejected() -> None:
    output = io.BytesIO()
    Image.new("P", (4, 4)).save(output, "GIF")
    result = read_image(output.getvalue())

    assert result.format == "GIF"
    assert result.error is not None
    assert "not PNG or JPEG" in result.error


def test_image_empty_rejected() -> None:
    result = read_image(b"")

    assert result.error is not None
    assert "empty" in result.error


# ---------------------------------------------------------------------------------------------
# Readers never raise
# ---------------------------------------------------------------------------------------------


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=512))
def test_readers_never_raise(raw: bytes) -> None:
    json_result = read_json_bytes(raw)
    ndjson_result = read_ndjson_bytes(raw)
    capture = read_http_capture(raw)
    saml = read_saml(raw)
    image = read_image(raw)
    document = read_document(raw, "text")

    assert json_result.error is None or isinstance(json_result.error, str)
    assert ndjson_result.error is None or isinstance(ndjson_result.error, str)
    assert capture.error is None or isinstance(capture.error, str)
    assert saml.error is None or isinstance(saml.error, str)
    assert image.error is None or isinstance(image.error, str)
    assert isinstance(document.readable, bool)
    assert media_for("file.bin", raw) in {
        "pdf",
        "markdown",
        "text",
        "png",
        "jpeg",
        "json",
        "xml",
        "unknown",
    }
