"""Analytics: resolution speed, SLA compliance, CSAT and drivers, agent performance."""
