"""``/v1/tickets``: intake, read, recommendations, feedback and resolution."""

from __future__ import annotations

from typing import Annotated, Any, TypeVar

from fastapi import APIRouter, Header, HTTPException, Path, Response
from starlette.concurrency import run_in_threadpool

from tickets.api.deps import (
    ERROR_RESPONSES,
    IntakeKey,
    ReadKey,
    RepositoryDep,
    ServicesDep,
    unprocessable,
)
from tickets.api.present import (
    feedback_public,
    intake_public,
    recommendations_public,
    ticket_public,
)
from tickets.api.schemas import (
    FeedbackCreate,
    FeedbackPublic,
    IntakePublic,
    Problem,
    RecommendationsPublic,
    ResolveCreate,
    TicketCreate,
    TicketPublic,
)
from tickets.api.storage.models import FeedbackRow, TicketRow
from tickets.api.storage.repository import (
    IdempotencyMismatchError,
    ResolutionBeforeCreationError,
    ticket_text,
)

Found = TypeVar("Found", TicketRow, FeedbackRow)
router = APIRouter(prefix="/v1/tickets", tags=["tickets"], responses=ERROR_RESPONSES)

NOT_FOUND: dict[int | str, dict[str, Any]] = {
    404: {"model": Problem, "description": "No ticket with this id"}
}
TicketId = Annotated[str, Path(min_length=1, max_length=64, description="ticket_id from intake")]
IdempotencyKey = Annotated[
    str | None,
    Header(
        alias="Idempotency-Key",
        min_length=1,
        max_length=128,
        pattern=r"^[\x21-\x7e]+$",
        description="Any unique string per ticket (e.g. a UUID); a retry with the same key "
        "returns the original ticket with 200 instead of creating a duplicate.",
    ),
]


def _found(row: Found | None, ticket_id: str) -> Found:
    if row is None:
        raise HTTPException(404, f"no ticket {ticket_id!r}; ids come from POST /v1/tickets")
    return row


@router.post(
    "",
    status_code=201,
    summary="Submit a ticket; get its category and recommendations",
    responses={200: {"model": IntakePublic, "description": "A repeat: the original ticket"}},
)
async def create_ticket(
    ticket: TicketCreate,
    principal: IntakeKey,
    services: ServicesDep,
    response: Response,
    idempotency_key: IdempotencyKey = None,
) -> IntakePublic:
    try:
        intake = await run_in_threadpool(
            services.repository.intake, ticket, principal, idempotency_key
        )
    except IdempotencyMismatchError as err:
        raise unprocessable(["header", "Idempotency-Key"], str(err)) from None
    services.metrics.intake.labels("created" if intake.created else "duplicate").inc()
    if not intake.created:
        response.status_code = 200
        return intake_public(intake.ticket)
    enrichment = await services.worker.enrich_within(ticket_text(intake.ticket))
    return intake_public(intake.ticket, enrichment)


@router.get("/{ticket_id}", responses=NOT_FOUND, summary="A stored ticket with its enrichment")
def read_ticket(ticket_id: TicketId, _: ReadKey, repository: RepositoryDep) -> TicketPublic:
    return ticket_public(_found(repository.get(ticket_id), ticket_id))


@router.get(
    "/{ticket_id}/recommendations",
    responses=NOT_FOUND,
    summary="Similar tickets, KB articles and the cited suggested resolution",
)
def read_recommendations(
    ticket_id: TicketId, _: ReadKey, repository: RepositoryDep
) -> RecommendationsPublic:
    return recommendations_public(_found(repository.get(ticket_id), ticket_id))


@router.post(
    "/{ticket_id}/feedback",
    status_code=201,
    responses=NOT_FOUND,
    summary="An agent accepted or rejected a suggestion, or corrected the category",
)
def create_feedback(
    ticket_id: TicketId, feedback: FeedbackCreate, principal: IntakeKey, repository: RepositoryDep
) -> FeedbackPublic:
    row = repository.add_feedback(ticket_id, feedback, principal)
    return feedback_public(_found(row, ticket_id))


@router.get("/{ticket_id}/feedback", responses=NOT_FOUND, summary="Feedback given on a ticket")
def read_feedback(
    ticket_id: TicketId, _: ReadKey, repository: RepositoryDep
) -> list[FeedbackPublic]:
    _found(repository.get(ticket_id), ticket_id)
    return [feedback_public(row) for row in repository.feedback(ticket_id)]


@router.post("/{ticket_id}/resolve", responses=NOT_FOUND, summary="Record the resolution")
def resolve_ticket(
    ticket_id: TicketId, resolve: ResolveCreate, _: IntakeKey, repository: RepositoryDep
) -> TicketPublic:
    try:
        row = repository.resolve(ticket_id, resolve)
    except ResolutionBeforeCreationError as err:
        raise unprocessable(["body", "resolved_at"], str(err)) from None
    return ticket_public(_found(row, ticket_id))
