"""What a browser holds for a signed-in learner: the session cookie, the CSRF cookie and token."""

from __future__ import annotations

import asyncio
import re
from dataclasses import dataclass
from http.cookiejar import CookieJar, DefaultCookiePolicy

import httpx

from training.auth import SESSION_COOKIE
from training.security import CSRF_COOKIE

TOKEN_FIELD = re.compile(r'name="csrf_token" value="([0-9a-f]+)"')


@dataclass(frozen=True)
class Browser:
    session: str
    csrf_cookie: str
    csrf_token: str

    @property
    def cookie(self) -> str:
        return f"{SESSION_COOKIE}={self.session}; {CSRF_COOKIE}={self.csrf_cookie}"


def client(base_url: str, **options) -> httpx.AsyncClient:
    """A client that keeps no cookies: each request carries the cookies of its own learner."""
    jar = CookieJar(policy=DefaultCookiePolicy(allowed_domains=[]))
    return httpx.AsyncClient(base_url=base_url, cookies=jar, **options)


async def open_page(http: httpx.AsyncClient, session: str, path: str) -> Browser:
    """GET a page as the learner; the CSRF cookie comes back set, the token in the page's forms."""
    response = await http.get(path, headers={"Cookie": f"{SESSION_COOKIE}={session}"})
    response.raise_for_status()
    found = TOKEN_FIELD.search(response.text)
    if found is None:
        raise RuntimeError(f"{path}: no CSRF token in the page")
    return Browser(session, response.cookies[CSRF_COOKIE], found.group(1))


async def open_pages(
    base_url: str, sessions_and_paths: list[tuple[str, str]], concurrency: int = 8
) -> list[Browser]:
    """One browser per (session, path), opened a few at a time."""
    gate = asyncio.Semaphore(concurrency)
    async with client(base_url, timeout=30) as http:

        async def one(session: str, path: str) -> Browser:
            async with gate:
                return await open_page(http, session, path)

        return await asyncio.gather(*(one(s, p) for s, p in sessions_and_paths))
