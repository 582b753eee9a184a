"""``/v1/analytics/summary``: live counts over the tickets the API received."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import APIRouter, Query

from tickets.api.deps import ERROR_RESPONSES, ReadKey, ServicesDep, unprocessable
from tickets.api.schemas import AnalyticsSummary
from tickets.api.storage.summary import summarise

router = APIRouter(prefix="/v1/analytics", tags=["analytics"], responses=ERROR_RESPONSES)

DEFAULT_DAYS = 30
MAX_DAYS = 3_660


@router.get("/summary", summary="Volume, enrichment and feedback over a date window (UTC days)")
def analytics_summary(
    _: ReadKey,
    services: ServicesDep,
    start: Annotated[dt.date | None, Query(description="first day; default end - 29 days")] = None,
    end: Annotated[dt.date | None, Query(description="last day, inclusive; default today")] = None,
) -> AnalyticsSummary:
    end = end or dt.datetime.now(dt.UTC).date()
    start = start or end - dt.timedelta(days=DEFAULT_DAYS - 1)
    if start > end:
        raise unprocessable(["query", "start"], f"start {start} is after end {end}")
    if (end - start).days > MAX_DAYS or end.year > 9998:
        message = f"the window may span at most {MAX_DAYS} days and end before 9999"
        raise unprocessable(["query", "end"], message)
    with services.sessions() as session:
        return summarise(session, start, end)
