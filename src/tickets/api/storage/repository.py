"""Reads and writes of tickets and feedback. Every write commits before it returns.

Duplicates are stopped by the database, not by a check-then-insert race: ``external_id`` and
``idempotency_key`` carry unique constraints, and a losing concurrent insert turns its
``IntegrityError`` into "return the original ticket".
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import secrets
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import func, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from tickets.api.auth import Principal
from tickets.api.enrichment import Enrichment, TicketText
from tickets.api.schemas import FeedbackCreate, ResolveCreate, TicketCreate
from tickets.api.storage.models import (
    ENRICHMENT_COMPLETE,
    ENRICHMENT_PENDING,
    FeedbackRow,
    TicketRow,
)

MAX_ERROR_CHARS = 200


class IdempotencyMismatchError(ValueError):
    """An Idempotency-Key was reused with a different request body."""


class ResolutionBeforeCreationError(ValueError):
    pass


@dataclass(frozen=True)
class Intake:
    ticket: TicketRow
    created: bool  # False: the original of a repeated request


def request_hash(ticket: TicketCreate) -> str:
    payload = json.dumps(ticket.model_dump(mode="json"), sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def new_ticket_id() -> str:
    return f"API-{secrets.token_hex(8)}"


def ticket_text(row: TicketRow) -> TicketText:
    return TicketText(
        ticket_id=row.id,
        subject=row.subject,
        body=row.body or "",
        channel=row.channel,
        priority=row.priority,
        queue=row.queue,
        product=row.product,
        customer_id=row.customer_id,
    )


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class TicketRepository:
    def __init__(
        self,
        sessions: sessionmaker[Session],
        writes: sessionmaker[Session],
        recomputable: sessionmaker[Session] | None = None,
    ) -> None:
        self._sessions = sessions  # reads and single-statement writes
        self._writes = writes  # read-then-write transactions (BEGIN IMMEDIATE on SQLite)
        self._recomputable = recomputable or sessions  # enrichment results and leases

    # -- intake ---------------------------------------------------------------------------
    def intake(
        self, ticket: TicketCreate, principal: Principal, idempotency_key: str | None
    ) -> Intake:
        """Store the ticket (committed) or return the original of a repeated request."""
        scoped_key = f"{principal.key_id}:{idempotency_key}" if idempotency_key else None
        digest = request_hash(ticket)
        now = utc_now()
        row = TicketRow(
            id=new_ticket_id(),
            external_id=ticket.external_id,
            idempotency_key=scoped_key,
            request_hash=digest,
            api_key_id=principal.key_id,
            created_at=ticket.created_at or now,
            updated_at=now,
            received_at=now,
            status="new",
            enrichment=ENRICHMENT_PENDING,
            enrichment_attempts=0,
            **ticket.model_dump(exclude={"external_id", "created_at"}),
        )
        try:  # insert first: a repeat is the rare case, and the constraint catches it
            with self._sessions.begin() as session:
                session.add(row)
        except IntegrityError:
            original = self._original(scoped_key, ticket.external_id, digest)
            if original is None:  # not a duplicate after all: a real constraint problem
                raise
            return Intake(original, created=False)
        return Intake(row, created=True)

    def _original(
        self, scoped_key: str | None, external_id: str | None, digest: str
    ) -> TicketRow | None:
        conditions = []
        if scoped_key:
            conditions.append(TicketRow.idempotency_key == scoped_key)
        if external_id:
            conditions.append(TicketRow.external_id == external_id)
        if not conditions:
            return None
        with self._sessions() as session:
            rows = session.scalars(select(TicketRow).where(or_(*conditions))).all()
        for row in rows:
            if scoped_key and row.idempotency_key == scoped_key and row.request_hash != digest:
                raise IdempotencyMismatchError(
                    "this Idempotency-Key was already used with a different request body; "
                    "use a new key for a new ticket"
                )
        return rows[0] if rows else None

    # -- reads ----------------------------------------------------------------------------
    def get(self, ticket_id: str) -> TicketRow | None:
        with self._sessions() as session:
            return session.get(TicketRow, ticket_id)

    def feedback(self, ticket_id: str) -> list[FeedbackRow]:
        with self._sessions() as session:
            query = select(FeedbackRow).where(FeedbackRow.ticket_id == ticket_id)
            return list(session.scalars(query.order_by(FeedbackRow.id)).all())

    def count_pending(self) -> int:
        with self._sessions() as session:
            query = select(func.count()).where(TicketRow.enrichment == ENRICHMENT_PENDING)
            return int(session.scalar(query) or 0)

    # -- enrichment -----------------------------------------------------------------------
    def complete(self, results: Sequence[tuple[str, Enrichment]]) -> None:
        """Store enrichments (one transaction, one commit for the whole batch)."""
        now = utc_now()
        with self._recomputable.begin() as session:
            for ticket_id, result in results:
                prediction = result.prediction
                session.execute(
                    update(TicketRow)
                    .where(TicketRow.id == ticket_id)
                    .values(
                        enrichment=ENRICHMENT_COMPLETE,
                        enrichment_attempts=TicketRow.enrichment_attempts + 1,
                        enrichment_error=None,
                        enrichment_lease_until=None,
                        enriched_at=now,
                        updated_at=now,
                        category=prediction.category,
                        confidence=prediction.confidence,
                        needs_review=prediction.needs_review,
                        model_version=result.model_version,
                        suggestions=result.suggestions_json(),
                    )
                )

    def record_failure(self, ticket_ids: Sequence[str], error: str) -> None:
        with self._recomputable.begin() as session:
            session.execute(
                update(TicketRow)
                .where(TicketRow.id.in_(list(ticket_ids)))
                .values(
                    enrichment_attempts=TicketRow.enrichment_attempts + 1,
                    enrichment_error=error[:MAX_ERROR_CHARS],
                    enrichment_lease_until=None,
                )
            )

    def claim_pending(
        self, limit: int, lease: dt.timedelta, min_age: dt.timedelta, max_attempts: int = 10
    ) -> list[TicketText]:
        """Pending tickets older than ``min_age`` with fewer than ``max_attempts`` failed
        attempts, leased to this caller for ``lease``."""
        now = utc_now()
        free = or_(
            TicketRow.enrichment_lease_until.is_(None), TicketRow.enrichment_lease_until < now
        )
        with self._sessions() as session:
            candidates = session.scalars(
                select(TicketRow.id)
                .where(TicketRow.enrichment == ENRICHMENT_PENDING)
                .where(TicketRow.received_at < now - min_age)
                .where(TicketRow.enrichment_attempts < max_attempts, free)
                .order_by(TicketRow.received_at)
                .limit(limit)
            ).all()
        claimed = []
        for ticket_id in candidates:
            with self._recomputable.begin() as session:
                result = session.execute(
                    update(TicketRow)
                    .where(TicketRow.id == ticket_id, TicketRow.enrichment == ENRICHMENT_PENDING)
                    .where(free)
                    .values(enrichment_lease_until=now + lease)
                )
                if result.rowcount == 1:  # type: ignore[attr-defined]
                    claimed.append(ticket_id)
        if not claimed:
            return []
        with self._sessions() as session:
            rows = session.scalars(select(TicketRow).where(TicketRow.id.in_(claimed))).all()
            return [ticket_text(row) for row in rows]

    # -- agent actions --------------------------------------------------------------------
    def add_feedback(
        self, ticket_id: str, feedback: FeedbackCreate, principal: Principal
    ) -> FeedbackRow | None:
        """Store feedback; a category correction is also written onto the ticket."""
        now = utc_now()
        with self._writes.begin() as session:
            ticket = session.get(TicketRow, ticket_id)
            if ticket is None:
                return None
            row = FeedbackRow(
                ticket_id=ticket_id,
                api_key_id=principal.key_id,
                created_at=now,
                **feedback.model_dump(),
            )
            session.add(row)
            if feedback.kind == "category_corrected":
                ticket.corrected_category = feedback.category
                ticket.updated_at = now
        return row

    def resolve(self, ticket_id: str, resolve: ResolveCreate) -> TicketRow | None:
        now = utc_now()
        with self._writes.begin() as session:
            ticket = session.get(TicketRow, ticket_id)
            if ticket is None:
                return None
            resolved_at = resolve.resolved_at or now
            if resolved_at < ticket.created_at:
                raise ResolutionBeforeCreationError(
                    f"resolved_at {resolved_at.isoformat()} is before the ticket's created_at "
                    f"{ticket.created_at.isoformat()}"
                )
            ticket.status, ticket.resolved_at = "resolved", resolved_at
            ticket.resolution, ticket.updated_at = resolve.resolution, now
            if resolve.agent_id:
                ticket.agent_id = resolve.agent_id
        return ticket
