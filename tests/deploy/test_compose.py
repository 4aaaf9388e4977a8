"""docker-compose.yml semantics the Compose schema does not check."""

from __future__ import annotations

from typing import Any

import pytest

from stint.contracts import topics

DEPLOYABLES = (*topics.SERVICES, "gateway")
INFRA = ("kafka", "mongo", "topics", "kafka-exporter", "prometheus")


def test_every_deployable_and_the_infrastructure_is_there(compose: dict[str, Any]) -> None:
    assert set(compose["services"]) == {*DEPLOYABLES, *INFRA}


@pytest.mark.parametrize("name", DEPLOYABLES)
def test_deployables_are_built_from_the_one_pattern_and_configured_by_env(
    compose: dict[str, Any], name: str
) -> None:
    svc = compose["services"][name]
    assert svc["build"] == {
        "context": ".",
        "dockerfile": "deploy/docker/Dockerfile",
        "args": svc["build"]["args"],
    }
    assert svc["build"]["args"]["SERVICE"] == name
    assert "env_file" not in svc
    env = svc["environment"]
    assert env["STINT_KAFKA_BOOTSTRAP"] == "kafka:9092"
    assert env["STINT_MONGO_URI"].startswith("mongodb://mongo:27017/")
    assert env["STINT_HTTP_PORT"] == svc["build"]["args"]["HTTP_PORT"]
    if name != "gateway":
        assert env["STINT_GRPC_PORT"] == svc["build"]["args"]["GRPC_PORT"]
    assert svc["read_only"] is True
    assert svc["cap_drop"] == ["ALL"]
    assert "/readyz" in " ".join(svc["healthcheck"]["test"])


def test_every_long_running_service_has_a_healthcheck(compose: dict[str, Any]) -> None:
    for name, svc in compose["services"].items():
        if name == "topics":
            assert svc["restart"] == "no"
            continue
        assert svc.get("healthcheck", {}).get("test"), f"{name} has no healthcheck"


def test_depends_on_conditions_are_satisfiable(compose: dict[str, Any]) -> None:
    services = compose["services"]
    for name, svc in services.items():
        for dep, cond in svc.get("depends_on", {}).items():
            assert dep in services, f"{name} depends on unknown {dep}"
            condition = cond["condition"]
            if condition == "service_healthy":
                assert services[dep].get("healthcheck"), f"{name} waits for {dep}'s health"
            elif condition == "service_completed_successfully":
                assert services[dep].get("restart") == "no", f"{dep} must be one-shot"
            else:
                assert condition == "service_started"
    gateway = services["gateway"]["depends_on"]
    assert all(gateway[s]["condition"] == "service_healthy" for s in topics.SERVICES)


def test_images_are_pinned_and_ports_are_loopback(compose: dict[str, Any]) -> None:
    for name, svc in compose["services"].items():
        image = svc["image"]
        tag = image.rsplit(":", 1)[-1] if ":" in image else ""
        assert tag, f"{name}: unpinned image {image}"
        assert tag != "latest", f"{name}: unpinned image {image}"
        for port in svc.get("ports", []):
            assert str(port).startswith("127.0.0.1:"), f"{name} publishes {port} beyond loopback"
    assert compose["services"]["kafka"]["image"].startswith("apache/kafka:3.9.")
    assert compose["services"]["mongo"]["command"][:3] == ["mongod", "--replSet", "rs0"]
    assert "rs.initiate" in " ".join(compose["services"]["mongo"]["healthcheck"]["test"])
