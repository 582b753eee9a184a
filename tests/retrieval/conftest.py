"""Fixtures of the retrieval tests: a tiny hand-made warehouse and a fake embedder."""

from __future__ import annotations

from pathlib import Path

import pytest

from .fakes import HashingEmbedder
from .handmade import write_handmade_warehouse


@pytest.fixture
def embedder() -> HashingEmbedder:
    return HashingEmbedder()


@pytest.fixture
def warehouse_dir(tmp_path: Path) -> Path:
    return write_handmade_warehouse(tmp_path / "wh")


@pytest.fixture(scope="session")
def minilm():
    """The real all-MiniLM-L6-v2 (about 3 s to load), shared by the tests that need it."""
    from tickets.retrieval.embedder import MiniLMEmbedder

    return MiniLMEmbedder(batch_size=16, max_seq_length=128)
