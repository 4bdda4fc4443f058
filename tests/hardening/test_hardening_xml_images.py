"""Hostile SAML/metadata XML and hostile PNG/JPEG screenshots, loaded through a pack."""

from __future__ import annotations

import base64
import io
import struct
import time
import zlib
from pathlib import Path

from PIL import Image

import ingest.content  # noqa: F401 - imported for its effect on Pillow's settings, if any
from tests.conftest import REAL_SAMPLES
from tests.hardening.hardening_support import (
    findings_for,
    import_into_new_database,
    pack_with_artifacts,
)

# Pillow 13.0 refuses to decode images over 89,478,485 pixels (DecompressionBombError above
# twice that, a warning above it). The readers must leave that limit on.
PILLOW_DEFAULT_MAX_PIXELS = 89_478_485
SCREENSHOT = REAL_SAMPLES / "other" / "png_basn6a16.png"


def billion_laughs() -> bytes:
    entities = ['<!ENTITY lol0 "lol">'] + [
        f'<!ENTITY lol{n} "{f"&lol{n - 1};" * 10}">' for n in range(1, 10)
    ]
    return (
        '<?xml version="1.0"?>\n<!DOCTYPE Response [' + "".join(entities) + "]>\n"
        '<Response xmlns="urn:oasis:names:tc:SAML:2.0:protocol">&lol9;</Response>\n'
    ).encode()


def external_entity(secret: Path) -> bytes:
    return (
        '<?xml version="1.0"?>\n'
        f'<!DOCTYPE Response [<!ENTITY secret SYSTEM "file://{secret}">]>\n'
        '<Response xmlns="urn:oasis:names:tc:SAML:2.0:protocol">&secret;</Response>\n'
    ).encode()


def png_with_size(width: int, height: int) -> bytes:
    """Build a PNG whose header declares width x height, with a tiny (invalid) image body."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        crc = zlib.crc32(kind + data) & 0xFFFFFFFF
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\x00" * 64))
        + chunk(b"IEND", b"")
    )


def jpeg_bytes() -> bytes:
    output = io.BytesIO()
    Image.new("RGB", (64, 48), "white").save(output, "JPEG")
    return output.getvalue()


def test_hostile_xml_reported_with_file_name(tmp_path: Path):
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-VALUE")
    hostile = {
        "sso/laughs.xml": ("saml-response", billion_laughs(), "DTD or entity declarations"),
        "sso/external.xml": ("saml-metadata", external_entity(secret), "DTD or entity"),
        "sso/laughs.b64": (
            "saml-response",
            base64.b64encode(billion_laughs()),
            "DTD or entity declarations",
        ),
        "sso/broken.xml": (
            "saml-metadata",
            b"<EntityDescriptor><IDPSSODescriptor></EntityDescriptor>",
            "Invalid XML at line 1",
        ),
    }
    folder = pack_with_artifacts(
        tmp_path / "pack", {path: (kind, data) for path, (kind, data, _) in hostile.items()}
    )

    started = time.monotonic()
    report, con = import_into_new_database(folder, tmp_path / "review.duckdb")
    elapsed = time.monotonic() - started
    try:
        stored = " ".join(
            str(row[0]) for row in con.execute("SELECT content_json FROM artifacts").fetchall()
        )
    finally:
        con.close()

    assert report.status == "accepted"
    assert elapsed < 30
    assert "TOP-SECRET-VALUE" not in stored
    assert "lollollol" not in stored
    for path, (_, _, reason) in hostile.items():
        messages = findings_for(report, path)
        assert any(message.startswith(f"{path} ") for message in messages), path
        assert any(reason in message for message in messages), path
    assert "TOP-SECRET-VALUE" not in " ".join(f.message for f in report.findings)


def test_hostile_images_reported(tmp_path: Path):
    real_png = SCREENSHOT.read_bytes()
    hostile = {
        "screens/truncated.png": (real_png[: len(real_png) // 2], "damaged or truncated"),
        "screens/garbage.png": (b"\x89PNG\r\n\x1a\n" + b"\x00" * 100, "not an image"),
        "screens/huge.png": (png_with_size(100_000, 100_000), "pixel safety limit"),
        "screens/truncated.jpg": (jpeg_bytes()[:300], "damaged or truncated"),
        "screens/not-an-image.png": (b"hello, not an image", "not an image"),
    }
    folder = pack_with_artifacts(
        tmp_path / "pack",
        {path: ("screenshot", data) for path, (data, _) in hostile.items()},
    )

    report, con = import_into_new_database(folder, tmp_path / "review.duckdb")
    con.close()

    assert report.status == "accepted"
    for path, (_, reason) in hostile.items():
        messages = " ".join(findings_for(report, path))
        assert "could not be read" in messages, path
        assert reason in messages, path


def test_image_bomb_limit_stays_on():
    assert Image.MAX_IMAGE_PIXELS == PILLOW_DEFAULT_MAX_PIXELS
