"""What callers ask for, already converted from the wire, and how it is validated."""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import urlsplit

from stint.kit.errors import FieldViolation, InvalidArgument
from stint.kit.ids import is_id
from stint.kit.paging import PageRequest

MAX_LINK_CHARS = 2048


@dataclass(frozen=True)
class Limits:
    """Input bounds (from settings)."""

    max_pitch_chars: int = 5000
    max_links: int = 5
    max_reason_chars: int = 1000


@dataclass(frozen=True)
class SubmitApplication:
    posting_id: str
    pitch: str
    links: tuple[str, ...]

    def validate(self, limits: Limits) -> None:
        """Raise InvalidArgument naming every offending field at once."""
        problems = _id_violations("posting_id", self.posting_id, "pst")
        pitch = self.pitch.strip()
        if not pitch:
            problems.append(FieldViolation("pitch", "must not be empty"))
        elif len(self.pitch) > limits.max_pitch_chars:
            problems.append(
                FieldViolation("pitch", f"must be at most {limits.max_pitch_chars} characters")
            )
        if len(self.links) > limits.max_links:
            problems.append(FieldViolation("links", f"at most {limits.max_links} links"))
        for i, link in enumerate(self.links):
            reason = link_problem(link)
            if reason:
                problems.append(FieldViolation(f"links[{i}]", reason))
        if len(set(self.links)) != len(self.links):
            problems.append(FieldViolation("links", "must not repeat a link"))
        _raise_if(problems)


@dataclass(frozen=True)
class ListFilter:
    """Narrowing filters of ListApplications and the page asked for (`page.after`: the last
    application id of the previous page); the caller's scope is added by the handler."""

    posting_id: str = ""
    student_id: str = ""
    university_id: str = ""
    company_id: str = ""
    status: str = ""
    page: PageRequest = field(default_factory=PageRequest)


def link_problem(link: str) -> str:
    """Why `link` is not an acceptable https URL, or "" when it is."""
    if len(link) > MAX_LINK_CHARS:
        return f"must be at most {MAX_LINK_CHARS} characters"
    if any(ch.isspace() for ch in link) or not link.isprintable():
        return "must not contain spaces or control characters"
    try:
        parts = urlsplit(link)
    except ValueError:
        return "is not a valid URL"
    if parts.scheme != "https":
        return "must be an https URL"
    if not parts.hostname or "." not in parts.hostname or parts.username or parts.password:
        return "must name a public host, without credentials"
    return ""


def check_application_id(value: str) -> None:
    _raise_if(_id_violations("application_id", value, "app"))


def check_reason(reason: str, limits: Limits) -> None:
    if not reason.strip():
        raise InvalidArgument.of("reason", "must not be empty")
    if len(reason) > limits.max_reason_chars:
        raise InvalidArgument.of("reason", f"must be at most {limits.max_reason_chars} characters")


def _id_violations(field: str, value: str, prefix: str) -> list[FieldViolation]:
    if not value:
        return [FieldViolation(field, "is required")]
    if not is_id(value, prefix):
        return [FieldViolation(field, f"must be a {prefix}_ id")]
    return []


def _raise_if(problems: list[FieldViolation]) -> None:
    if problems:
        summary = "; ".join(f"{p.field}: {p.description}" for p in problems)
        raise InvalidArgument(summary, problems)
