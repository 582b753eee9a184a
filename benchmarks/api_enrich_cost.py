"""CPU cost of enriching one ticket (categorise + recommend) in the API's enricher.

    python benchmarks/api_enrich_cost.py --outputs outputs/bench_api --warehouse assets/sample

Loads the enricher exactly as ``serve`` does (the registry champion and ``paths.index`` if
they exist under --outputs, else the starter model and index), then enriches real ticket texts
in batches of 1, 4 and 16 and reports CPU milliseconds per ticket: the capacity of one
enrichment thread is about 1000 / that number tickets per second on an idle core. CPU time is
reported because wall time on a shared machine mostly measures the other tenants.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
import time
from pathlib import Path

from api_bench_lib import ROOT, machine_note, ticket_texts


def cpu_ms_per_ticket(work, tickets: list, batch: int) -> float:  # type: ignore[no-untyped-def]
    started = time.process_time()
    for start in range(0, len(tickets), batch):
        work(tickets[start : start + batch])
    return round((time.process_time() - started) * 1e3 / len(tickets), 1)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--outputs", default=str(ROOT / "outputs" / "bench_api"))
    parser.add_argument("--warehouse", default=str(ROOT / "assets" / "sample"))
    parser.add_argument("--tickets", type=int, default=96)
    parser.add_argument("--json")
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    sys.path.insert(0, str(ROOT / "src"))
    from omegaconf import OmegaConf

    from tickets.api.enrichment import TicketText
    from tickets.api.model_enricher import load_model_enricher
    from tickets.api.settings import ApiSettings

    retrieval = OmegaConf.to_container(OmegaConf.load(ROOT / "conf" / "retrieval" / "hybrid.yaml"))
    settings = ApiSettings(
        outputs=Path(args.outputs), starter_warehouse=Path(args.warehouse), retrieval=retrieval
    )  # type: ignore[arg-type]
    enricher = load_model_enricher(settings)
    texts = ticket_texts(Path(args.warehouse), args.tickets * 2, seed=11)
    tickets = [TicketText(f"b{i}", t.get("subject"), t["body"]) for i, t in enumerate(texts)]
    enricher.enrich(tickets[:8])  # warm-up
    report = {"version": enricher.version, "machine": machine_note(), "cpu_ms_per_ticket": {}}
    for batch in (1, 4, 16):
        report["cpu_ms_per_ticket"][f"batch_{batch}"] = cpu_ms_per_ticket(
            enricher.enrich, tickets[: args.tickets], batch
        )
    rest = tickets[args.tickets :]
    report["categorise_only_batch_16"] = cpu_ms_per_ticket(enricher.categoriser.predict, rest, 16)
    report["recommend_only_batch_16"] = cpu_ms_per_ticket(
        enricher.recommender.recommend_many, rest, 16
    )
    print(json.dumps(report, indent=2))
    if args.json:
        Path(args.json).write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
