"""Print a development token: ``python -m gateway.token --role employer --org acme --sub u1``."""

from __future__ import annotations

import argparse

from gateway.auth import ROLES, issue_dev_token
from gateway.config import DEV_JWT_SECRET, GatewaySettings


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--role", required=True, choices=sorted(ROLES))
    parser.add_argument("--org", default="", help="company id (employer) or university id")
    parser.add_argument("--sub", default="dev-user", help="the caller's subject (user id)")
    parser.add_argument("--ttl", type=int, default=8 * 3600, help="seconds until it expires")
    args = parser.parse_args()
    settings = GatewaySettings()
    secret = settings.jwt_secret.get_secret_value() or DEV_JWT_SECRET
    print(
        issue_dev_token(
            secret, subject=args.sub, role=args.role, org=args.org, ttl_seconds=args.ttl
        )
    )


if __name__ == "__main__":
    main()
