"""Lifecycle: retraining, evaluation gate, promotion, drift monitoring."""
