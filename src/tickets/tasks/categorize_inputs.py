"""Shared by ``train``, ``categorize`` and ``evaluate --task categorize``: typed settings from
the composed config, and the tickets to read (a file through the adapter, or the warehouse)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd
from omegaconf import DictConfig, OmegaConf

from tickets.data.adapter_spec import AdapterSpec
from tickets.data.duck import connect, sql_literal
from tickets.data.loading import load_tickets
from tickets.data.warehouse import Warehouse
from tickets.models.embeddings import configure_embeddings
from tickets.models.settings import (
    EmbeddingSettings,
    ModelSettings,
    TrackingSettings,
    TrainSettings,
)


@dataclass(frozen=True)
class InputTickets:
    frame: pd.DataFrame  # canonical columns (+ x_ extras, + segment from customers), input order
    source: str
    rejected: int = 0


def _plain(node: Any) -> Any:
    return OmegaConf.to_container(node, resolve=True) if node is not None else None


def model_settings(cfg: DictConfig) -> ModelSettings:
    m = cfg.model
    emb = m.embeddings
    embeddings = EmbeddingSettings(
        Path(emb.cache_dir) if emb.cache_dir else None, int(emb.max_seq_length), int(emb.batch_size)
    )
    configure_embeddings(embeddings.cache_dir, embeddings.max_seq_length, embeddings.batch_size)
    return ModelSettings(
        name=str(m.name),
        members=tuple(m.members),
        target=str(m.target),
        rare_min_count=int(m.rare_min_count),
        rare_label=str(m.rare_label),
        review_threshold=float(m.review_threshold),
        seed=int(m.seed),
        max_chars=int(m.max_chars),
        validation_size=float(m.validation_size),
        weight_step=float(m.weight_step),
        weight_objective=str(m.get("weight_objective", "macro_f1")),
        refit=bool(m.refit),
        params=_plain(m.params) or {},
        embeddings=embeddings,
    )


def tracking_settings(cfg: DictConfig) -> TrackingSettings:
    t = cfg.tracking
    root = t.get("artifact_root")
    return TrackingSettings(str(t.tracking_uri), str(t.experiment), Path(root) if root else None)


def train_settings(cfg: DictConfig) -> TrainSettings:
    t = cfg.train
    return TrainSettings(float(t.test_size), str(t.split), bool(t.register), Path(t.output_dir))


def read_tickets(cfg: DictConfig, path: str | None) -> InputTickets:
    """Tickets from ``path`` (or the preset's default file) through the adapter, else the
    warehouse at ``paths.warehouse``."""
    path = path or cfg.data.get("input")
    if path:
        spec = AdapterSpec.from_mapping(_plain(cfg.data))
        loaded = load_tickets(path, spec)
        frame = loaded.table.to_pandas().sort_values("_row", kind="stable").drop(columns="_row")
        return InputTickets(frame.reset_index(drop=True), str(path), loaded.rejects.num_rows)
    return InputTickets(
        warehouse_tickets(Warehouse.at(cfg.paths.warehouse)), str(cfg.paths.warehouse)
    )


def warehouse_tickets(warehouse: Warehouse) -> pd.DataFrame:
    """Every warehouse ticket (ordered by created_at, ticket_id) with the customer's segment."""
    warehouse.require_tickets()
    con = connect()
    customers = warehouse.dimension_path("customers")
    scan = warehouse.tickets_scan_sql()
    if customers.exists():
        query = (
            f"SELECT t.*, c.segment FROM {scan} t LEFT JOIN read_parquet("
            f"{sql_literal(str(customers))}) c USING (customer_id) ORDER BY created_at, ticket_id"
        )
    else:
        query = f"SELECT * FROM {scan} ORDER BY created_at, ticket_id"
    frame = con.sql(query).to_arrow_table().to_pandas()
    con.close()
    return frame.drop(columns=["created_month"], errors="ignore")
