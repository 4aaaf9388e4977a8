"""Bare servers for the baselines, run as their own process (like the platform's services, so
client and server do not share one event loop): `python -m tools.bench.servers http|grpc PORT`.
"""

from __future__ import annotations

import asyncio
import sys

import grpc
import uvicorn
from fastapi import FastAPI
from google.protobuf.wrappers_pb2 import StringValue

ECHO_METHOD = "/bench.Echo/Echo"


def hello_app() -> FastAPI:
    app = FastAPI()

    @app.get("/hello")
    async def hello() -> dict[str, str]:
        return {"hello": "world"}

    return app


async def echo(request: StringValue, context: object) -> StringValue:
    return request


async def serve_grpc(port: int) -> None:
    server = grpc.aio.server()
    handler = grpc.unary_unary_rpc_method_handler(
        echo,
        request_deserializer=StringValue.FromString,
        response_serializer=StringValue.SerializeToString,
    )
    server.add_generic_rpc_handlers(
        (grpc.method_handlers_generic_handler("bench.Echo", {"Echo": handler}),)
    )
    server.add_insecure_port(f"127.0.0.1:{port}")
    await server.start()
    await server.wait_for_termination()


def main(kind: str, port: int) -> None:
    if kind == "http":
        uvicorn.run(hello_app(), host="127.0.0.1", port=port, log_level="warning")
    elif kind == "grpc":
        asyncio.run(serve_grpc(port))
    else:
        raise SystemExit(f"unknown server {kind!r}: http or grpc")


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]))
