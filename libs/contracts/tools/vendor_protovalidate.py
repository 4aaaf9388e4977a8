"""Fetch protovalidate's `buf/validate/validate.proto` into protos/, pinned.

The `protovalidate` package on PyPI (1.x, the line that runs on the `protobuf` runtime grpcio
uses) imports a generated `buf.validate.validate_pb2` that PyPI does not ship, and `buf` cannot
reach its schema registry from here. The proto itself is inside Maven Central's
`build.buf:protovalidate` jar, released in lockstep with the Python package (both 1.1.0 on
2025-12-09). This script takes it from there, checks the jar's sha256, and writes the copy that
`make proto` generates with the rest of the contracts (libs/contracts/src/buf/validate). The copy
is committed so that `buf lint`/`buf breaking` and the generated-code check need no network;
run this only to move the pin (then `make proto`, and keep `protovalidate` in libs/kit's
pyproject on the same minor version: tests/contract/test_protovalidate_pin.py checks both).
"""

from __future__ import annotations

import hashlib
import io
import sys
import urllib.request
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
VENDOR_ROOT = ROOT / "protos"
PROTO = "buf/validate/validate.proto"
VERSION = "1.1.0"
JAR_SHA256 = "79e1b7098e13a9498afe0943e27ebb51b756e95afd7ab5d764b68c3add6bf389"
JAR_URL = (
    f"https://repo1.maven.org/maven2/build/buf/protovalidate/{VERSION}/protovalidate-{VERSION}.jar"
)


def proto_sha256() -> str:
    return hashlib.sha256((VENDOR_ROOT / PROTO).read_bytes()).hexdigest()


def fetch() -> bytes:
    with urllib.request.urlopen(JAR_URL, timeout=60) as response:
        jar = response.read()
    digest = hashlib.sha256(jar).hexdigest()
    if digest != JAR_SHA256:
        raise SystemExit(f"{JAR_URL}: sha256 {digest}, expected {JAR_SHA256}")
    with zipfile.ZipFile(io.BytesIO(jar)) as archive:
        return archive.read(PROTO)


def main() -> int:
    target = VENDOR_ROOT / PROTO
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(fetch())
    (VENDOR_ROOT / "buf" / "validate" / "PINNED").write_text(
        f"{PROTO} from build.buf:protovalidate:{VERSION} (Maven Central)\n"
        f"jar sha256 {JAR_SHA256}\n"
        f"proto sha256 {proto_sha256()}\n"
    )
    print(f"wrote {target.relative_to(ROOT)} (protovalidate {VERSION})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
