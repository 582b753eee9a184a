"""Ticket intake and solution-delivery API (FastAPI)."""
