"""Errors the anomalies command reports as a message and an exit code (never a traceback)."""

from __future__ import annotations


class AnomalyError(RuntimeError):
    """Bad input (window outside the data, unreadable log, ...); the message says how to fix it."""

    def __init__(self, message: str, exit_code: int = 2) -> None:
        super().__init__(message)
        self.exit_code = exit_code
