"""A page's links are paths from the site's root, right behind a proxy whatever host it passes."""

import re

import httpx

from tests.conftest import Client


def links(page: str) -> set[str]:
    return set(re.findall(r'(?:href|action)="([^"#]+)"', page))


async def test_links_are_paths_from_the_root(client, world):
    await client.login(world.hr_min1.email)
    response = await client.get("/staff", headers={"host": "internal-name:8000"})
    assert response.status_code == 200
    found = links(response.text)
    assert "/staff/new" in found and "/logout" in found
    assert not [link for link in found if "internal-name" in link or "://" in link]


async def test_links_under_a_prefix_carry_it(app, world):
    transport = httpx.ASGITransport(app=app, root_path="/amane")
    async with Client(transport=transport, base_url="http://testserver/amane") as client:
        response = await client.get("/login")
    assert response.status_code == 200
    found = links(response.text)
    assert "/amane/login" in found
    assert not [link for link in found if link.startswith("/") and not link.startswith("/amane/")]


async def test_an_id_too_long_for_the_database_is_a_page_not_found(client, world):
    await client.login(world.learner_a.email)
    for path in (
        "/api/v1/attempts/99999999999999999999",
        "/quiz/attempts/99999999999999999999",
        f"/staff/{'9' * 30}",
    ):
        assert (await client.get(path)).status_code == 404, path
    assert (await client.get("/quiz/attempts/2147483648")).status_code == 404
    assert (await client.get("/quiz/attempts/999999999")).status_code == 404
