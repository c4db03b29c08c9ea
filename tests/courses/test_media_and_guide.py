"""Images served from the database with safe headers; the printable guide."""

from __future__ import annotations

from courses.models import MediaFile
from courses.routes import SVG_POLICY


async def test_an_svg_is_served_with_its_type_caching_and_a_policy_that_keeps_it_inert(
    client, world, demo_course
):
    await client.login("l-a@example.org")
    response = await client.get(f"/media/{demo_course.current_version_id}/schema.svg")
    assert response.status_code == 200 and response.content.startswith(b"<svg")
    assert response.headers["content-type"] == "image/svg+xml"
    assert response.headers["x-content-type-options"] == "nosniff"
    assert "max-age" in response.headers["cache-control"]
    assert response.headers["content-security-policy"] == SVG_POLICY


async def test_a_png_keeps_the_site_policy(client, world, demo_course):
    await MediaFile.create(
        version_id=demo_course.current_version_id,
        name="photo.png",
        content_type="image/png",
        data=b"\x89PNG\r\n\x1a\n",
    )
    await client.login("l-a@example.org")
    response = await client.get(f"/media/{demo_course.current_version_id}/photo.png")
    assert response.headers["content-type"] == "image/png"
    assert "default-src 'self'" in response.headers["content-security-policy"]


async def test_lesson_images_point_to_the_media_route_with_their_alt_text(
    client, world, demo_course
):
    await client.login("l-a@example.org")
    course = (await client.get("/courses/demo")).text
    first_lesson = course.split('href="')[1:]
    lesson_url = next(url.split('"')[0] for url in first_lesson if "/lessons/" in url)
    page = (await client.get(lesson_url)).text
    media = f"/media/{demo_course.current_version_id}/schema.svg"
    assert f'<img src="{media}" alt="Un message piégé annoté">' in page


async def test_the_guide_is_one_printable_page(client, world, demo_course):
    await client.login("l-a@example.org")
    page = (await client.get("/courses/demo/guide")).text
    assert "<h1>Les bons réflexes</h1>" in page
    assert "Prévenir le maCERT" in page
    assert 'class="hint no-print"' in page
    css = (await client.get("/static/amane.css")).text
    assert "@media print" in css
