"""SSRF spellings of webhook URLs, and where the platform must refuse each one.

Pure data, importable without side effects. Each form is a URL template; ``{port}`` (where
a port means something) is the port of a local listener, so a suite can register every form
and then count the connections that listener accepted: the answer must be 0.

`stage` says where a form is refused with private addresses disallowed (the default):

- ``registration``: the endpoint is refused at once (INVALID_ARGUMENT on ``url``). IP
  literals in any spelling, Unicode look-alikes and syntax tricks.
- ``connect``: a name can only be judged on what it resolves to, so it is accepted and
  every delivery attempt is refused (``error: refused: …``) before a connection is opened.

`dev_admitted` marks the forms that ``STINT_WEBHOOK_ALLOW_LOOPBACK=true`` (local
development and tests only) lets through because they denote a loopback address in a plain
spelling; `refused_at` answers for both settings. `resolves_to` is what a real resolver
answers for a name form (tests that fake DNS use it; ``*.invalid`` names exist only there).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Stage = Literal["registration", "connect"]


@dataclass(frozen=True)
class SsrfForm:
    label: str
    template: str
    stage: Stage
    dev_admitted: bool = False
    resolves_to: tuple[str, ...] = ()

    def url(self, port: int) -> str:
        return self.template.format(port=port)


def _reg(label: str, template: str, *, dev: bool = False) -> SsrfForm:
    return SsrfForm(label, template, "registration", dev_admitted=dev)


def _name(label: str, template: str, *answers: str, dev: bool = False) -> SsrfForm:
    return SsrfForm(label, template, "connect", dev_admitted=dev, resolves_to=answers)


LOOPBACK_LITERALS = (
    _reg("loopback literal", "http://127.0.0.1:{port}/hook", dev=True),
    _reg("loopback, elsewhere in 127/8", "http://127.1.2.3:{port}/hook", dev=True),
    _reg("decimal integer", "http://2130706433:{port}/hook"),
    _reg("octal dotted", "http://0177.0.0.1:{port}/hook"),
    _reg("octal integer", "http://017700000001:{port}/hook"),
    _reg("hex integer", "http://0x7f000001:{port}/hook"),
    _reg("hex short form", "http://0x7f.1:{port}/hook"),
    _reg("hex dotted, upper case", "http://0X7F.0X0.0X0.0X1:{port}/hook"),
    _reg("two-part short form", "http://127.1:{port}/hook"),
    _reg("three-part short form", "http://127.0.1:{port}/hook"),
    _reg("leading zeros", "http://127.000.000.001:{port}/hook"),
    _reg("IPv4 with a trailing dot", "http://127.0.0.1.:{port}/hook"),
    _reg("IPv6 loopback", "http://[::1]:{port}/hook", dev=True),
    _reg("IPv6 loopback, uncompressed", "http://[0:0:0:0:0:0:0:1]:{port}/hook", dev=True),
    _reg("IPv4-mapped loopback", "http://[::ffff:127.0.0.1]:{port}/hook", dev=True),
    _reg("IPv4-mapped loopback in hex", "http://[::ffff:7f00:1]:{port}/hook", dev=True),
    _reg("IPv4-compatible loopback", "http://[::127.0.0.1]:{port}/hook"),
    _reg("6to4 of loopback", "http://[2002:7f00:1::1]:{port}/hook"),
    _reg("NAT64 of loopback", "http://[64:ff9b::7f00:1]:{port}/hook"),
)

UNSPECIFIED = (
    _reg("unspecified IPv4", "http://0.0.0.0:{port}/hook"),
    _reg("single zero", "http://0:{port}/hook"),
    _reg("hex zero", "http://0x0:{port}/hook"),
    _reg("unspecified IPv6", "http://[::]:{port}/hook"),
    _reg("IPv4-mapped unspecified", "http://[::ffff:0.0.0.0]:{port}/hook"),
)

UNICODE = (
    _reg("circled digits", "http://①②⑦.0.0.1:{port}/hook"),
    _reg("ideographic full stops", "http://127。0。0。1:{port}/hook"),
    _reg("halfwidth ideographic full stops", "http://127｡0｡0｡1:{port}/hook"),
    _reg(
        "fullwidth digits and stops", "http://\uff11\uff12\uff17.\uff10.\uff10.\uff11:{port}/hook"
    ),
    _reg("circled zeros (unspecified)", "http://⓪.⓪.⓪.⓪:{port}/hook"),
    _reg("circled one (0.0.0.1)", "http://①:{port}/hook"),
    _reg("circled metadata address", "http://⑯⑨.②⑤④.⑯⑨.②⑤④/latest/meta-data"),
    _reg("circled private address", "http://⑩.⓪.⓪.①/"),
    _reg(
        "fullwidth localhost",
        "http://\uff4c\uff4f\uff43\uff41\uff4c\uff48\uff4f\uff53\uff54:{port}/hook",
    ),
    _reg("localhost with a fullwidth dot", "http://localhost\uff0e:{port}/hook"),
)

NAMES = (
    _name("localhost", "http://localhost:{port}/hook", "127.0.0.1", "::1", dev=True),
    _name("localhost, fully qualified", "http://localhost.:{port}/hook", "127.0.0.1", dev=True),
    _name("LOCALHOST", "http://LOCALHOST:{port}/hook", "127.0.0.1", dev=True),
    _name("a *.localhost name", "http://ssrf.localhost:{port}/hook", "127.0.0.1", dev=True),
    _name("wildcard DNS to loopback", "http://127.0.0.1.nip.io:{port}/hook", "127.0.0.1", dev=True),
    _name("public name of loopback", "http://localtest.me:{port}/hook", "127.0.0.1", dev=True),
    _name(
        "GCP metadata name",
        "http://metadata.google.internal/computeMetadata/v1/",
        "169.254.169.254",
    ),
    _name(
        "wildcard DNS to metadata",
        "http://169.254.169.254.nip.io/latest/meta-data",
        "169.254.169.254",
    ),
    _name(
        "a public and a private answer",
        "http://mixed-answers.ssrf.invalid:{port}/hook",
        "93.184.215.14",
        "10.0.0.1",
    ),
    _name(
        "a public answer and a mapped loopback one",
        "http://mapped-answer.ssrf.invalid:{port}/hook",
        "93.184.215.14",
        "::ffff:127.0.0.1",
        dev=True,
    ),
)

METADATA_AND_PRIVATE = (
    _reg("cloud metadata", "http://169.254.169.254/latest/meta-data/"),
    _reg("AWS metadata over IPv6", "http://[fd00:ec2::254]/latest/meta-data/"),
    _reg("Alibaba metadata", "http://100.100.100.200/latest/meta-data/"),
    _reg("Azure wire server", "http://168.63.129.16/machine?comp=goalstate"),
    _reg("IPv4-mapped metadata", "http://[::ffff:169.254.169.254]/latest/meta-data/"),
    _reg("private 10/8", "http://10.0.0.1:{port}/hook"),
    _reg("private 172.16/12", "http://172.16.0.1:{port}/hook"),
    _reg("private 192.168/16", "http://192.168.0.1:{port}/hook"),
    _reg("carrier-grade NAT 100.64/10", "http://100.64.0.1:{port}/hook"),
    _reg("IPv6 link-local", "http://[fe80::1]:{port}/hook"),
    _reg("IPv6 unique-local", "http://[fd00::1]:{port}/hook"),
    _reg("multicast", "http://224.0.0.1:{port}/hook"),
    _reg("broadcast", "http://255.255.255.255:{port}/hook"),
)

SYNTAX = (
    _reg("userinfo before a loopback host", "http://example.com@127.0.0.1:{port}/hook"),
    _reg("loopback as userinfo", "http://127.0.0.1:{port}@example.com/hook"),
    _reg("encoded slash in userinfo", "http://127.0.0.1%2f@example.com/hook"),
    _reg("backslash before @", "http://example.com\\@127.0.0.1:{port}/hook"),
    _reg("@ in the fragment", "http://127.0.0.1:{port}#@example.com", dev=True),
    _reg("percent-encoded host", "http://%31%32%37.0.0.1:{port}/hook"),
    _reg("IPv6 zone id", "http://[fe80::1%25lo]:{port}/hook"),
    _reg("space in the host", "http://127.0.0.1 .example.com:{port}/hook"),
    _reg("space in the path", "http://127.0.0.1:{port}/ hook"),
    _reg("newline at the end", "http://127.0.0.1:{port}/hook\n"),
    _reg("zero-width space in the host", "http://127.0.0.1\u200b:{port}/hook"),
    _reg("port 0 on a name", "http://example.com:0/hook"),
    _reg("port 0 on loopback", "http://127.0.0.1:0/hook"),
    _reg("port out of range", "http://127.0.0.1:65536/hook"),
    _reg("signed port", "http://127.0.0.1:+{port}/hook"),
    _reg("empty port", "http://127.0.0.1:/hook"),
    _reg("gopher scheme", "gopher://127.0.0.1:{port}/_hook"),
    _reg("file scheme", "file:///etc/passwd"),
)

FORMS: tuple[SsrfForm, ...] = (
    LOOPBACK_LITERALS + UNSPECIFIED + UNICODE + NAMES + METADATA_AND_PRIVATE + SYNTAX
)


def refused_at(form: SsrfForm, *, allow_loopback: bool = False) -> Stage | None:
    """Where `form` is refused, or None when the setting lets it through."""
    if allow_loopback and form.dev_admitted:
        return None
    return form.stage


def refused_at_registration(*, allow_loopback: bool = False) -> tuple[SsrfForm, ...]:
    return tuple(f for f in FORMS if refused_at(f, allow_loopback=allow_loopback) == "registration")


def refused_at_connect(*, allow_loopback: bool = False) -> tuple[SsrfForm, ...]:
    return tuple(f for f in FORMS if refused_at(f, allow_loopback=allow_loopback) == "connect")
