"""Domain events as the other services publish them (snapshots carry the routing ids)."""

from __future__ import annotations

from stint.applications.v1.application_pb2 import Application
from stint.applications.v1.events_pb2 import ApplicationSubmitted, CandidateHired, EngagementTerms
from stint.common.v1.event_pb2 import Actor, EventContext
from stint.kit.ids import new_id

CONTEXT = EventContext(actor=Actor(subject="usr_student", role="student"), correlation_id="r1")


def submitted(company: str, university: str = "") -> ApplicationSubmitted:
    app = Application(
        id=new_id("app"),
        posting_id=new_id("pst"),
        company_id=company,
        student_id=new_id("usr"),
        university_id=university,
        pitch="I have done three market studies.",
    )
    return ApplicationSubmitted(context=CONTEXT, application=app, posting_title="Market scan")


def hired(company: str) -> CandidateHired:
    app = submitted(company).application
    terms = EngagementTerms(
        posting_id=app.posting_id, posting_title="Market scan", company_id=company
    )
    return CandidateHired(context=CONTEXT, application=app, terms=terms)
