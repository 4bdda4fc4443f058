"""Pack and reviewer text is shown as text, never rendered as a link, HTML or markdown.

AppTest returns the markdown source an element was given, so these tests assert that the
hostile text reaches Streamlit backslash-escaped. The browser then shows it literally.
"""

from __future__ import annotations

import json
import re
import string
import zipfile
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st_strategies
from streamlit.testing.v1 import AppTest

from tests.conftest import REPO_ROOT
from tests.hardening.hardening_support import copy_pack_folder, fresh_resources
from ui.text import escape_markdown

__all__ = ["fresh_resources"]

LINK = "[x](javascript:alert(1))"
SCRIPT = "<script>alert(1)</script>"
HOSTILE = f"{LINK} {SCRIPT}"
PACK_ID = "EP-HOSTILE-0001"
TIMEOUT = 60
_ESCAPE = re.compile(r"\\(.)")
_UNESCAPED_TAG = re.compile(r"(?<!\\)<")
_UNESCAPED_LINK = re.compile(r"(?<!\\)\]\(")


def assert_escaped(value: str) -> None:
    """Fail when `value` contains the hostile link or tag in a form markdown would render."""
    assert LINK not in value
    assert SCRIPT not in value
    assert _UNESCAPED_TAG.search(value) is None
    assert _UNESCAPED_LINK.search(value) is None
    assert escape_markdown(LINK) in value


def hostile_pack_zip(tmp_path: Path) -> Path:
    """Zip the clean pack with hostile text in its partner, supersedes and a file name."""
    folder = copy_pack_folder(tmp_path / "hostile", pack_id=PACK_ID)
    manifest_path = folder / "manifest.json"
    manifest = json.loads(manifest_path.read_text())
    manifest["partner"]["name"] = HOSTILE
    manifest["partner"]["partner_id"] = LINK
    manifest["supersedes"] = HOSTILE
    manifest_path.write_text(json.dumps(manifest, indent=2))
    # A file name cannot contain "/", so the file name carries only the opening tag.
    (folder / "docs" / f"{LINK} <script>.md").write_text("unlisted\n")

    path = tmp_path / "hostile.zip"
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for file in sorted(folder.rglob("*")):
            if file.is_file():
                archive.write(file, file.relative_to(folder).as_posix())
    return path


def markdown_values(app: AppTest) -> list[str]:
    """Return the source of every element that renders markdown."""
    elements = [
        *app.markdown,
        *app.caption,
        *app.info,
        *app.warning,
        *app.error,
        *app.success,
        *app.subheader,
        *app.title,
    ]
    return [element.value for element in elements]


@settings(max_examples=200, deadline=None)
@given(st_strategies.text())
def test_escape_markdown_round_trips(text: str):
    escaped = escape_markdown(text)

    assert _ESCAPE.sub(r"\1", escaped) == text
    unescaped_punctuation = re.sub(r"\\.", "", escaped)
    assert not any(character in string.punctuation for character in unescaped_punctuation)


def test_escape_markdown_examples():
    assert escape_markdown(LINK) == r"\[x\]\(javascript\:alert\(1\)\)"
    assert escape_markdown("<b>") == r"\<b\>"
    assert escape_markdown("Harbor Resilience Group") == "Harbor Resilience Group"
    assert escape_markdown(None) == ""


def test_upload_escapes_file_name(demo_env: Path, fresh_resources: None):
    app = AppTest.from_file(str(REPO_ROOT / "pages/1_Upload.py"), default_timeout=TIMEOUT)
    app.run()

    app.file_uploader(key="upload_file").upload(f"{HOSTILE}.zip", b"not a zip", "application/zip")
    app.run()

    assert not app.exception
    errors = [element.value for element in app.error]
    assert errors
    for value in errors:
        assert_escaped(value)


def test_review_escapes_pack_text(demo_env: Path, tmp_path: Path, fresh_resources: None):
    upload = AppTest.from_file(str(REPO_ROOT / "pages/1_Upload.py"), default_timeout=TIMEOUT)
    upload.run()
    upload.file_uploader(key="upload_file").upload(
        "hostile.zip", hostile_pack_zip(tmp_path).read_bytes(), "application/zip"
    )
    upload.run()
    assert not upload.exception
    assert any(PACK_ID in element.value.replace("\\", "") for element in upload.success)

    review = AppTest.from_file(str(REPO_ROOT / "pages/2_Review.py"), default_timeout=TIMEOUT)
    review.query_params["pack"] = PACK_ID
    review.run()
    review.radio(key=f"review_decision::{PACK_ID}").set_value("fail")
    review.text_area(key=f"review_rationale::{PACK_ID}").input(HOSTILE)
    next(button for button in review.button if button.label == "Record decision").click()
    review.run()
    review.run()

    assert not review.exception
    subheader = review.subheader[0].value
    assert_escaped(subheader)
    supersedes = [v for v in markdown_values(review) if v.startswith("This pack is a resubmission")]
    assert len(supersedes) == 1
    assert_escaped(supersedes[0])
    decision = [v for v in markdown_values(review) if v.startswith("Current decision")]
    assert len(decision) == 1
    assert_escaped(decision[0])
    for value in markdown_values(review):
        assert LINK not in value
        assert SCRIPT not in value
