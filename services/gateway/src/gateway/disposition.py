"""The `Content-Disposition` of a download, safe for any file name a service returns.

HTTP header values are Latin-1 on the wire (Starlette encodes them so and raises on anything
else), and a quote or backslash inside `filename="…"` would end or escape the value. A name is
therefore sent twice (RFC 6266 §4.3): an ASCII `filename` with every other character replaced,
for old clients, and, when the two differ, the exact name as `filename*` in RFC 8187 form.
"""

from __future__ import annotations

from urllib.parse import quote


def attachment(name: str) -> str:
    fallback = "".join(c if " " <= c <= "~" and c not in '"\\' else "_" for c in name)
    value = f'attachment; filename="{fallback}"'
    if fallback != name:
        value += f"; filename*=UTF-8''{quote(name, safe='')}"
    return value
