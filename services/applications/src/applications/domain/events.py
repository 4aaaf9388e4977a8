"""What happened to an application, before it becomes a Protobuf event (adapters/wire.py)."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime

from applications.domain.model import Actor, Application
from applications.domain.posting import PostingView


class Kind(enum.StrEnum):
    SUBMITTED = "submitted"
    SHORTLISTED = "shortlisted"
    REJECTED = "rejected"
    WITHDRAWN = "withdrawn"


@dataclass(frozen=True)
class ApplicationChanged:
    """ApplicationSubmitted / Shortlisted / Rejected / Withdrawn, by `kind`."""

    kind: Kind
    application: Application
    posting_title: str
    actor: Actor
    reason: str = ""
    automatic: bool = False


@dataclass(frozen=True)
class CandidateHired:
    """The hire, with the posting's terms as they are at hire time."""

    application: Application
    posting: PostingView
    hired_at: datetime
    actor: Actor
