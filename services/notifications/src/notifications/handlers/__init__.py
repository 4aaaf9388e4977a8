"""Use cases: webhook endpoints and the owners' tools, delivery, the inbox, e-mail.

They decide with the domain and reach the outside world only through `handlers.ports`.
"""

from __future__ import annotations

from notifications.handlers.delivery import Delivery
from notifications.handlers.inbox import Inbox
from notifications.handlers.mail import Mail
from notifications.handlers.webhooks import EndpointChanges, Webhooks

__all__ = ["Delivery", "EndpointChanges", "Inbox", "Mail", "Webhooks"]
