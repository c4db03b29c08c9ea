"""The ceiling: a bare Starlette app with one plaintext endpoint, served like the real one."""

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse
from starlette.routing import Route


async def plaintext(request: Request) -> PlainTextResponse:
    return PlainTextResponse("Hello, world!")


def create_app() -> Starlette:
    return Starlette(routes=[Route("/plaintext", plaintext)])
