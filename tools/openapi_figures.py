"""Figures of the gateway's OpenAPI document, as quoted in issue 17's closing note:
required/all object properties (all, and request bodies), constraint keywords, descriptions.

    .venv/bin/python tools/openapi_figures.py
"""

from __future__ import annotations

from typing import Any

from gateway.app import create_app
from gateway.config import GatewaySettings

CONSTRAINTS = {
    "minLength", "maxLength", "pattern", "minimum", "maximum", "exclusiveMinimum",
    "exclusiveMaximum", "minItems", "maxItems", "uniqueItems", "minProperties", "oneOf",
}  # fmt: skip


def _objects(node: Any) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    stack = [node]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            if item.get("type") == "object" and isinstance(item.get("properties"), dict):
                found.append(item)
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return found


def _count(node: Any, keys: set[str]) -> int:
    if isinstance(node, dict):
        return sum(k in keys for k in node) + sum(_count(v, keys) for v in node.values())
    if isinstance(node, list):
        return sum(_count(v, keys) for v in node)
    return 0


def main() -> None:
    spec = create_app(GatewaySettings(jwt_secret="figures-only-" * 3)).openapi()
    every = _objects(spec["components"]["schemas"]) + _objects(spec["paths"])
    requests = [s for n, s in spec["components"]["schemas"].items() if n.startswith("input.")]
    requests += [o for p in spec["paths"].values() for op in p.values() for o in
                 _objects(op.get("requestBody", {}))]  # fmt: skip

    def ratio(objects: list[dict[str, Any]]) -> str:
        required = sum(len(o.get("required", [])) for o in objects)
        return f"{required}/{sum(len(o['properties']) for o in objects)}"

    print(f"required properties: {ratio(every)} (request bodies {ratio(requests)})")
    print(f"constraint keywords: {_count(spec, CONSTRAINTS)}")
    print(f"descriptions: {_count(spec, {'description'})}")


if __name__ == "__main__":
    main()
