"""Generate Python messages, type stubs and gRPC stubs from protos/ into libs/contracts/src,
and the descriptor set of every .proto (stint/contracts/stint.binpb, stint.contracts.descriptors).

Run through `make proto`. The output is committed; tests/contract/test_generated_code.py
regenerates into a temporary folder and fails when the committed code has drifted.
"""

from __future__ import annotations

import argparse
import sys
from importlib import resources
from pathlib import Path

from grpc_tools import protoc

ROOT = Path(__file__).resolve().parents[3]
PROTO_ROOT = ROOT / "protos"
OUT_DIR = ROOT / "libs" / "contracts" / "src"
GENERATED_SUFFIXES = ("_pb2.py", "_pb2.pyi", "_pb2_grpc.py", "_pb2_grpc.pyi")
DESCRIPTOR_SET = Path("stint") / "contracts" / "stint.binpb"


def proto_files() -> list[Path]:
    return sorted(PROTO_ROOT.rglob("*.proto"))


def generate(out_dir: Path) -> None:
    """Run protoc (with the mypy-protobuf plugins) over every .proto under protos/, then write
    their descriptor set."""
    well_known = resources.files("grpc_tools") / "_proto"
    includes = [f"-I{PROTO_ROOT}", f"-I{well_known}"]
    # protos/buf/validate is protovalidate's, pinned (vendor_protovalidate.py): generated with
    # ours, so `buf.validate.validate_pb2` (which the protovalidate package imports) ships here.
    files = [str(p.relative_to(PROTO_ROOT)) for p in proto_files()]
    # gRPC stubs only for files that declare a service: the rest would be empty modules.
    services = [f for f in files if "\nservice " in (PROTO_ROOT / f).read_text()]
    outputs = [f"--python_out={out_dir}", f"--mypy_out=quiet:{out_dir}"]
    _protoc([*includes, *outputs, *files])
    if services:
        _protoc(
            [
                *includes,
                f"--grpc_python_out={out_dir}",
                f"--mypy_grpc_out=quiet:{out_dir}",
                *services,
            ]
        )
    # For integrators (docs/architecture.md, "Contracts for integrators"): imports included, so
    # the set stands alone; comments included (source info). protoc writes it deterministically.
    descriptor_set = out_dir / DESCRIPTOR_SET
    descriptor_set.parent.mkdir(parents=True, exist_ok=True)
    sets = ["--include_imports", "--include_source_info", f"--descriptor_set_out={descriptor_set}"]
    _protoc([*includes, *sets, *files])


def _protoc(args: list[str]) -> None:
    if protoc.main(["protoc", *args]) != 0:
        raise SystemExit(f"protoc failed: {args}")


def clean(out_dir: Path) -> None:
    """Remove previously generated files so a deleted .proto leaves nothing behind."""
    for path in out_dir.rglob("*"):
        if path.is_file() and path.name.endswith(GENERATED_SUFFIXES):
            path.unlink()
    for path in sorted(out_dir.rglob("*"), reverse=True):
        if path.is_dir() and not any(path.iterdir()):
            path.rmdir()


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", type=Path, default=OUT_DIR)
    out = parser.parse_args(argv).out
    out.mkdir(parents=True, exist_ok=True)
    clean(out)
    generate(out)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
