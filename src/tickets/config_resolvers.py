"""OmegaConf resolvers used by conf/: registered once before composing."""

from __future__ import annotations

from pathlib import Path

from omegaconf import OmegaConf


def project_root() -> str:
    """The repository root (the folder holding conf/ and assets/)."""
    return str(Path(__file__).resolve().parents[2])


def register_resolvers() -> None:
    if not OmegaConf.has_resolver("project_root"):
        OmegaConf.register_new_resolver("project_root", project_root)
