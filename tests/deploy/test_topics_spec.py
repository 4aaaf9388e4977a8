"""One topic spec: stint.contracts.topics. Compose and Strimzi both take it from there."""

from __future__ import annotations

import importlib.util
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import Any

from stint.contracts import topics

ROOT = Path(__file__).resolve().parents[2]


def _render() -> ModuleType:
    spec = importlib.util.spec_from_file_location("stint_deploy_render", ROOT / "deploy/render.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_rendered_files_are_current() -> None:
    for path, text in _render().outputs().items():
        assert path.read_text() == text, f"{path} is stale: run `uv run python deploy/render.py`"


def test_compose_topic_list_is_the_spec() -> None:
    lines = (ROOT / "deploy/topics/topics.txt").read_text().splitlines()
    rows = [line.split() for line in lines if line and not line.startswith("#")]
    assert rows == [[t.name, str(t.partitions)] for t in topics.all_topics()]


def test_kafka_topics_are_the_spec(load_yaml: Callable[[str], list[Any]]) -> None:
    docs = load_yaml((ROOT / "k8s/components/kafka/topics.yaml").read_text())
    got = {(d["spec"]["topicName"], d["spec"]["partitions"]) for d in docs}
    assert got == {(t.name, t.partitions) for t in topics.all_topics()}
    assert all(d["kind"] == "KafkaTopic" for d in docs)
    assert all(d["metadata"]["labels"]["strimzi.io/cluster"] == "stint" for d in docs)


def test_compose_creates_topics_from_the_spec(compose: dict[str, Any]) -> None:
    job = compose["services"]["topics"]
    assert "./deploy/topics/topics.txt:/etc/stint/topics.txt:ro" in job["volumes"]
    assert "--if-not-exists" in job["command"][0]
    assert compose["services"]["kafka"]["environment"]["KAFKA_AUTO_CREATE_TOPICS_ENABLE"] == "false"
