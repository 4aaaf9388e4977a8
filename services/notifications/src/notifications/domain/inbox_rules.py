"""The inbox's rules, one per kind: who is told of an event, with what words, and the
channel a recipient gets unless they chose another (`domain.inbox` applies them)."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

STUDENT, COMPANY, UNIVERSITIES = "student", "company", "universities"


class Channel(StrEnum):
    IN_APP = "in_app"
    EMAIL = "email"  # the inbox and an e-mail
    OFF = "off"


@dataclass(frozen=True)
class Rule:
    audiences: tuple[str, ...]
    title: str
    body: str
    default: Channel = Channel.IN_APP
    final_body: str = ""  # when the event says nothing more will happen by itself
    reason_body: str = ""  # when the event carries a reason worth telling ({reason})


RULES: dict[str, Rule] = {
    "application.submitted": Rule((COMPANY,), "New application", "A student applied to “{t}”."),
    "application.shortlisted": Rule(
        (STUDENT,), "You are on the shortlist", "Your application to “{t}” was shortlisted."
    ),
    "application.rejected": Rule(
        (STUDENT,),
        "Application not selected",
        "Your application to “{t}” was not selected.",
        reason_body="Your application to “{t}” was not selected: {reason}.",
    ),
    "application.withdrawn": Rule(
        (COMPANY,), "Application withdrawn", "A candidate withdrew from “{t}”."
    ),
    "candidate.hired": Rule(
        (STUDENT,), "You are hired", "You were hired for “{t}”.", Channel.EMAIL
    ),
    "student.invited": Rule(
        (STUDENT,),
        "You are invited to apply",
        "A company you worked for invites you to apply to “{t}”.",
        Channel.EMAIL,
    ),
    "work.submitted": Rule(
        (COMPANY,), "Work submitted", "The work for “{t}” is ready for review.", Channel.EMAIL
    ),
    "revision.requested": Rule(
        (STUDENT,), "Revision requested", "The employer asked for changes to “{t}”."
    ),
    "submission.approved": Rule((STUDENT,), "Work approved", "Your work for “{t}” was approved."),
    "engagement.overdue": Rule((STUDENT, COMPANY), "Work overdue", "“{t}” is past its due date."),
    # Extensions: the side that asked, or answered, is not told of its own act (`acted`).
    "extension.requested": Rule(
        (STUDENT, COMPANY),
        "More time requested",
        "The other side asks to move the due date of “{t}”: accept or decline it.",
    ),
    "extension.granted": Rule(
        (STUDENT, COMPANY), "Extension granted", "The due date of “{t}” moved as you asked."
    ),
    "extension.declined": Rule(
        (STUDENT, COMPANY),
        "Extension declined",
        "Your request for more time on “{t}” was declined: the due date stays.",
    ),
    "extension.withdrawn": Rule(
        (STUDENT, COMPANY),
        "Extension request withdrawn",
        "The other side withdrew its request for more time on “{t}”: nothing to answer.",
    ),
    "milestone.due": Rule(
        (STUDENT,), "Milestone due", "A milestone of “{t}” is due: check it off once it is done."
    ),
    "milestone.completed": Rule(
        (STUDENT, COMPANY), "Milestone checked off", "The intern checked off a milestone of “{t}”."
    ),
    "engagement.cancelled": Rule(
        (STUDENT, COMPANY), "Engagement cancelled", "“{t}” was cancelled."
    ),
    "payout.paid": Rule(
        (STUDENT,), "You were paid", "The payout for “{t}” was sent.", Channel.EMAIL
    ),
    "payout.failed": Rule(
        (STUDENT,),
        "Payout failed",
        "The payout for “{t}” failed; it will be retried automatically.",
        final_body="The payout for “{t}” could not be sent ({reason}). Update your payout "
        "account: it is sent again as soon as you do.",
    ),
    "funding.declined": Rule(
        (COMPANY, STUDENT),
        "Payment needed before work starts",
        "The payment for “{t}” did not go through; the work starts as soon as it is funded.",
        Channel.EMAIL,
    ),
    "funding.secured": Rule(
        (STUDENT,), "Work can start", "“{t}” is paid for and held in escrow: start the work."
    ),
    "funding.refunded": Rule(
        (COMPANY,),
        "Payment refunded",
        "The payment for “{t}” was refunded, all of it or the part not paid to the intern: "
        "the credit note is in your invoices.",
    ),
    "invoice.paid": Rule(
        (COMPANY,),
        "Payment received",
        "Your payment for “{t}” was received: the receipt is in your invoices.",
        Channel.EMAIL,
    ),
    "posting.published": Rule(
        (UNIVERSITIES,), "Posting awaiting your approval", "“{t}” is aimed at your students."
    ),
    "posting.approved_for_university": Rule(
        (COMPANY,), "Posting approved", "A university approved “{t}” for its students."
    ),
    "posting.declined_for_university": Rule(
        (COMPANY,), "Posting declined", "A university declined “{t}”."
    ),
    "company.verified": Rule(
        (COMPANY,),
        "Company verified",
        "{t} is verified: postings with no review finding open as soon as you publish them.",
    ),
    "posting.review_approved": Rule(
        (COMPANY,), "Posting passed review", "“{t}” passed the platform's review."
    ),
    "posting.review_declined": Rule(
        (COMPANY,),
        "Posting returned after review",
        "“{t}” was returned to draft after review: read the reason, edit it and publish again.",
    ),
    "posting.taken_down": Rule(
        (COMPANY,),
        "Posting taken down",
        "“{t}” was taken down by the platform; its applicants were answered.",
        Channel.EMAIL,
    ),
    "posting.decision_deadline_passed": Rule(
        (COMPANY,),
        "Decision deadline passed",
        "The decision deadline of “{t}” passed: the candidates still waiting were answered.",
    ),
    "experience_record.issued": Rule(
        (STUDENT,), "Experience record issued", "Your verified record of “{t}” is ready."
    ),
    # A dispute: the side that acted is not told of its own act (InboxEvent.acted).
    "dispute.opened": Rule(
        (STUDENT, COMPANY, UNIVERSITIES),
        "Dispute opened",
        "A dispute was opened on “{t}”: the other side answers, then an admin decides.",
        Channel.EMAIL,
    ),
    "dispute.answered": Rule(
        (STUDENT, COMPANY), "Dispute answered", "The dispute on “{t}” was answered."
    ),
    "dispute.escalated": Rule(
        (STUDENT, COMPANY),
        "Dispute awaiting a decision",
        "The answer deadline for the dispute on “{t}” passed: an admin decides now.",
    ),
    "dispute.resolved": Rule(
        (STUDENT, COMPANY, UNIVERSITIES),
        "Dispute resolved",
        "An admin decided the dispute on “{t}”: read the decision.",
        Channel.EMAIL,
    ),
    # A message in an application's conversation: the other side is told, never the author
    # (InboxEvent.acted); an admin's message (in a dispute) tells both.
    "message.created": Rule(
        (STUDENT, COMPANY),
        "New message",
        "You have a new message about “{t}”: read it and reply in the conversation.",
        Channel.EMAIL,
    ),
    # An offer after a completed engagement ({t}: the role offered).
    "offer.made": Rule(
        (STUDENT,),
        "You received an offer",
        "An employer you worked for offers you “{t}”: accept or decline it.",
        Channel.EMAIL,
    ),
    "offer.accepted": Rule(
        (COMPANY,), "Offer accepted", "The intern accepted your offer “{t}”.", Channel.EMAIL
    ),
    "offer.declined": Rule(
        (COMPANY,), "Offer declined", "The intern declined your offer “{t}”.", Channel.EMAIL
    ),
    # A new posting matches a student's saved search ({t}: the posting's title).
    "saved_search.matched": Rule(
        (STUDENT,),
        "New project for your saved search",
        "“{t}” matches one of your saved searches.",
        Channel.EMAIL,
    ),
    "webhook_endpoint.disabled": Rule(
        (COMPANY, UNIVERSITIES), "Webhook endpoint disabled", "{t} no longer receives events."
    ),
}
