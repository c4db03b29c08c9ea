"""CSRF protection for every state-changing request, and the security headers of every page."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from urllib.parse import parse_qs

from python_multipart import MultipartParser
from python_multipart.multipart import parse_options_header
from starlette.datastructures import MutableHeaders
from starlette.requests import HTTPConnection
from starlette.responses import PlainTextResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from training.i18n import gettext

CSRF_COOKIE = "amane_csrf"
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "x-csrf-token"
SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}

CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)


def csrf_token_for(secret: str, cookie_value: str) -> str:
    """The form token is bound to the browser's CSRF cookie by an HMAC."""
    return hmac.new(secret.encode(), cookie_value.encode(), hashlib.sha256).hexdigest()


def _form_field(body: bytes, content_type: str, name: str) -> str:
    kind, options = parse_options_header(content_type)
    if kind == b"application/x-www-form-urlencoded":
        return parse_qs(body.decode("latin-1")).get(name, [""])[0]
    if kind == b"multipart/form-data" and b"boundary" in options:
        found: list[bytes] = []
        current: dict[str, object] = {}

        def on_header_value(data: bytes, start: int, end: int) -> None:
            current["header"] = current.get("header", b"") + data[start:end]

        def on_part_begin() -> None:
            current.clear()

        def on_header_end() -> None:
            header = current.pop("header", b"")
            if isinstance(header, bytes) and f'name="{name}"'.encode() in header:
                current["wanted"] = True

        def on_part_data(data: bytes, start: int, end: int) -> None:
            if current.get("wanted"):
                found.append(data[start:end])

        parser = MultipartParser(
            options[b"boundary"],
            {
                "on_part_begin": on_part_begin,
                "on_header_value": on_header_value,
                "on_header_end": on_header_end,
                "on_part_data": on_part_data,
            },
        )
        parser.write(body)
        parser.finalize()
        return b"".join(found).decode("latin-1")
    return ""


class CSRFMiddleware:
    """Rejects with 403 any unsafe request whose token does not match the browser's cookie."""

    def __init__(self, app: ASGIApp, secret: str, secure: bool = False) -> None:
        self.app = app
        self.secret = secret
        self.secure = secure

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        conn = HTTPConnection(scope)
        cookie = conn.cookies.get(CSRF_COOKIE, "")
        new_cookie = "" if cookie else secrets.token_urlsafe(24)
        scope.setdefault("state", {})["csrf_token"] = csrf_token_for(
            self.secret, cookie or new_cookie
        )

        if scope["method"] not in SAFE_METHODS:
            body = await _read_body(receive)
            sent = conn.headers.get(CSRF_HEADER) or _form_field(
                body, conn.headers.get("content-type", ""), CSRF_FIELD
            )
            expected = csrf_token_for(self.secret, cookie) if cookie else ""
            if not expected or not hmac.compare_digest(sent, expected):
                response = PlainTextResponse(
                    gettext(
                        "Formulaire expiré ou invalide (jeton CSRF). "
                        "Rechargez la page et réessayez."
                    ),
                    status_code=403,
                )
                await response(scope, receive, send)
                return
            receive = _replay(body)

        async def send_with_cookie(message: Message) -> None:
            if message["type"] == "http.response.start" and new_cookie:
                headers = MutableHeaders(scope=message)
                secure = "; Secure" if self.secure or scope.get("scheme") == "https" else ""
                headers.append(
                    "set-cookie",
                    f"{CSRF_COOKIE}={new_cookie}; Path=/; HttpOnly; SameSite=Lax{secure}",
                )
            await send(message)

        await self.app(scope, receive, send_with_cookie)


async def _read_body(receive: Receive) -> bytes:
    chunks = []
    while True:
        message = await receive()
        chunks.append(message.get("body", b""))
        if not message.get("more_body"):
            return b"".join(chunks)


def _replay(body: bytes) -> Receive:
    sent = False

    async def receive() -> Message:
        nonlocal sent
        if sent:
            return {"type": "http.disconnect"}
        sent = True
        return {"type": "http.request", "body": body, "more_body": False}

    return receive


class SecurityHeadersMiddleware:
    def __init__(self, app: ASGIApp, secure: bool = False) -> None:
        self.app = app
        self.secure = secure

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                headers.setdefault("content-security-policy", CONTENT_SECURITY_POLICY)
                headers.setdefault("x-content-type-options", "nosniff")
                headers.setdefault("x-frame-options", "DENY")
                headers.setdefault("referrer-policy", "same-origin")
                if self.secure:
                    headers.setdefault("strict-transport-security", "max-age=31536000")
            await send(message)

        await self.app(scope, receive, send_with_headers)
