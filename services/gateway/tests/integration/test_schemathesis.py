"""schemathesis, fed the gateway's own OpenAPI document, against the gateway in front of all five
real services (real Kafka and FerretDB): no 5xx, and every response matches the schema."""

from __future__ import annotations

import asyncio
import socket
import sys
from pathlib import Path

import pytest
import uvicorn

from gateway.app import create_app
from stint.kit.mongo import Database, MongoClient
from stint.kit.testing.poll import eventually

from ..conftest import settings, token
from .platform import backends

SCHEMATHESIS = Path(sys.executable).with_name("schemathesis")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.mark.timeout(600)
async def test_no_server_errors_and_responses_match_the_schema(
    mongo_client: MongoClient, mongo_db: Database, unique: str
) -> None:
    port = _free_port()
    async with backends(mongo_client, unique) as addresses:
        config = settings(
            mongo_database=mongo_db.name,
            rate_limit_burst=100_000,
            rate_limit_per_second=10_000,
            http_port=port,
            **addresses,
        )
        server = uvicorn.Server(
            uvicorn.Config(
                create_app(config), host="127.0.0.1", port=port, log_config=None, access_log=False
            )
        )
        serving = asyncio.create_task(server.serve())
        try:
            await eventually(lambda: server.started, what="the gateway listening")
            reports = []
            for role, org in (("employer", f"cmp_{unique}"), ("student", "")):
                auth = token(role, org, sub=f"{role}_{unique}")["Authorization"]
                process = await asyncio.create_subprocess_exec(
                    str(SCHEMATHESIS),
                    "run",
                    f"http://127.0.0.1:{port}/openapi.json",
                    "--checks",
                    "not_a_server_error,response_schema_conformance,status_code_conformance",
                    "--header",
                    f"Authorization: {auth}",
                    "--max-examples",
                    "8",
                    "--seed",
                    "1",
                    "--request-timeout",
                    "15",
                    "--suppress-health-check",
                    "all",
                    stdout=asyncio.subprocess.PIPE,
                    stderr=asyncio.subprocess.STDOUT,
                )
                output, _ = await process.communicate()
                reports.append((role, process.returncode, output.decode(errors="replace")))
        finally:
            server.should_exit = True
            await serving
    failed = [
        f"--- as {role} (exit {code})\n{text[-6000:]}" for role, code, text in reports if code != 0
    ]
    assert not failed, "\n".join(failed)
