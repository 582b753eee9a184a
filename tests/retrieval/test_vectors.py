"""faiss vectors: exact below the IVF threshold, IVF above, same answers on clear cases."""

from __future__ import annotations

import numpy as np

from tickets.retrieval.vectors import VectorIndex


def _unit(rows: np.ndarray) -> np.ndarray:
    return (rows / np.linalg.norm(rows, axis=1, keepdims=True)).astype(np.float32)


def test_flat_search_returns_cosine_order():
    vectors = _unit(np.array([[1, 0], [0.6, 0.8], [0, 1]], dtype=float))
    index = VectorIndex(2, ivf_threshold=100).fit(vectors)
    hits = index.search(np.array([1.0, 0.0], np.float32), 2)
    assert index.kind == "flat"
    assert hits.indices.tolist() == [0, 1]
    assert hits.scores.tolist() == [1.0, np.float32(0.6)]


def test_ivf_finds_the_same_nearest_neighbours_as_exact_search():
    rng = np.random.default_rng(0)
    centres = _unit(rng.normal(size=(20, 32)))
    data = _unit(np.repeat(centres, 60, axis=0) + 0.05 * rng.normal(size=(1200, 32)))
    ivf = VectorIndex(32, ivf_threshold=1000, nprobe=8).fit(data)
    assert ivf.kind == "ivf"
    queries = centres + 0.01
    found = [ivf.search(q.astype(np.float32), 1).indices[0] for q in queries]
    exact = [int(np.argmax(data @ q)) for q in queries]
    assert found == exact


def test_growing_past_the_threshold_switches_to_ivf_and_keeps_every_vector():
    rng = np.random.default_rng(1)
    index = VectorIndex(8, ivf_threshold=300).fit(_unit(rng.normal(size=(200, 8))))
    assert index.kind == "flat"
    index.add(_unit(rng.normal(size=(150, 8))))
    assert index.kind == "ivf" and index.size == 350


def test_allowed_mask_gives_exact_filtered_results_and_save_load_round_trips(tmp_path):
    vectors = _unit(np.eye(3))
    index = VectorIndex(3).fit(vectors)
    hits = index.search(vectors[0], 3, allowed=np.array([False, True, True]))
    assert 0 not in hits.indices.tolist()
    index.save(tmp_path / "dense")
    loaded = VectorIndex.load(tmp_path / "dense", 3, 50_000, 24)
    assert loaded.search(vectors[2], 1).indices.tolist() == [2]
