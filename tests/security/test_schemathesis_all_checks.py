"""schemathesis with every check, on every route, as each role (and anonymous), against the
live gateway (issue 14): 0 server errors. The other checks' findings are the OpenAPI
document's own gaps (issue 17: constraints, required fields); they are counted, not asserted."""

from __future__ import annotations

import asyncio
import re
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from ..e2e.conftest import Platform, auth
from .conftest import Tally

SCHEMATHESIS = Path(sys.executable).with_name("schemathesis")
ROLES = {
    "student": auth("student", "usr_st_sec"),
    "employer": auth("employer", "usr_emp_sec", "cmp_st_sec"),
    "university": auth("university", "usr_uni_sec", "uni_st_sec"),
    "admin": auth("admin", "usr_adm_sec"),
    "anonymous": {},
}


_SERVER_ERROR = re.compile(r"\bST10[12]\b")


def _findings(junit: Path) -> tuple[int, list[str]]:
    """(test cases run, failure texts) from schemathesis' JUnit report."""
    root = ET.parse(junit).getroot()
    cases = list(root.iter("testcase"))
    failures = [
        f"{case.get('name')}: {(failure.get('message') or '')} {(failure.text or '')[:1500]}"
        for case in cases
        for failure in [*case.findall("failure"), *case.findall("error")]
    ]
    return len(cases), failures


@pytest.mark.timeout(900)
@pytest.mark.parametrize("role", list(ROLES))
async def test_no_server_error_with_every_check(
    hardened: Platform, tally: Tally, tmp_path: Path, role: str
) -> None:
    junit = tmp_path / f"{role}.xml"
    headers = [arg for k, v in ROLES[role].items() for arg in ("--header", f"{k}: {v}")]
    process = await asyncio.create_subprocess_exec(
        str(SCHEMATHESIS),
        "run",
        f"{hardened.url}/openapi.json",
        "--checks",
        "all",
        *headers,
        "--max-examples",
        "6",
        "--seed",
        "14",
        "--request-timeout",
        "15",
        "--suppress-health-check",
        "all",
        "--continue-on-failure",
        "--report",
        "junit",
        "--report-junit-path",
        str(junit),
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    output, _ = await process.communicate()
    text = output.decode(errors="replace")
    assert junit.exists(), text[-4000:]
    _, failures = _findings(junit)
    server_errors = [f for f in failures if _SERVER_ERROR.search(f)]
    generated = re.search(r"(\d+) generated", text)
    tally.add(
        f"schemathesis -c all, as {role} (test cases)",
        attempts=int(generated[1]) if generated else 0,
        server_errors=len(server_errors),
    )
    print(f"\n{role}: {len(failures)} operations with findings of other checks (issue 17)")
    assert generated, text[-4000:]
    assert not server_errors, "\n".join(server_errors)[:8000]
