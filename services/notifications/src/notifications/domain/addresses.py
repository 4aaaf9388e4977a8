"""The SSRF rule: which IP addresses a webhook may connect to."""

from __future__ import annotations

import ipaddress

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

_CGNAT = ipaddress.ip_network("100.64.0.0/10")
_UNIQUE_LOCAL = ipaddress.ip_network("fc00::/7")
# RFC 6052 well-known NAT64 prefix: the IPv4 address is the last 32 bits, so it is judged as
# that address (DNS64 networks synthesise these for every IPv4-only host, public ones too).
_NAT64 = ipaddress.ip_network("64:ff9b::/96")
# RFC 8215 local-use NAT64: the embedding depends on a site's prefix length, so nobody can say
# which IPv4 address it reaches; refused outright.
_LOCAL_NAT64 = ipaddress.ip_network("64:ff9b:1::/48")

# Cloud metadata and platform services. Most sit in ranges refused anyway; named so the
# refusal says what they are, and because some (Azure's wire server, Oracle's classic
# metadata) are outside every private range.
_METADATA = frozenset(
    ipaddress.ip_address(a)
    for a in (
        "169.254.169.254",  # AWS, GCP, Azure, OpenStack, DigitalOcean, Oracle
        "169.254.170.2",  # AWS ECS task metadata
        "169.254.169.253",  # AWS VPC DNS resolver
        "fd00:ec2::254",  # AWS IMDS over IPv6
        "fd00:ec2::253",  # AWS VPC DNS over IPv6
        "100.100.100.200",  # Alibaba Cloud
        "168.63.129.16",  # Azure wire server
        "192.0.0.192",  # Oracle Cloud classic
    )
)


def refusal(address: str, *, allow_loopback: bool) -> str:
    """Why connecting to `address` is refused, or "" when it is a public address.

    Refused: cloud metadata addresses, loopback (unless `allow_loopback`, for local
    development), private (RFC 1918), link-local, CGNAT, unique-local, site-local,
    unspecified, multicast, reserved and anything else not globally routable. IPv6 forms
    that carry an IPv4 address (mapped, NAT64, 6to4) are judged as the address they carry.
    """
    try:
        ip = ipaddress.ip_address(address.split("%", 1)[0])
    except ValueError:
        return f"{address!r} is not an IP address"
    return judge(ip, allow_loopback=allow_loopback)


def judge(ip: IPAddress, *, allow_loopback: bool) -> str:
    """`refusal` for an already parsed address."""
    if ip in _METADATA:
        return f"{ip} is a cloud metadata address"
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped is not None:
            # How a dual-stack socket spells an IPv4 peer: it reaches that very address.
            return judge(ip.ipv4_mapped, allow_loopback=allow_loopback)
        carried = _carried_ipv4(ip)
        if carried is not None:
            # A tunnel or translator delivers to the carried address on *its* side; our own
            # loopback is never a legitimate reason to go through one.
            inner = judge(carried, allow_loopback=False)
            return f"{ip} carries {carried}: {inner}" if inner else ""
        if ip in _LOCAL_NAT64:
            return f"{ip} is a local-use NAT64 address"
    if ip.is_loopback:
        return "" if allow_loopback else f"{ip} is a loopback address"
    checks = (
        (ip.is_unspecified, "unspecified"),
        (ip.is_link_local, "link-local"),
        (ip.is_multicast, "multicast"),
        (ip.version == 4 and ip in _CGNAT, "carrier-grade NAT"),
        (ip.version == 6 and ip in _UNIQUE_LOCAL, "unique-local"),
        (isinstance(ip, ipaddress.IPv6Address) and ip.is_site_local, "site-local"),
        (ip.is_private, "private"),
        (ip.is_reserved, "reserved"),
        (not ip.is_global, "non-public"),
    )
    for hit, what in checks:
        if hit:
            article = "an" if what[0] in "aeiou" else "a"
            return f"{ip} is {article} {what} address"
    return ""


def _carried_ipv4(ip: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    if ip in _NAT64:
        return ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    return ip.sixtofour  # 2002::/16 (6to4); Teredo (2001::/32) is refused as private
