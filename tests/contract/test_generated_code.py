"""The committed code in libs/contracts is exactly what `make proto` generates from protos/, and
so is the published descriptor set (stint/contracts/stint.binpb)."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest
from google.protobuf import json_format
from google.protobuf.message_factory import GetMessageClass

from stint.common.v1.event_pb2 import EventContext
from stint.contracts import descriptors
from stint.postings.v1 import events_pb2 as postings

ROOT = Path(__file__).resolve().parents[2]
GENERATED = ROOT / "libs" / "contracts" / "src"


def _generator() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "generate", ROOT / "libs/contracts/tools/generate.py"
    )
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["generate"] = module
    spec.loader.exec_module(module)
    return module


def _generated_files(base: Path, suffixes: tuple[str, ...]) -> dict[str, str]:
    return {
        str(p.relative_to(base)): p.read_text()
        for p in base.rglob("*")
        if p.is_file() and p.name.endswith(suffixes)
    }


@pytest.fixture(scope="module")
def fresh_output(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One `make proto` into a temporary folder, for every drift check here."""
    out = tmp_path_factory.mktemp("generated")
    _generator().generate(out)
    return out


def test_generated_code_is_up_to_date(fresh_output: Path) -> None:
    generate = _generator()
    fresh = _generated_files(fresh_output, generate.GENERATED_SUFFIXES)
    committed = _generated_files(GENERATED, generate.GENERATED_SUFFIXES)

    assert fresh, "protoc generated nothing"
    assert sorted(committed) == sorted(fresh), "run `make proto`: generated files differ"
    stale = [name for name in fresh if committed[name] != fresh[name]]
    assert not stale, f"run `make proto`: out of date: {stale}"


def test_every_proto_has_generated_messages() -> None:
    protos = sorted((ROOT / "protos").rglob("*.proto"))
    assert protos
    for proto in protos:
        module = GENERATED / proto.relative_to(ROOT / "protos").with_name(proto.stem + "_pb2.py")
        assert module.exists(), f"{proto} has no generated module; run `make proto`"


def test_the_descriptor_set_is_up_to_date_and_deterministic(fresh_output: Path) -> None:
    generate = _generator()
    committed = GENERATED / generate.DESCRIPTOR_SET
    assert committed.exists(), "run `make proto`: no descriptor set"
    assert committed.read_bytes() == (fresh_output / generate.DESCRIPTOR_SET).read_bytes(), (
        "run `make proto`: the descriptor set is out of date"
    )


def test_the_descriptor_set_holds_every_proto_with_imports_and_comments() -> None:
    published = descriptors.descriptor_set()
    names = [f.name for f in published.file]
    protos = [str(p.relative_to(ROOT / "protos")) for p in (ROOT / "protos").rglob("*.proto")]
    assert set(protos) <= set(names)
    assert "google/protobuf/timestamp.proto" in names  # imports included: it stands alone
    for file in published.file:  # imports come before the files that use them
        assert set(file.dependency) <= set(names[: names.index(file.name)]), file.name
    assert descriptors.descriptor_set_bytes() == published.SerializeToString()
    events = next(f for f in published.file if f.name == "stint/postings/v1/events.proto")
    comments = dict(descriptors.leading_comments(events))
    assert comments["PostingPublished"] == "The posting opened for applications."


def test_the_descriptor_set_decodes_what_the_generated_code_encodes() -> None:
    """An integrator with no generated code: the pool from the set reads a record's value."""
    sent = postings.PostingPublished(context=EventContext(correlation_id="req_1"))
    sent.posting.title = "Logo refresh"
    message = descriptors.pool().FindMessageTypeByName("stint.postings.v1.PostingPublished")
    decoded = GetMessageClass(message).FromString(sent.SerializeToString())
    assert decoded is not sent
    assert decoded.SerializeToString() == sent.SerializeToString()
    assert decoded.DESCRIPTOR.full_name == sent.DESCRIPTOR.full_name
    assert json_format.MessageToDict(decoded) == json_format.MessageToDict(sent)
