"""The offline validators reject broken manifests (they are not rubber stamps)."""

from __future__ import annotations

import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
INSTALL = ROOT / "deploy/tools/install.sh"

BROKEN_DEPLOYMENT = """\
apiVersion: apps/v1
kind: Deployment
metadata: {name: x}
spec:
  selector: {matchLabels: {a: b}}
  template:
    metadata: {labels: {a: b}}
    spec:
      containers:
        - name: x
          image: x
          readinesProbe: {grpc: {port: 50051}}
"""
BROKEN_MONGODB = """\
apiVersion: mongodbcommunity.mongodb.com/v1
kind: MongoDBCommunity
metadata: {name: x}
spec:
  type: ReplicaSet
  member: 3
  version: "8.0.12"
  security: {authentication: {modes: ["SCRAM"]}}
  users: []
"""
UNKNOWN_KIND = "apiVersion: example.com/v1\nkind: Widget\nmetadata: {name: x}\n"
BROKEN_COMPOSE = "services:\n  a:\n    image: x:1\n    helthcheck: {test: [CMD, 'true']}\n"


def _validate_k8s(validators_bin: Path, path: Path) -> subprocess.CompletedProcess[str]:
    crds = subprocess.run([str(INSTALL), "crds"], check=True, capture_output=True, text=True)
    return subprocess.run(
        [
            str(validators_bin / "python"),
            str(ROOT / "deploy/tools/validate_k8s.py"),
            "--crds",
            crds.stdout.strip(),
            "--kubernetes-version",
            "1.33",
            str(path),
        ],
        capture_output=True,
        text=True,
    )


def test_misspelled_field_in_a_deployment_fails(validators_bin: Path, tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(BROKEN_DEPLOYMENT)
    result = _validate_k8s(validators_bin, path)
    assert result.returncode == 1
    assert "readinesProbe" in result.stderr


def test_misspelled_field_in_a_custom_resource_fails(validators_bin: Path, tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(BROKEN_MONGODB)
    result = _validate_k8s(validators_bin, path)
    assert result.returncode == 1
    assert "member" in result.stderr


def test_unknown_kind_fails(validators_bin: Path, tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(UNKNOWN_KIND)
    result = _validate_k8s(validators_bin, path)
    assert result.returncode == 1
    assert "no schema" in result.stderr


def test_compose_schema_rejects_unknown_keys(validators_bin: Path, tmp_path: Path) -> None:
    path = tmp_path / "docker-compose.yml"
    path.write_text(BROKEN_COMPOSE)
    result = subprocess.run(
        [
            str(validators_bin / "check-jsonschema"),
            "--builtin-schema",
            "vendor.compose-spec",
            str(path),
        ],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 1
    assert "helthcheck" in result.stdout + result.stderr


BROKEN_KAFKA_TOPIC = """\
apiVersion: kafka.strimzi.io/v1
kind: KafkaTopic
metadata: {name: stint.x.v1, labels: {strimzi.io/cluster: stint}}
spec:
  partition: 3
  replicas: 1
"""


def test_misspelled_field_in_a_strimzi_resource_fails(validators_bin: Path, tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(BROKEN_KAFKA_TOPIC)
    result = _validate_k8s(validators_bin, path)
    assert result.returncode == 1
    assert "partition" in result.stderr
