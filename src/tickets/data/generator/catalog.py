"""The fictional company: products, support queues with their calendars, and categories.

Pure data. Issues (the product × category taxonomy with its wording) live in ``issues.py``.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ProductSpec:
    name: str
    line: str
    weight: float  # relative ticket volume
    versions: tuple[str, ...]
    launched: bool = False  # True: launched inside the generated period


@dataclass(frozen=True)
class QueueSpec:
    name: str
    timezone: str
    working_days: tuple[int, ...]
    work_start: str
    work_end: str
    holiday_country: str
    target_scale: float  # SLA targets = the priority's base target × this
    slowness: float  # durations × this: >1 breaches more often
    remote_timezones: tuple[str, ...]  # where some of its agents sit


PRODUCTS: tuple[ProductSpec, ...] = (
    ProductSpec("Router-X", "Networking", 1.6, ("4.2.1", "4.2.3", "4.3.0", "4.3.2")),
    ProductSpec("MeshPoint Pro", "Networking", 1.0, ("2.8.0", "2.9.1", "3.0.0")),
    ProductSpec("CloudSync Drive", "Cloud Software", 1.4, ("5.1.4", "5.2.0", "5.2.2")),
    ProductSpec("PayFlow Billing", "Billing Platform", 1.2, ("2024.1", "2024.2", "2024.3")),
    ProductSpec("SecureVPN", "Security", 0.9, ("7.0.3", "7.1.0", "7.1.5")),
    ProductSpec("SmartCam 360", "Smart Home", 0.8, ("1.9.2", "2.0.0", "2.0.4")),
    ProductSpec("LedgerLite", "Accounting Software", 1.0, ("11.2", "11.3", "12.0")),
    ProductSpec("Nova Hub", "Smart Home", 0.9, ("1.0.0", "1.0.2", "1.1.0"), launched=True),
)

QUEUES: tuple[QueueSpec, ...] = (
    QueueSpec(
        "Technical Support",
        "America/New_York",
        (1, 2, 3, 4, 5),
        "08:00",
        "20:00",
        "US",
        1.0,
        1.0,
        ("Asia/Manila", "Europe/Warsaw"),
    ),
    QueueSpec(
        "Network Operations",
        "Asia/Kolkata",
        (1, 2, 3, 4, 5, 6),
        "08:00",
        "20:00",
        "IN",
        1.0,
        1.1,
        ("America/Chicago",),
    ),
    QueueSpec(
        "Billing",
        "Europe/London",
        (1, 2, 3, 4, 5),
        "09:00",
        "17:30",
        "GB",
        1.5,
        0.9,
        ("Africa/Johannesburg",),
    ),
    QueueSpec(
        "Accounts",
        "Europe/Berlin",
        (1, 2, 3, 4, 5),
        "08:00",
        "18:00",
        "DE",
        1.25,
        1.0,
        ("Europe/Lisbon",),
    ),
    QueueSpec(
        "Hardware Returns",
        "America/Chicago",
        (1, 2, 3, 4, 5),
        "09:00",
        "17:00",
        "US",
        2.0,
        1.3,
        ("Asia/Singapore",),
    ),
)

CATEGORY_QUEUE: dict[str, str] = {
    "Connectivity": "Network Operations",
    "Firmware & Updates": "Network Operations",
    "Performance": "Technical Support",
    "Installation & Setup": "Technical Support",
    "Data Sync": "Technical Support",
    "Security": "Technical Support",
    "Integrations": "Technical Support",
    "Hardware Fault": "Hardware Returns",
    "Login & Access": "Accounts",
    "Account Management": "Accounts",
    "Billing & Payments": "Billing",
    "Refunds": "Billing",
}

CHANNELS: tuple[str, ...] = ("email", "web", "chat", "phone")
CHANNEL_SHARES: tuple[float, ...] = (0.38, 0.27, 0.22, 0.13)

SEGMENTS: tuple[str, ...] = ("enterprise", "mid-market", "smb", "consumer")
SEGMENT_SHARES: tuple[float, ...] = (0.08, 0.22, 0.40, 0.30)
SEGMENT_TICKET_WEIGHT: tuple[float, ...] = (6.0, 2.5, 1.0, 0.6)  # tickets per customer
SEGMENT_PLANS: dict[str, tuple[str, ...]] = {
    "enterprise": ("Enterprise", "Enterprise Plus"),
    "mid-market": ("Business", "Business Plus"),
    "smb": ("Starter", "Business"),
    "consumer": ("Free", "Personal", "Family"),
}
REGIONS: tuple[str, ...] = ("North America", "EMEA", "APAC", "LATAM")
REGION_SHARES: tuple[float, ...] = (0.42, 0.33, 0.17, 0.08)

# Arrival holidays: volume dips on days most customers are off.
ARRIVAL_HOLIDAY_COUNTRIES: tuple[str, ...] = ("US", "GB")

# Base SLA targets in business hours (first response, resolution), as in conf/sla.
BASE_TARGETS: dict[str, tuple[float, float]] = {
    "critical": (1.0, 8.0),
    "high": (4.0, 24.0),
    "medium": (8.0, 72.0),
    "low": (24.0, 120.0),
}

DEFAULT_CALENDAR = ("UTC", (1, 2, 3, 4, 5), "09:00", "17:00")
