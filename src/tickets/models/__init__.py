"""Ticket categorisation models: features, linear, LightGBM, neural, ensemble, MLflow tracking."""
