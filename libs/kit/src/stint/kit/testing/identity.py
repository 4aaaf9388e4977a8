"""Service identity for tests: one key pair per test process, published in the environment.

Importing this module (the pytest plugin does) sets ``STINT_IDENTITY_PRIVATE_KEY`` and
``STINT_IDENTITY_PUBLIC_KEYS`` unless they are set already, so every service and gateway a test
builds from settings, in-process or as a child process, trusts the same key as `metadata_for`.
"""

from __future__ import annotations

import os

from stint.kit.grpc.identity import Caller
from stint.kit.grpc.identity_keys import generate_key_pair
from stint.kit.grpc.service_identity import IdentitySigner

PRIVATE_ENV = "STINT_IDENTITY_PRIVATE_KEY"
PUBLIC_ENV = "STINT_IDENTITY_PUBLIC_KEYS"

if not os.environ.get(PRIVATE_ENV) or not os.environ.get(PUBLIC_ENV):
    os.environ[PRIVATE_ENV], os.environ[PUBLIC_ENV] = generate_key_pair()

# An hour, not the gateway's 60 s: suites build metadata when a module is imported, and a long
# session runs its tests minutes later.
SIGNER = IdentitySigner(os.environ[PRIVATE_ENV], ttl_seconds=3600)


def metadata_for(caller: Caller, service: str) -> tuple[tuple[str, str], ...]:
    """The metadata the gateway would send to `service` on behalf of `caller`."""
    return SIGNER.metadata(caller, service)
