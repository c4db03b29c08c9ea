"""A real uvicorn server on loopback, with its own database, for the browser tests."""

from __future__ import annotations

import asyncio
import socket
import threading
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import uvicorn
from playwright.sync_api import Page, sync_playwright
from tortoise import Tortoise

from server import Settings, create_app
from tests.conftest import PASSWORD, SECRET
from training import database

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ARTIFACTS = Path(__file__).resolve().parents[1] / "test-artifacts"


class ServerThread(threading.Thread):
    """uvicorn on a socket that already listens, so the browser never races its start-up."""

    def __init__(self, app, sock: socket.socket) -> None:
        super().__init__(daemon=True)
        config = uvicorn.Config(app, lifespan="on", log_level="warning", ws="none", http="h11")
        self.server = uvicorn.Server(config)
        self.sock = sock

    def run(self) -> None:
        self.server.run(sockets=[self.sock])

    def stop(self) -> None:
        self.server.should_exit = True
        self.join(timeout=10)


async def _run(database_url: str, prepare: Callable[[], Awaitable[None]]) -> None:
    await Tortoise.init(config=database.tortoise_config(database_url))
    try:
        await prepare()
    finally:
        await Tortoise.close_connections()


@contextmanager
def serve(
    tmp_path: Path, database_url: str, prepare: Callable[[], Awaitable[None]]
) -> Iterator[str]:
    """The app on a free port, its data written by `prepare` first; yields the base URL."""
    ARTIFACTS.mkdir(exist_ok=True)
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    sock.listen()
    url = f"http://127.0.0.1:{sock.getsockname()[1]}"
    settings = Settings(
        database_url=database_url,
        secret_key=SECRET,
        data_dir=tmp_path,
        password_hashing="fast",
        public_url=url,
        reports_live_seconds=3600,
    )
    try:
        # The app first: its event subscribers (certificates) must hear what `prepare` does.
        app = create_app(settings)
        asyncio.run(_run(settings.database_url, prepare))
        thread = ServerThread(app, sock)
        thread.start()
        try:
            yield url
        finally:
            thread.stop()
    finally:
        sock.close()


@contextmanager
def browser_page(**options) -> Iterator[Page]:
    """A page of Debian's chromium, headless; the browser is closed afterwards."""
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield browser.new_page(**options)
        finally:
            browser.close()


def sign_in(page, base_url: str, email: str) -> None:
    """The French login form filled in and sent, as a person does."""
    page.goto(f"{base_url}/login")
    page.get_by_label("Adresse électronique ou matricule").fill(email)
    page.get_by_label("Mot de passe", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
