"""KB articles: one per documented issue (title, symptoms, cause, numbered steps), plus
general articles that are relevant to no single issue (realistic distractors for retrieval).
"""

from __future__ import annotations

import datetime as dt

import pyarrow as pa

from tickets.data.generator.catalog import PRODUCTS
from tickets.data.generator.issues import EMERGING_ISSUE, IssueSpec
from tickets.data.generator.world import World
from tickets.schemas.tickets import TIMESTAMP_TYPE

GENERAL_STEPS = (
    "Restart the device or app and wait two minutes.",
    "Check that you run the latest version.",
    "Check the status page for known incidents.",
    "Collect screenshots and the exact error code.",
    "Contact support with the diagnostics file attached.",
)
POLICIES = (
    (
        "Refund policy and processing times",
        "Refunds are paid to the original payment method within 5-10 business days.",
        ("Open Billing > Refunds.", "Choose the invoice.", "Give a reason and submit."),
    ),
    (
        "Support hours and SLA targets",
        "Each queue works on its own business calendar; targets count business hours.",
        (
            "Check your queue's hours on the status page.",
            "Set the right priority.",
            "Critical issues: call the hotline.",
        ),
    ),
    (
        "Warranty and replacement process",
        "Hardware is covered for 24 months from delivery.",
        ("Note the serial number.", "Attach proof of purchase.", "Request an RMA label."),
    ),
    (
        "Data retention and privacy",
        "Ticket data is kept for 36 months, then deleted.",
        ("Open Account > Privacy.", "Request an export or deletion.", "Confirm by email."),
    ),
)


def issue_article(spec: IssueSpec) -> str:
    product = next(p for p in PRODUCTS if p.name == spec.product)
    steps = numbered(spec.kb_steps)
    symptoms = "; ".join(spec.symptoms)
    return (
        f"Applies to: {spec.product} {', '.join(product.versions)}\n"
        f"Category: {spec.category}\n"
        f"Error code: {spec.error_code}\n\n"
        f"Symptoms: the {spec.product} {symptoms}.\n\n"
        f"Resolution steps:\n{steps}\n\n"
        "If the steps do not help, reply to your ticket with the error code and diagnostics."
    )


def numbered(steps: tuple[str, ...]) -> str:
    return "\n".join(f"{i}. {step}" for i, step in enumerate(steps, start=1))


def general_article(product: str) -> str:
    return f"Applies to: {product}\n\nBefore you contact support:\n{numbered(GENERAL_STEPS)}"


def kb_table(world: World) -> pa.Table:
    """Issue articles first (ids follow the taxonomy), then general and policy articles."""
    start = dt.datetime.combine(world.settings.start, dt.time.min, tzinfo=dt.UTC)
    rows: list[dict[str, object]] = []
    for spec, kb_id in zip(world.taxonomy.issues, world.taxonomy.kb_ids, strict=True):
        if kb_id:
            rows.append(
                {
                    "kb_id": kb_id,
                    "title": spec.kb_title,
                    "body": issue_article(spec),
                    "product": spec.product,
                    "issue": spec.issue_id,
                    "created_at": _published(world, spec, start),
                }
            )
    extra: list[tuple[str, str, str | None]] = [
        (f"{p.name}: general troubleshooting checklist", general_article(p.name), p.name)
        for p in PRODUCTS
    ]
    extra += [
        (title, f"{body}\n\nSteps:\n{numbered(steps)}", None) for title, body, steps in POLICIES
    ]
    number = len(rows)
    for title, body, product in extra:
        number += 1
        rows.append(
            {
                "kb_id": f"KB-{number:04d}",
                "title": title,
                "body": body,
                "product": product,
                "issue": None,
                "created_at": start - dt.timedelta(days=400),
            }
        )
    return pa.Table.from_pylist(rows).cast(
        pa.schema(
            [
                ("kb_id", pa.string()),
                ("title", pa.string()),
                ("body", pa.string()),
                ("product", pa.string()),
                ("issue", pa.string()),
                ("created_at", TIMESTAMP_TYPE),
            ]
        )
    )


def _published(world: World, spec: IssueSpec, start: dt.datetime) -> dt.datetime:
    """When the article went live: before the period, at a launch, or when an issue emerged."""
    if spec.issue_id == EMERGING_ISSUE.issue_id:
        return start + dt.timedelta(days=world.plan.emerging.first_day)
    product = next(p for p in PRODUCTS if p.name == spec.product)
    if product.launched:
        return start + dt.timedelta(days=world.arrivals.launch_day)
    return start - dt.timedelta(days=365)
