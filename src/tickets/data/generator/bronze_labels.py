"""Display values the bronze exports use instead of the canonical vocabulary."""

from __future__ import annotations

STATE_LABELS = ("New", "In Progress", "On Hold", "Resolved", "Closed")  # by STATUSES
EVENT_STATES = ("New", "Active", "Awaiting User Info", "Resolved", "Closed")  # by STATUSES
PRIORITY_CODES = ("1", "2", "3", "4")  # by PRIORITIES
EVENT_PRIORITIES = ("1 - Critical", "2 - High", "3 - Moderate", "4 - Low")
CHANNEL_LABELS = ("Email", "Web", "Chat", "Phone")  # by catalog.CHANNELS
YES_NO = ("No", "Yes")
EVENT_TIMEZONE = "America/New_York"
