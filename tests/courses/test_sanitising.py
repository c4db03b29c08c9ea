"""Pack authors cannot inject script: raw HTML is refused by the checks and inert on the page."""

from __future__ import annotations

import re

from courses.models import Lesson
from courses.placeholders import DEFAULT_NAMES
from courses.rendering import render_markdown
from training.models import DeploymentSetting

HOSTILE = """\
Texte normal.

<script>alert("lesson")</script>

<img src="x" onerror="alert('img')">

[un lien](javascript:alert('link')) et ![image](javascript:alert('src'))

Un <a href="https://example.org" onclick="alert('a')">lien</a> en ligne.
"""

# A tag with an event handler, a script element, or a javascript: address.
ACTIVE = re.compile(r"<script|<[a-z][^>]*\son[a-z]+\s*=|(?:href|src)\s*=\s*\"?javascript:", re.I)


def test_rendering_keeps_no_active_content():
    html = render_markdown(HOSTILE, DEFAULT_NAMES["fr"], lambda name: f"/media/1/{name}")
    assert "Texte normal." in html
    assert not ACTIVE.search(html), html


def test_links_open_safely_and_images_come_from_the_media_route():
    html = render_markdown(
        "[Site](https://example.org)\n\n![Schéma](media/schema.svg)",
        DEFAULT_NAMES["fr"],
        lambda name: f"/media/7/{name}",
    )
    assert '<a href="https://example.org" rel="noopener noreferrer">Site</a>' in html
    assert '<img src="/media/7/schema.svg" alt="Schéma">' in html


async def test_a_hostile_lesson_in_the_database_reaches_the_page_inert(client, world, demo_course):
    lesson = await Lesson.get(version_id=demo_course.current_version_id, sequence=1)
    lesson.body = {"fr": HOSTILE}
    await lesson.save()
    await client.login("l-a@example.org")
    page = await client.get(f"/courses/demo/lessons/{lesson.id}")
    article = page.text.split('<article class="lesson"')[1].split("</article>")[0]
    assert "Texte normal." in article
    assert not ACTIVE.search(article), article


async def test_placeholders_are_filled_from_the_deployment_settings(client, world, demo_course):
    lesson = await Lesson.get(version_id=demo_course.current_version_id, sequence=1)
    await client.login("l-a@example.org")
    page = await client.get(f"/courses/demo/lessons/{lesson.id}")
    assert "Prévenez le maCERT, Centre de Veille" in page.text
    await DeploymentSetting.create(key="national_cert", value="le <b>CERT-MU</b>")
    page = await client.get(f"/courses/demo/lessons/{lesson.id}")
    assert "Prévenez le &lt;b&gt;CERT-MU&lt;/b&gt;." in page.text
