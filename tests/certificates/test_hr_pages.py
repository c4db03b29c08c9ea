"""HR officers: who expires in 30/60/90 days in their scope, revocation and re-issue by page."""

from datetime import timedelta

import pytest

from certificates.models import Certificate
from tests.certificates.conftest import issued
from tests.conftest import add_staff, shown
from tests.quizzes.conftest import make_version
from training.auth import now
from training.models import AuditEvent


@pytest.fixture
async def expiring(world, version):
    """Certificates expiring in 10, 45, 80 and 200 days in MIN1, and in 10 days in MIN2."""
    people = {
        10: world.learner_a,
        45: world.learner_b,
        80: await add_staff("EST-1", world.est),
        200: await add_staff("A-2", world.dir_a),
    }
    for days, person in people.items():
        certificate = await issued(person, version)
        await Certificate.filter(id=certificate.id).update(expires_at=now() + timedelta(days))
    elsewhere = await issued(world.learner_min2, version)
    await Certificate.filter(id=elsewhere.id).update(expires_at=now() + timedelta(10))
    return people


@pytest.mark.parametrize(
    ("window", "expected"), [(30, ["L-A"]), (60, ["L-A", "L-B"]), (90, ["L-A", "L-B", "EST-1"])]
)
async def test_hr_sees_who_expires_soon_in_their_scope(client, world, expiring, window, expected):
    await client.login(world.hr_min1.email)
    page = await client.get("/certificates/manage", params={"within": window})
    listed = [
        number
        for number in ("L-A", "L-B", "EST-1", "A-2", "L-2")
        if f"<td>{number}</td>" in page.text
    ]
    assert listed == expected


async def test_the_course_filter_offers_the_courses_someone_is_certified_in(client, world, version):
    await issued(world.learner_min2, version)
    await make_version("passwords")  # nobody holds its certificate
    await client.login(world.hr_min1.email)
    page = await client.get("/certificates/manage")
    assert '<option value="hygiene">Cours d&#39;essai</option>' in page.text
    assert "passwords" not in page.text
    filtered = await client.get("/certificates/manage", params={"course": "hygiene"})
    assert '<option value="hygiene" selected>Cours d&#39;essai</option>' in filtered.text


async def test_hr_of_another_ministry_sees_only_their_own(client, world, expiring):
    await client.login(world.hr_min2.email)
    page = await client.get("/certificates/manage", params={"within": 90})
    assert "<td>L-2</td>" in page.text and "<td>L-A</td>" not in page.text


async def test_a_revoked_certificate_leaves_the_expiring_list(client, world, expiring):
    await client.login(world.hr_dir_a.email)
    certificate = await Certificate.get(staff_id=world.learner_a.id)
    response = await client.submit(
        f"/certificates/{certificate.id}/revoke", {"reason": "Compte partagé"}
    )
    assert response.status_code == 303
    page = await client.get("/certificates/manage", params={"within": 30})
    assert "<td>L-A</td>" not in page.text
    revoked = await client.get("/certificates/manage", params={"status": "revoked"})
    assert "<td>L-A</td>" in revoked.text
    event = await AuditEvent.get(action="certificate.revoked")
    assert event.actor_id == world.hr_dir_a.id and event.ip == "203.0.113.7"
    public = shown(await client.get(f"/verify/{certificate.shown_code}"))
    assert "Certificat révoqué" in public and "Compte partagé" in public


async def test_revocation_without_a_reason_is_refused_on_the_page(client, world, certificate):
    await client.login(world.admin.email)
    response = await client.submit(f"/certificates/{certificate.id}/revoke", {"reason": " "})
    assert response.status_code == 400 and "indiquez le motif" in shown(response)
    await certificate.refresh_from_db()
    assert certificate.revoked_at is None


async def test_a_reissue_by_page_shows_the_history(client, world, certificate):
    world.learner_a.full_name = "Agent L-A Corrigé"
    await world.learner_a.save()
    await client.login(world.hr_min1.email)
    response = await client.submit(
        f"/certificates/{certificate.id}/reissue", {"reason": "Nom corrigé"}
    )
    assert response.status_code == 303
    replacement = await Certificate.get(replaces_id=certificate.id)
    assert response.headers["location"].endswith(f"/certificates/{replacement.id}")
    page = shown(await client.get(f"/certificates/{replacement.id}"))
    assert "Agent L-A Corrigé" in page and "Nom corrigé" in page
    assert certificate.shown_code in page and "Remplacé" in page


async def test_reporters_read_but_do_not_revoke(client, world, certificate):
    await client.login(world.reporter.email)
    assert "<td>L-A</td>" in (await client.get("/certificates/manage")).text
    assert (await client.get(f"/certificates/{certificate.id}")).status_code == 200
    response = await client.submit(f"/certificates/{certificate.id}/revoke", {"reason": "x"})
    assert response.status_code == 403
