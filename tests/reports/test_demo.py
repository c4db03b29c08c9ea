"""The demo activity: what a first look at `make run` shows beyond empty pages."""

import re
from datetime import date
from pathlib import Path

from certificates.models import Certificate
from courses.models import Enrolment
from courses.packs import load_packs
from reports.demo import seed_activity
from tests.conftest import shown
from training.demo import DEMO_PASSWORD, seed_demo

CONTENT = Path(__file__).resolve().parents[2] / "content"


async def test_demo_activity_fills_the_dashboard_once(client):
    await load_packs(CONTENT)
    await seed_demo()
    assert await seed_activity(date.today())
    assert await Certificate.filter(revoked_at=None).count() == 3
    assert not await seed_activity(date.today())
    assert await Certificate.all().count() == 3
    started = await Enrolment.get(staff__email="salma.elamrani@amane.test", course__slug="phishing")
    assert started.completed_at is None

    await client.login("rh.finances@amane.test", DEMO_PASSWORD)
    dashboard = (await client.get("/reports")).text
    assert re.search(
        r'<dt>Ont terminé</dt><dd><a href="[^"]*/reports/list/completed[^"]*">3</a>', dashboard
    )
    assert "Mois de la cybersécurité" in shown(await client.get("/campaigns"))
