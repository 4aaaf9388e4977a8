"""FerretDB's own request counter, `ferretdb_client_requests_total{opcode, command}`, from the
Prometheus text on its debug port (/debug/metrics): every command a client sent, by name.
The parsing is pure; `fetch` is the only I/O."""

from __future__ import annotations

from collections.abc import Mapping

import httpx

REQUESTS = "ferretdb_client_requests_total"
Labels = tuple[tuple[str, str], ...]
_ESCAPES = {"n": "\n", "\\": "\\", '"': '"'}


def _labels(text: str) -> tuple[Labels, str]:
    """`{a="1",b="x\\"y"} 3` → ((("a", "1"), ("b", 'x"y')), " 3"), labels sorted by name."""
    found: list[tuple[str, str]] = []
    i = 1
    while True:
        while text[i] in " ,":
            i += 1
        if text[i] == "}":
            return tuple(sorted(found)), text[i + 1 :]
        equals = text.index("=", i)
        name, i = text[i:equals].strip(), equals + 1
        while text[i] == " ":
            i += 1
        if text[i] != '"':
            raise ValueError(f"label {name!r}: value not quoted")
        i += 1
        value: list[str] = []
        while text[i] != '"':
            if text[i] == "\\":
                i += 1
                value.append(_ESCAPES.get(text[i], "\\" + text[i]))
            else:
                value.append(text[i])
            i += 1
        found.append((name, "".join(value)))
        i += 1


def parse_counter(text: str, name: str = REQUESTS) -> dict[Labels, float]:
    """Every sample of the metric `name`, by its labels. Other metrics, comments, and metrics
    whose name merely starts with `name` are skipped; a malformed line raises ValueError."""
    found: dict[Labels, float] = {}
    for raw in text.splitlines():
        line = raw.strip()
        if not line.startswith(name) or line.startswith("#"):
            continue
        rest = line[len(name) :]
        if rest.startswith("{"):
            try:
                labels, rest = _labels(rest)
            except IndexError as error:
                raise ValueError(f"unterminated labels: {line!r}") from error
        elif rest[:1] in (" ", "\t"):
            labels = ()
        else:
            continue  # e.g. ferretdb_client_requests_total_created
        found[labels] = found.get(labels, 0.0) + float(rest.split()[0])
    return found


def by_command(samples: Mapping[Labels, float]) -> dict[str, float]:
    """`"OP_MSG/find"` → count: the opcode and command labels (other labels are summed)."""
    found: dict[str, float] = {}
    for labels, value in samples.items():
        named = dict(labels)
        key = f"{named.get('opcode', '?')}/{named.get('command', '?')}"
        found[key] = found.get(key, 0.0) + value
    return found


def delta(before: Mapping[str, float], after: Mapping[str, float]) -> dict[str, float]:
    """What each counter grew by, largest first; a counter that did not grow is left out (and a
    restart, which resets counters, does not count as negative work)."""
    grown = {k: v - before.get(k, 0.0) for k, v in after.items()}
    return dict(sorted(((k, v) for k, v in grown.items() if v > 0), key=lambda kv: -kv[1]))


def short(command: str) -> str:
    """`"OP_MSG/find"` → `"find"` (nearly every command is OP_MSG); other opcodes stay."""
    return command.removeprefix("OP_MSG/")


async def fetch(url: str) -> dict[str, float] | None:
    """FerretDB's requests by command now; None when the debug port does not answer or has no
    such counter (a FerretDB that counts differently leaves the figures out, not the run)."""
    try:
        async with httpx.AsyncClient(timeout=5) as client:
            response = await client.get(url)
        response.raise_for_status()
        samples = parse_counter(response.text)
    except (httpx.HTTPError, ValueError):
        return None
    return by_command(samples) if samples else None


SERVICE_COMMANDS = "stint_db_commands_total"


def by_service_command(samples: Mapping[Labels, float]) -> dict[str, float]:
    """`"payouts find payouts"` → count: the services' own count of what they asked the
    database (`stint_db_commands_total{service, command, collection}`)."""
    found: dict[str, float] = {}
    for labels, value in samples.items():
        named = dict(labels)
        key = (
            f"{named.get('service', '?')} {named.get('command', '?')} {named.get('collection', '')}"
        )
        found[key.rstrip()] = found.get(key.rstrip(), 0.0) + value
    return found


async def fetch_services(urls: list[str]) -> dict[str, float]:
    """Every service's command counts, summed over `urls` (their /metrics); unreachable ones
    count nothing."""
    found: dict[str, float] = {}
    async with httpx.AsyncClient(timeout=2.0) as client:
        for url in urls:
            try:
                response = await client.get(url)
                response.raise_for_status()
            except httpx.HTTPError:
                continue
            for key, value in by_service_command(
                parse_counter(response.text, SERVICE_COMMANDS)
            ).items():
                found[key] = found.get(key, 0.0) + value
    return found
