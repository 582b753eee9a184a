"""``GET /v1/analytics/summary``: live counts over the tickets the API received.

The full analytics bundle (SLA, CSAT drivers, business time) is ``python main.py analytics`` on
the silver warehouse, after ``python main.py ingest data=api_db``. This summary is what an
operator wants from the service itself: volume, enrichment state and model quality signals.
Dates are UTC days; ``end`` is inclusive.
"""

from __future__ import annotations

import datetime as dt
import statistics

from sqlalchemy import ColumnElement, Integer, SQLColumnExpression, cast, func, select
from sqlalchemy.orm import Session

from tickets.api.schemas import AnalyticsSummary, CountBy, FeedbackSummary
from tickets.api.storage.models import ENRICHMENT_PENDING, FeedbackRow, TicketRow

DONE = ("resolved", "closed")


def window(start: dt.date, end: dt.date) -> tuple[dt.datetime, dt.datetime]:
    lo = dt.datetime.combine(start, dt.time.min, tzinfo=dt.UTC)
    hi = dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min, tzinfo=dt.UTC)
    return lo, hi


def summarise(session: Session, start: dt.date, end: dt.date) -> AnalyticsSummary:
    lo, hi = window(start, end)
    created = (TicketRow.created_at >= lo) & (TicketRow.created_at < hi)
    count = func.count()
    received = session.scalar(select(count).where(created)) or 0
    enriched = TicketRow.confidence.is_not(None)
    review = session.execute(
        select(
            func.sum(cast(TicketRow.needs_review, Integer)),
            func.count(TicketRow.confidence),
            func.avg(TicketRow.confidence),
        ).where(created, enriched)
    ).one()
    return AnalyticsSummary(
        start=start,
        end=end,
        received=received,
        resolved=_resolved(session, lo, hi),
        open=session.scalar(select(count).where(created, TicketRow.status.not_in(DONE))) or 0,
        pending_enrichment=session.scalar(
            select(count).where(created, TicketRow.enrichment == ENRICHMENT_PENDING)
        )
        or 0,
        needs_review_rate=_ratio(review[0], review[1]),
        mean_confidence=None if review[2] is None else round(float(review[2]), 4),
        median_resolution_hours=_median_resolution_hours(session, lo, hi),
        by_category=_count_by(
            session, func.coalesce(TicketRow.corrected_category, TicketRow.category), created
        ),
        by_channel=_count_by(session, TicketRow.channel, created),
        by_priority=_count_by(session, TicketRow.priority, created),
        feedback=_feedback(session, lo, hi),
    )


def _ratio(part: object, whole: object) -> float | None:
    whole_n = int(whole or 0)  # type: ignore[call-overload]
    return None if whole_n == 0 else round(int(part or 0) / whole_n, 4)  # type: ignore[call-overload]


def _resolved(session: Session, lo: dt.datetime, hi: dt.datetime) -> int:
    query = select(func.count()).where(TicketRow.resolved_at >= lo, TicketRow.resolved_at < hi)
    return session.scalar(query) or 0


def _median_resolution_hours(session: Session, lo: dt.datetime, hi: dt.datetime) -> float | None:
    rows = session.execute(
        select(TicketRow.created_at, TicketRow.resolved_at).where(
            TicketRow.resolved_at >= lo, TicketRow.resolved_at < hi
        )
    ).all()
    hours = [(end - begin).total_seconds() / 3600 for begin, end in rows if end is not None]
    return round(statistics.median(hours), 4) if hours else None


def _count_by(
    session: Session, column: SQLColumnExpression[str | None], where: ColumnElement[bool]
) -> list[CountBy]:
    key = func.coalesce(column, "(none)")
    rows = session.execute(
        select(key, func.count()).where(where).group_by(key).order_by(func.count().desc(), key)
    ).all()
    return [CountBy(key=str(k), count=int(n)) for k, n in rows]


def _feedback(session: Session, lo: dt.datetime, hi: dt.datetime) -> FeedbackSummary:
    rows = session.execute(
        select(FeedbackRow.kind, func.count())
        .where(FeedbackRow.created_at >= lo, FeedbackRow.created_at < hi)
        .group_by(FeedbackRow.kind)
    ).all()
    counts = {kind: int(n) for kind, n in rows}
    accepted, rejected = counts.get("accepted", 0), counts.get("rejected", 0)
    return FeedbackSummary(
        accepted=accepted,
        rejected=rejected,
        category_corrected=counts.get("category_corrected", 0),
        acceptance_rate=_ratio(accepted, accepted + rejected),
    )
