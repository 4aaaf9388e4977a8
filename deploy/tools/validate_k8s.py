"""Validate rendered Kubernetes manifests offline; exit 1 on any invalid or unknown resource.

Run with the validators' Python (deploy/tools/install.sh validators), e.g.
    python validate_k8s.py --crds DIR --kubernetes-version 1.33 rendered.yaml ...

- Built-in kinds: strict JSON schema of that Kubernetes version (kubernetes-validate's bundled
  schemas; unknown fields are errors).
- Custom resources whose CRD is in --crds: the CRD's openAPIV3Schema for that version, made
  strict the way the API server prunes (an object with declared properties and neither
  additionalProperties nor x-kubernetes-preserve-unknown-fields rejects other fields).
- Kinds of --unvalidated API groups are listed as not validated (no CRD schema available
  offline); any other unknown kind is an error.
"""

from __future__ import annotations

import argparse
import copy
import sys
from pathlib import Path
from typing import Any

import jsonschema
import kubernetes_validate
import yaml
from kubernetes_validate.utils import SchemaNotFoundError


def strict(schema: Any) -> Any:
    """A copy of a structural schema where undeclared object fields are rejected."""
    if isinstance(schema, list):
        return [strict(s) for s in schema]
    if not isinstance(schema, dict):
        return schema
    out = {k: strict(v) for k, v in schema.items() if k != "properties"}
    if "properties" in schema:
        out["properties"] = {k: strict(v) for k, v in schema["properties"].items()}
        if "additionalProperties" not in schema and not schema.get(
            "x-kubernetes-preserve-unknown-fields"
        ):
            out["additionalProperties"] = False
    return out


def load_crds(directory: Path) -> dict[tuple[str, str], dict[str, Any]]:
    """(apiVersion, kind) -> strict schema, for every served version of every CRD in `directory`."""
    schemas: dict[tuple[str, str], dict[str, Any]] = {}
    for path in sorted(directory.glob("*.yaml")):
        for crd in yaml.safe_load_all(path.read_text()):
            if not crd or crd.get("kind") != "CustomResourceDefinition":
                continue
            group, kind = crd["spec"]["group"], crd["spec"]["names"]["kind"]
            for version in crd["spec"]["versions"]:
                if not version.get("served", True):
                    continue
                schema = copy.deepcopy(version["schema"]["openAPIV3Schema"])
                # apiVersion/kind/metadata are checked by the API server, not by the CRD schema.
                schema.setdefault("properties", {}).setdefault("metadata", {"type": "object"})
                schemas[(f"{group}/{version['name']}", kind)] = strict(schema)
    return schemas


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--crds", type=Path, required=True)
    parser.add_argument("--kubernetes-version", required=True)
    parser.add_argument("--unvalidated", action="append", default=[], metavar="API_GROUP")
    parser.add_argument("files", nargs="+", type=Path)
    args = parser.parse_args()

    crds = load_crds(args.crds)
    errors: list[str] = []
    counts = {"core": 0, "crd": 0, "unvalidated": 0}
    unvalidated: set[str] = set()
    for path in args.files:
        for doc in yaml.safe_load_all(path.read_text()):
            if not doc:
                continue
            api, kind = doc.get("apiVersion", ""), doc.get("kind", "")
            name = f"{path.name}: {kind} {doc.get('metadata', {}).get('name', '?')} ({api})"
            if (api, kind) in crds:
                counts["crd"] += 1
                validator = jsonschema.Draft7Validator(crds[(api, kind)])
                for err in sorted(validator.iter_errors(doc), key=lambda e: list(e.path)):
                    where = ".".join(str(p) for p in err.path) or "<root>"
                    errors.append(f"{name}: {where}: {err.message}")
            elif api.split("/")[0] in args.unvalidated:
                counts["unvalidated"] += 1
                unvalidated.add(f"{kind} ({api})")
            else:
                counts["core"] += 1
                try:
                    kubernetes_validate.validate(doc, args.kubernetes_version, strict=True)
                except SchemaNotFoundError:
                    version = args.kubernetes_version
                    errors.append(f"{name}: no schema (not a Kubernetes {version} kind, no CRD)")
                except kubernetes_validate.ValidationError as err:
                    where = ".".join(str(p) for p in err.path) or "<root>"
                    errors.append(f"{name}: {where}: {err.message}")
    files = ", ".join(p.name for p in args.files)
    print(
        f"{files}: Kubernetes {args.kubernetes_version}: {counts['core']} built-in resources, "
        f"{counts['crd']} custom resources checked against CRD schemas, "
        f"{counts['unvalidated']} NOT validated ({', '.join(sorted(unvalidated)) or '-'})"
    )
    for line in errors:
        print(f"ERROR {line}", file=sys.stderr)
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
