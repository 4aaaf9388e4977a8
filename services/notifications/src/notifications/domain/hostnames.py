"""What an ASCII host denotes: an IPv4 address in any spelling a resolver accepts, or a name."""

from __future__ import annotations

import ipaddress
import re

_DECIMAL = re.compile(r"[0-9]+\Z")
_HEX = re.compile(r"0[xX][0-9a-fA-F]*\Z")
_OCTAL = re.compile(r"0[0-7]+\Z")
_LABEL = re.compile(r"(?!-)[a-z0-9-]{1,63}(?<!-)\Z")
MAX_HOST = 253


class NotAHost(ValueError):
    """Looks like a number but denotes no IPv4 address (``1.2.3.4.5``, ``256.0.0.1``)."""


def numeric_ipv4(host: str) -> ipaddress.IPv4Address | None:
    """The IPv4 address a numeric host denotes, or None when the host is a name.

    Follows the WHATWG URL host parser, which is also what inet_aton (and so getaddrinfo)
    accepts: 1 to 4 dot-separated parts, each decimal, octal (leading 0) or hex (0x); the
    last part fills the remaining bytes. So ``2130706433``, ``0177.0.0.1``, ``0x7f.1``,
    ``127.1`` and ``127.0.0.1.`` all denote 127.0.0.1. A host whose last label is a number
    is never a name (no top-level domain is numeric), so a bad one raises NotAHost.
    """
    parts = host.split(".")
    if len(parts) > 1 and parts[-1] == "":
        parts.pop()  # one trailing dot: the fully qualified spelling of the same host
    if not (_DECIMAL.match(parts[-1]) or _HEX.match(parts[-1])):
        return None
    if len(parts) > 4:
        raise NotAHost(f"{host!r} has more than four numeric parts")
    numbers = [_number(part, host) for part in parts]
    *leading, last = numbers
    if any(n > 255 for n in leading) or last >= 256 ** (5 - len(numbers)):
        raise NotAHost(f"{host!r} is out of the IPv4 range")
    value = last
    for i, n in enumerate(leading):
        value += n << (8 * (3 - i))
    return ipaddress.IPv4Address(value)


def _number(part: str, host: str) -> int:
    if _HEX.match(part):
        return int(part[2:] or "0", 16)
    if _OCTAL.match(part):
        return int(part, 8)
    if _DECIMAL.match(part) and not (len(part) > 1 and part.startswith("0")):
        return int(part)
    raise NotAHost(f"{host!r} is not a valid IPv4 address")


def is_canonical_ipv4(host: str) -> bool:
    """Four decimal parts without leading zeros: the only spelling every client reads alike
    (aiohttp 3.14 refuses the others outright)."""
    try:
        return str(ipaddress.IPv4Address(host)) == host
    except ValueError:
        return False


def is_hostname(host: str) -> bool:
    """An ASCII (already IDNA-encoded, lower-case) DNS host name: letters, digits and hyphens,
    labels of 1-63 characters not starting or ending with a hyphen, at most 253 characters;
    one trailing dot allowed."""
    name = host.removesuffix(".")
    return 0 < len(name) <= MAX_HOST and all(_LABEL.match(label) for label in name.split("."))
