"""Building, updating and opening the index folder."""

from __future__ import annotations

import json

import pytest

from tickets.retrieval import builder as builder_module
from tickets.retrieval.settings import RetrievalSettings
from tickets.retrieval.store import IndexMissingError, IndexStamp, IndexVersionError, load_index

from .builders import build, recommender
from .fakes import HashingEmbedder
from .handmade import ticket_row, write_tickets


def test_build_indexes_solved_tickets_and_kb_with_a_version_stamp(
    warehouse_dir, tmp_path, embedder
):
    report = build(warehouse_dir, tmp_path / "index", embedder)
    stamp = IndexStamp.read(tmp_path / "index")
    assert report.mode == "full"
    assert stamp.counts == {"tickets": 8, "kb": 3}  # TCK-9 is open: not indexed
    assert stamp.format_version == 1 and stamp.embedder == "hashing-256"
    assert sorted(p.name for p in (tmp_path / "index").iterdir()) == [
        "calibration.json", "graph", "index.json", "kb", "tickets",
    ]  # fmt: skip
    # 8 tickets, 8 resolutions, 3 KB articles, 3 products, 3 categories (shared by the KB
    # articles' issue field) and 2 entities: error:e1042 and version:4.3.0
    assert report.graph_nodes == 27


def test_update_embeds_only_the_new_ticket(warehouse_dir, tmp_path):
    build(warehouse_dir, tmp_path / "index", HashingEmbedder())
    new = ticket_row(
        "TCK-10", "Router-X", "Connectivity", "WAN down E1042", "Router-X loses WAN, E1042.",
        "Set the MTU to 1492, see [KB-0001].", day=25,
    )  # fmt: skip
    write_tickets(warehouse_dir, [new], part="part-1")
    embedder = HashingEmbedder()
    report = build(warehouse_dir, tmp_path / "index", embedder)
    assert (report.mode, report.new_tickets, report.tickets) == ("update", 1, 9)
    # the new ticket (title + body, then subject), then the small KB collection, rebuilt
    assert embedder.calls == [1, 1, 3, 3]
    rec = recommender(tmp_path / "index", embedder)
    assert rec.index.tickets.position("TCK-10") == 8


def test_an_up_to_date_index_is_left_alone(warehouse_dir, tmp_path, embedder):
    build(warehouse_dir, tmp_path / "index", embedder)
    assert build(warehouse_dir, tmp_path / "index", embedder).mode == "unchanged"


def test_new_fusion_settings_refit_the_confidence_and_warn_until_then(
    warehouse_dir, tmp_path, embedder
):
    build(warehouse_dir, tmp_path / "index", embedder)
    other = RetrievalSettings.from_dict({"fusion": {"weights": {"bm25": 0.5, "dense": 0.5}}})
    stale = load_index(tmp_path / "index", other, embedder)
    assert any("retrieval.fusion settings differ" in w for w in stale.warnings)
    assert load_index(tmp_path / "index", RetrievalSettings(), embedder).warnings == []

    report = build(warehouse_dir, tmp_path / "index", embedder, other)
    assert report.mode == "update" and report.new_tickets == 0
    assert report.calibration.get("kept") is None  # refitted on the new fused scores
    assert IndexStamp.read(tmp_path / "index").fusion["weights"] == {"bm25": 0.5, "dense": 0.5}
    assert load_index(tmp_path / "index", other, embedder).warnings == []
    assert build(warehouse_dir, tmp_path / "index", embedder, other).mode == "unchanged"


def test_a_crash_mid_build_leaves_the_previous_index_in_use(
    warehouse_dir, tmp_path, embedder, monkeypatch
):
    build(warehouse_dir, tmp_path / "index", embedder)
    before = (tmp_path / "index" / "index.json").read_text()

    def crash(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(builder_module, "_write_graph", crash)
    with pytest.raises(RuntimeError, match="disk full"):
        build(warehouse_dir, tmp_path / "index", embedder, rebuild=True)
    assert (tmp_path / "index" / "index.json").read_text() == before
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".index")] == []
    assert recommender(tmp_path / "index", embedder).index.stamp.counts["tickets"] == 8


def test_a_missing_index_names_the_command_that_builds_it(tmp_path, embedder):
    with pytest.raises(IndexMissingError, match=r"python main\.py index --warehouse DIR"):
        load_index(tmp_path / "nowhere", RetrievalSettings(), embedder)


def test_an_index_from_an_older_format_asks_for_a_rebuild(warehouse_dir, tmp_path, embedder):
    build(warehouse_dir, tmp_path / "index", embedder)
    stamp_path = tmp_path / "index" / "index.json"
    stamp = json.loads(stamp_path.read_text())
    stamp_path.write_text(json.dumps(stamp | {"format_version": 0}))
    with pytest.raises(IndexVersionError, match=r"format version 0.*--rebuild"):
        load_index(tmp_path / "index", RetrievalSettings(), embedder)


def test_an_index_embedded_by_another_model_asks_for_a_rebuild(warehouse_dir, tmp_path, embedder):
    build(warehouse_dir, tmp_path / "index", embedder)

    class Other(HashingEmbedder):
        @property
        def name(self) -> str:
            return "other-model"

    with pytest.raises(IndexVersionError, match="other-model"):
        load_index(tmp_path / "index", RetrievalSettings(), Other())
