"""Anomaly detection: volume spikes, emerging issues, sentiment shifts, retrieval failures."""
