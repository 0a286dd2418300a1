"""Writes that never leave half a briefing behind.

An issue's files are written into a hidden sibling folder and swapped in by rename; single
files (the archive page, the Atom feed) are written beside their target and renamed over it.
If anything fails before the swap, the previous issue is untouched.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator


@contextmanager
def _named(path: Path) -> Iterator[None]:
    """A failed write() says "No space left on device" without saying where: add the file."""
    try:
        yield
    except OSError as exc:
        if exc.filename:
            raise
        raise OSError(exc.errno, exc.strerror, str(path)) from exc


def write_file_atomic(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        os.fchmod(fd, 0o644)           # mkstemp makes 0600; a web server running as another user must read it
        with _named(path), os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_folder_atomic(target: Path, files: dict[str, bytes]) -> None:
    """Replace ``target`` with exactly ``files``; readers see the old folder or the new one."""
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(dir=target.parent, prefix=f".{target.name}.new."))
    try:
        for name, data in files.items():
            destination = staging / name
            destination.parent.mkdir(parents=True, exist_ok=True)
            with _named(target / name):
                destination.write_bytes(data)
            os.chmod(destination, 0o644)
        os.chmod(staging, 0o755)
        if target.exists():
            retired = Path(tempfile.mkdtemp(dir=target.parent, prefix=f".{target.name}.old."))
            os.replace(target, retired / target.name)
            try:
                os.replace(staging, target)
            except BaseException:
                os.replace(retired / target.name, target)
                raise
            shutil.rmtree(retired, ignore_errors=True)
        else:
            os.replace(staging, target)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise


def clean_leftovers(folder: Path) -> None:
    """Staging folders of a build that was killed are removed by the next build."""
    if folder.is_dir():
        for entry in folder.glob(".*.new.*"):
            shutil.rmtree(entry, ignore_errors=True)
        for entry in folder.glob(".*.old.*"):
            shutil.rmtree(entry, ignore_errors=True)
