"""Content-addressed storage of pack files, so any artifact can be opened later."""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
from pathlib import Path


def sha256_file(path: Path) -> str:
    """Return the hex SHA-256 of a file, read in chunks."""
    with path.open("rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()


class BlobStore:
    """Files kept under `root/ab/abcdef...` by SHA-256; a file is written once and never changed."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def path_for(self, sha256: str) -> Path:
        """Return where the blob with this digest lives (it may not exist)."""
        return self.root / sha256[:2] / sha256

    def put(self, source: Path, sha256: str, *, link: bool = False) -> Path:
        """Store `source` under its digest and return the blob's path.

        With `link`, a hard link is made where possible instead of a copy: only for files the
        app owns (an extracted zip), never a partner's folder that could change later. The
        blob appears atomically: it is written beside its final name and renamed.
        """
        target = self.path_for(sha256)
        if target.exists():
            return target
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, temp_name = tempfile.mkstemp(dir=target.parent, prefix=".incoming-")
        os.close(fd)
        temp = Path(temp_name)
        try:
            temp.unlink()
            try:
                if not link:
                    raise OSError("copy requested")
                os.link(source, temp)
            except OSError:
                shutil.copyfile(source, temp)
            os.chmod(temp, 0o444)
            os.replace(temp, target)
        finally:
            temp.unlink(missing_ok=True)
        return target

    def read(self, sha256: str) -> bytes:
        """Return the bytes of a stored blob; raises FileNotFoundError when it is not stored."""
        return self.path_for(sha256).read_bytes()


class InPlaceStore(BlobStore):
    """A store that keeps nothing: files are read where they are (for `check` runs)."""

    def __init__(self) -> None:
        super().__init__(Path("."))
        self._paths: dict[str, Path] = {}

    def put(self, source: Path, sha256: str, *, link: bool = False) -> Path:
        self._paths[sha256] = source
        return source

    def path_for(self, sha256: str) -> Path:
        try:
            return self._paths[sha256]
        except KeyError:
            raise FileNotFoundError(f"no file with SHA-256 {sha256} in this check run") from None
