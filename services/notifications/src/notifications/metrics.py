"""Domain metrics of the notifications service (defined once, at import)."""

from __future__ import annotations

from prometheus_client import Counter, Histogram

WEBHOOK_MESSAGES = Counter(
    "stint_webhook_messages_total", "Webhook messages queued, by event type", ["type"]
)
WEBHOOK_DELIVERIES = Counter(
    "stint_webhook_deliveries_total",
    "Webhook delivery attempts by outcome (succeeded, retrying, failed, gone, refused)",
    ["outcome"],
)
WEBHOOK_LATENCY = Histogram(
    "stint_webhook_delivery_seconds", "Latency of webhook delivery attempts that got a response"
)
WEBHOOK_ENDPOINTS_DISABLED = Counter(
    "stint_webhook_endpoints_disabled_total",
    "Endpoints disabled automatically, by cause",
    ["cause"],
)
EMAILS = Counter("stint_emails_total", "E-mail send attempts by outcome", ["outcome"])
