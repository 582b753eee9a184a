"""Agent feedback from the API database becomes labels: the API's own export is ingested into
the warehouse, a corrected category counts, an uncorrected guess does not."""

from __future__ import annotations

import datetime as dt

from tickets.api.storage.db import create_db_engine, session_factory
from tickets.api.storage.export import export_tickets
from tickets.api.storage.migrate import upgrade
from tickets.api.storage.models import TicketRow
from tickets.data.adapter_spec import AdapterSpec
from tickets.data.warehouse import Warehouse
from tickets.lifecycle.datasets import untrusted_labels
from tickets.lifecycle.ingestion import ingest_new_data

from .planting import read_tickets

T0 = dt.datetime(2024, 5, 1, 9, 0, tzinfo=dt.UTC)


def row(ticket_id: str, predicted: str, corrected: str | None) -> TicketRow:
    return TicketRow(
        id=ticket_id,
        request_hash=ticket_id,
        created_at=T0,
        updated_at=T0,
        received_at=T0,
        status="open",
        subject=f"{ticket_id} cannot log in",
        body="password reset loops",
        channel="web",
        priority="medium",
        enrichment="done",
        category=predicted,
        confidence=0.7,
        needs_review=False,
        corrected_category=corrected,
        model_version="v1",
    )


def test_corrections_from_the_api_database_become_labels(tmp_path):
    engine = create_db_engine(f"sqlite:///{tmp_path / 'api.db'}")
    upgrade(engine)
    sessions = session_factory(engine)
    with sessions() as session:
        session.add_all([row("API-1", "Billing", "Login & Access"), row("API-2", "Billing", None)])
        session.commit()
    export = tmp_path / "api_tickets.parquet"
    assert export_tickets(sessions, export) == 2
    engine.dispose()

    warehouse = Warehouse.at(tmp_path / "warehouse")
    report = ingest_new_data([], AdapterSpec("canonical"), warehouse, api_export=export)
    assert report.new_tickets == 2
    frame = read_tickets(warehouse.root).sort_values("ticket_id").reset_index(drop=True)
    assert frame["category"].tolist() == ["Login & Access", "Billing"]
    assert frame["x_predicted_category"].tolist() == ["Billing", "Billing"]
    # API-1 was corrected by an agent: a label; API-2 is the model's own guess: not a label
    assert untrusted_labels(frame, "category").tolist() == [False, True]
