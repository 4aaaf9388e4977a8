"""Properties of the rendered overlays that schemas cannot express."""

from __future__ import annotations

from typing import Any

import pytest

from stint.contracts import topics

DEPLOYABLES = (*topics.SERVICES, "gateway")
GRPC_PORTS = dict(zip(topics.SERVICES, range(50051, 50057), strict=True))


def _by_kind(resources: list[dict[str, Any]], kind: str) -> dict[str, dict[str, Any]]:
    return {r["metadata"]["name"]: r for r in resources if r["kind"] == kind}


@pytest.fixture(params=["dev", "prod"])
def overlay(request: pytest.FixtureRequest, rendered: dict[str, Any]) -> list[dict[str, Any]]:
    return rendered[request.param]


def test_every_deployable_has_its_objects(overlay: list[dict[str, Any]]) -> None:
    for kind in (
        "Deployment",
        "Service",
        "ServiceAccount",
        "HorizontalPodAutoscaler",
        "PodDisruptionBudget",
        "ConfigMap",
    ):
        assert set(DEPLOYABLES) <= set(_by_kind(overlay, kind)), kind
    for sa in _by_kind(overlay, "ServiceAccount").values():
        assert sa["automountServiceAccountToken"] is False


@pytest.mark.parametrize("name", DEPLOYABLES)
def test_deployment_is_hardened_and_drains(overlay: list[dict[str, Any]], name: str) -> None:
    common = _by_kind(overlay, "ConfigMap")["stint-common"]["data"]
    pod = _by_kind(overlay, "Deployment")[name]["spec"]["template"]["spec"]
    (container,) = pod["containers"]
    assert pod["securityContext"]["runAsNonRoot"] is True
    assert pod["securityContext"]["seccompProfile"] == {"type": "RuntimeDefault"}
    assert pod["automountServiceAccountToken"] is False
    sc = container["securityContext"]
    assert sc["readOnlyRootFilesystem"] is True
    assert sc["allowPrivilegeEscalation"] is False
    assert sc["capabilities"]["drop"] == ["ALL"]
    assert {"name": "tmp", "mountPath": "/tmp"} in container["volumeMounts"]
    assert {"name": "tmp", "emptyDir": {"sizeLimit": "64Mi"}} in pod["volumes"]
    # SIGTERM after preStop; drain (grace) + wind-down (<= grace) must fit before SIGKILL.
    grace = float(common["STINT_SHUTDOWN_GRACE_SECONDS"])
    pre_stop = container["lifecycle"]["preStop"]["sleep"]["seconds"]
    assert pod["terminationGracePeriodSeconds"] > pre_stop + 2 * grace
    assert container["resources"]["requests"]
    assert container["resources"]["limits"]["memory"]
    refs = container["envFrom"]
    assert {"configMapRef": {"name": "stint-common"}} in refs
    assert {"configMapRef": {"name": name}} in refs
    mongo = {e["name"]: e for e in container["env"]}["STINT_MONGO_URI"]
    assert mongo["valueFrom"]["secretKeyRef"]["name"] == f"{name}-mongo"
    if name == "gateway":
        assert container["readinessProbe"]["httpGet"]["path"] == "/healthz"
        assert container["livenessProbe"]["httpGet"]["path"] == "/healthz"
    else:
        port = GRPC_PORTS[name]
        for probe in ("startupProbe", "readinessProbe", "livenessProbe"):
            assert container[probe]["grpc"] == {"port": port}, probe
        assert _by_kind(overlay, "ConfigMap")[name]["data"]["STINT_GRPC_PORT"] == str(port)


def test_only_the_gateway_is_exposed(overlay: list[dict[str, Any]]) -> None:
    (ingress,) = _by_kind(overlay, "Ingress").values()
    backends = {
        p["backend"]["service"]["name"]
        for rule in ingress["spec"]["rules"]
        for p in rule["http"]["paths"]
    }
    assert backends == {"gateway"}
    paths = [p for rule in ingress["spec"]["rules"] for p in rule["http"]["paths"]]
    # The API only: its port, and no catch-all that would reach anything else the pod serves.
    assert {p["backend"]["service"]["port"]["name"] for p in paths} == {"http"}
    documents = {"/openapi.json", "/docs", "/asyncapi.json", "/contracts/stint.binpb"}
    assert {p["path"] for p in paths} == {"/v1", *documents}
    gateway = _by_kind(overlay, "Service")["gateway"]
    assert {port["name"]: port["port"] for port in gateway["spec"]["ports"]} == {
        "http": 8080,
        "http-ops": 9100,
    }
    assert all(s["spec"]["type"] == "ClusterIP" for s in _by_kind(overlay, "Service").values())
    policies = _by_kind(overlay, "NetworkPolicy")
    assert policies["default-deny-ingress"]["spec"] == {
        "podSelector": {},
        "policyTypes": ["Ingress"],
    }
    open_ingress = [
        name
        for name, p in policies.items()
        for rule in p["spec"].get("ingress", [])
        if "from" not in rule
    ]
    assert open_ingress == ["gateway-ingress"]


def test_topics_and_monitoring_are_rendered(overlay: list[dict[str, Any]]) -> None:
    assert set(_by_kind(overlay, "KafkaTopic")) == {t.name for t in topics.all_topics()}
    assert set(_by_kind(overlay, "Kafka")) == {"stint"}
    assert "stint" in _by_kind(overlay, "PrometheusRule")
    assert "stint" in _by_kind(overlay, "ServiceMonitor")
    users = _by_kind(overlay, "MongoDBCommunity")["stint-mongo"]["spec"]["users"]
    assert {u["name"]: u["roles"] for u in users} == {
        s: [{"name": "readWrite", "db": f"stint_{s}"}] for s in DEPLOYABLES
    }
