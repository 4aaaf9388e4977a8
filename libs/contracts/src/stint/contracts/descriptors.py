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
from functools import cache
from importlib import resources

from google.protobuf import descriptor_pb2, descriptor_pool

FILE_NAME = "stint.binpb"
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
