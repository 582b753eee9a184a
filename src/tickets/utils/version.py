"""The code version recorded in manifests and reports."""

from __future__ import annotations

import subprocess
from importlib import metadata
from pathlib import Path


def code_version() -> str:
    """``git describe`` of the checkout when available, else the installed package version."""
    root = Path(__file__).resolve().parents[3]
    try:
        out = subprocess.run(
            ["git", "describe", "--always", "--dirty", "--tags"],
            cwd=root,
            capture_output=True,
            text=True,
            timeout=5,
            check=True,
        )
        return out.stdout.strip()
    except (OSError, subprocess.SubprocessError):
        try:
            return f"tickets {metadata.version('tickets')}"
        except metadata.PackageNotFoundError:
            return "unknown"
