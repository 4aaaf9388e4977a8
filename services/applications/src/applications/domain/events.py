"""What happened to an application, before it becomes a Protobuf event (adapters/wire.py,
in the repository that stores it)."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime
from typing import TypeAlias

from applications.domain.model import Application
from applications.domain.posting import PostingView
from stint.kit.actor import Cause


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
    cause: Cause
    reason: str = ""
    automatic: bool = False


@dataclass(frozen=True)
class CandidateHired:
    """The hire, with the posting's terms as they are at hire time."""

    application: Application
    posting: PostingView
    hired_at: datetime
    cause: Cause


# What the application and posting repositories turn into envelopes.
Event: TypeAlias = ApplicationChanged | CandidateHired
