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
