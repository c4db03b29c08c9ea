"""Fixtures: a migrated database per test, the app with its lifespan, a client, users."""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from dataclasses import dataclass

import httpx
import pytest

from server import Settings, create_app
from tests.databases import PostgresDatabases, SqliteDatabases, databases
from training.agencies import AgencyFields, save_agency
from training.i18n import compile_catalogs
from training.models import Agency, Role, Staff
from training.passwords import hash_password
from training.security import CSRF_COOKIE, csrf_token_for

PASSWORD = "correct horse battery staple"
SECRET = "test-secret-key"


@pytest.fixture(scope="session", autouse=True)
def compiled_translations() -> None:
    compile_catalogs()


@pytest.fixture(scope="session")
def migrated_db(tmp_path_factory) -> Iterator[SqliteDatabases | PostgresDatabases]:
    """The migrations applied once; each test gets a copy of the result."""
    template = databases(tmp_path_factory.mktemp("template"))
    template.migrate()
    yield template
    template.close()


@pytest.fixture
def database_url(tmp_path, migrated_db) -> Iterator[str]:
    """This test's own migrated database."""
    url = migrated_db.copy(tmp_path)
    yield url
    migrated_db.drop(url)


@pytest.fixture
def empty_database_url(tmp_path, migrated_db) -> Iterator[str]:
    """A database without any migration applied."""
    url = migrated_db.empty(tmp_path)
    yield url
    migrated_db.drop(url)


@pytest.fixture
def settings(tmp_path, database_url) -> Settings:
    return Settings(
        database_url=database_url,
        secret_key=SECRET,
        data_dir=tmp_path,
        password_hashing="fast",
        page_size=5,
        # Every dashboard counted afresh: a slow test machine must not make one stored.
        reports_live_seconds=3600,
    )


@pytest.fixture
async def app(settings):
    app = create_app(settings)
    async with app.router.lifespan_context(app):
        yield app


class Client(httpx.AsyncClient):
    """An httpx client that fills in the CSRF token the way the pages' forms do."""

    async def ensure_csrf(self) -> str:
        if CSRF_COOKIE not in self.cookies:
            await self.get("/login")
        return csrf_token_for(SECRET, self.cookies[CSRF_COOKIE])

    async def submit(self, url: str, data: dict | None = None, files=None) -> httpx.Response:
        token = await self.ensure_csrf()
        return await self.post(url, data={**(data or {}), "csrf_token": token}, files=files)

    async def login(self, identifier: str, password: str = PASSWORD) -> httpx.Response:
        return await self.submit("/login", {"identifier": identifier, "password": password})


@pytest.fixture
async def client(app):
    transport = httpx.ASGITransport(app=app, client=("203.0.113.7", 50000))
    async with Client(transport=transport, base_url="http://testserver") as client:
        yield client


@pytest.fixture
async def make_client(app):
    """More browsers, e.g. another person or another address."""
    clients = []

    def make(ip: str = "203.0.113.8") -> Client:
        transport = httpx.ASGITransport(app=app, client=(ip, 50000))
        clients.append(Client(transport=transport, base_url="http://testserver"))
        return clients[-1]

    yield make
    for made in clients:
        await made.aclose()


def csrf_from(html: str) -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert match, "the page has no CSRF token"
    return match.group(1)


@dataclass
class World:
    """Two ministries; the first has two directorates and a public establishment."""

    min1: Agency
    dir_a: Agency
    dir_b: Agency
    est: Agency
    min2: Agency
    admin: Staff
    reporter: Staff
    hr_min1: Staff
    hr_dir_a: Staff
    hr_min2: Staff
    learner_a: Staff
    learner_b: Staff
    learner_min2: Staff


async def add_agency(code: str, kind: str = "directorate", parent: str = "") -> Agency:
    return await save_agency(
        AgencyFields(code, f"Agence {code}", kind, parent_code=parent), actor=None
    )


async def add_staff(number: str, agency: Agency, role: Role = Role.LEARNER, **extra) -> Staff:
    return await Staff.create(
        registration_number=number,
        full_name=extra.pop("full_name", f"Agent {number}"),
        email=extra.pop("email", f"{number.lower()}@example.org"),
        agency=agency,
        role=role,
        password_hash=await hash_password(PASSWORD),
        **extra,
    )


@pytest.fixture
async def world(app) -> World:
    min1 = await add_agency("MIN1", "ministry")
    dir_a = await add_agency("MIN1-A", parent="MIN1")
    dir_b = await add_agency("MIN1-B", parent="MIN1")
    est = await add_agency("MIN1-EST", "public_establishment", parent="MIN1")
    min2 = await add_agency("MIN2", "ministry")
    return World(
        min1,
        dir_a,
        dir_b,
        est,
        min2,
        admin=await add_staff("ADM1", min1, Role.ADMIN),
        reporter=await add_staff("REP1", min1, Role.REPORTER),
        hr_min1=await add_staff("HR1", min1, Role.HR),
        hr_dir_a=await add_staff("HRA", dir_a, Role.HR),
        hr_min2=await add_staff("HR2", min2, Role.HR),
        learner_a=await add_staff("L-A", dir_a),
        learner_b=await add_staff("L-B", dir_b),
        learner_min2=await add_staff("L-2", min2),
    )


def shown(response: httpx.Response) -> str:
    """The page's text as a reader sees it (HTML entities decoded)."""
    return html.unescape(response.text)
