"""The ceiling: a bare Starlette app with one plaintext endpoint, served like the real one."""

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse
from starlette.routing import Route


async def plaintext(request: Request) -> PlainTextResponse:
    return PlainTextResponse("Hello, world!")


def create_app() -> Starlette:
    return Starlette(routes=[Route("/plaintext", plaintext)])


def create_app_stack() -> Starlette:
    """The app itself with the same endpoint in front of its routes: what every one of its
    pages costs before doing its own work (security headers, CSRF cookie, the session and its
    person read from the database when signed in, the language)."""
    import server

    app = server.create_app()
    app.router.routes.insert(0, Route("/plaintext", plaintext))
    return app
