"""The published descriptor set: every .proto of the platform as one ``FileDescriptorSet``.

`stint.binpb` (next to this module) is written by `make proto` (libs/contracts/tools/
generate.py) with imports and source info (comments), and checked for drift by
tests/contract/test_generated_code.py. An integrator decodes any Stint event with it and no
generated code: the record's ``ce_type`` (or its ``ce_dataschema``) names the message. The
gateway serves it at ``GET /contracts/stint.binpb``.
"""

from __future__ import annotations

import textwrap
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from importlib import resources

from google.protobuf import descriptor_pb2, descriptor_pool

from stint.contracts import topics

FILE_NAME = "stint.binpb"
EVENT_CONTEXT = ".stint.common.v1.EventContext"
MEDIA_TYPE = "application/octet-stream"


@cache
def descriptor_set_bytes() -> bytes:
    """The serialized FileDescriptorSet, exactly as committed."""
    return resources.files("stint.contracts").joinpath(FILE_NAME).read_bytes()


def descriptor_set() -> descriptor_pb2.FileDescriptorSet:
    """A fresh copy of the set (the caller may change it)."""
    return descriptor_pb2.FileDescriptorSet.FromString(descriptor_set_bytes())


def pool() -> descriptor_pool.DescriptorPool:
    """A new pool holding every file of the set: separate from the default pool, so it never
    clashes with the generated modules' registrations."""
    fresh = descriptor_pool.DescriptorPool()
    for file in descriptor_set().file:  # protoc writes imports before their importers
        fresh.Add(file)
    return fresh


def leading_comments(file: descriptor_pb2.FileDescriptorProto) -> Iterator[tuple[str, str]]:
    """(message name, its leading comment) for every top-level message of `file` that has one,
    from the set's source info."""
    messages = 4  # FileDescriptorProto.message_type
    for location in file.source_code_info.location:
        path = list(location.path)
        comment = textwrap.dedent(location.leading_comments).strip()
        if len(path) == 2 and path[0] == messages and comment:
            yield file.message_type[path[1]].name, comment


# FileDescriptorProto / DescriptorProto / ServiceDescriptorProto / EnumDescriptorProto fields
# as they appear in a SourceCodeInfo location path.
_FILE_MESSAGE, _FILE_ENUM, _FILE_SERVICE = 4, 5, 6
_MESSAGE_FIELD, _MESSAGE_NESTED, _MESSAGE_ENUM = 2, 3, 4
_SERVICE_METHOD, _ENUM_VALUE = 2, 2


@cache
def comments() -> dict[str, str]:
    """The leading comment of every commented element, by full name: messages and their
    fields (``stint.postings.v1.PostingInput.title``), enums and their values, services and
    their methods (``stint.postings.v1.PostingsService.CreatePosting``)."""
    found: dict[str, str] = {}
    for file in descriptor_set().file:
        names = _element_names(file)
        for location in file.source_code_info.location:
            comment = textwrap.dedent(location.leading_comments).strip()
            name = names.get(tuple(location.path))
            if comment and name:
                found[name] = comment
    return found


def _element_names(file: descriptor_pb2.FileDescriptorProto) -> dict[tuple[int, ...], str]:
    names: dict[tuple[int, ...], str] = {}
    prefix = file.package

    def message(path: tuple[int, ...], proto: descriptor_pb2.DescriptorProto, scope: str) -> None:
        full = f"{scope}.{proto.name}"
        names[path] = full
        for i, field in enumerate(proto.field):
            names[(*path, _MESSAGE_FIELD, i)] = f"{full}.{field.name}"
        for i, nested in enumerate(proto.nested_type):
            message((*path, _MESSAGE_NESTED, i), nested, full)
        for i, enum in enumerate(proto.enum_type):
            enumeration((*path, _MESSAGE_ENUM, i), enum, full)

    def enumeration(
        path: tuple[int, ...], proto: descriptor_pb2.EnumDescriptorProto, scope: str
    ) -> None:
        names[path] = f"{scope}.{proto.name}"
        for i, value in enumerate(proto.value):
            names[(*path, _ENUM_VALUE, i)] = (
                f"{scope}.{value.name}"  # values live in the enum's scope
            )

    for i, proto in enumerate(file.message_type):
        message((_FILE_MESSAGE, i), proto, prefix)
    for i, enum in enumerate(file.enum_type):
        enumeration((_FILE_ENUM, i), enum, prefix)
    for i, service in enumerate(file.service):
        names[(_FILE_SERVICE, i)] = f"{prefix}.{service.name}"
        for j, method in enumerate(service.method):
            names[(_FILE_SERVICE, i, _SERVICE_METHOD, j)] = f"{prefix}.{service.name}.{method.name}"
    return names


@dataclass(frozen=True)
class Event:
    """One event type: the domain topic it travels on, its message and its generated module."""

    topic: str
    full_name: str  # stint.postings.v1.PostingPublished
    module: str  # stint.postings.v1.events_pb2

    @property
    def name(self) -> str:
        return self.full_name.rsplit(".", 1)[-1]


@cache
def events() -> tuple[Event, ...]:
    """Every event, topic by topic, in declaration order: a message of a domain topic's package
    whose field 1 is an `EventContext` (other messages there are the events' value types). The
    one definition of "an event" for the AsyncAPI document and the webhook catalogue."""
    domain = {spec.name for spec in topics.DOMAIN_TOPICS}
    found: list[Event] = []
    for file in descriptor_set().file:
        if file.package not in domain:
            continue
        module = file.name.removesuffix(".proto").replace("/", ".") + "_pb2"
        for message in file.message_type:
            first = next((f for f in message.field if f.number == 1), None)
            if first is not None and first.type_name == EVENT_CONTEXT:
                found.append(Event(file.package, f"{file.package}.{message.name}", module))
    order = [spec.name for spec in topics.DOMAIN_TOPICS]
    return tuple(sorted(found, key=lambda e: order.index(e.topic)))  # stable: declaration order
