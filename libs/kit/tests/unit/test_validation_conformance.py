"""The kit's compiled `buf.validate` rules agree with the protovalidate package on every request.

Messages are generated from each request type's descriptor with values around the bounds the
annotations declare (empty, one below, at and one above each length/range, patterns met and
not, undefined enum numbers, repeated items), then both engines check them: the same fields
must be reported. And every request type of the contracts takes the fast path.
"""

from __future__ import annotations

from typing import Any

import pytest
from google.protobuf.descriptor import FieldDescriptor
from google.protobuf.message import Message
from google.protobuf.message_factory import GetMessageClass
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from stint.applications.v1 import applications_service_pb2
from stint.kit import validation
from stint.kit.errors import InvalidArgument
from stint.notifications.v1 import notifications_service_pb2
from stint.payouts.v1 import payouts_service_pb2
from stint.postings.v1 import postings_service_pb2
from stint.submissions.v1 import submissions_service_pb2

SERVICES = (
    applications_service_pb2,
    notifications_service_pb2,
    payouts_service_pb2,
    postings_service_pb2,
    submissions_service_pb2,
)
REQUESTS = sorted(
    {
        method.input_type.full_name: method.input_type
        for module in SERVICES
        for service in module.DESCRIPTOR.services_by_name.values()
        for method in service.methods
    }.items()
)
_TEXT = st.sampled_from(
    [
        "",
        "a",
        "ab",
        "abc",
        "USD",
        "usd",
        "US",
        "pst_1",
        "https://example.org/x",
        "http://x",
        "eng_01jd3k0000000000000000000z",
        "app_01jd3k0000000000000000000z",
        "pst_01jd3k0000000000000000000z",
        "url",
        "enabled",
        " ",
        "x y z",
        "0" * 64,
    ]
)
_INT = st.sampled_from([-1, 0, 1, 2, 3, 5, 6, 9, 10, 11, 20, 40, 41, 100, 101, 1999, 2000, 2101])


def _text() -> st.SearchStrategy[str]:
    return st.one_of(
        _TEXT,
        st.integers(0, 12).map(lambda n: "x" * n),
        st.sampled_from([40, 41, 100, 101, 120, 121, 280, 281, 500, 501, 1001]).map(
            lambda n: "y" * n
        ),
    )


def _scalar(field: FieldDescriptor) -> st.SearchStrategy[Any]:
    # protovalidate-python 1.1 does not apply `items.enum.defined_only` (the spec says it
    # applies; the compiled rules do): lists of enums get defined values only here, and
    # test_undefined_enum_items_are_refused covers the rule.
    if field.type == FieldDescriptor.TYPE_STRING:
        return _text()
    if field.type == FieldDescriptor.TYPE_BOOL:
        return st.booleans()
    if field.type == FieldDescriptor.TYPE_ENUM:
        undefined = [] if field.is_repeated else [99]
        return st.sampled_from([v.number for v in field.enum_type.values] + undefined)
    if field.type in (FieldDescriptor.TYPE_DOUBLE, FieldDescriptor.TYPE_FLOAT):
        return st.floats(allow_nan=False)
    if field.type == FieldDescriptor.TYPE_BYTES:
        return st.binary(max_size=4)
    return _INT


@st.composite
def _message(draw: st.DrawFn, descriptor: Any, depth: int = 0) -> Message:
    message = GetMessageClass(descriptor)()
    if descriptor.full_name.startswith("google.protobuf.") or depth > 3:
        return message
    for field in descriptor.fields:
        if field.message_type is not None and field.message_type.GetOptions().map_entry:
            continue
        if not draw(st.booleans()):
            continue
        if field.type == FieldDescriptor.TYPE_MESSAGE:
            values = [
                draw(_message(field.message_type, depth + 1))
                for _ in range(draw(st.integers(0, 3) if field.is_repeated else st.just(1)))
            ]
            if field.is_repeated:
                getattr(message, field.name).extend(values)
            else:
                getattr(message, field.name).CopyFrom(values[0])
        elif field.is_repeated:
            count = draw(st.sampled_from([0, 1, 2, 5, 6, 11, 16, 21, 51, 101]))
            item = draw(_scalar(field))
            getattr(message, field.name).extend(
                [item] * min(count, 2) + [draw(_scalar(field)) for _ in range(max(count - 2, 0))]
            )
        else:
            setattr(message, field.name, draw(_scalar(field)))
    return message


def _fields(found: list[Any]) -> set[str]:
    return {v.field for v in found}


@pytest.mark.parametrize(("name", "descriptor"), REQUESTS, ids=[n for n, _ in REQUESTS])
def test_every_request_type_takes_the_fast_path(name: str, descriptor: Any) -> None:
    assert validation.fast_path(GetMessageClass(descriptor)()), name


@pytest.mark.parametrize(("name", "descriptor"), REQUESTS, ids=[n for n, _ in REQUESTS])
def test_compiled_rules_report_what_protovalidate_reports(name: str, descriptor: Any) -> None:
    @settings(
        max_examples=20,
        deadline=None,
        database=None,
        derandomize=True,
        suppress_health_check=list(HealthCheck),
    )
    @given(_message(descriptor))
    def agree(message: Message) -> None:
        expected = _fields(validation.reference_violations(message))
        assert _fields(validation.violations(message)) == expected, message

    agree()


def test_a_bad_request_is_an_invalid_argument_naming_each_field() -> None:
    request = postings_service_pb2.CreatePostingRequest(
        posting=postings_service_pb2.PostingInput(title="ab", positions=11, skills=["x" * 41])
    )
    with pytest.raises(InvalidArgument) as caught:
        validation.check(request)
    by_field = {v.field: v.description for v in caught.value.violations}
    assert by_field["posting.title"] == "must be at least 3 characters"
    assert by_field["posting.positions"] == "must be at most 10"
    assert by_field["posting.skills[0]"] == "must be at most 40 characters"
    assert by_field["posting.category"] == "is required"
    validation.check(postings_service_pb2.GetPostingRequest(posting_id="pst_1"))


def test_undefined_enum_items_are_refused() -> None:
    request = postings_service_pb2.ListPostingsRequest(categories=[1, 99])
    assert _fields(validation.violations(request)) == {"categories[1]"}
