"""Data layer: source adapters, validation, ingestion, warehouse I/O and the synthetic generator."""
