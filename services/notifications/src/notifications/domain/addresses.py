"""The SSRF rule: which resolved addresses a webhook may connect to."""

from __future__ import annotations

import ipaddress

_CGNAT = ipaddress.ip_network("100.64.0.0/10")
_UNIQUE_LOCAL = ipaddress.ip_network("fc00::/7")


def refusal(address: str, *, allow_loopback: bool) -> str:
    """Why connecting to `address` is refused, or "" when it is a public address.

    Loopback, private (RFC 1918), link-local (incl. 169.254.169.254, the cloud metadata
    service), CGNAT, unique-local, unspecified, multicast and reserved ranges are refused;
    IPv4-mapped IPv6 addresses are judged as the IPv4 address they carry.
    """
    try:
        ip = ipaddress.ip_address(address.split("%", 1)[0])
    except ValueError:
        return f"{address!r} is not an IP address"
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    if ip.is_loopback:
        return "" if allow_loopback else f"{ip} is a loopback address"
    checks = (
        (ip.is_unspecified, "unspecified"),
        (ip.is_link_local, "link-local"),
        (ip.is_multicast, "multicast"),
        (ip.version == 4 and ip in _CGNAT, "carrier-grade NAT"),
        (ip.version == 6 and ip in _UNIQUE_LOCAL, "unique-local"),
        (ip.is_private, "private"),
        (ip.is_reserved, "reserved"),
    )
    for hit, what in checks:
        if hit:
            return f"{ip} is a {what} address"
    return ""
