"""Atomic file and folder writes, and content fingerprints.

Every artifact the project writes goes through these helpers, so a crash never leaves a
half-written file or folder where a reader would pick it up.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shutil
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

_CHUNK = 1 << 20


def sha256_file(path: str | Path) -> str:
    """Return the hex sha256 of a file, read in 1 MiB chunks."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(_CHUNK), b""):
            digest.update(chunk)
    return digest.hexdigest()


def sha256_text(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@contextlib.contextmanager
def atomic_path(target: str | Path) -> Iterator[Path]:
    """Yield a temporary sibling path; rename it onto ``target`` only if the block succeeds."""
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f".{target.name}.tmp-{uuid.uuid4().hex[:8]}")
    try:
        yield tmp
        os.replace(tmp, target)
    finally:
        if tmp.exists():
            tmp.unlink()


def write_text_atomic(target: str | Path, text: str) -> Path:
    with atomic_path(target) as tmp:
        tmp.write_text(text, encoding="utf-8")
    return Path(target)


def write_json_atomic(target: str | Path, payload: Any) -> Path:
    text = json.dumps(payload, indent=2, sort_keys=False, default=str, ensure_ascii=False)
    return write_text_atomic(target, text + "\n")


@contextlib.contextmanager
def atomic_directory(target: str | Path) -> Iterator[Path]:
    """Build a directory in a temporary sibling, then swap it in place of ``target``.

    The old directory is moved aside first and deleted only after the new one is in place;
    ``recover_directory`` restores it if a crash happened between the two renames.
    """
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    recover_directory(target)
    staging = Path(tempfile.mkdtemp(prefix=f".{target.name}.tmp-", dir=target.parent))
    try:
        yield staging
        old = target.with_name(f".{target.name}.old")
        if target.exists() or target.is_symlink():
            os.replace(target, old)
        os.replace(staging, target)
        _remove(old)
    finally:
        if staging.exists():
            shutil.rmtree(staging, ignore_errors=True)


def recover_directory(target: str | Path) -> None:
    """Undo a swap interrupted between its two renames, and drop stale staging folders."""
    target = Path(target)
    old = target.with_name(f".{target.name}.old")
    if old.exists() or old.is_symlink():
        if target.exists():
            _remove(old)
        else:
            os.replace(old, target)
    if target.parent.exists():
        for stale in target.parent.glob(f".{target.name}.tmp-*"):
            shutil.rmtree(stale, ignore_errors=True) if stale.is_dir() else stale.unlink()


def _remove(path: Path) -> None:
    """Delete a folder, or only the link when ``path`` is a symlink (e.g. a swapped index)."""
    if path.is_symlink():
        path.unlink()
    elif path.exists():
        shutil.rmtree(path)
